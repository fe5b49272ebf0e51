"""Steering for the demo municipality: a small goal tree linked to the värdegrund, indicators
with a few years of values, and actions linked to what caused them.

    seed_demo(organisation, frameworks, follow_ups, mapping, today)

Called by kartbild/demo's seed_demo command after the värdegrund and the follow-up rounds are
seeded; `frameworks` and `follow_ups` may be empty and `mapping` None. All figures are invented
for the demo. One indicator is a Kolada key figure whose values come from a recorded sample
answer (data/kolada_sample.json, key figure N99999, which is not a real key figure): it shows how
a fetch looks without asking Kolada, and the indicator says so in its description."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from kartbild.corevalues.models import CoreValue, CoreValueFramework
from kartbild.followups.models import FollowUp
from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Organisation
from kartbild.steering import actions, kolada
from kartbild.steering.models import Direction, Goal, Indicator, IndicatorValue, Level, Source
from kartbild.workshops import actions as workshop_actions
from kartbild.workshops.models import Action

KOLADA_SAMPLE = Path(__file__).parent / "data" / "kolada_sample.json"
# The sample answer's own key figure and municipality code (see the module docstring).
SAMPLE_KPI, SAMPLE_MUNICIPALITY = "N99999", "1286"


def _values(frameworks: Sequence[CoreValueFramework], *names: str) -> list[CoreValue]:
    """The named values of the first framework that has them (case-insensitive), else none."""
    wanted = {name.lower() for name in names}
    for framework in frameworks:
        found = [value for value in framework.values.all() if value.name.lower() in wanted]
        if found:
            return found
    return []


def _first_values(frameworks: Sequence[CoreValueFramework], count: int) -> list[CoreValue]:
    for framework in frameworks:
        found = list(framework.values.all()[:count])
        if found:
            return found
    return []


@transaction.atomic
def seed_demo(
    organisation: Organisation,
    frameworks: Sequence[CoreValueFramework],
    follow_ups: Sequence[FollowUp],
    mapping: Mapping | None,
    today: date,
) -> list[Goal]:
    """Seed the demo's goal tree, indicators and actions; returns the goals in tree order."""
    linked = _values(frameworks, "tillit", "delaktighet") or _first_values(frameworks, 2)
    courage = _values(frameworks, "mod") or _first_values(frameworks, 1)
    year = today.year

    vision = actions.save_goal(
        organisation,
        None,
        name="En kommun där invånare och medarbetare litar på varandra",
        level=Level.VISION,
        owner="Kommunfullmäktige",
        description="Visionen som värdegrunden och målen bryter ned.",
        ends_on=date(year + 4, 12, 31),
        core_values=linked,
    )
    employees = actions.save_goal(
        organisation,
        None,
        name="Medarbetare som vill och kan ta ansvar",
        level=Level.GOAL,
        parent=vision,
        owner="Kommundirektören",
        core_values=courage + linked[:1],
    )
    residents = actions.save_goal(
        organisation,
        None,
        name="Invånare som känner sig delaktiga",
        level=Level.GOAL,
        parent=vision,
        owner="Kommunstyrelsen",
        core_values=linked[1:],
    )
    health = actions.save_goal(
        organisation,
        None,
        name="Lägre sjukfrånvaro",
        level=Level.SUBGOAL,
        parent=employees,
        owner="HR-chefen",
        starts_on=date(year, 1, 1),
        ends_on=date(year + 2, 12, 31),
    )
    dialogue = actions.save_goal(
        organisation,
        None,
        name="Värdegrundsdialog på varje arbetsplats",
        level=Level.ACTIVITY,
        parent=health,
        owner="Värdegrundsledarna",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        core_values=linked[:1],
    )
    consultation = actions.save_goal(
        organisation,
        None,
        name="Medborgardialog i varje kommundel",
        level=Level.SUBGOAL,
        parent=residents,
        owner="Kommunikationschefen",
    )

    sickness = Indicator.objects.create(
        goal=health,
        name="Sjukfrånvaro bland medarbetarna",
        description="Påhittade siffror för demon, inmatade för hand.",
        unit="%",
        direction=Direction.LOWER,
        target_value=Decimal("6.0"),
        target_year=year + 2,
    )
    for offset, value in ((4, "7,9"), (3, "7,6"), (2, "7,8"), (1, "7,1")):
        actions.record_value(sickness, year - offset, value)
    trust = Indicator.objects.create(
        goal=residents,
        name="Invånarnas inflytande: exempel på nyckeltal från Kolada (påhittade värden)",
        description=(
            "Ett exempel på ett nyckeltal från Kolada. Värdena kommer från ett inspelat "
            "exempelsvar i demon (nyckeltal N99999, som inte finns på riktigt): de är påhittade."
        ),
        unit="index",
        direction=Direction.HIGHER,
        target_value=Decimal("78"),
        target_year=year + 3,
        kolada_kpi=SAMPLE_KPI,
    )
    sample = kolada.parse_values(KOLADA_SAMPLE.read_bytes(), SAMPLE_KPI, SAMPLE_MUNICIPALITY)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=trust, year=item.year, value=item.value, source=Source.KOLADA)
        for item in sample.values
    )
    attended = Indicator.objects.create(
        goal=dialogue,
        name="Arbetsplatser som haft värdegrundsdialog",
        description="Påhittade siffror för demon.",
        unit="%",
        direction=Direction.HIGHER,
        target_value=Decimal("100"),
        target_year=year,
    )
    actions.record_value(attended, year - 1, "35")
    actions.record_value(attended, year, "20", period="T1")
    Indicator.objects.create(
        goal=consultation,
        name="Genomförda medborgardialoger",
        description="Ännu inga värden: ett mått utan åtgärd, som uppföljningen lyfter fram.",
        unit="antal",
        direction=Direction.HIGHER,
        target_value=Decimal("8"),
        target_year=year + 1,
    )

    latest_round = follow_ups[-1] if follow_ups else None
    workshop_actions.save_action(
        organisation,
        None,
        what="Chefsforum om tidiga signaler på ohälsa",
        owner="HR-chefen",
        due_on=today + timedelta(days=60),
        status=Action.Status.STARTED,
        goal=health,
        indicator=sickness,
        core_values=courage,
    )
    workshop_actions.save_action(
        organisation,
        None,
        what="Boka värdegrundsdialog med de arbetsplatser som inte haft någon",
        owner="Värdegrundsledarna",
        due_on=today - timedelta(days=10),
        goal=dialogue,
        indicator=attended,
        follow_up=latest_round,
        core_values=linked[:1],
    )
    workshop_actions.save_action(
        organisation,
        None,
        what="Förenkla beslutsvägarna i bygglovsärenden",
        owner="Samhällsbyggnadschefen",
        due_on=today + timedelta(days=120),
        mapping=mapping,
        finding="Byråkrati är bland de mest valda värdena i nuvarande kultur.",
    )
    return [line.goal for line in actions.goal_tree(organisation)]
