"""Steering personas and small factories: a published värdegrund for organisations A and B,
a goal tree with an indicator for A, and members of A in every role."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from kartbild.corevalues.models import CoreValue, CoreValueFramework
from kartbild.steering import actions
from kartbild.steering.models import Goal, Indicator, Level

RECORDED = Path(__file__).parent / "kolada"


def member(organisation: Any, username: str, role: str, unit: Any = None) -> Any:
    from django.contrib.auth import get_user_model

    from kartbild.accounts.models import Membership

    user = get_user_model().objects.create_user(username=username, password="a-long-password-1")
    Membership.objects.create(user=user, organisation=organisation, role=role, unit=unit)
    return user


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def recorded(name: str) -> Callable[[str, float], bytes]:
    """A fetch that answers with a recorded Kolada response and remembers the URL asked for."""

    def fetch(url: str, timeout: float) -> bytes:
        fetch.urls.append(url)  # type: ignore[attr-defined]
        return (RECORDED / name).read_bytes()

    fetch.urls = []  # type: ignore[attr-defined]
    return fetch


@pytest.fixture
def facilitator_a(organisation_a: Any) -> Any:
    return member(organisation_a, "facilitator_a", "facilitator")


@pytest.fixture
def unit_manager_a(organisation_a: Any) -> Any:
    from kartbild.organisations.models import Unit

    unit = Unit.objects.create(
        organisation=organisation_a, code="SOC", name="Socialförvaltningen", level="forvaltning"
    )
    return member(organisation_a, "unit_manager_a", "unit_manager", unit)


def framework(organisation: Any, names: tuple[str, ...]) -> CoreValueFramework:
    found = CoreValueFramework.objects.create(
        organisation=organisation,
        name=f"Värdegrund {organisation.name}",
        status=CoreValueFramework.Status.PUBLISHED,
        published_on=datetime.date(2026, 1, 15),
    )
    for position, name in enumerate(names):
        CoreValue.objects.create(
            framework=found, name=name, description=f"Om {name}.", position=position
        )
    return found


@pytest.fixture
def framework_a(organisation_a: Any) -> CoreValueFramework:
    return framework(organisation_a, ("Tillit", "Mod"))


@pytest.fixture
def framework_b(organisation_b: Any) -> CoreValueFramework:
    return framework(organisation_b, ("Länkande ledarskap",))


@pytest.fixture
def tree_a(organisation_a: Any) -> dict[str, Goal]:
    """A vision, a goal under it and a sub-goal under that."""
    vision = actions.save_goal(
        organisation_a, None, name="Bättre tillsammans", level=Level.VISION, owner="KS"
    )
    goal = actions.save_goal(
        organisation_a, None, name="Nöjda medarbetare", level=Level.GOAL, parent=vision
    )
    subgoal = actions.save_goal(
        organisation_a, None, name="Lägre sjukfrånvaro", level=Level.SUBGOAL, parent=goal
    )
    return {"vision": vision, "goal": goal, "subgoal": subgoal}


@pytest.fixture
def indicator_a(tree_a: dict[str, Goal]) -> Indicator:
    return Indicator.objects.create(
        goal=tree_a["subgoal"],
        name="Sjukfrånvaro",
        unit="%",
        direction="lower",
        target_value=Decimal("6.0"),
        target_year=2028,
        kolada_kpi="N00090",
    )


@pytest.fixture
def goal_b(organisation_b: Any) -> Goal:
    return actions.save_goal(organisation_b, None, name="Brobygget", level=Level.VISION)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kolada is never asked for real in a test: a test that forgets to inject a recorded
    answer fails instead."""
    from kartbild.steering import kolada

    def refuse(url: str, timeout: float) -> bytes:
        pytest.fail(f"a test tried to reach the network: {url}")

    monkeypatch.setattr(kolada, "fetch_url", refuse)
