"""Open links under attack: rate limits, the honeypot, the minimum answering time, burst reports."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kartbild.mappings import actions, protection
from kartbild.mappings.models import BurstEvent, Draft, RateCounter, Response

pytestmark = pytest.mark.django_db

PICKS = ["tillit", "mod", "ansvar"]


def start_open(client: Client, mp: Any) -> str:
    response = client.post(reverse("mappings:start", args=[mp.token]))
    assert response.status_code == 302, response.content.decode()[:300]
    return str(response["Location"].split("/")[2])


def answer(client: Client, mp: Any) -> str:
    key = start_open(client, mp)
    for step in range(1, mp.questions.count() + 1):
        client.post(reverse("mappings:step", args=[key, step]), {"value": PICKS})
    return key


def send(client: Client, key: str, **extra: str) -> Any:
    return client.post(reverse("mappings:submit", args=[key]), {"send": "1", **extra})


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(
    client: Client, make_mapping: Any
) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    page = client.get(reverse("mappings:start", args=[mp.token])).content.decode()
    # The field is inside an element with the hidden attribute: not shown, not focusable, not
    # in the accessibility tree.
    assert re.search(r'<div hidden>.*name="website"', page)
    key = answer(client, mp)
    assert 'name="website"' in client.get(reverse("mappings:submit", args=[key])).content.decode()


def test_a_filled_honeypot_starts_nothing(client: Client, make_mapping: Any) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    response = client.post(
        reverse("mappings:start", args=[mp.token]), {"website": "http://spam.example"}
    )
    assert response.status_code == 400
    assert "Det gick inte att börja svara" in response.content.decode()
    assert not Draft.objects.exists()


def test_a_filled_honeypot_stores_no_response_and_keeps_the_draft(
    client: Client, make_mapping: Any
) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    key = answer(client, mp)
    response = send(client, key, website="x")
    assert response.status_code == 400
    assert "Svaret kunde inte tas emot" in response.content.decode()
    assert not Response.objects.exists()
    assert Draft.objects.filter(key=key).exists()
    assert send(client, key).status_code == 302
    assert Response.objects.count() == 1


def test_a_submission_sooner_than_a_person_can_answer_is_refused_until_time_has_passed(
    client: Client, make_mapping: Any, settings: Any
) -> None:
    settings.RESPONSE_MIN_SECONDS = 60
    mp = make_mapping(("medborgare",)).perspectives.get()
    key = answer(client, mp)
    response = send(client, key)
    assert response.status_code == 400
    assert "snabbare än det går att läsa frågorna" in response.content.decode()
    assert not Response.objects.exists()
    Draft.objects.filter(key=key).update(started_at=timezone.now() - timedelta(seconds=61))
    assert send(client, key).status_code == 302
    assert Response.objects.count() == 1


def test_starting_is_limited_per_client_with_an_accessible_429(
    make_mapping: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(protection, "START", protection.Limit("start", 3, 600))
    mp = make_mapping(("medborgare",)).perspectives.get()
    crowd = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        start_open(crowd, mp)
    refused = crowd.post(reverse("mappings:start", args=[mp.token]))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    page = refused.content.decode()
    assert '<html lang="sv">' in page and "<h1>För många försök just nu</h1>" in page
    assert "Vänta 10 minuter" in page
    assert Draft.objects.count() == 3
    # Another client is not affected.
    start_open(Client(REMOTE_ADDR="198.51.100.8"), mp)
    # The address is never stored, not even in the counters.
    for key in RateCounter.objects.values_list("key", flat=True):
        assert "198.51.100" not in key and len(key) == 64


def test_submitting_is_limited_per_client(
    client: Client, make_mapping: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(protection, "SUBMIT", protection.Limit("submit", 2, 600))
    mp = make_mapping(("medborgare",)).perspectives.get()
    keys = [answer(client, mp) for _ in range(3)]
    assert send(client, keys[0]).status_code == 302
    assert send(client, keys[1]).status_code == 302
    assert send(client, keys[2]).status_code == 429
    assert Response.objects.count() == 2
    assert Draft.objects.filter(key=keys[2]).exists()


def test_failed_codes_lock_the_code_form_for_that_client(
    make_mapping: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(protection, "CODE_FAILURES", protection.Limit("code-failures", 5, 600))
    mp = make_mapping(("medarbetare",)).perspectives.get()
    code = actions.generate_codes(mp, None, 1).codes.get()
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(5):
        response = guesser.post(reverse("mappings:code"), {"code": f"AAAA-BBBB-CCC{attempt}"})
        assert response.status_code == 200
        assert "Koden finns inte" in response.content.decode()
    # Now even the right code is refused from that client, and nothing is started ...
    assert guesser.post(reverse("mappings:code"), {"code": code.code}).status_code == 429
    assert not Draft.objects.exists()
    # ... while a correct code from elsewhere works, and successes are not counted.
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert other.post(reverse("mappings:code"), {"code": code.code}).status_code == 302


def test_a_burst_of_open_link_submissions_is_reported_to_the_admin_only(
    client: Client, make_mapping: Any, monkeypatch: Any, admin_a: Any, analyst_a: Any
) -> None:
    monkeypatch.setitem(protection.BURST_THRESHOLDS, BurstEvent.Kind.SUBMITTED, 3)
    mapping = make_mapping(("medborgare",))
    mp = mapping.perspectives.get()
    for _ in range(2):
        assert send(client, answer(client, mp)).status_code == 302
    assert not BurstEvent.objects.exists()
    for _ in range(2):
        assert send(client, answer(client, mp)).status_code == 302
    event = BurstEvent.objects.get()
    assert (event.mapping_perspective, event.kind, event.count) == (mp, "submitted", 4)
    assert event.window_end - event.window_start == timedelta(minutes=10)
    url = reverse("mappings:detail", args=["ystad", mapping.pk])
    client.force_login(admin_a)
    page = client.get(url).content.decode()
    assert "Misstänkt många svar eller försök" in page and "Många inskickade svar" in page
    client.force_login(analyst_a)
    assert "Misstänkt många svar" not in client.get(url).content.decode()


def test_refused_attempts_make_a_burst_too(
    client: Client, make_mapping: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(protection.BURST_THRESHOLDS, BurstEvent.Kind.REFUSED, 2)
    mp = make_mapping(("medborgare",)).perspectives.get()
    for _ in range(2):
        client.post(reverse("mappings:start", args=[mp.token]), {"website": "x"})
    assert BurstEvent.objects.get().kind == "refused"


def test_submissions_with_a_code_are_not_counted_as_open_link_bursts(
    client: Client, make_mapping: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(protection.BURST_THRESHOLDS, BurstEvent.Kind.SUBMITTED, 1)
    mp = make_mapping(("medarbetare",)).perspectives.get()
    code = actions.generate_codes(mp, None, 1).codes.get()
    key = client.post(reverse("mappings:code"), {"code": code.code})["Location"].split("/")[2]
    for step in range(1, mp.questions.count() + 1):
        client.post(reverse("mappings:step", args=[key, step]), {"value": PICKS})
    client.post(reverse("mappings:background", args=[key]), {})
    assert send(client, key).status_code == 302
    assert not BurstEvent.objects.exists()


def test_ended_windows_are_forgotten(make_mapping: Any) -> None:
    RateCounter.objects.create(key="0" * 64, count=9, expires_at=timezone.now())
    mp = make_mapping(("medborgare",)).perspectives.get()
    start_open(Client(), mp)
    assert not RateCounter.objects.filter(key="0" * 64).exists()
    assert RateCounter.objects.count() == 1


def test_behind_a_proxy_the_configured_header_names_the_client(settings: Any, rf: Any) -> None:
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.5")
    assert protection.client_address(request) == "192.0.2.5"
    settings.CLIENT_IP_HEADER = ""
    assert protection.client_address(request) == "10.0.0.1"


def test_no_table_holds_the_client_address_after_an_answer(make_mapping: Any) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    respondent = Client(REMOTE_ADDR="198.51.100.77")
    assert send(respondent, answer(respondent, mp)).status_code == 302
    respondent.post(reverse("mappings:code"), {"code": "AAAA-BBBB-CCCC"})
    assert Response.objects.count() == 1 and RateCounter.objects.exists()
    everything = StringIO()
    call_command("dumpdata", stdout=everything)
    assert "198.51.100.77" not in everything.getvalue()
