"""Workflows of steering: the goal tree, indicators and their values (by hand, CSV, Kolada).

A workflow that refuses raises `Rejected` with a Swedish message for the person who asked; the
database is then unchanged. Actions (åtgärder) have their workflows in kartbild.workshops.actions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kartbild.corevalues.models import CoreValue
from kartbild.lib.tabular import TableError, read_table
from kartbild.organisations.models import Organisation
from kartbild.steering import kolada
from kartbild.steering.models import LEVEL_ORDER, Goal, Indicator, IndicatorValue, Level, Source
from kartbild.workshops.actions import Rejected

# Ten digits before the decimal comma and four after it: what IndicatorValue.value holds.
MAX_ABS_VALUE = Decimal(10) ** 10
DECIMALS = Decimal("0.0001")
# Years an indicator can have values for: statistics rarely go further back, and targets
# rarely further ahead.
FIRST_YEAR, LAST_YEAR = 1950, 2100
CSV_COLUMNS = ("år", "värde")
# "1 234,5" with ordinary or non-breaking spaces as thousands separators.
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class ImportRejected(Rejected):
    """A refused import, with every problem found, each naming its line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(_("Filen importerades inte. Rätta raderna nedan och försök igen."))
        self.errors = errors


# -- numbers ---------------------------------------------------------------------------------------


def parse_number(text: str) -> Decimal:
    """A number as a Swedish person types it: a decimal comma or point, spaces between
    thousands. Raises Rejected for anything else ("abc", "12,5,3", "")."""
    cleaned = _SPACES.sub("", text or "")
    if not cleaned:
        raise Rejected(_("Skriv ett värde, till exempel 12,5."))
    if not _NUMBER.match(cleaned):
        raise Rejected(
            _("”%(text)s” är inte ett tal. Skriv ett tal med decimalkomma, till exempel 12,5.")
            % {"text": text.strip()[:40]}
        )
    number = Decimal(cleaned.replace(",", "."))
    if abs(number) >= MAX_ABS_VALUE:
        raise Rejected(_("Talet är för stort."))
    return number.quantize(DECIMALS)


