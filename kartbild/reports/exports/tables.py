"""The aggregated tables of a kartbild, once, for the workbook (Excel) and the CSV files.

Each table is a sheet of the workbook and a file of the CSV zip. Only what `reports.report` let
through is here: the rows of a withheld group are absent, and the group is listed in the table
of withheld groups with its reason instead. Shares are fractions (0.25 is 25 %), so that a
spreadsheet can compute with them; the workbook formats them as per cent."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext as _

from kartbild.mappings.letters import spreadsheet_safe
from kartbild.reports.exports.content import ExportContent, ExportFile, Progress, filename

Cell = str | int | float | None
# How a column is shown in the workbook; CSV writes every value plainly.
Format = Literal["text", "int", "share", "decimal"]


@dataclass(frozen=True)
class Column:
    title: str
    format: Format = "text"


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name (at most 31 characters) and the CSV file's
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _yes(flag: bool) -> str:
    return _("ja") if flag else _("nej")


def build_tables(content: ExportContent) -> tuple[Table, ...]:
    report = content.report
    shown = report.shown
    text, number, share = Column, (lambda t: Column(t, "int")), (lambda t: Column(t, "share"))

    overview = []
    for p in report.perspectives:
        current = p.main_current
        limiting = current.limiting if current else None
        overview.append(
            (
                p.label,
                p.respondents,
                p.response_rate,
                limiting.share if limiting else None,
                limiting.low if limiting else None,
                limiting.high if limiting else None,
                limiting.band_label if limiting else "",
                p.withheld.explanation if p.withheld else "",
            )
        )

    tops, levels, types, matches, changes = [], [], [], [], []
    for p in shown:
        for q in p.questions:
            for line in q.top:
                tops.append(
                    (
                        p.label,
                        q.title,
                        line.rank,
                        line.value.name,
                        line.value.level,
                        _yes(line.value.limiting),
                        line.votes,
                        line.share,
                        line.share_low,
                        line.share_high,
                        _yes(line.tied),
                    )
                )
            for level in q.levels:
                levels.append(
                    (p.label, q.title, level.level, level.name, level.positive, level.limiting)
                )
            for kind in q.types:
                types.append((p.label, q.title, kind.name, kind.count))
        for frame in p.frames:
            for match in frame.matches:
                matches.append(
                    (p.label, frame.title, match.label, match.count, match.reading_label)
                )
            for direction, lines in ((_("ökar"), frame.jumps), (_("minskar"), frame.drops)):
                for change in lines:
                    changes.append(
                        (
                            p.label,
                            frame.title,
                            direction,
                            change.value.name,
                            change.current,
                            change.desired,
                            change.change,
                        )
                    )

    units = []
    if report.unit_id is None and content.units.organisation is not None:
        units.append(_unit_row(content.units.organisation))
    units += [_unit_row(row) for row in content.unit_rows]

    differences = []
    if content.perspectives is not None:
        for pair in content.perspectives.pairs:
            for d in pair.differences:
                differences.append(
                    (
                        pair.title,
                        pair.first,
                        pair.second,
                        d.value.name,
                        d.share_first,
                        d.share_second,
                        d.difference,
                        d.q_value,
                    )
                )

    withheld = [(w.label, w.explanation) for w in content.withheld]

    tables = [
        Table(
            _("Översikt"),
            _("Svarande och begränsande andel per perspektiv"),
            (
                text(_("Perspektiv")),
                number(_("Svarande")),
                share(_("Svarsfrekvens")),
                share(_("Begränsande andel")),
                share(_("Intervall, nedre")),
                share(_("Intervall, övre")),
                text(_("Läge")),
                text(_("Visas inte därför att")),
            ),
            tuple(overview),
        ),
        Table(
            _("Topplistor"),
            _("De mest valda värdena per fråga"),
            (
                text(_("Perspektiv")),
                text(_("Fråga")),
                number(_("Plats")),
                text(_("Värde")),
                number(_("Nivå")),
                text(_("Potentiellt begränsande")),
                number(_("Röster")),
                share(_("Andel av svarande")),
                share(_("Intervall, nedre")),
                share(_("Intervall, övre")),
                text(_("Delad plats vid gränsen")),
            ),
            tuple(tops),
        ),
        Table(
            _("Nivåer"),
            _("Andel av rösterna per nivå"),
            (
                text(_("Perspektiv")),
                text(_("Fråga")),
                number(_("Nivå")),
                text(_("Nivåns namn")),
                share(_("Positiva värden")),
                share(_("Potentiellt begränsande värden")),
            ),
            tuple(levels),
        ),
        Table(
            _("Typer"),
            _("Värdenas typ bland de tio mest valda"),
            (text(_("Perspektiv")), text(_("Fråga")), text(_("Typ")), number(_("Antal värden"))),
            tuple(types),
        ),
        Table(
            _("Matchningar"),
            _("Gemensamma värden mellan topplistorna"),
            (
                text(_("Perspektiv")),
                text(_("Ram")),
                text(_("Topplistor")),
                number(_("Gemensamma värden")),
                text(_("Läsning")),
            ),
            tuple(matches),
        ),
        Table(
            _("Förändringar"),
            _("Största ökningar och minskningar från rådande till önskad kultur"),
            (
                text(_("Perspektiv")),
                text(_("Ram")),
                text(_("Riktning")),
                text(_("Värde")),
                number(_("Röster, rådande")),
                number(_("Röster, önskad")),
                number(_("Skillnad i röster")),
            ),
            tuple(changes),
        ),
        Table(
            _("Enheter"),
            content.units.title or _("Enheter"),
            (
                text(_("Enhet")),
                number(_("Nivå i trädet")),
                number(_("Svarande")),
                share(_("Begränsande andel")),
                text(_("Läge")),
                text(_("Mest valda värden")),
                text(_("Visas inte därför att")),
            ),
            tuple(units),
        ),
    ]
    if content.perspectives is not None:
        tables.append(
            Table(
                _("Skillnader"),
                _("Säkra skillnader mellan perspektiven (Benjamini–Hochberg, 5 %)"),
                (
                    text(_("Fråga")),
                    text(_("Första gruppen")),
                    text(_("Andra gruppen")),
                    text(_("Värde")),
                    share(_("Andel, första")),
                    share(_("Andel, andra")),
                    share(_("Skillnad")),
                    Column(_("q-värde"), "decimal"),
                ),
                tuple(differences),
            )
        )
    tables.append(
        Table(
            _("Visas inte"),
            _("Grupper som inte visas, och varför"),
            (text(_("Grupp")), text(_("Skäl"))),
            tuple(withheld),
        )
    )
    return tuple(tables)


def _unit_row(row: object) -> tuple[Cell, ...]:
    from kartbild.reports.report import UnitRow

    assert isinstance(row, UnitRow)
    if row.withheld is not None:
        return (row.label, row.depth, None, None, "", "", row.withheld.explanation)
    return (
        row.label,
        row.depth,
        row.respondents,
        row.limiting.share if row.limiting else None,
        row.limiting.band_label if row.limiting else "",
        ", ".join(v.name for v in row.top),
        "",
    )


def csv_text(table: Table) -> str:
    """A table as CSV the way Swedish Excel opens it with a double click: semicolons and a byte
    order mark. Every text cell is neutralised against formula injection."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(c.title) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue()


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        # Swedish Excel reads a decimal comma; six decimals keep every share exact enough.
        return f"{cell:.6f}".replace(".", ",")
    if isinstance(cell, int):
        return str(cell)
    return spreadsheet_safe(cell)


def render_csv(content: ExportContent, progress: Progress) -> ExportFile:
    """A zip of one CSV file per table."""
    tables = build_tables(content)
    progress(70)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, table in enumerate(tables, start=1):
            archive.writestr(f"{number:02d}-{_file_stem(table.name)}.csv", csv_text(table))
    return ExportFile(buffer.getvalue(), filename(content, "zip"), "application/zip")


def _file_stem(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name) or "tabell"


def column_widths(table: Table) -> Sequence[int]:
    """Characters per column: the longest cell, within reason."""
    widths = []
    for i, column in enumerate(table.columns):
        longest = max([len(column.title)] + [len(str(row[i])) for row in table.rows if row[i]])
        widths.append(min(max(longest, 6), 60))
    return widths
