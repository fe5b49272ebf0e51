"""Creating, configuring, opening and closing a mapping, for each persona."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kartbild.mappings.models import Mapping, Question

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_mapping_with_default_questions(
    client: Any, admin_a: Any, catalogue: Any
) -> None:
    client.force_login(admin_a)
    response = client.post(
        reverse("mappings:create", args=["ystad"]),
        {
            "name": "Kartläggning 2027",
            "catalogue": catalogue.pk,
            "picks": 10,
            "perspectives": ["medarbetare", "medborgare"],
        },
    )
    assert response.status_code == 302
    mapping = Mapping.objects.get()
    assert mapping.status == "draft"
    keys = {(q.mapping_perspective.perspective, q.key) for q in Question.objects.all()}
    assert ("medarbetare", "current:workplace") in keys
    assert ("medborgare", "desired:community") in keys


@pytest.mark.parametrize("picks", ["2", "16", "abc"])
def test_picks_outside_3_to_15_are_refused(
    client: Any, admin_a: Any, catalogue: Any, picks: str
) -> None:
    client.force_login(admin_a)
    response = client.post(
        reverse("mappings:create", args=["ystad"]),
        {"name": "X", "catalogue": catalogue.pk, "picks": picks, "perspectives": ["medarbetare"]},
    )
    assert response.status_code == 200
    assert "errors" in response.content.decode()
    assert not Mapping.objects.exists()


def test_closing_before_opening_dates_are_refused(
    client: Any, admin_a: Any, catalogue: Any
) -> None:
    client.force_login(admin_a)
    response = client.post(
        reverse("mappings:create", args=["ystad"]),
        {
            "name": "X",
            "catalogue": catalogue.pk,
            "picks": 10,
            "perspectives": ["medarbetare"],
            "opens_on": "2026-05-01",
            "closes_on": "2026-04-01",
        },
    )
    assert "Slutdatum kan inte ligga före startdatum" in response.content.decode()


def test_an_admin_configures_questions_of_a_draft(
    client: Any, admin_a: Any, make_mapping: Any, catalogue: Any
) -> None:
    mapping = make_mapping(("medarbetare",), open=False)
    client.force_login(admin_a)
    response = client.post(
        reverse("mappings:configure", args=["ystad", mapping.pk]),
        {
            "name": mapping.name,
            "catalogue": catalogue.pk,
            "picks": 5,
            "medarbetare": ["current:sweden", "desired:sweden", "personal"],
        },
    )
    assert response.status_code == 302
    mp = mapping.perspectives.get()
    assert [q.key for q in mp.questions.all()] == ["personal", "current:sweden", "desired:sweden"]


def test_an_open_mapping_cannot_be_configured(
    client: Any, admin_a: Any, make_mapping: Any, catalogue: Any
) -> None:
    mapping = make_mapping(("medarbetare",))
    client.force_login(admin_a)
    client.post(
        reverse("mappings:configure", args=["ystad", mapping.pk]),
        {"name": "Nytt namn", "catalogue": catalogue.pk, "picks": 5, "medarbetare": ["personal"]},
    )
    mapping.refresh_from_db()
    assert mapping.name != "Nytt namn"
    assert mapping.perspectives.get().questions.count() == 3


def test_open_and_close(client: Any, admin_a: Any, make_mapping: Any) -> None:
    mapping = make_mapping(open=False)
    client.force_login(admin_a)
    url = reverse("mappings:status", args=["ystad", mapping.pk])
    client.post(url, {"status": "open"})
    mapping.refresh_from_db()
    assert mapping.status == "open"
    client.post(url, {"status": "closed"})
    mapping.refresh_from_db()
    assert mapping.status == "closed"
    response = client.post(url, {"status": "open"}, follow=True)
    assert "En stängd kartläggning kan inte öppnas igen" in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.status == "closed"


def test_pages_answer_each_persona_as_expected(
    client: Any, admin_a: Any, analyst_a: Any, admin_b: Any, make_mapping: Any
) -> None:
    mapping = make_mapping()
    admin_only = ["mappings:configure", "mappings:rates", "mappings:paper_import"]
    readable = ["mappings:detail", "mappings:results"]
    for persona, expected_admin, expected_read in [
        (admin_a, 200, 200),
        (analyst_a, 403, 200),
        (admin_b, 404, 404),
    ]:
        client.force_login(persona)
        for name in readable:
            assert (
                client.get(reverse(name, args=["ystad", mapping.pk])).status_code == expected_read
            ), (persona, name)
        for name in admin_only:
            status = client.get(reverse(name, args=["ystad", mapping.pk]), follow=True).status_code
            assert status == expected_admin, (persona, name)
    client.logout()
    response = client.get(reverse("mappings:detail", args=["ystad", mapping.pk]))
    assert response.status_code == 302 and "logga-in" in response["Location"]
