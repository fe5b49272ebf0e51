from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kartbild.accounts.models import AuditEvent, Network
from kartbild.mappings import actions

pytestmark = pytest.mark.django_db


def answer(mapping: Any, times: int, picks: list[str]) -> None:
    mp = mapping.perspectives.get(perspective="medarbetare")
    for _ in range(times):
        answers = actions.Answers(picks={q.pk: picks for q in mp.questions.all()})
        actions.record_response(mp, answers)


@pytest.fixture
def coordinator(organisation_a: Any, organisation_b: Any) -> Any:
    user = get_user_model().objects.create_user("samordnare")
    network = Network.objects.create(name="Kulturnätverket", slug="kultur")
    network.organisations.add(organisation_a, organisation_b)
    network.coordinators.add(user)
    return user


def overview(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("accounts:network", args=["kultur"]))
    assert response.status_code == 200
    return response.content.decode()


def rows(page: str) -> dict[str, str]:
    return {
        line.split("</th>")[0].rsplit(">", 1)[-1]: line
        for line in page.split("<tr>")
        if '<th scope="row">' in line
    }


def test_the_coordinator_sees_one_aggregate_per_organisation(
    coordinator: Any, organisation_a: Any, organisation_b: Any, make_mapping: Any, catalogue: Any
) -> None:
    closed = make_mapping(("medarbetare",))
    # One limiting pick of three, six times: a limiting share of 1/3.
    answer(closed, 6, ["byrakrati", "tillit", "mod"])
    actions.close_mapping(closed)
    theirs = actions.create_mapping(
        organisation_b, catalogue, "Strängnäs 2026", ("medarbetare",), picks=3
    )
    actions.open_mapping(theirs)
    answer(theirs, 4, ["kostnadsjakt", "forvirring", "mod"])
    actions.close_mapping(theirs)
    shown = rows(overview(coordinator))
    assert ">6<" in shown["Ystad"] and "33,3 %" in shown["Ystad"]
    # Four respondents are below the gate's threshold: nothing of theirs is shown.
    assert "För få svar för att visa" in shown["Strängnäs"]
    assert ">4<" not in shown["Strängnäs"] and "%" not in shown["Strängnäs"]
    assert AuditEvent.objects.filter(action="viewed_network", username="samordnare").exists()


def test_a_running_mapping_is_not_shown_to_the_coordinator(
    coordinator: Any, make_mapping: Any
) -> None:
    running = make_mapping(("medarbetare",))
    answer(running, 7, ["byrakrati", "tillit", "mod"])
    shown = rows(overview(coordinator))
    assert "Ingen avslutad kartläggning" in shown["Ystad"]
    assert ">7<" not in shown["Ystad"]


def test_a_coordinator_sees_nothing_of_the_organisations_themselves(
    coordinator: Any, organisation_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare",))
    client = Client()
    client.force_login(coordinator)
    for url in [
        reverse("organisations:dashboard", args=[organisation_a.slug]),
        reverse("mappings:results", args=[organisation_a.slug, mapping.pk]),
    ]:
        assert client.get(url).status_code == 404


def test_another_network_is_not_found(coordinator: Any) -> None:
    Network.objects.create(name="Annat", slug="annat")
    client = Client()
    client.force_login(coordinator)
    assert client.get(reverse("accounts:network", args=["annat"])).status_code == 404


def test_the_system_admin_creates_a_network_with_a_coordinator(
    organisation_a: Any, organisation_b: Any
) -> None:
    root = get_user_model().objects.create_superuser("root", "root@example.se")
    client = Client()
    client.force_login(root)
    url = reverse("accounts:system_networks")
    response = client.post(
        url,
        {
            "name": "Södra nätverket",
            "slug": "sodra",
            "organisations": [organisation_a.pk, organisation_b.pk],
            "coordinator_username": "samordnare",
            "coordinator_email": "samordnare@skr.example.se",
        },
    )
    assert response.status_code == 302
    network = Network.objects.get(slug="sodra")
    coordinator = network.coordinators.get()
    assert set(network.organisations.all()) == {organisation_a, organisation_b}
    # A coordinator is no member of any organisation, and chooses a password with the link.
    assert not coordinator.memberships.exists()
    assert not coordinator.has_usable_password()
    assert "/konto/valj-losenord/" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="created_network", username="root").exists()
