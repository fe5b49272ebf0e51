"""Response rates go through the anonymity gate: no small unit, and no unit that could be
worked out by subtracting shown siblings from a shown parent."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kartbild.mappings import actions
from kartbild.organisations.models import Unit

pytestmark = pytest.mark.django_db


def answer(mp: Any, unit: Unit | None, times: int) -> None:
    for _ in range(times):
        picks = {q.pk: ["tillit", "mod", "ansvar"] for q in mp.questions.all()}
        actions.record_response(mp, actions.Answers(picks=picks, unit_id=unit.pk if unit else None))


def test_a_small_unit_and_the_sibling_that_would_reveal_it_are_withheld(
    client: Any, admin_a: Any, organisation_a: Any, make_mapping: Any
) -> None:
    top = Unit.objects.create(
        organisation=organisation_a, code="HR", name="HR-avdelningen", level="forvaltning"
    )
    small = Unit.objects.create(
        organisation=organisation_a,
        parent=top,
        code="A",
        name="Arbetsmiljö",
        level="avdelning",
        headcount=6,
    )
    large = Unit.objects.create(
        organisation=organisation_a,
        parent=top,
        code="L",
        name="Lön och pension",
        level="avdelning",
        headcount=12,
    )
    mp = make_mapping(("medarbetare",)).perspectives.get()
    answer(mp, small, 3)
    answer(mp, large, 8)
    client.force_login(admin_a)
    page = client.get(reverse("mappings:rates", args=["ystad", mp.mapping.pk])).content.decode()
    rows = {
        line.split("</th>")[0].rsplit(">", 1)[-1]: line
        for line in page.split("<tr>")
        if "</th>" in line
    }
    assert "färre än 5" in rows["Arbetsmiljö"]
    assert ">8<" not in rows["Lön och pension"] and "räknas ut" in rows["Lön och pension"]
    assert ">11<" in rows["HR-avdelningen"]


def test_response_counts_per_perspective_below_the_threshold_are_withheld(
    client: Any, admin_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    answer(mapping.perspectives.get(perspective="medborgare"), None, 2)
    answer(mapping.perspectives.get(perspective="medarbetare"), None, 6)
    client.force_login(admin_a)
    page = client.get(reverse("mappings:rates", args=["ystad", mapping.pk])).content.decode()
    assert "färre än 5" in page
    assert ">6<" in page and ">2<" not in page
