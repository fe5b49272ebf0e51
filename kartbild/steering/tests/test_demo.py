"""The demo's steering seed works with and without a värdegrund, follow-ups and a mapping."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kartbild.followups.models import FollowUp
from kartbild.steering import compass, demo
from kartbild.steering.models import Goal, Indicator, Source
from kartbild.workshops.models import Action

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_it_seeds_a_tree_indicators_and_actions(organisation_a: Any, framework_a: Any) -> None:
    follow_up = FollowUp.objects.create(
        organisation=organisation_a, framework=framework_a, name="Uppföljning 2026"
    )
    goals = demo.seed_demo(organisation_a, [framework_a], [follow_up], None, TODAY)
    assert [goal.level for goal in goals][:2] == ["vision", "goal"]
    assert Goal.objects.filter(organisation=organisation_a, core_values__isnull=False).exists()
    sample = Indicator.objects.get(kolada_kpi=demo.SAMPLE_KPI)
    assert set(sample.values.values_list("source", flat=True)) == {Source.KOLADA}
    assert "påhittade" in sample.description
    assert Action.objects.filter(organisation=organisation_a, follow_up=follow_up).exists()
    view = compass.follow_up_view(organisation_a)
    assert [row.indicator.name for row in view.indicators_without_actions]
    assert view.actions_without_measure


def test_it_seeds_without_a_värdegrund(organisation_a: Any) -> None:
    goals = demo.seed_demo(organisation_a, [], [], None, TODAY)
    assert len(goals) == 6
    assert not Goal.objects.filter(core_values__isnull=False).exists()
