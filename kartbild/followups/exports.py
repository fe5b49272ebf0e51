"""Exports of a round's results: PDF, Excel and CSV, the formats of a mapping's exports.

Built from `results.follow_up_report` only, so every number has passed the anonymity gate, and
with the low-level helpers of the mapping exports: the same table shape (`Table`, `Column`),
the same formula-safe CSV (`csv_text`) and workbook sheets (`workbook._sheet`), the same PDF
engine (WeasyPrint). A download is made while the user waits: a round's tables are small."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kartbild.analysis.likert import Difference
from kartbild.followups.results import FollowUpReport, Shown
from kartbild.reports.exports.content import ExportFile
from kartbild.reports.exports.tables import Cell, Column, Table, csv_text
from kartbild.reports.exports.workbook import XLSX, _sheet, _write

FORMATS = ("pdf", "xlsx", "csv", "pptx")
# A value's slide lists this many statements; more would not be readable from the back of a room.
STATEMENTS_PER_SLIDE = 8


def without_units(report: FollowUpReport) -> FollowUpReport:
    """The organisation-wide results without unit rows (a facilitator's export)."""
    return replace(report, units=())


def _index(shown: Shown) -> tuple[Cell, Cell, Cell, Cell, Cell, str]:
    estimate = shown.estimate
    if estimate is None:
        return (None, None, None, None, None, shown.reason)
    return (
        round(estimate.index, 1) if estimate.index is not None else None,
        round(estimate.low, 1) if estimate.low is not None else None,
        round(estimate.high, 1) if estimate.high is not None else None,
        estimate.respondents,
        estimate.dont_know,
        "",
    )


def _yes(flag: bool) -> str:
    return _("ja") if flag else _("nej")


def _change(change: Difference | None) -> tuple[Cell, Cell, str]:
    """A change since the round before: its size, Welch's p-value and whether it is significant."""
    if change is None:
        return (None, None, "")
    return (
        round(change.difference, 1) if change.difference is not None else None,
        round(change.p_value, 4) if change.p_value is not None else None,
        _yes(change.significant),
    )


def build_tables(report: FollowUpReport) -> tuple[Table, ...]:
    text = Column
    number = Column

    def decimal(title: str) -> Column:
        return Column(title, "decimal")

    def whole(title: str) -> Column:
        return Column(title, "int")

    index_columns = (
        decimal(_("Index")),
        decimal(_("Lägre gräns (95 %)")),
        decimal(_("Övre gräns (95 %)")),
        whole(_("Svarande")),
        whole(_("Vet ej")),
        text(_("Visas inte")),
    )
    tables = [
        Table(
            _("Värden"),
            _("Index 0–100 per värde"),
            (text(_("Värde")), *index_columns),
            tuple((v.name, *_index(v.index)) for v in report.values),
        ),
        Table(
            _("Påståenden"),
            _("Index 0–100 per påstående, och förändringen sedan förra omgången"),
            (
                text(_("Värde")),
                text(_("Påstående")),
                *index_columns,
                decimal(_("Förändring")),
                decimal(_("p-värde")),
                text(_("Signifikant")),
            ),
            tuple(
                (
                    v.name,
                    s.text,
                    *_index(s.index),
                    *_change(s.change),
                )
                for v in report.values
                for s in v.statements
            ),
        ),
        Table(
            _("Utveckling"),
            _("Index per värde i varje omgång"),
            (
                text(_("Värde")),
                text(_("Omgång")),
                text(_("Datum")),
                *index_columns,
                decimal(_("Förändring")),
                decimal(_("p-värde")),
                text(_("Signifikant")),
            ),
            tuple(
                (
                    v.name,
                    point.name,
                    point.period,
                    *_index(point.index),
                    *_change(point.change),
                )
                for v in report.values
                for point in v.trend
            ),
        ),
    ]
    if report.units:
        names = [v.name for v in report.values]
        tables.append(
            Table(
                _("Enheter"),
                _("Index per enhet och värde"),
                (
                    text(_("Enhet")),
                    whole(_("Nivå")),
                    whole(_("Svarande")),
                    *(decimal(name) for name in names),
                    text(_("Visas inte")),
                ),
                tuple(
                    (
                        row.label,
                        row.depth,
                        row.respondents,
                        *(
                            (
                                round(s.estimate.index, 1)
                                if s.estimate and s.estimate.index is not None
                                else None
                            )
                            for s in (row.values or (Shown(None),) * len(names))
                        ),
                        row.reason,
                    )
                    for row in report.units
                ),
            )
        )
    signal_rows = tuple(
        (v.name, share.name, share.current, share.desired, v.signal.reason)
        for v in report.values
        if v.signal is not None
        for share in (v.signal.shares or ())
    ) + tuple(
        (v.name, "", None, None, v.signal.reason)
        for v in report.values
        if v.signal is not None and not v.signal.shares
    )
    tables.append(
        Table(
            _("Kartläggning"),
            _("Andel som väljer värdets ord som rådande och önskad kultur (%(mapping)s)")
            % {"mapping": report.mapping_name or _("ingen stängd kartläggning")},
            (
                text(_("Värde")),
                text(_("Ord i värdekatalogen")),
                Column(_("Rådande"), "share"),
                Column(_("Önskad"), "share"),
                text(_("Visas inte")),
            ),
            signal_rows,
        )
    )
    del number
    return tuple(tables)


def _filename(report: FollowUpReport, extension: str) -> str:
    parts = ["uppfoljning", slugify(report.name)]
    if report.unit_id is not None:
        parts.append(slugify(report.scope.split(" › ")[-1]))
    parts.append(timezone.localdate().isoformat())
    return "-".join(p for p in parts if p) + "." + extension


def render(report: FollowUpReport, fmt: str) -> ExportFile:
    tables = build_tables(report)
    if fmt == "csv":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for number, table in enumerate(tables, start=1):
                archive.writestr(
                    f"{number:02d}-{slugify(table.name) or 'tabell'}.csv", csv_text(table)
                )
        return ExportFile(buffer.getvalue(), _filename(report, "zip"), "application/zip")
    if fmt == "xlsx":
        workbook = Workbook()
        cover = workbook.active
        assert cover is not None
        cover.title = _("Om tabellerna")
        for row, (label, value) in enumerate(_about(report), start=1):
            _write(cover.cell(row, 1), label)
            _write(cover.cell(row, 2), value)
        cover.column_dimensions["A"].width = 18
        cover.column_dimensions["B"].width = 90
        for table in tables:
            _sheet(workbook, table)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return ExportFile(buffer.getvalue(), _filename(report, "xlsx"), XLSX)
    if fmt == "pdf":
        # Imported here: WeasyPrint loads Pango and fonts, which only an export needs.
        from weasyprint import HTML

        document = render_to_string(
            "followups/results_pdf.html",
            {"report": report, "about": _about(report), "tables": tables},
        )
        pdf = HTML(string=document).write_pdf()
        assert pdf is not None
        return ExportFile(pdf, _filename(report, "pdf"), "application/pdf")
    if fmt == "pptx":
        return _slides(report)
    raise ValueError(f"unknown export format {fmt!r}")


def _slides(report: FollowUpReport) -> ExportFile:
    """One slide per value: its index in the title, its statements and trend as lines."""
    from pptx import Presentation

    from kartbild.followups.templatetags.followups import change_text, index_text, interval_text
    from kartbild.reports.exports.slides import (
        HEIGHT,
        PPTX,
        TITLE_SLIDE,
        WIDTH,
        _bullets_slide,
        clean,
    )

    deck = Presentation()
    deck.slide_width = WIDTH
    deck.slide_height = HEIGHT
    cover = deck.slides.add_slide(deck.slide_layouts[TITLE_SLIDE])
    assert cover.shapes.title is not None
    cover.shapes.title.text = clean(report.name)
    cover.placeholders[1].text = clean(f"{report.scope} · {report.framework}")
    _bullets_slide(
        deck, _("Så läser du resultaten"), [value for _label, value in _about(report)[5:]]
    )
    if not report.shown:
        _bullets_slide(deck, _("Resultaten visas inte"), [report.reason])
    for value in report.values:
        title = _("%(value)s: index %(index)s (95 %% %(interval)s)") % {
            "value": value.name,
            "index": index_text(value.index),
            "interval": interval_text(value.index),
        }
        lines = [
            f"{s.text}: {index_text(s.index)} ({interval_text(s.index)})"
            for s in value.statements[:STATEMENTS_PER_SLIDE]
        ]
        if len(value.trend) > 1:
            lines.append(
                _("Sedan förra omgången: %(change)s")
                % {"change": change_text(value.trend[-1].change)}
            )
        _bullets_slide(deck, title, lines)
    withheld = [f"{row.label}: {row.reason}" for row in report.units if row.reason]
    if withheld:
        _bullets_slide(
            deck, _("Några enheter visas inte, för att skydda de svarandes anonymitet"), withheld
        )
    buffer = io.BytesIO()
    deck.save(buffer)
    return ExportFile(buffer.getvalue(), _filename(report, "pptx"), PPTX)


def _about(report: FollowUpReport) -> list[tuple[str, str]]:
    return [
        (_("Uppföljning"), report.name),
        (_("Organisation"), report.organisation),
        (_("Omfattning"), report.scope),
        (_("Värdegrund"), report.framework),
        (_("Skapad"), timezone.localdate().isoformat()),
        (
            _("Index"),
            _(
                "Svaren 1–5 räknas som 0, 25, 50, 75 och 100; ”vet ej” räknas inte. Intervallen "
                "är 95 %-konfidensintervall. En förändring är signifikant när Welchs t-test ger "
                "p under 0,05."
            ),
        ),
        (
            _("Anonymitet"),
            _(
                "Bara grupper med minst %(k)s svarande visas, och ingen grupp som kan räknas ut "
                "genom att dra en visad grupp från en annan."
            )
            % {"k": report.min_group},
        ),
    ]
