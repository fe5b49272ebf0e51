"""Opinion groups on the projector, the summary page and PDF, and actions (åtgärder)."""

from __future__ import annotations

import datetime
import subprocess
from typing import Any

import pytest

from kartbild.lib.templatetags.kartbild import percent
from kartbild.workshops import actions, live
from kartbild.workshops.models import Action, WorkshopSession
from kartbild.workshops.tests.conftest import signed_in

pytestmark = pytest.mark.django_db

STATEMENTS = [
    "Byråkrati präglar vår arbetsplats idag",
    "Vi litar på varandra",
    "Chefer lyssnar på medarbetarna",
    "Vi vågar säga ifrån",
    "Kostnadsjakt styr besluten",
    "Vi behöver mer dialog",
    "Förändringar förklaras väl",
    "Vi är stolta över vårt arbete",
]


def two_camps(session: WorkshopSession, join: Any, sizes: tuple[int, int]) -> list[Any]:
    """Two camps that vote opposite ways on the first six statements and alike on the last two
    (those are consensus)."""
    statements = [actions.add_statement(session, text) for text in STATEMENTS]
    participants = []
    for camp, size in enumerate(sizes):
        for _person in range(size):
            participant = join()[1]
            participants.append(participant)
            for index, statement in enumerate(statements):
                agrees = index >= 6 or (index % 2 == 0) == (camp == 0)
                choice = 1 if agrees else -1
                actions.vote(participant, statement.pk, choice)
    return participants


def test_the_projector_shows_two_opinion_groups_and_what_sets_them_apart(
    live_session: Any, join: Any, leader_a: Any
) -> None:
    two_camps(live_session, join, (7, 6))
    actions.set_step(live_session, "groups")
    picture = live.opinion_picture(live_session)
    assert sorted(group.size for group in picture.groups) == [6, 7]
    assert sum(dot.people for dot in picture.dots) == 13
    assert {text for text, agree in picture.consensus} >= {STATEMENTS[6], STATEMENTS[7]}
    first = picture.groups[0]
    assert first.representative and first.representative[0].text in STATEMENTS[:6]
    html = (
        signed_in(leader_a)
        .get(f"/o/ystad/dialog/tillfalle/{live_session.pk}/projektor/lage/")
        .content.decode()
    )
    assert "Grupp A: 7 personer" in html and "Grupp B: 6 personer" in html
    assert "<svg" in html and "<circle" in html
    assert "Det alla grupper är överens om" in html


def test_a_group_smaller_than_the_threshold_is_never_shown(live_session: Any, join: Any) -> None:
    two_camps(live_session, join, (9, 3))
    picture = live.opinion_picture(live_session)
    assert all(group.size >= 5 for group in picture.groups)
    assert sum(dot.people for dot in picture.dots) == sum(g.size for g in picture.groups)
    # Three people voting differently cannot be a group of their own.
    assert 3 not in [group.size for group in picture.groups]


def test_groups_keep_their_letters_between_updates(live_session: Any, join: Any) -> None:
    two_camps(live_session, join, (7, 6))
    first = live.opinion_view(live_session)
    live_session.refresh_from_db()
    # A new vote after the interval: recomputed with the stored result as `previous`.
    late = join()[1]
    statement = live_session.statements.first()
    actions.vote(late, statement.pk, 1)
    state = live_session.opinion_state
    state["computed_at"] = (
        datetime.datetime.fromisoformat(state["computed_at"]) - live.OPINION_INTERVAL
    ).isoformat()
    WorkshopSession.objects.filter(pk=live_session.pk).update(opinion_state=state)
    live_session.refresh_from_db()
    second = live.opinion_view(live_session)
    assert live_session.opinion_state["updates"] == 2
    assert {g["id"]: g["size"] for g in first["groups"]} == {
        g["id"]: g["size"] for g in second["groups"]
    }


def test_no_participant_is_identifiable_in_what_the_projector_gets(
    live_session: Any, join: Any
) -> None:
    participants = two_camps(live_session, join, (7, 6))
    view = live.opinion_view(live_session)
    text = str(view)
    for participant in participants:
        assert participant.token not in text
    # Dots are cells of a coarse grid, not people: [column, row, group, people].
    assert all(0 <= c < live.MAP_GRID and 0 <= r < live.MAP_GRID for c, r, _g, _n in view["dots"])


