"""Actions (åtgärder) outside workshops: linked to what caused them and to värdegrund values,
links across organisations refused, filtered by open and overdue."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kartbild.followups.models import FollowUp
from kartbild.steering.models import Goal, Indicator
from kartbild.steering.tests.conftest import signed_in
from kartbild.workshops import actions
from kartbild.workshops.actions import Rejected
from kartbild.workshops.models import Action

pytestmark = pytest.mark.django_db

DUE = datetime.date(2030, 6, 30)
PAST = datetime.date(2020, 6, 30)


def test_an_action_keeps_its_causes_and_values(
    organisation_a: Any, indicator_a: Indicator, framework_a: Any
) -> None:
    follow_up = FollowUp.objects.create(
        organisation=organisation_a, framework=framework_a, name="Uppföljning 2026"
    )
    mod = framework_a.values.get(name="Mod")
    action = actions.save_action(
        organisation_a,
        None,
        what="Chefsforum om sjukfrånvaro",
        owner="HR-chefen",
        due_on=DUE,
        indicator=indicator_a,
        goal=indicator_a.goal,
        follow_up=follow_up,
        finding="Osäkerhet om framtiden bland de mest valda",
        core_values=[mod],
    )
    action.refresh_from_db()
    assert (action.indicator, action.goal, action.follow_up) == (
        indicator_a,
        indicator_a.goal,
        follow_up,
    )
    assert list(action.core_values.all()) == [mod]
    assert action.has_cause


@pytest.mark.parametrize("link", ["goal", "indicator", "core_values", "follow_up"])
def test_links_to_another_organisation_are_refused(
    organisation_a: Any,
    organisation_b: Any,
    goal_b: Goal,
    framework_b: Any,
    link: str,
) -> None:
    indicator_b = Indicator.objects.create(goal=goal_b, name="Index")
    follow_up_b = FollowUp.objects.create(
        organisation=organisation_b, framework=framework_b, name="Runda"
    )
    existing = actions.save_action(organisation_a, None, what="Före", owner="HR", due_on=DUE)
    others: dict[str, Any] = {
        "goal": goal_b,
        "indicator": indicator_b,
        "core_values": list(framework_b.values.all()),
        "follow_up": follow_up_b,
    }
    with pytest.raises(Rejected, match="hör till organisationen"):
        actions.save_action(
            organisation_a, existing, what="Efter", owner="HR", due_on=DUE, **{link: others[link]}
        )
    existing.refresh_from_db()
    assert existing.what == "Före"
    assert (existing.goal_id, existing.indicator_id, existing.follow_up_id) == (None, None, None)
    assert not existing.core_values.exists()


def test_the_admin_creates_an_action_from_an_indicator(
    admin_a: Any, indicator_a: Indicator, framework_a: Any
) -> None:
    client = signed_in(admin_a)
    form = client.get(f"/o/ystad/styrning/atgarder/ny/?indicator={indicator_a.pk}")
    assert form.status_code == 200
    response = client.post(
        "/o/ystad/styrning/atgarder/ny/",
        {
            "what": "Hälsofrämjande arbetsplatsträffar",
            "owner": "Personalchefen",
            "due_on": "2030-03-31",
            "status": "open",
            "indicator": indicator_a.pk,
            "core_values": [framework_a.values.get(name="Tillit").pk],
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.indicator == indicator_a
    assert action.organisation == indicator_a.goal.organisation


def test_the_form_refuses_another_organisations_goal(
    admin_a: Any, goal_b: Goal, organisation_a: Any
) -> None:
    response = signed_in(admin_a).post(
        "/o/ystad/styrning/atgarder/ny/",
        {"what": "X", "owner": "Y", "due_on": "2030-03-31", "status": "open", "goal": goal_b.pk},
    )
    assert response.status_code == 400
    assert "Välj bland organisationens egna." in response.content.decode()
    assert not Action.objects.exists()


def test_the_admin_edits_an_action_and_its_catalogue_values_stay(
    admin_a: Any, organisation_a: Any, catalogue: Any
) -> None:
    action = actions.save_action(
        organisation_a,
        None,
        what="Dialog",
        owner="HR",
        due_on=DUE,
        values=[catalogue.values.get(slug="tillit")],
    )
    response = signed_in(admin_a).post(
        f"/o/ystad/styrning/atgarder/{action.pk}/",
        {
            "what": "Dialog i alla förvaltningar",
            "owner": "HR",
            "due_on": "2030-06-30",
            "status": "started",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.what, action.status) == ("Dialog i alla förvaltningar", "started")
    assert [value.slug for value in action.values.all()] == ["tillit"]


def test_the_list_filters_open_and_overdue(analyst_a: Any, organisation_a: Any) -> None:
    actions.save_action(organisation_a, None, what="Framtida", owner="A", due_on=DUE)
    actions.save_action(organisation_a, None, what="Sen", owner="B", due_on=PAST)
    actions.save_action(
        organisation_a, None, what="Avklarad", owner="C", due_on=PAST, status="done"
    )
    client = signed_in(analyst_a)

    def shown(query: str) -> set[str]:
        page = client.get(f"/o/ystad/styrning/atgarder/{query}").content.decode()
        return {name for name in ("Framtida", "Sen", "Avklarad") if name in page}

    assert shown("") == {"Framtida", "Sen"}
    assert shown("?visa=overdue") == {"Sen"}
    assert shown("?visa=done") == {"Avklarad"}
    assert shown("?visa=all") == {"Framtida", "Sen", "Avklarad"}
    assert shown("?visa=<script>") == {"Framtida", "Sen"}
    page = client.get("/o/ystad/styrning/atgarder/").content.decode()
    assert "Försenad" in page and "Inget mått" in page


def test_another_organisations_action_is_not_found(admin_b: Any, organisation_a: Any) -> None:
    action = actions.save_action(organisation_a, None, what="Dialog", owner="HR", due_on=DUE)
    client = signed_in(admin_b)
    assert client.get(f"/o/strangnas/styrning/atgarder/{action.pk}/").status_code == 404
    assert client.post(f"/o/ystad/styrning/atgarder/{action.pk}/", {}).status_code == 404


def test_a_facilitator_reads_actions_but_does_not_create_them(
    facilitator_a: Any, organisation_a: Any
) -> None:
    client = signed_in(facilitator_a)
    assert client.get("/o/ystad/styrning/atgarder/").status_code == 200
    assert client.get("/o/ystad/styrning/atgarder/ny/").status_code == 403
