"""Värdegrund personas and small factories: every role of organisation A, and a framework with
two values, each with a behaviour for everyone and one for leaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kartbild.corevalues import actions
from kartbild.corevalues.models import CoreValueFramework


def member(organisation: Any, username: str, role: str, unit: Any = None) -> Any:
    from django.contrib.auth import get_user_model

    from kartbild.accounts.models import Membership

    user = get_user_model().objects.create_user(username=username, password="a-long-password-1")
    Membership.objects.create(user=user, organisation=organisation, role=role, unit=unit)
    return user


@pytest.fixture
def unit_manager_a(organisation_a: Any) -> Any:
    from kartbild.organisations.models import Unit

    unit = Unit.objects.create(
        organisation=organisation_a, name="Socialförvaltningen", level="forvaltning", code="SOC"
    )
    return member(organisation_a, "unit_manager_a", "unit_manager", unit)


@pytest.fixture
def facilitator_a(organisation_a: Any) -> Any:
    return member(organisation_a, "facilitator_a", "facilitator")


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def filled_draft(
    organisation: Any, catalogue: Any, name: str = "Bättre tillsammans"
) -> CoreValueFramework:
    """A draft with Tillit (linked to tillit and öppenhet) and Mod (linked to mod), each with
    one behaviour for everyone and one principle for leaders."""
    framework = actions.create_draft(organisation, name, "Så vill vi vara mot varandra.", catalogue)
    trust = actions.add_value(
        framework,
        "Tillit",
        "Vi litar på varandra.",
        catalogue.values.filter(slug__in=["tillit", "oppenhet"]),
    )
    actions.add_behaviour(trust, "Jag håller det jag lovar.")
    actions.add_behaviour(trust, "Jag delar ansvar och befogenheter.", "leaders", "principle")
    courage = actions.add_value(
        framework, "Mod", "Vi säger det som behöver sägas.", catalogue.values.filter(slug="mod")
    )
    actions.add_behaviour(courage, "Jag säger ifrån när något är fel.")
    actions.add_behaviour(courage, "Jag tar emot kritik utan att straffa.", "leaders")
    return framework


@pytest.fixture
def make_framework(organisation_a: Any, catalogue: Any) -> Callable[..., CoreValueFramework]:
    def make(name: str = "Bättre tillsammans") -> CoreValueFramework:
        return filled_draft(organisation_a, catalogue, name)

    return make


@pytest.fixture
def draft(make_framework: Callable[..., CoreValueFramework]) -> CoreValueFramework:
    return make_framework()


@pytest.fixture
def published(draft: CoreValueFramework) -> CoreValueFramework:
    import datetime

    return actions.publish(draft, datetime.date(2025, 5, 20))
