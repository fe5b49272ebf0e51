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


# A unit below the threshold (Arbetsmiljö, 3) and one whose 8 could be derived by subtracting
# it from their parent (HR 11 − 3), beside a unit large enough to show and some citizens.
SMALL = {
    "personal": ["forvirring", "kostnadsjakt", "byrakrati"],
    "current": ["forvirring", "kostnadsjakt", "byrakrati"],
    "desired": ["forvirring", "kostnadsjakt", "byrakrati"],
}
DERIVABLE = {
    "personal": ["mod", "ansvar", "lagarbete"],
    "current": ["mod", "ansvar", "lagarbete"],
    "desired": ["mod", "ansvar", "lagarbete"],
}
OTHERS = {
    "personal": ["tillit", "oppenhet", "delaktighet"],
    "current": ["byrakrati", "tillit", "oppenhet"],
    "desired": ["tillit", "oppenhet", "delaktighet"],
}


def withheld_world(organisation_a: Organisation, make_mapping: Any) -> dict[str, Any]:
    hr = unit(organisation_a, "HR", "HR-avdelningen")
    small = unit(organisation_a, "AM", "Arbetsmiljö", hr)
    derivable = unit(organisation_a, "LP", "Lön och pension", hr)
    school = unit(organisation_a, "SK", "Skolan")
    mapping = make_mapping(("medarbetare", "medborgare"))
    employees = mapping.perspectives.get(perspective="medarbetare")
    answer(employees, SMALL, 3, small)
    answer(employees, DERIVABLE, 8, derivable)
    answer(employees, OTHERS, 10, school)
    answer(mapping.perspectives.get(perspective="medborgare"), OTHERS, 6)
    return {"mapping": mapping, "hr": hr, "small": small, "derivable": derivable, "school": school}
