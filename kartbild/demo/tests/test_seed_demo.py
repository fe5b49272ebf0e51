"""The demo seed is for people, but it must work and be repeatable."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from kartbild.demo.simulation import draw_ballots
from kartbild.mappings.models import Mapping, Response
from kartbild.mappings.results import first_results
from kartbild.organisations.models import Organisation
from kartbild.workshops.models import Workshop

pytestmark = pytest.mark.django_db


def test_seeding_twice_leaves_one_demo_and_prints_the_logins() -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = Response.objects.count()
    call_command("seed_demo", stdout=out)
    assert Organisation.objects.filter(slug="exempelkommun").count() == 1
    assert Mapping.objects.count() == 2
    assert Response.objects.count() == first
    assert 300 <= first <= 1000
    text = out.getvalue()
    for login in ("admin", "analytiker", "chef", "ledare", "kartbild-demo", "/svara/"):
        assert login in text


def test_the_simulated_perspectives_see_different_cultures() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    current = Mapping.objects.get(status="open")
    results = {r.mapping_perspective.perspective: r for r in first_results(current)}
    employees = {row.value.slug for row in results["medarbetare"].questions[1].top}
    citizens = {row.value.slug for row in results["medborgare"].questions[1].top}
    assert employees != citizens
    assert all(not r.withheld for r in results.values())


def test_the_previous_round_is_closed_dated_back_and_linked() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    current = Mapping.objects.get(status="open")
    previous = current.previous_round
    assert previous is not None and previous.status == "closed"
    days = set(
        Response.objects.filter(mapping_perspective__mapping=previous).values_list(
            "submitted_on", flat=True
        )
    )
    assert days == {previous.closed_on}
    due = previous.purge_due_on()
    assert due is not None and due > timezone.localdate()
    old = Response.objects.filter(mapping_perspective__mapping=previous).count()
    new = Response.objects.filter(mapping_perspective__mapping=current).count()
    assert 0 < old < new


def test_the_demo_workshop_has_a_held_and_a_planned_session() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    workshop = Workshop.objects.get(organisation__slug="exempelkommun")
    held, planned = workshop.sessions.order_by("date")
    assert held.date < timezone.localdate() < planned.date
    assert held.invitations.count() == 24
    assert held.invitations.filter(attended=True).count() == 21
    assert {u.username for u in planned.facilitators.all()} == {"admin", "ledare"}


def test_the_draw_takes_distinct_values_and_follows_the_weights() -> None:
    rng = np.random.default_rng(1)
    weights = np.log(np.array([8.0, 4.0, 2.0, 1.0, 1.0, 1.0]))
    ballots = draw_ballots(rng, weights, 4000, 2)
    assert all(len(set(row)) == 2 for row in ballots)
    counts = np.bincount(ballots.ravel(), minlength=6)
    assert counts[0] > counts[1] > counts[2] > counts[5]
