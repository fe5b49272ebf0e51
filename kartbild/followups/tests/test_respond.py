"""The respondent flow: open link, invitation code, protection, and paper answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kartbild.followups import actions
from kartbild.followups.models import FollowUpDraft, FollowUpResponse
from kartbild.followups.tests import factories

pytestmark = pytest.mark.django_db


def _answer_page(client: Client, round_: Any) -> str:
    response = client.post(reverse("followups:start", args=[round_.token]))
    assert response.status_code == 302
    return str(response["Location"])


def test_an_open_link_answer_is_stored_with_the_chosen_unit(
    organisation_a: Any, client: Client
) -> None:
    round_ = factories.follow_up(organisation_a)
    school = factories.unit(organisation_a, "Skolan")
    page = _answer_page(client, round_)
    form = client.get(page)
    assert form.status_code == 200
    assert "Stämmer inte alls" in form.content.decode() and "Vet ej" in form.content.decode()
    ids = list(round_.asked_statements().values_list("pk", flat=True))
    done = client.post(page, {"unit": str(school.pk), f"s{ids[0]}": "5", f"s{ids[1]}": "6"})
    assert done.status_code == 302 and done["Location"] == reverse("followups:thanks")
    stored = FollowUpResponse.objects.get()
    assert (stored.unit_id, bytes(stored.answers)) == (school.pk, bytes([5, 6, 0, 0]))
    assert not FollowUpDraft.objects.exists()


def test_an_empty_answer_is_refused_with_a_message(organisation_a: Any, client: Client) -> None:
    round_ = factories.follow_up(organisation_a)
    page = _answer_page(client, round_)
    response = client.post(page, {})
    assert response.status_code == 400
    assert "Svara på minst ett påstående" in response.content.decode()
    assert not FollowUpResponse.objects.exists()


def test_a_value_outside_the_scale_changes_nothing(organisation_a: Any, client: Client) -> None:
    round_ = factories.follow_up(organisation_a)
    page = _answer_page(client, round_)
    first = round_.asked_statements().first()
    assert first is not None
    response = client.post(page, {f"s{first.pk}": "9"})
    assert response.status_code == 400
    assert not FollowUpResponse.objects.exists()


def test_the_honeypot_stores_nothing_and_keeps_the_draft(
    organisation_a: Any, client: Client
) -> None:
    round_ = factories.follow_up(organisation_a)
    page = _answer_page(client, round_)
    first = round_.asked_statements().first()
    assert first is not None
    response = client.post(page, {f"s{first.pk}": "4", "website": "http://spam"})
    assert response.status_code == 400
    assert not FollowUpResponse.objects.exists()
    assert FollowUpDraft.objects.count() == 1


def test_a_draft_round_and_a_closed_round_take_no_answers(
    organisation_a: Any, client: Client
) -> None:
    draft_round = factories.follow_up(organisation_a, open=False)
    assert client.get(reverse("followups:start", args=[draft_round.token])).status_code == 410
    round_ = factories.follow_up(organisation_a, name="Andra")
    page = _answer_page(client, round_)
    actions.close_follow_up(round_)
    assert client.get(page).status_code in (404, 410)


def test_a_code_answers_for_its_unit_once(organisation_a: Any, client: Client) -> None:
    round_ = factories.follow_up(organisation_a)
    school = factories.unit(organisation_a, "Skolan")
    code = actions.generate_codes(round_, school, 1).codes.get()
    typed = code.code.lower().replace("-", " ")
    response = client.post(reverse("followups:code"), {"code": typed})
    assert response.status_code == 302
    page = response["Location"]
    form = client.get(page).content.decode()
    assert 'name="unit"' not in form  # the code gives the unit
    first = round_.asked_statements().first()
    assert first is not None
    assert client.post(page, {f"s{first.pk}": "3"}).status_code == 302
    assert FollowUpResponse.objects.get().unit_id == school.pk
    again = client.post(reverse("followups:code"), {"code": code.code})
    assert again.status_code == 400
    assert "redan använts" in again.content.decode()


def test_an_unknown_code_is_explained(client: Client, db: None) -> None:
    response = client.post(reverse("followups:code"), {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 400
    assert "Koden finns inte" in response.content.decode()


def _upload(client: Client, round_: Any, text: str) -> Any:
    return client.post(
        reverse("followups:paper_import", args=["ystad", round_.pk]),
        {"file": SimpleUploadedFile("svar.csv", text.encode())},
    )


def test_paper_answers_are_imported_whole(
    organisation_a: Any, admin_a: Any, client: Client
) -> None:
    round_ = factories.follow_up(organisation_a)
    factories.unit(organisation_a, "Skolan", code="SKO")
    client.force_login(admin_a)
    text = "enhet;påstående 1;påstående 2;påstående 3;påstående 4\nSKO;5;4;vet ej;\n;1;1;1;1\n"
    response = _upload(client, round_, text)
    assert response.status_code == 302
    stored = sorted(bytes(r.answers) for r in FollowUpResponse.objects.all())
    assert stored == [bytes([1, 1, 1, 1]), bytes([5, 4, 6, 0])]


def test_a_paper_file_with_errors_stores_nothing_and_names_each_line(
    organisation_a: Any, admin_a: Any, client: Client
) -> None:
    round_ = factories.follow_up(organisation_a)
    client.force_login(admin_a)
    text = (
        "enhet;påstående 1;påstående 2;påstående 3;påstående 4\n"
        ";5;4;3;2\n"
        "XYZ;5;4;3;2\n"
        ";7;;;\n"
        "SKO;;;;\n"
    )
    factories.unit(organisation_a, "Skolan", code="SKO")
    response = _upload(client, round_, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rad 3: okänd enhet ”XYZ”" in page
    assert "Rad 4: kolumn påstående 1: ”7” är inte 1–5 eller ”vet ej”" in page
    assert "Rad 5: raden har inga svar" in page
    assert not FollowUpResponse.objects.exists()


def test_a_paper_file_without_the_statement_columns_is_refused(
    organisation_a: Any, admin_a: Any, client: Client
) -> None:
    round_ = factories.follow_up(organisation_a)
    client.force_login(admin_a)
    response = _upload(client, round_, "enhet;svar\nSKO;5\n")
    assert response.status_code == 400
    assert "Kolumnen ”påstående 1” saknas" in response.content.decode()
    assert not FollowUpResponse.objects.exists()
