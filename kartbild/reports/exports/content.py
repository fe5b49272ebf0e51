"""What every export of a mapping contains, gathered once from `reports.report`.

Exports never compute a number themselves and never read responses: everything comes from the
report module, which has passed it through the anonymity gate. A unit subtree's export (what a
unit manager may take away) holds only that subtree: its kartbild and the heat-map rows of the
units in it, never the organisation's other units or perspectives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.text import slugify

from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Unit
from kartbild.reports.report import (
    KartbildReport,
    MappingData,
    PerspectiveComparison,
    UnitComparison,
    UnitRow,
    Withheld,
    compare_perspectives,
    compare_units,
    kartbild_report,
    load_mapping,
)

Progress = Callable[[int], None]


def no_progress(_percent: int) -> None:
    """For callers that do not follow progress."""


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


@dataclass(frozen=True)
class ExportContent:
    """The gated report and its comparisons, for one scope (organisation or unit subtree)."""

    report: KartbildReport
    # Perspectives side by side; None for a unit subtree (it has only employees).
    perspectives: PerspectiveComparison | None
    units: UnitComparison
    # The heat-map rows in scope: all units for the organisation, the subtree for a unit.
    unit_rows: tuple[UnitRow, ...]
    made_on: date

    @property
    def withheld(self) -> tuple[Withheld, ...]:
        """Every group the exports leave out, with its reason: perspectives first, then units."""
        groups = [p.withheld for p in self.report.perspectives if p.withheld is not None]
        groups += [row.withheld for row in self.unit_rows if row.withheld is not None]
        return tuple(groups)

    @property
    def scope_label(self) -> str:
        return self.report.scope


def gather(
    mapping: Mapping | MappingData,
    unit: Unit | None = None,
    progress: Progress = no_progress,
    unit_detail: bool = True,
) -> ExportContent:
    """Load a mapping once and assemble what its exports show, for the organisation or for
    `unit`'s subtree. Without `unit_detail` (a facilitator's export) no unit row is included."""
    data = mapping if isinstance(mapping, MappingData) else load_mapping(mapping)
    progress(15)
    report = kartbild_report(data, unit=unit)
    units = compare_units(data)
    progress(25)
    if unit is None:
        perspectives: PerspectiveComparison | None = compare_perspectives(data)
        rows = units.rows
    else:
        perspectives = None
        subtree = data.tree.descendant_ids(unit.pk) if unit.pk in data.tree.units else set()
        rows = tuple(row for row in units.rows if row.unit_id in subtree)
    if not unit_detail:
        rows = ()
        units = UnitComparison(units.question, units.title, (), None, ())
    progress(35)
    return ExportContent(report, perspectives, units, rows, timezone.localdate())


def filename(content: ExportContent, extension: str, prefix: str = "kartbild") -> str:
    """E.g. kartbild-kartlaggning-2026-socialforvaltningen-2026-11-23.pdf."""
    parts = [prefix, slugify(content.report.mapping_name)]
    if content.report.unit_id is not None:
        parts.append(slugify(content.report.unit_label.split(" › ")[-1]))
    parts.append(content.made_on.isoformat())
    return "-".join(p for p in parts if p) + "." + extension
