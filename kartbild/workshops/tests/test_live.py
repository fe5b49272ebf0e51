"""A live session: opening it, joining by code, voting, proposing statements, reflections and
words, and what the projector may show. Bad input gets a Swedish message and changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kartbild.workshops import actions, live
from kartbild.workshops.models import (
    JOIN_CODE_ALPHABET,
    LiveParticipant,
    Reflection,
    Statement,
    Vote,
    Word,
)
from kartbild.workshops.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_opening_a_session_gives_it_a_short_unambiguous_code(session: Any, leader_a: Any) -> None:
    response = signed_in(leader_a).post(
        f"/o/ystad/dialog/tillfalle/{session.pk}/live/", {"do": "open"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "live"
    assert len(session.join_code) == 6
    assert set(session.join_code) <= set(JOIN_CODE_ALPHABET)
    assert not set(session.join_code) & set("0O1IL5S2Z8B")
    console = signed_in(leader_a).get(f"/o/ystad/dialog/tillfalle/{session.pk}/live/")
    assert session.join_code in console.content.decode()
    assert "data:image/svg+xml" in console.content.decode()


def test_only_the_sessions_facilitators_and_admins_run_it(
    live_session: Any, admin_a: Any, other_leader_a: Any, analyst_a: Any, admin_b: Any
) -> None:
    base = f"/o/ystad/dialog/tillfalle/{live_session.pk}"
    for path in ("/live/", "/live/lage/", "/projektor/", "/projektor/lage/", "/sammanfattning/"):
        assert signed_in(admin_a).get(base + path).status_code == 200, path
        assert signed_in(other_leader_a).get(base + path).status_code == 403, path
        assert signed_in(analyst_a).get(base + path).status_code == 403, path
        assert signed_in(admin_b).get(base + path).status_code == 404, path
        assert Client().get(base + path).status_code == 302, path
    assert signed_in(other_leader_a).post(base + "/live/", {"do": "end"}).status_code == 403
    live_session.refresh_from_db()
    assert live_session.is_live


def test_a_participant_joins_by_code_without_anything_personal(live_session: Any) -> None:
    phone = Client()
    entered = phone.post("/w/", {"code": live_session.join_code.lower()})
    assert entered.status_code == 302
    assert entered["Location"] == f"/w/{live_session.join_code}/"
    page = phone.get(entered["Location"])
    assert "Gå med" in page.content.decode()
    assert LiveParticipant.objects.count() == 0
    joined = phone.post(entered["Location"], {"do": "join"})
    assert joined.status_code == 302
    participant = LiveParticipant.objects.get()
    cookie = joined.cookies[f"kartbild-dialog-{live_session.pk}"]
    assert cookie["httponly"]
    # The cookie is signed: its value carries the token and a signature, nothing else.
    assert cookie.value.startswith(participant.token + ":")
    assert "Titta på skärmen" in phone.get(entered["Location"]).content.decode()


def test_a_forged_cookie_is_not_a_participant(live_session: Any, join: Any) -> None:
    _phone, participant = join()
    forger = Client()
    forger.cookies[f"kartbild-dialog-{live_session.pk}"] = participant.token
    page = forger.get(f"/w/{live_session.join_code}/").content.decode()
    assert 'value="join"' in page


@pytest.mark.parametrize("code", ["QQQQQQ", "ÅÄÖ<b>", "1"])
def test_an_unknown_code_is_told_so(live_session: Any, code: str) -> None:
    response = Client().post("/w/", {"code": code})
    assert response.status_code == 404
    assert "Vi hittar ingen workshop med den koden" in response.content.decode()
    assert "<b>" not in response.content.decode()
    assert Client().get(f"/w/{code}/").status_code == 404


def test_guessing_codes_is_rate_limited(live_session: Any) -> None:
    from kartbild.mappings import protection

    phone = Client()
    for _ in range(protection.CODE_FAILURES.count):
        phone.post("/w/", {"code": "QQQQQQ"})
    limited = phone.post("/w/", {"code": live_session.join_code})
    assert limited.status_code == 429


def test_a_closed_session_says_it_is_over_and_keeps_the_answers(
    live_session: Any, join: Any
) -> None:
    phone, participant = join()
    statement = actions.add_statement(live_session, "Vi litar på varandra")
    actions.set_step(live_session, "statements")
    phone.post(
        f"/w/{live_session.join_code}/",
        {"do": "vote", "statement": statement.pk, "choice": "1"},
    )
    actions.end_session(live_session)
    page = phone.get(f"/w/{live_session.join_code}/")
    assert page.status_code == 410
    assert "Tillfället är avslutat" in page.content.decode()
    late = phone.post(
        f"/w/{live_session.join_code}/",
        {"do": "vote", "statement": statement.pk, "choice": "-1"},
    )
    assert late.status_code == 410
    assert Vote.objects.get().choice == 1
    with pytest.raises(actions.Rejected):
        actions.open_session(live_session)


def test_a_planned_session_cannot_be_joined_yet(session: Any) -> None:
    assert session.join_code == ""
    assert Client().post("/w/", {"code": "ACDEFG"}).status_code == 404


def test_voting_goes_through_the_statements_in_order(live_session: Any, join: Any) -> None:
    first = actions.add_statement(live_session, "Byråkrati präglar vår arbetsplats idag")
    second = actions.add_statement(live_session, "Vi behöver mer tillit på vår arbetsplats")
    actions.set_step(live_session, "statements")
    phone, participant = join()
    url = f"/w/{live_session.join_code}/"
    assert first.text in phone.get(url).content.decode()
    phone.post(url, {"do": "vote", "statement": first.pk, "choice": "-1"})
    assert second.text in phone.get(url).content.decode()
    phone.post(url, {"do": "vote", "statement": second.pk, "choice": "0"})
    assert "Du har tagit ställning till alla påståenden" in phone.get(url).content.decode()
    assert {(v.statement_id, v.choice) for v in participant.votes.all()} == {
        (first.pk, -1),
        (second.pk, 0),
    }
    # Voting again changes the vote rather than adding one.
    phone.post(url, {"do": "vote", "statement": first.pk, "choice": "1"})
    assert participant.votes.get(statement=first).choice == 1
    assert participant.votes.count() == 2


def test_a_votes_answer_is_the_next_statement_with_the_state_the_phone_polls(
    live_session: Any, join: Any
) -> None:
    first = actions.add_statement(live_session, "Byråkrati präglar vår arbetsplats idag")
    hidden = actions.add_statement(live_session, "Ett påstående som tas bort")
    second = actions.add_statement(live_session, "Vi behöver mer tillit på vår arbetsplats")
    actions.set_step(live_session, "statements")
    actions.moderate(hidden, Statement.Status.HIDDEN)
    phone, _participant = join()
    url = f"/w/{live_session.join_code}/"
    answer = phone.post(url, {"do": "vote", "statement": first.pk, "choice": "1"}).content.decode()
    assert second.text in answer and hidden.text not in answer
    assert "Du har tagit ställning till 1 påstående." in answer
    # The page's version is the one the state endpoint gives, or the phone would reload.
    version = phone.get(url + "lage.json").json()["version"]
    assert f'data-version="{version}"' in answer
    assert str(hidden.pk) not in version.split(":")[-1].split(",")


@pytest.mark.parametrize(
    "data",
    [
        {"do": "vote", "statement": "abc", "choice": "1"},
        {"do": "vote", "statement": "1", "choice": "2"},
        {"do": "vote", "statement": "999999", "choice": "1"},
        {"do": "explode"},
    ],
)
def test_bad_votes_get_a_message_and_change_nothing(
    live_session: Any, join: Any, data: dict[str, str]
) -> None:
    actions.add_statement(live_session, "Vi litar på varandra")
    actions.set_step(live_session, "statements")
    phone, _participant = join()
    response = phone.post(f"/w/{live_session.join_code}/", data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Vote.objects.count() == 0


def test_a_vote_on_a_hidden_statement_is_refused_with_a_message(
    live_session: Any, join: Any
) -> None:
    statement = actions.add_statement(live_session, "Vi litar på varandra")
    actions.set_step(live_session, "statements")
    phone, _participant = join()
    actions.moderate(statement, Statement.Status.HIDDEN)
    response = phone.post(
        f"/w/{live_session.join_code}/", {"do": "vote", "statement": statement.pk, "choice": "1"}
    )
    assert response.status_code == 400
    assert "Påståendet har tagits bort av samtalsledaren" in response.content.decode()
    assert Vote.objects.count() == 0


def test_a_proposal_waits_for_the_facilitator_and_is_escaped(
    live_session: Any, join: Any, leader_a: Any
) -> None:
    actions.set_step(live_session, "statements")
    phone, _participant = join()
    script = '<script>alert("x")</script> Vi pratar för lite om <b>mod</b>'
    response = phone.post(f"/w/{live_session.join_code}/", {"do": "propose", "text": script})
    assert response.status_code == 302
    proposal = Statement.objects.get()
    assert proposal.status == "pending"
    assert proposal.text == script
    console = signed_in(leader_a).get(f"/o/ystad/dialog/tillfalle/{live_session.pk}/live/lage/")
    html = console.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    # Not votable until accepted.
    assert script not in phone.get(f"/w/{live_session.join_code}/").content.decode()
    signed_in(leader_a).post(
        f"/o/ystad/dialog/tillfalle/{live_session.pk}/live/",
        {"do": "show", "statement": proposal.pk},
    )
    proposal.refresh_from_db()
    assert proposal.status == "shown"
    projector = signed_in(leader_a).get(f"/o/ystad/dialog/tillfalle/{live_session.pk}/projektor/")
    assert "<script>alert" not in projector.content.decode()
    assert "&lt;b&gt;mod&lt;/b&gt;" in projector.content.decode()


def test_a_flood_of_proposals_from_one_participant_is_limited(live_session: Any, join: Any) -> None:
    actions.set_step(live_session, "statements")
    phone, participant = join()
    url = f"/w/{live_session.join_code}/"
    for number in range(actions.PROPOSALS_PER_WINDOW):
        assert phone.post(url, {"do": "propose", "text": f"Förslag {number}"}).status_code == 302
    refused = phone.post(url, {"do": "propose", "text": "Ett förslag för mycket"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Vänta några minuter" in page
    # Nothing is lost: the text is still in the field.
    assert 'value="Ett förslag för mycket"' in page
    assert Statement.objects.count() == actions.PROPOSALS_PER_WINDOW
    # Another participant is not affected.
    other, _ = join()
    assert other.post(url, {"do": "propose", "text": "Mitt förslag"}).status_code == 302


def test_proposals_are_capped_per_session(live_session: Any, join: Any) -> None:
    _phone, participant = join()
    participant.proposals = actions.PROPOSALS_PER_SESSION
    participant.save()
    with pytest.raises(actions.Rejected, match="redan föreslagit"):
        actions.propose_statement(participant, "Ännu ett")


@pytest.mark.parametrize("text, message", [("", "Skriv ett påstående."), ("x" * 201, "högst 200")])
def test_a_bad_proposal_gets_a_message(
    live_session: Any, join: Any, text: str, message: str
) -> None:
    actions.set_step(live_session, "statements")
    phone, _participant = join()
    response = phone.post(f"/w/{live_session.join_code}/", {"do": "propose", "text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Statement.objects.count() == 0


def test_the_facilitator_adds_and_hides_statements(live_session: Any, leader_a: Any) -> None:
    console = signed_in(leader_a)
    url = f"/o/ystad/dialog/tillfalle/{live_session.pk}/live/"
    console.post(url, {"do": "add", "text": "  Vi   vågar säga ifrån "})
    statement = Statement.objects.get()
    assert (statement.text, statement.status, statement.origin) == (
        "Vi vågar säga ifrån",
        "shown",
        "prepared",
    )
    duplicate = console.post(url, {"do": "add", "text": "vi vågar säga ifrån"})
    assert duplicate.status_code == 400
    assert "Påståendet finns redan." in duplicate.content.decode()
    console.post(url, {"do": "hide", "statement": statement.pk})
    statement.refresh_from_db()
    assert statement.status == "hidden"
    bad = console.post(url, {"do": "hide", "statement": "nonsense"}, follow=True)
    assert "Påståendet finns inte längre." in bad.content.decode()
    console.post(url, {"do": "step", "step": "nonsense"})
    live_session.refresh_from_db()
    assert live_session.step == "lobby"


def test_statements_are_generated_from_the_kartbild(
    admin_a: Any, make_mapping: Any, workshop: Any, live_session: Any, leader_a: Any
) -> None:
    from kartbild.mappings import actions as mapping_actions

    mapping = make_mapping(("medarbetare",))
    workshop.mapping = mapping
    workshop.save()
    mp = mapping.perspectives.get()
    current = {q.pk: q for q in mp.questions.all()}
    for _ in range(6):
        picks = {}
        for pk, question in current.items():
            if question.kind == "current":
                picks[pk] = ["byrakrati", "kostnadsjakt", "lagarbete"]
            elif question.kind == "desired":
                picks[pk] = ["tillit", "mod", "lagarbete"]
            else:
                picks[pk] = ["tillit", "mod", "ansvar"]
        mapping_actions.record_response(mp, mapping_actions.Answers(picks=picks))
    live_session.refresh_from_db()
    texts = [item.text for item in live.generate_statements(live_session)]
    assert "Byrakrati präglar vår arbetsplats idag" in texts
    assert "Kostnadsjakt präglar vår arbetsplats idag" in texts
    assert any(text.startswith("Vi behöver mer Tillit") for text in texts)
    console = signed_in(leader_a)
    url = f"/o/ystad/dialog/tillfalle/{live_session.pk}/live/"
    console.post(url, {"do": "generate", "generated": ["Byrakrati präglar vår arbetsplats idag"]})
    statement = Statement.objects.get()
    assert statement.origin == "kartbild"
    assert statement.value is not None and statement.value.slug == "byrakrati"
    assert "Byrakrati präglar" not in " ".join(
        item.text for item in live.generate_statements(live_session)
    )
    # The kartbild slides show the top values, through the gate.
    slides = live.kartbild_slides(live_session)
    assert slides and slides[0].respondents == 6
    assert any(value.name == "Byrakrati" and value.limiting for s in slides for value in s.values)


def test_kartbild_slides_withhold_a_perspective_with_too_few_answers(
    make_mapping: Any, workshop: Any, live_session: Any
) -> None:
    from kartbild.mappings import actions as mapping_actions

    mapping = make_mapping(("medarbetare",))
    workshop.mapping = mapping
    workshop.save()
    mp = mapping.perspectives.get()
    for _ in range(4):
        picks = {q.pk: ["tillit", "mod", "ansvar"] for q in mp.questions.all()}
        mapping_actions.record_response(mp, mapping_actions.Answers(picks=picks))
    live_session.refresh_from_db()
    slides = live.kartbild_slides(live_session)
    assert len(slides) == 1 and slides[0].withheld and not slides[0].values
    assert live.generate_statements(live_session) == []


def test_statement_counts_are_withheld_below_the_threshold(live_session: Any, join: Any) -> None:
    statement = actions.add_statement(live_session, "Vi litar på varandra")
    phones = [join()[1] for _ in range(5)]
    for participant in phones[:4]:
        actions.vote(participant, statement.pk, 1)
    (result,) = live.statement_results(live_session)
    assert result.voters == 4 and not result.shown and result.agree is None
    actions.vote(phones[4], statement.pk, -1)
    (result,) = live.statement_results(live_session)
    assert (result.agree, result.disagree, result.passed) == (4, 1, 0)


def test_reflections_and_words_are_shown_only_when_enough_people_wrote(
    live_session: Any, join: Any, leader_a: Any
) -> None:
    actions.set_step(live_session, "words")
    needed = live.AnonymityPolicy().min_free_text
    phones = [join() for _ in range(needed)]
    url = f"/w/{live_session.join_code}/"
    for number, (phone, _participant) in enumerate(phones[:-1]):
        word = "Tillit" if number % 2 else "mod"
        assert phone.post(url, {"do": "word", "text": word}).status_code == 302
    assert not live.word_cloud(live_session).shown
    projector = signed_in(leader_a).get(f"/o/ystad/dialog/tillfalle/{live_session.pk}/projektor/")
    assert "Orden visas när minst" in projector.content.decode()
    phones[-1][0].post(url, {"do": "word", "text": "ansvar för kommande generationer"})
    cloud = live.word_cloud(live_session)
    counts = {word.word: word.count for word in cloud.words}
    assert counts == {"tillit": 3, "mod": 4, "ansvar för kommande generationer": 1}
    assert max(word.size for word in cloud.words if word.word == "mod") == 5
    assert [w.size for w in cloud.words if w.word == "ansvar för kommande generationer"] == [1]
    # One word each.
    again = phones[0][0].post(url, {"do": "word", "text": "öppenhet"})
    assert "Tack för ditt ord" in again.content.decode() or again.status_code == 200
    assert Word.objects.count() == needed
    with pytest.raises(actions.Rejected, match="redan gett"):
        actions.give_word(phones[0][1], "öppenhet")
    with pytest.raises(actions.Rejected, match="bokstäver"):
        actions.give_word(phones[1][1], "<img src=x>")
    projector = signed_in(leader_a).get(f"/o/ystad/dialog/tillfalle/{live_session.pk}/projektor/")
    html = projector.content.decode()
    assert '<span class="size-5">mod</span>' in html
    assert "<td>tillit</td><td>3</td>" in html

    actions.set_step(live_session, "reflection")
    for _phone, participant in phones[: needed - 1]:
        actions.reflect(participant, "Vi behöver prata mer med varandra.")
    assert not live.reflections(live_session).shown
    actions.reflect(phones[-1][1], "<em>Modigt</em>")
    shown = live.reflections(live_session)
    assert shown.shown and len(shown.texts) == needed
    assert Reflection.objects.count() == needed


def test_reflections_per_participant_are_limited(live_session: Any, join: Any) -> None:
    _phone, participant = join()
    for _ in range(actions.REFLECTIONS_PER_PARTICIPANT):
        actions.reflect(participant, "En tanke")
    with pytest.raises(actions.Rejected, match="redan skrivit"):
        actions.reflect(participant, "En tanke till")
    assert Reflection.objects.count() == actions.REFLECTIONS_PER_PARTICIPANT


def test_nothing_in_live_data_points_at_a_person() -> None:
    from kartbild.workshops.models import Reflection, Statement, Word

    for model in (LiveParticipant, Statement, Reflection, Word, Vote):
        names = {field.name for field in model._meta.get_fields()}
        assert not names & {"user", "attendee", "ip", "address", "name", "email", "created_at"}
    assert {field.name for field in LiveParticipant._meta.concrete_fields} == {
        "id",
        "session",
        "token",
        "proposals",
        "proposal_window_start",
        "proposals_in_window",
        "reflections",
        "gave_word",
    }


def test_the_participant_state_endpoint_changes_when_the_step_does(live_session: Any) -> None:
    url = f"/w/{live_session.join_code}/lage.json"
    before = Client().get(url).json()["version"]
    actions.set_step(live_session, "statements")
    after = Client().get(url).json()["version"]
    assert before != after
    assert Client().get("/w/QQQQQQ/lage.json").status_code == 404


def test_the_projector_shows_votes_arriving_but_not_how_people_voted(
    live_session: Any, join: Any, leader_a: Any
) -> None:
    statement = actions.add_statement(live_session, "Vi litar på varandra")
    actions.set_step(live_session, "statements")
    projector = signed_in(leader_a)
    url = f"/o/ystad/dialog/tillfalle/{live_session.pk}/projektor/lage/"
    assert "0 röster" in projector.get(url).content.decode()
    for _ in range(6):
        actions.vote(join()[1], statement.pk, 1)
    html = projector.get(url).content.decode()
    assert "6 röster" in html
    assert "Håller med" not in re.sub(r"<h1>.*?</h1>", "", html)


def test_joining_and_proposing_are_limited_per_client_address(
    live_session: Any, join: Any, monkeypatch: Any
) -> None:
    from kartbild.mappings import protection
    from kartbild.workshops import participate

    monkeypatch.setattr(participate, "JOIN", protection.Limit("workshop-join", 2, 600))
    monkeypatch.setattr(participate, "PROPOSE", protection.Limit("workshop-propose", 1, 600))
    phone, _participant = join()
    join()
    script = Client()
    refused = script.post(f"/w/{live_session.join_code}/", {"do": "join"})
    assert refused.status_code == 429
    assert LiveParticipant.objects.count() == 2
    url = f"/w/{live_session.join_code}/"
    assert phone.post(url, {"do": "propose", "text": "Ett förslag"}).status_code == 302
    second = phone.post(url, {"do": "propose", "text": "Ett till"})
    assert second.status_code == 400
    assert "Många förslag har kommit på kort tid" in second.content.decode()
    assert Statement.objects.count() == 1


def test_the_hot_requests_use_a_fixed_number_of_queries(
    live_session: Any, join: Any, leader_a: Any, django_assert_max_num_queries: Any
) -> None:
    """A vote, a phone's poll and the projector's poll cost the same however many people are
    in the room: 200 phones and a projector polling twice a second depend on it."""
    statements = [actions.add_statement(live_session, f"Påstående {n}") for n in range(5)]
    actions.set_step(live_session, "statements")
    phones = [join() for _ in range(12)]
    for _phone, participant in phones[1:]:
        for statement in statements:
            actions.vote(participant, statement.pk, 1)
    phone = phones[0][0]
    url = f"/w/{live_session.join_code}/"
    with django_assert_max_num_queries(8):
        phone.post(url, {"do": "vote", "statement": statements[0].pk, "choice": "1"})
    with django_assert_max_num_queries(2):
        phone.get(url + "lage.json")
    projector = signed_in(leader_a)
    with django_assert_max_num_queries(10):
        projector.get(f"/o/ystad/dialog/tillfalle/{live_session.pk}/projektor/lage/")