def test_the_summary_shows_counts_through_the_gate(
    live_session: Any, join: Any, leader_a: Any
) -> None:
    two_camps(live_session, join, (7, 6))
    small = actions.add_statement(live_session, "Ett sent påstående")
    for participant in list(live_session.participants.all())[:2]:
        actions.vote(participant, small.pk, 1)
    actions.end_session(live_session)
    response = signed_in(leader_a).get(
        f"/o/ystad/dialog/tillfalle/{live_session.pk}/sammanfattning/"
    )
    html = response.content.decode()
    assert response.status_code == 200
    # 7 of 13 agree with the first statement.
    assert f"7 ({percent(7 / 13)})" in html
    assert "För få röster för att visa" in html
    assert "Grupp A" in html


def test_the_summary_pdf_is_a_pdf_with_the_statements(
    live_session: Any, join: Any, leader_a: Any, tmp_path: Any
) -> None:
    two_camps(live_session, join, (7, 6))
    response = signed_in(leader_a).get(
        f"/o/ystad/dialog/tillfalle/{live_session.pk}/sammanfattning.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Vi litar på varandra" in text
    assert "Åsiktsgrupper" in text


def test_a_facilitator_records_an_action_linked_to_values(
    live_session: Any, leader_a: Any, make_mapping: Any, workshop: Any, catalogue: Any
) -> None:
    workshop.mapping = make_mapping()
    workshop.save()
    trust = catalogue.values.get(slug="tillit")
    url = f"/o/ystad/dialog/tillfalle/{live_session.pk}/sammanfattning/"
    response = signed_in(leader_a).post(
        url,
        {
            "what": "Månadsvisa dialogmöten",
            "owner": "Enhetschef",
            "due_on": "2026-06-30",
            "values": [trust.pk],
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.session == live_session
    assert action.organisation == live_session.workshop.organisation
    assert list(action.values.all()) == [trust]
    assert action.status == "open"
    assert action.is_overdue(datetime.date(2026, 7, 1))
    assert not action.is_overdue(datetime.date(2026, 6, 30))
    signed_in(leader_a).post(
        f"/o/ystad/dialog/tillfalle/{live_session.pk}/atgarder/{action.pk}/", {"status": "done"}
    )
    action.refresh_from_db()
    assert action.status == "done" and not action.is_overdue(datetime.date(2027, 1, 1))
    signed_in(leader_a).post(
        f"/o/ystad/dialog/tillfalle/{live_session.pk}/atgarder/{action.pk}/", {"status": "<x>"}
    )
    action.refresh_from_db()
    assert action.status == "done"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"what": "", "owner": "HR", "due_on": "2026-06-30"}, "Detta fält måste fyllas i."),
        ({"what": "Något", "owner": "HR", "due_on": "snart"}, "Fyll i ett giltigt datum."),
        (
            {"what": "Något", "owner": "HR", "due_on": "2026-06-30", "values": ["999999"]},
            "Välj ett giltigt alternativ",
        ),
    ],
)
def test_a_bad_action_is_shown_again_with_a_message(
    live_session: Any, leader_a: Any, data: dict[str, Any], message: str
) -> None:
    response = signed_in(leader_a).post(
        f"/o/ystad/dialog/tillfalle/{live_session.pk}/sammanfattning/", data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Action.objects.count() == 0


def test_another_facilitator_cannot_change_an_action(
    live_session: Any, leader_a: Any, other_leader_a: Any, admin_b: Any
) -> None:
    action = Action.objects.create(
        organisation=live_session.workshop.organisation,
        session=live_session,
        what="Något",
        owner="HR",
        due_on=datetime.date(2026, 6, 30),
    )
    url = f"/o/ystad/dialog/tillfalle/{live_session.pk}/atgarder/{action.pk}/"
    assert signed_in(other_leader_a).post(url, {"status": "done"}).status_code == 403
    assert signed_in(admin_b).post(url, {"status": "done"}).status_code == 404
    action.refresh_from_db()
    assert action.status == "open"
