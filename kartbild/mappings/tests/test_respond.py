"""The respondent flow over HTTP: open link, code, exact-N validation, drafts, thank-you."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kartbild.mappings import actions
from kartbild.mappings.models import Draft, InvitationCode, OpenAnswer, Response

pytestmark = pytest.mark.django_db


def answer_all(client: Any, key: str, mapping: Any, mp: Any, picks: list[str]) -> Any:
    for step in range(1, mp.questions.count() + 1):
        response = client.post(
            reverse("mappings:step", args=[key, step]), {"value": picks, "next": "1"}
        )
        assert response.status_code == 302, response.content.decode()[:500]
    return response


def start_open(client: Any, mp: Any) -> str:
    response = client.post(reverse("mappings:start", args=[mp.token]))
    assert response.status_code == 302
    return str(response["Location"].split("/")[2])


def test_a_respondent_answers_through_the_open_link(client: Any, make_mapping: Any) -> None:
    mapping = make_mapping(("medborgare",))
    mp = mapping.perspectives.get()
    assert client.get(reverse("mappings:start", args=[mp.token])).status_code == 200
    key = start_open(client, mp)
    answer_all(client, key, mapping, mp, ["tillit", "mod", "ansvar"])
    response = client.post(reverse("mappings:submit", args=[key]), {"send": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("mappings:thanks")
    stored = Response.objects.get()
    assert stored.mapping_perspective == mp
    assert stored.pick_matrix(3).shape == (3, 3)
    assert not Draft.objects.exists()


def test_it_names_the_problem_when_too_few_values_are_picked(
    client: Any, make_mapping: Any
) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    key = start_open(client, mp)
    response = client.post(
        reverse("mappings:step", args=[key, 1]), {"value": ["tillit"], "next": "1"}
    )
    assert response.status_code == 400
    assert "Välj exakt 3 värden. Du har valt 1." in response.content.decode()


def test_it_refuses_too_many_values(client: Any, make_mapping: Any) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    key = start_open(client, mp)
    picks = ["tillit", "mod", "ansvar", "lagarbete"]
    response = client.post(reverse("mappings:step", args=[key, 1]), {"value": picks, "next": "1"})
    assert response.status_code == 400
    assert "Du har valt 4" in response.content.decode()


def test_it_refuses_a_value_that_is_not_offered(client: Any, make_mapping: Any) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    key = start_open(client, mp)
    picks = ["tillit", "mod", "<script>alert(1)</script>"]
    response = client.post(reverse("mappings:step", args=[key, 1]), {"value": picks, "next": "1"})
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Response.objects.count() == 0


def test_the_values_are_shuffled_per_respondent(client: Any, make_mapping: Any) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    orders = set()
    for _ in range(6):
        key = start_open(client, mp)
        page = client.get(reverse("mappings:step", args=[key, 1])).content.decode()
        orders.add(tuple(sorted(("tillit", "mod", "ansvar", "lagarbete"), key=page.index)))
    assert len(orders) > 1


def test_a_respondent_with_a_code_resumes_the_draft(client: Any, make_mapping: Any) -> None:
    mapping = make_mapping(("medarbetare",))
    mp = mapping.perspectives.get()
    code = actions.generate_codes(mp, None, 1).codes.get()
    response = client.post(reverse("mappings:code"), {"code": code.code.lower().replace("-", " ")})
    key = response["Location"].split("/")[2]
    client.post(
        reverse("mappings:step", args=[key, 1]), {"value": ["tillit", "mod", "ansvar"], "next": "1"}
    )
    again = client.post(reverse("mappings:code"), {"code": code.code})
    assert again["Location"].split("/")[2] == key
    page = client.get(reverse("mappings:step", args=[key, 1])).content.decode()
    assert 'value="tillit" id="v-tillit" checked' in page


def test_a_code_is_spent_and_forgotten_by_the_answer(client: Any, make_mapping: Any) -> None:
    mapping = make_mapping(("medarbetare",))
    mp = mapping.perspectives.get()
    code = actions.generate_codes(mp, None, 1).codes.get()
    key = client.post(reverse("mappings:code"), {"code": code.code})["Location"].split("/")[2]
    answer_all(client, key, mapping, mp, ["tillit", "mod", "ansvar"])
    client.post(reverse("mappings:background", args=[key]), {"next": "1"})
    assert client.post(reverse("mappings:submit", args=[key]), {"send": "1"}).status_code == 302
    assert InvitationCode.objects.get().used
    assert not Draft.objects.exists()
    again = client.post(reverse("mappings:code"), {"code": code.code})
    assert again.status_code == 200
    assert "Koden har redan använts" in again.content.decode()
    assert Response.objects.count() == 1


def test_a_made_up_code_is_refused(client: Any, make_mapping: Any) -> None:
    make_mapping(("medarbetare",))
    for typed in ["AAAA-BBBB-CCCC", "1", "x" * 500, ""]:
        response = client.post(reverse("mappings:code"), {"code": typed})
        assert response.status_code == 200
        assert "errors" in response.content.decode()
    assert not Draft.objects.exists()


def test_a_closed_mapping_cannot_be_answered(client: Any, make_mapping: Any) -> None:
    mapping = make_mapping(("medborgare",))
    mp = mapping.perspectives.get()
    key = start_open(client, mp)
    answer_all(client, key, mapping, mp, ["tillit", "mod", "ansvar"])
    actions.close_mapping(mapping)
    response = client.post(reverse("mappings:submit", args=[key]), {"send": "1"})
    assert response.status_code in (404, 410)
    assert client.get(reverse("mappings:start", args=[mp.token])).status_code == 410
    assert Response.objects.count() == 0


def test_the_open_answer_is_stored_apart_from_the_response(client: Any, make_mapping: Any) -> None:
    mapping = make_mapping(
        ("medborgare",), open_question="Vad behöver förändras?", districts="Norr\nSöder"
    )
    mp = mapping.perspectives.get()
    key = start_open(client, mp)
    answer_all(client, key, mapping, mp, ["tillit", "mod", "ansvar"])
    response = client.post(
        reverse("mappings:background", args=[key]),
        {"district": "Norr", "open_answer": "Mer dialog", "next": "1"},
    )
    assert response.status_code == 302
    client.post(reverse("mappings:submit", args=[key]), {"send": "1"})
    assert Response.objects.get().district == "Norr"
    assert OpenAnswer.objects.get().text == "Mer dialog"
    assert not hasattr(OpenAnswer, "response")


def test_an_oversized_open_answer_is_refused_and_named(client: Any, make_mapping: Any) -> None:
    mapping = make_mapping(("medborgare",), open_question="Vad behöver förändras?")
    mp = mapping.perspectives.get()
    key = start_open(client, mp)
    answer_all(client, key, mapping, mp, ["tillit", "mod", "ansvar"])
    response = client.post(reverse("mappings:background", args=[key]), {"open_answer": "x" * 5000})
    assert response.status_code == 400
    assert "2000" in response.content.decode()


def test_an_unknown_draft_is_not_found(client: Any, make_mapping: Any) -> None:
    make_mapping()
    assert client.get(reverse("mappings:step", args=["nope", 1])).status_code == 404
    assert client.post(reverse("mappings:submit", args=["nope"])).status_code == 404


def test_elected_officials_are_never_asked_background_questions(
    client: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("fortroendevalda",), ask_age=True)
    mp = mapping.perspectives.get()
    key = start_open(client, mp)
    last = answer_all(client, key, mapping, mp, ["tillit", "mod", "ansvar"])
    assert last["Location"] == reverse("mappings:submit", args=[key])


def test_the_survey_is_swedish_unless_english_is_chosen(client: Any, make_mapping: Any) -> None:
    mp = make_mapping(("medborgare",)).perspectives.get()
    key = start_open(client, mp)
    url = reverse("mappings:step", args=[key, 1])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert '<html lang="sv">' in page and "Tillit" in page and "Trust" not in page
    client.post(reverse("set_language"), {"language": "en", "next": url})
    page = client.get(url).content.decode()
    assert '<html lang="en">' in page and "Trust" in page
