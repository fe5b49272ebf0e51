from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from kartbild.accounts import audit
from kartbild.accounts.models import AuditEvent
from kartbild.mappings import actions
from kartbild.mappings.models import Response

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_viewing_results_and_downloading_codes_and_letters_are_recorded(
    admin_a: Any, analyst_a: Any, organisation_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare",))
    batch = actions.generate_codes(mapping.perspectives.get(), None, 2)
    signed_in(analyst_a).get(reverse("mappings:results", args=["ystad", mapping.pk]))
    admin = signed_in(admin_a)
    admin.get(reverse("mappings:batch_csv", args=["ystad", mapping.pk, batch.pk]))
    admin.get(reverse("mappings:batch_pdf", args=["ystad", mapping.pk, batch.pk]))
    events = list(AuditEvent.objects.order_by("at", "pk"))
    assert [(e.username, e.action, e.organisation) for e in events] == [
        ("analyst_a", "viewed_results", organisation_a),
        ("admin_a", "downloaded_codes_csv", organisation_a),
        ("admin_a", "downloaded_letters_pdf", organisation_a),
    ]
    assert events[0].object_label == "Kartläggning 2026"


def test_a_refused_request_records_nothing(admin_b: Any, analyst_a: Any, make_mapping: Any) -> None:
    mapping = make_mapping(("medarbetare",))
    batch = actions.generate_codes(mapping.perspectives.get(), None, 2)
    assert (
        signed_in(admin_b).get(reverse("mappings:results", args=["ystad", mapping.pk])).status_code
        == 404
    )
    csv = reverse("mappings:batch_csv", args=["ystad", mapping.pk, batch.pk])
    assert signed_in(analyst_a).get(csv).status_code == 403
    assert not AuditEvent.objects.exists()


def test_answering_a_mapping_records_nothing(client: Client, make_mapping: Any) -> None:
    mapping = make_mapping(("medarbetare",))
    mp = mapping.perspectives.get()
    response = client.post(reverse("mappings:start", args=[mp.token]))
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_the_log_never_points_at_a_response(admin_a: Any, make_mapping: Any) -> None:
    mp = make_mapping(("medarbetare",)).perspectives.get()
    stored = actions.record_response(
        mp, actions.Answers(picks={q.pk: ["tillit", "mod", "ansvar"] for q in mp.questions.all()})
    )
    request = RequestFactory().get("/")
    request.user = admin_a
    with pytest.raises(ValueError, match="respondent"):
        audit.record(request, "viewed_results", Response.objects.get(pk=stored.pk))


def test_an_unknown_action_is_a_programming_error(admin_a: Any) -> None:
    request = RequestFactory().get("/")
    request.user = admin_a
    with pytest.raises(ValueError, match="ACTIONS"):
        audit.record(request, "viewd_results")


def test_the_admin_reads_their_own_organisations_log_only(
    admin_a: Any, analyst_a: Any, admin_b: Any, make_mapping: Any, organisation_b: Any
) -> None:
    mapping = make_mapping(("medarbetare",))
    signed_in(analyst_a).get(reverse("mappings:results", args=["ystad", mapping.pk]))
    request = RequestFactory().get("/")
    request.user = admin_b
    audit.record(request, "created_account", admin_b, organisation=organisation_b)
    page = signed_in(admin_a).get(reverse("accounts:audit_log", args=["ystad"]))
    text = page.content.decode()
    assert "analyst_a" in text and "Visade resultat" in text and "Kartläggning 2026" in text
    assert "admin_b" not in text
    assert (
        signed_in(analyst_a).get(reverse("accounts:audit_log", args=["ystad"])).status_code == 403
    )
