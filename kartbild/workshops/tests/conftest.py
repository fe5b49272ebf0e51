"""Workshop personas and small factories: two facilitators and an unrelated facilitator of
organisation A, units with headcounts, a series with one planned session."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kartbild.organisations.models import Unit
from kartbild.workshops import actions
from kartbild.workshops.models import LiveParticipant, Workshop, WorkshopSession


def member(organisation: Any, username: str, role: str) -> Any:
    from django.contrib.auth import get_user_model

    from kartbild.accounts.models import Membership

    user = get_user_model().objects.create_user(username=username, password="a-long-password-1")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def leader_a(organisation_a: Any) -> Any:
    return member(organisation_a, "leader_a", "facilitator")


@pytest.fixture
def co_leader_a(organisation_a: Any) -> Any:
    return member(organisation_a, "co_leader_a", "facilitator")


@pytest.fixture
def other_leader_a(organisation_a: Any) -> Any:
    return member(organisation_a, "other_leader_a", "facilitator")


@pytest.fixture
def units(organisation_a: Any) -> dict[str, Unit]:
    """Barn och utbildning (300) with Norrskolan (40) and Söderskolan (60) under it, and
    Socialförvaltningen (200)."""
    education = Unit.objects.create(
        organisation=organisation_a,
        code="BU",
        name="Barn och utbildning",
        level="forvaltning",
        headcount=300,
    )
    return {
        "education": education,
        "north": Unit.objects.create(
            organisation=organisation_a,
            parent=education,
            code="NS",
            name="Norrskolan",
            level="avdelning",
            headcount=40,
        ),
        "south": Unit.objects.create(
            organisation=organisation_a,
            parent=education,
            code="SS",
            name="Söderskolan",
            level="avdelning",
            headcount=60,
        ),
        "social": Unit.objects.create(
            organisation=organisation_a,
            code="SOC",
            name="Socialförvaltningen",
            level="forvaltning",
            headcount=200,
        ),
    }


@pytest.fixture
def workshop(organisation_a: Any) -> Workshop:
    return Workshop.objects.create(organisation=organisation_a, name="Värdegrundsdialog 2026")


@pytest.fixture
def session(workshop: Workshop, leader_a: Any, co_leader_a: Any) -> WorkshopSession:
    return actions.plan_session(
        workshop,
        on=datetime.date(2026, 3, 12),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 0),
        place="Stadshuset, sal 3",
        facilitators=[leader_a, co_leader_a],
    )


@pytest.fixture
def live_session(session: WorkshopSession) -> WorkshopSession:
    return actions.open_session(session)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def join(live_session: WorkshopSession) -> Callable[[], tuple[Client, LiveParticipant]]:
    """A new phone in the room: a client that has joined the live session."""

    def make() -> tuple[Client, LiveParticipant]:
        phone = Client()
        response = phone.post(f"/w/{live_session.join_code}/", {"do": "join"})
        assert response.status_code == 302
        newest = LiveParticipant.objects.filter(session=live_session).order_by("-pk").first()
        assert newest is not None
        return phone, newest

    return make


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Kartbild slides are cached by mapping id, and ids repeat between tests."""
    from django.core.cache import cache

    cache.clear()
