"""Follow-up objects for the authorisation matrix (kartbild/accounts/tests/authorisation_rules.py):
an open round of organisation A with a code batch for the world's unit and an answer under way."""

from __future__ import annotations

from typing import Any

from kartbild.followups import actions
from kartbild.followups.models import FollowUp, FollowUpCodeBatch, FollowUpDraft
from kartbild.followups.tests import factories


def follow_up(world: Any) -> FollowUp:
    found = FollowUp.objects.filter(organisation=world.organisation).first()
    return found if found is not None else factories.follow_up(world.organisation)


def batch(world: Any) -> FollowUpCodeBatch:
    round_ = follow_up(world)
    found = round_.batches.first()
    return found if found is not None else actions.generate_codes(round_, world.unit, 2)


def draft(world: Any) -> FollowUpDraft:
    round_ = follow_up(world)
    found = FollowUpDraft.objects.filter(follow_up=round_, code=None).first()
    return found if found is not None else actions.start_draft(round_, None)