def parse_year(text: str | int) -> int:
    cleaned = str(text).strip()
    if not cleaned.isdigit() or not FIRST_YEAR <= int(cleaned) <= LAST_YEAR:
        raise Rejected(
            _("Året ska vara ett årtal mellan %(first)s och %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return int(cleaned)


# -- the goal tree ---------------------------------------------------------------------------------


def save_goal(
    organisation: Organisation,
    goal: Goal | None,
    *,
    name: str,
    level: str,
    parent: Goal | None = None,
    description: str = "",
    owner: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    core_values: Iterable[CoreValue] = (),
) -> Goal:
    """Create a goal (`goal` None) or change one, including moving it under another parent.

    Refused: a parent or a värdegrund value of another organisation, a parent on the same level
    or below, a parent inside the goal's own subtree, an end before the start."""
    chosen_values = list(core_values)
    if parent is not None and parent.organisation_id != organisation.pk:
        raise Rejected(_("Målet kan inte ligga under ett mål i en annan organisation."))
    if any(value.framework.organisation_id != organisation.pk for value in chosen_values):
        raise Rejected(_("Välj bara värden ur organisationens egen värdegrund."))
    if goal is not None and goal.organisation_id != organisation.pk:
        raise Rejected(_("Målet hör till en annan organisation."))
    if level not in LEVEL_ORDER:
        raise Rejected(_("Välj en nivå."))
    name = " ".join(name.split())
    if not name:
        raise Rejected(_("Skriv målets namn."))
    if parent is not None:
        if LEVEL_ORDER[parent.level] >= LEVEL_ORDER[level]:
            raise Rejected(
                _("Ett %(level)s kan inte ligga under ett %(parent)s: välj en högre nivå.")
                % {"level": _level_name(level), "parent": _level_name(parent.level)}
            )
        if goal is not None and goal.pk in _ancestor_ids(parent, include_self=True):
            raise Rejected(_("Ett mål kan inte flyttas in under sig självt eller sina delmål."))
    if goal is not None:
        deepest_child = min(
            (LEVEL_ORDER[child.level] for child in goal.children.all()), default=None
        )
        if deepest_child is not None and deepest_child <= LEVEL_ORDER[level]:
            raise Rejected(_("Målet har delmål på samma nivå eller högre: ändra dem först."))
    if starts_on and ends_on and ends_on < starts_on:
        raise Rejected(_("Slutdatumet kan inte ligga före startdatumet."))
    with transaction.atomic():
        if goal is None:
            goal = Goal(organisation=organisation)
        goal.name = name
        goal.level = level
        goal.parent = parent
        goal.description = description.strip()
        goal.owner = " ".join(owner.split())
        goal.starts_on = starts_on
        goal.ends_on = ends_on
        goal.save()
        goal.core_values.set(chosen_values)
    return goal


def delete_goal(goal: Goal) -> None:
    """Delete a goal and its indicators. A goal with goals below it is refused: they would lose
    their place in the tree."""
    if goal.children.exists():
        raise Rejected(_("Målet har delmål. Flytta eller ta bort dem först."))
    goal.delete()


def _ancestor_ids(goal: Goal, include_self: bool = False) -> set[int]:
    found: set[int] = {goal.pk} if include_self else set()
    current = goal.parent
    # The tree has four levels; the bound only guards against a cycle made outside this module.
    for _step in range(len(LEVEL_ORDER) * 4):
        if current is None:
            break
        found.add(current.pk)
        current = current.parent
    return found


def _level_name(level: str) -> str:
    return str(Level(level).label).lower()


@dataclass(frozen=True)
class TreeLine:
    goal: Goal
    depth: int


@dataclass(frozen=True)
class GoalNode:
    goal: Goal
    children: list[GoalNode]


def goal_forest(organisation: Organisation) -> list[GoalNode]:
    """The organisation's goal tree as nested nodes, for a nested list on the page."""
    stack: list[GoalNode] = []
    roots: list[GoalNode] = []
    for line in goal_tree(organisation):
        node = GoalNode(line.goal, [])
        del stack[line.depth :]
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def goal_tree(organisation: Organisation) -> list[TreeLine]:
    """The organisation's goals in reading order: each goal followed by the goals below it."""
    goals = list(Goal.objects.of(organisation).prefetch_related("core_values", "indicators"))
    children: dict[int | None, list[Goal]] = {}
    for goal in goals:
        children.setdefault(goal.parent_id, []).append(goal)
    lines: list[TreeLine] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for goal in children.get(parent_id, []):
            lines.append(TreeLine(goal, depth))
            walk(goal.pk, depth + 1)

    walk(None, 0)
    return lines


# -- indicators ------------------------------------------------------------------------------------


def check_indicator(goal: Goal, organisation: Organisation) -> None:
    if goal.organisation_id != organisation.pk:
        raise Rejected(_("Indikatorn kan bara höra till ett mål i organisationen."))


def record_value(
    indicator: Indicator, year: str | int, value: str, period: str = "", source: str = Source.MANUAL
) -> IndicatorValue:
    """Record an actual value, typed as text. A value for the same year and period replaces the
    one recorded before, so that a correction is simply typed again."""
    number = parse_number(value)
    found, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        year=parse_year(year),
        period=" ".join(period.split())[:20],
        defaults={"value": number, "source": source},
    )
    return found


def import_values(indicator: Indicator, name: str, data: bytes) -> int:
    """Import values from a CSV or XLSX file with the columns `år` and `värde` (and optionally
    `period`). All or nothing: any bad line refuses the whole file, with every bad line named."""
    try:
        table = read_table(name, data)
    except TableError as error:
        raise ImportRejected([error.message]) from error
    missing = [column for column in CSV_COLUMNS if column not in table.header]
    if missing:
        raise ImportRejected(
            [
                _("Rubrikraden saknar kolumnen: %(columns)s. Den ska ha år och värde.")
                % {"columns": ", ".join(missing)}
            ]
        )
    errors: list[str] = []
    parsed: dict[tuple[int, str], tuple[int, Decimal]] = {}
    for row in table.rows:
        try:
            year = parse_year(row.cells["år"])
            number = parse_number(row.cells["värde"])
        except Rejected as rejection:
            errors.append(
                _("Rad %(line)s: %(message)s") % {"line": row.line, "message": rejection.message}
            )
            continue
        period = " ".join(row.cells.get("period", "").split())[:20]
        if (year, period) in parsed:
            errors.append(
                _("Rad %(line)s: året %(year)s finns redan på rad %(first)s.")
                % {"line": row.line, "year": year, "first": parsed[(year, period)][0]}
            )
            continue
        parsed[(year, period)] = (row.line, number)
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([_("Filen har inga värden.")])
    with transaction.atomic():
        for (year, period), (_line, number) in parsed.items():
            IndicatorValue.objects.update_or_create(
                indicator=indicator,
                year=year,
                period=period,
                defaults={"value": number, "source": Source.CSV},
            )
    return len(parsed)


def fetch_from_kolada(indicator: Indicator, fetch: kolada.Fetch | None = None) -> int:
    """Fetch the indicator's key figure from Kolada for the organisation's municipality code and
    store every year's total. Nothing is stored when Kolada fails or answers something odd.
    `fetch` defaults to the real request (kolada.fetch_url); tests pass a recorded answer."""
    if not indicator.kolada_kpi:
        raise Rejected(_("Ange nyckeltalets id i Kolada för indikatorn först."))
    organisation = indicator.goal.organisation
    try:
        result = kolada.fetch_values(indicator.kolada_kpi, organisation.code, fetch=fetch)
    except kolada.KoladaError as error:
        raise Rejected(error.message) from error
    with transaction.atomic():
        for item in result.values:
            if abs(item.value) >= MAX_ABS_VALUE:
                raise Rejected(_("Svaret från Kolada hade ett värde som är för stort."))
            IndicatorValue.objects.update_or_create(
                indicator=indicator,
                year=item.year,
                period="",
                defaults={"value": item.value.quantize(DECIMALS), "source": Source.KOLADA},
            )
    return len(result.values)


def values_table(indicator: Indicator) -> list[IndicatorValue]:
    return list(indicator.values.all())


def latest_value(indicator: Indicator) -> IndicatorValue | None:
    values = list(indicator.values.all())
    return values[-1] if values else None


def format_number(value: Decimal | None) -> str:
    """A stored value the Swedish way: decimal comma, no trailing zeros ("12,5", "40")."""
    if value is None:
        return "–"
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "\u2212")
