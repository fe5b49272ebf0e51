"""Small factories for follow-up tests: a published värdegrund made with the ORM, rounds, units
and answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from kartbild.corevalues.models import Behaviour, CoreValue, CoreValueFramework
from kartbild.followups import actions
from kartbild.followups.actions import Answers
from kartbild.followups.models import FollowUp, FollowUpResponse
from kartbild.organisations.models import Organisation, Unit

VALUES = {
    "Tillit": ["Jag litar på mina kollegor.", "Chefen litar på att jag gör mitt jobb."],
    "Mod": ["Jag säger vad jag tycker.", "Vi prövar nya sätt att arbeta."],
}


def framework(
    organisation: Organisation,
    values: dict[str, list[str]] | None = None,
    previous: CoreValueFramework | None = None,
    version: int = 1,
) -> CoreValueFramework:
    """A published värdegrund; with `previous`, its values and behaviours carry from it by
    name and text."""
    made = CoreValueFramework.objects.create(
        organisation=organisation,
        name="Bättre tillsammans",
        version=version,
        status=CoreValueFramework.Status.PUBLISHED,
        published_on=date(2025, 1, 1),
    )
    for position, (name, behaviours) in enumerate((values or VALUES).items()):
        earlier_value = (
            CoreValue.objects.filter(framework=previous, name=name).first() if previous else None
        )
        value = CoreValue.objects.create(
            framework=made,
            name=name,
            description=f"Om {name.lower()}.",
            position=position,
            carried_from=earlier_value,
        )
        for index, text in enumerate(behaviours):
            earlier = (
                Behaviour.objects.filter(core_value=earlier_value, text=text).first()
                if earlier_value
                else None
            )
            Behaviour.objects.create(
                core_value=value, text=text, position=index, carried_from=earlier
            )
    return made


def follow_up(
    organisation: Organisation,
    made: CoreValueFramework | None = None,
    *,
    open: bool = True,
    name: str = "Uppföljning 2026",
    previous_round: FollowUp | None = None,
) -> FollowUp:
    made = made or framework(organisation)
    created = actions.create_follow_up(organisation, made, name, previous_round=previous_round)
    if open:
        actions.open_follow_up(created)
    return created


def unit(organisation: Organisation, name: str, parent: Unit | None = None, **kwargs: Any) -> Unit:
    return Unit.objects.create(
        organisation=organisation,
        name=name,
        parent=parent,
        level="enhet" if parent else "forvaltning",
        code=kwargs.pop("code", name[:3].upper() + str(Unit.objects.count())),
        **kwargs,
    )


def answer(
    round_: FollowUp,
    codes: Sequence[int],
    unit_: Unit | None = None,
    times: int = 1,
    today: date | None = None,
) -> None:
    """Store `times` identical answers: codes for the asked statements in order (0 = blank)."""
    statements = list(round_.asked_statements().values_list("pk", flat=True))
    for _ in range(times):
        answers = Answers(
            {pk: code for pk, code in zip(statements, codes, strict=False) if code},
            unit_.pk if unit_ else None,
        )
        actions.record_response(round_, answers, today=today)


def responses(round_: FollowUp) -> int:
    return FollowUpResponse.objects.filter(follow_up=round_).count()
