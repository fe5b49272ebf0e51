"""Import a unit tree from CSV or XLSX: validated whole, stored whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kartbild.lib.tabular import Table
from kartbild.organisations.models import Organisation, Unit

# Accepted header names per column, Swedish first: the file usually comes from an HR system.
COLUMNS = {
    "code": ("kod", "enhetskod", "code"),
    "name": ("namn", "name"),
    "level": ("nivå", "niva", "level"),
    "parent": ("överordnad", "overordnad", "parent"),
    "headcount": ("anställda", "anstallda", "antal anställda", "headcount"),
}
LEVEL_NAMES = {
    "förvaltning": Unit.Level.ADMINISTRATION,
    "forvaltning": Unit.Level.ADMINISTRATION,
    "avdelning": Unit.Level.DEPARTMENT,
    "enhet": Unit.Level.TEAM,
}


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    level: str
    parent: str
    headcount: int


def parse_units(table: Table, organisation: Organisation) -> tuple[list[UnitRow], list[str]]:
    """The rows of a unit file and every problem found in it, each with its line number."""
    errors: list[str] = []
    found = {}
    for column, names in COLUMNS.items():
        match = next((n for n in names if n in table.header), None)
        if match is None and column != "parent":
            errors.append(_("Kolumnen %(name)s saknas i rubrikraden.") % {"name": names[0]})
        found[column] = match
    if errors:
        return [], errors
    rows: list[UnitRow] = []
    codes: dict[str, int] = {}
    for row in table.rows:
        cell = {column: row.cells.get(name or "", "") for column, name in found.items()}
        line = row.line
        if not cell["code"]:
            errors.append(_("Rad %(line)s: kod saknas.") % {"line": line})
            continue
        if cell["code"] in codes:
            errors.append(
                _("Rad %(line)s: koden %(code)s finns redan på rad %(other)s.")
                % {"line": line, "code": cell["code"], "other": codes[cell["code"]]}
            )
        codes[cell["code"]] = line
        if not cell["name"]:
            errors.append(_("Rad %(line)s: namn saknas.") % {"line": line})
        elif len(cell["name"]) > 120:
            errors.append(_("Rad %(line)s: namnet är längre än 120 tecken.") % {"line": line})
        level = LEVEL_NAMES.get(cell["level"].lower())
        if level is None:
            errors.append(
                _(
                    "Rad %(line)s: nivån måste vara förvaltning, avdelning eller enhet, inte ”%(value)s”."
                )
                % {"line": line, "value": cell["level"]}
            )
        try:
            headcount = int(cell["headcount"] or "0")
            if headcount < 0 or headcount > 1_000_000:
                raise ValueError
        except ValueError:
            errors.append(
                _("Rad %(line)s: antal anställda måste vara ett heltal från 0, inte ”%(value)s”.")
                % {"line": line, "value": cell["headcount"]}
            )
            headcount = 0
        rows.append(
            UnitRow(line, cell["code"], cell["name"], level or "", cell["parent"], headcount)
        )

    by_code = {r.code: r for r in rows}
    existing = dict(Unit.objects.filter(organisation=organisation).values_list("code", "level"))
    for unit_row in rows:
        if not unit_row.level:
            continue
        parent_level = (
            by_code[unit_row.parent].level
            if unit_row.parent in by_code
            else existing.get(unit_row.parent)
        )
        if unit_row.parent and parent_level is None:
            errors.append(
                _("Rad %(line)s: den överordnade enheten %(code)s finns inte.")
                % {"line": unit_row.line, "code": unit_row.parent}
            )
        elif Unit.CHILD_LEVEL.get(parent_level or None) != unit_row.level:
            errors.append(
                _("Rad %(line)s: en %(level)s kan inte ligga direkt under %(parent)s.")
                % {
                    "line": unit_row.line,
                    "level": Unit.Level(unit_row.level).label.lower(),
                    "parent": Unit.Level(parent_level).label.lower()
                    if parent_level
                    else _("organisationen"),
                }
            )
    return rows, errors


def import_units(organisation: Organisation, rows: list[UnitRow]) -> int:
    """Create or update every row (matched on code) in one transaction. Returns the row count."""
    with transaction.atomic():
        units = {u.code: u for u in Unit.objects.filter(organisation=organisation)}
        for row in rows:
            unit = units.get(row.code) or Unit(organisation=organisation, code=row.code)
            unit.name, unit.level, unit.headcount = row.name, row.level, row.headcount
            unit.parent = None
            unit.save()
            units[row.code] = unit
        for row in rows:
            if row.parent:
                Unit.objects.filter(pk=units[row.code].pk).update(parent=units[row.parent])
    return len(rows)
