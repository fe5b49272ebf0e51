"""Planning: series, sessions with two facilitators, invitations, attendance, coverage and the
attendance CSV. Admins plan; a session's facilitators keep its attendance."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from kartbild.workshops import actions
from kartbild.workshops.models import Attendee, Invitation, Workshop, WorkshopSession
from kartbild.workshops.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_series_linked_to_a_mapping(admin_a: Any, make_mapping: Any) -> None:
    mapping = make_mapping()
    response = signed_in(admin_a).post(
        "/o/ystad/dialog/ny/", {"name": "Dialog om kartbilden", "mapping": mapping.pk}
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/ystad/dialog/{workshop.pk}/"
    assert workshop.mapping == mapping
    assert workshop.organisation.slug == "ystad"


def test_a_series_needs_no_mapping(admin_a: Any) -> None:
    signed_in(admin_a).post("/o/ystad/dialog/ny/", {"name": "Värdegrunden", "mapping": ""})
    assert Workshop.objects.get().mapping is None


def test_another_organisations_mapping_cannot_be_linked(
    admin_a: Any, admin_b: Any, organisation_b: Any, catalogue: Any
) -> None:
    from kartbild.mappings import actions as mapping_actions

    foreign = mapping_actions.create_mapping(
        organisation_b, catalogue, "Strängnäs 2026", ("medarbetare",), picks=3
    )
    response = signed_in(admin_a).post(
        "/o/ystad/dialog/ny/", {"name": "Dialog", "mapping": foreign.pk}
    )
    assert response.status_code == 200
    assert Workshop.objects.count() == 0


def test_only_admins_plan(analyst_a: Any, leader_a: Any, admin_b: Any, workshop: Any) -> None:
    assert signed_in(analyst_a).get("/o/ystad/dialog/ny/").status_code == 403
    assert signed_in(leader_a).get("/o/ystad/dialog/ny/").status_code == 403
    assert signed_in(leader_a).get(f"/o/ystad/dialog/{workshop.pk}/").status_code == 403
    assert signed_in(admin_b).get(f"/o/ystad/dialog/{workshop.pk}/").status_code == 404
    assert signed_in(admin_b).get(f"/o/strangnas/dialog/{workshop.pk}/").status_code == 404
    assert signed_in(analyst_a).get("/o/ystad/dialog/tackning/").status_code == 403
    assert signed_in(leader_a).get("/o/ystad/dialog/narvaro.csv").status_code == 403


def test_a_session_is_planned_with_two_facilitators(
    admin_a: Any, leader_a: Any, co_leader_a: Any, workshop: Any
) -> None:
    data = {
        "date": "2026-04-02",
        "start_time": "13:00",
        "end_time": "15:30",
        "place": "Biblioteket",
        "facilitators": [leader_a.pk, co_leader_a.pk],
    }
    response = signed_in(admin_a).post(f"/o/ystad/dialog/{workshop.pk}/", data)
    assert response.status_code == 302
    session = WorkshopSession.objects.get()
    assert set(session.facilitators.all()) == {leader_a, co_leader_a}
    assert session.place == "Biblioteket"
    assert session.status == "planned"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"facilitators": "one"}, "Välj två värdegrundsledare."),
        ({"end_time": "12:00"}, "Sluttiden måste vara efter starttiden."),
        ({"date": "den trettonde"}, "Fyll i ett giltigt datum."),
        ({"facilitators": "outsider"}, "Välj bland organisationens ledare."),
    ],
)
def test_a_bad_session_is_shown_again_with_a_message(
    admin_a: Any,
    admin_b: Any,
    leader_a: Any,
    co_leader_a: Any,
    analyst_a: Any,
    workshop: Any,
    change: dict[str, str],
    message: str,
) -> None:
    data: dict[str, Any] = {
        "date": "2026-04-02",
        "start_time": "13:00",
        "end_time": "15:30",
        "facilitators": [leader_a.pk, co_leader_a.pk],
    }
    data.update(change)
    if change.get("facilitators") == "one":
        data["facilitators"] = [leader_a.pk]
    if change.get("facilitators") == "outsider":
        # An admin of another organisation and an analyst may not lead this one's sessions.
        data["facilitators"] = [admin_b.pk, analyst_a.pk]
    response = signed_in(admin_a).post(f"/o/ystad/dialog/{workshop.pk}/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert WorkshopSession.objects.count() == 0


def test_an_admin_may_be_one_of_the_facilitators(
    admin_a: Any, leader_a: Any, workshop: Any
) -> None:
    session = actions.plan_session(
        workshop,
        on=__import__("datetime").date(2026, 5, 1),
        start_time=__import__("datetime").time(9),
        facilitators=[admin_a, leader_a],
    )
    assert session.facilitators.count() == 2


def test_a_facilitator_sees_and_keeps_attendance_only_for_their_own_sessions(
    session: Any, leader_a: Any, other_leader_a: Any, admin_b: Any
) -> None:
    url = f"/o/ystad/dialog/tillfalle/{session.pk}/"
    assert signed_in(leader_a).get(url).status_code == 200
    assert signed_in(other_leader_a).get(url).status_code == 403
    assert signed_in(admin_b).get(url).status_code == 404
    assert signed_in(other_leader_a).post(url + "narvaro/", {}).status_code == 403
    index = signed_in(leader_a).get("/o/ystad/dialog/").content.decode()
    assert "Värdegrundsdialog 2026" in index
    assert (
        "Värdegrundsdialog 2026"
        not in signed_in(other_leader_a).get("/o/ystad/dialog/").content.decode()
    )


def test_inviting_the_same_person_twice_keeps_one_attendee(
    session: Any, workshop: Any, leader_a: Any, co_leader_a: Any, units: Any
) -> None:
    second = actions.plan_session(
        workshop,
        on=session.date,
        start_time=session.start_time,
        facilitators=[leader_a, co_leader_a],
    )
    actions.invite(session, "Anna Berg", "Anna.Berg@ystad.se", units["north"])
    actions.invite(second, "Anna  Berg", "anna.berg@ystad.se ", units["north"])
    actions.invite(session, "Bo Ek", "", units["south"])
    actions.invite(second, "bo ek", "", units["south"])
    assert Attendee.objects.count() == 2
    assert Invitation.objects.count() == 4
    with pytest.raises(actions.Rejected, match="redan inbjuden"):
        actions.invite(session, "Anna Berg", "anna.berg@ystad.se", units["north"])


def test_an_invitation_through_the_form(
    client: Any, session: Any, leader_a: Any, units: Any
) -> None:
    url = f"/o/ystad/dialog/tillfalle/{session.pk}/"
    phone = signed_in(leader_a)
    response = phone.post(url, {"name": "Cecilia Ås", "email": "", "unit": units["social"].pk})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.attendee.unit == units["social"]
    bad = phone.post(url, {"name": "", "email": "inte-en-adress", "unit": "999999"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Välj en enhet i listan." in page
    assert Invitation.objects.count() == 1


def test_attendance_is_recorded_from_the_checked_boxes(
    session: Any, leader_a: Any, units: Any
) -> None:
    came = actions.invite(session, "Anna Berg", "", units["north"])
    stayed_away = actions.invite(session, "Bo Ek", "", units["south"])
    response = signed_in(leader_a).post(
        f"/o/ystad/dialog/tillfalle/{session.pk}/narvaro/",
        {"attended": [str(came.pk), "not-a-number", "999999"]},
    )
    assert response.status_code == 302
    came.refresh_from_db()
    stayed_away.refresh_from_db()
    assert came.attended and not stayed_away.attended


def test_coverage_counts_each_person_once_and_rolls_up_the_tree(
    admin_a: Any, session: Any, workshop: Any, leader_a: Any, co_leader_a: Any, units: Any
) -> None:
    second = actions.plan_session(
        workshop,
        on=session.date,
        start_time=session.start_time,
        facilitators=[leader_a, co_leader_a],
    )
    for number in range(10):
        invitation = actions.invite(session, f"Lärare {number}", "", units["north"])
        invitation.attended = True
        invitation.save()
    # The same ten people again in the second session: still ten people.
    for number in range(10):
        invitation = actions.invite(second, f"Lärare {number}", "", units["north"])
        invitation.attended = True
        invitation.save()
    # Invited but absent: not covered.
    actions.invite(session, "Frånvarande", "", units["south"])
    for number in range(6):
        invitation = actions.invite(second, f"Pedagog {number}", "", units["south"])
        invitation.attended = True
        invitation.save()
    rows = {row.node.unit.code: row for row in actions.coverage(session.workshop.organisation)}
    assert (rows["NS"].attended, rows["NS"].headcount) == (10, 40)
    assert rows["NS"].share == pytest.approx(0.25)
    assert (rows["SS"].attended, rows["SS"].headcount) == (6, 60)
    # Barn och utbildning: its own 300 plus its schools' 100; 16 people below it.
    assert (rows["BU"].attended, rows["BU"].headcount) == (16, 400)
    assert rows["BU"].share == pytest.approx(0.04)
    assert (rows["SOC"].attended, rows["SOC"].share) == (0, 0.0)
    page = signed_in(admin_a).get("/o/ystad/dialog/tackning/").content.decode()
    assert "25 %" in page and "Norrskolan" in page


def test_the_attendance_csv_cannot_run_formulas(
    admin_a: Any, admin_b: Any, session: Any, units: Any
) -> None:
    actions.invite(session, '=HYPERLINK("http://evil")', "", units["north"])
    actions.invite(session, "Anna Berg", "anna@ystad.se", units["north"])
    response = signed_in(admin_a).get("/o/ystad/dialog/narvaro.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == actions.ATTENDANCE_CSV_HEADER
    names = {row[3]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil")' in names
    assert names["Anna Berg"][5] == "Barn och utbildning › Norrskolan"
    assert names["Anna Berg"][6] == "nej"
    # Organisation B's admin gets their own (empty) list, never A's.
    other = signed_in(admin_b).get("/o/strangnas/dialog/narvaro.csv").content.decode("utf-8-sig")
    assert "Anna Berg" not in other
