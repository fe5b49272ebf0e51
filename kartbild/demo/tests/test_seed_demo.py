"""The demo seed is for people, but it must work and be repeatable."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command

from kartbild.demo.simulation import draw_ballots
from kartbild.mappings.models import Mapping, Response
from kartbild.mappings.results import first_results
from kartbild.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_seeding_twice_leaves_one_demo_and_prints_the_logins() -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = Response.objects.count()
    call_command("seed_demo", stdout=out)
    assert Organisation.objects.filter(slug="exempelkommun").count() == 1
    assert Mapping.objects.count() == 1
    assert Response.objects.count() == first
    assert 300 <= first <= 1000
    text = out.getvalue()
    for login in ("admin", "analytiker", "chef", "ledare", "kartbild-demo", "/svara/"):
        assert login in text


def test_the_simulated_perspectives_see_different_cultures() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    results = {r.mapping_perspective.perspective: r for r in first_results(Mapping.objects.get())}
    employees = {row.value.slug for row in results["medarbetare"].questions[1].top}
    citizens = {row.value.slug for row in results["medborgare"].questions[1].top}
    assert employees != citizens
    assert all(not r.withheld for r in results.values())


def test_the_draw_takes_distinct_values_and_follows_the_weights() -> None:
    rng = np.random.default_rng(1)
    weights = np.log(np.array([8.0, 4.0, 2.0, 1.0, 1.0, 1.0]))
    ballots = draw_ballots(rng, weights, 4000, 2)
    assert all(len(set(row)) == 2 for row in ballots)
    counts = np.bincount(ballots.ravel(), minlength=6)
    assert counts[0] > counts[1] > counts[2] > counts[5]
