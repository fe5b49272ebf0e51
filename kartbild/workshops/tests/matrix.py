"""Workshop objects for the authorisation matrix (kartbild/accounts/tests/authorisation_rules.py):
a live session of organisation A led by its admin and its facilitator, and an action of it."""

from __future__ import annotations

import datetime
from typing import Any

from kartbild.workshops import actions
from kartbild.workshops.models import Action, Workshop, WorkshopSession


def session(world: Any) -> WorkshopSession:
    found = WorkshopSession.objects.filter(workshop__organisation=world.organisation).first()
    if found is not None:
        return found
    workshop = Workshop.objects.create(organisation=world.organisation, name="Dialog")
    planned = actions.plan_session(
        workshop,
        on=datetime.date(2026, 3, 12),
        start_time=datetime.time(9),
        facilitators=[world.users["admin_a"], world.users["facilitator_a"]],
    )
    return actions.open_session(planned)


def action(world: Any) -> Action:
    live = session(world)
    found, _created = Action.objects.get_or_create(
        organisation=world.organisation,
        session=live,
        defaults={"what": "Dialogmöten", "owner": "HR", "due_on": datetime.date(2026, 6, 30)},
    )
    return found
