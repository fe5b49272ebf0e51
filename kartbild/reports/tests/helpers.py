"""Small factories for the report tests: answers recorded through the mappings' own action."""

from __future__ import annotations

from typing import Any

from kartbild.mappings import actions
from kartbild.organisations.models import Organisation, Unit


def answer(mp: Any, picks: dict[str, list[str]], times: int = 1, unit: Unit | None = None) -> None:
    """Record `times` responses whose picks per question kind (personal, current, desired) are
    `picks`."""
    for _ in range(times):
        by_question = {q.pk: list(picks[q.kind]) for q in mp.questions.all()}
        actions.record_response(
            mp, actions.Answers(picks=by_question, unit_id=unit.pk if unit else None)
        )


def unit(organisation: Organisation, code: str, name: str, parent: Unit | None = None) -> Unit:
    level = "forvaltning" if parent is None else "avdelning"
    return Unit.objects.create(
        organisation=organisation, code=code, name=name, level=level, parent=parent, headcount=20
    )


SAME = {
    "personal": ["ansvar", "mod", "tillit"],
    "current": ["byrakrati", "kostnadsjakt", "tillit"],
    "desired": ["tillit", "oppenhet", "delaktighet"],
}
