"""The aggregated tables as an Excel workbook: one sheet per table, a heading row, shares as
per cent. Every text cell is stored as text, never as a formula, whatever it starts with."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kartbild.mappings.letters import FORMULA_STARTS
from kartbild.reports.exports.content import ExportContent, ExportFile, Progress, filename
from kartbild.reports.exports.tables import Cell, Table, build_tables, column_widths

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetml.sheet"
NUMBER_FORMATS = {"int": "0", "share": "0.0%", "decimal": "0.0000"}
HEADING = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="DDE3EA")
# Excel's sheet names hold at most 31 characters.
SHEET_NAME_LENGTH = 31


def render_workbook(content: ExportContent, progress: Progress) -> ExportFile:
    workbook = Workbook()
    cover = workbook.active
    assert cover is not None
    cover.title = _("Om tabellerna")[:SHEET_NAME_LENGTH]
    report = content.report
    about = [
        (_("Kartläggning"), report.mapping_name),
        (_("Organisation"), report.organisation),
        (_("Omfattning"), report.scope),
        (_("Värdekatalog"), report.catalogue),
        (_("Skapad"), content.made_on.isoformat()),
        (
            _("Anonymitet"),
            _(
                "Bara grupper med minst %(k)s svarande visas, och ingen grupp som kan räknas ut "
                "genom att dra en visad grupp från en annan. Grupper som inte visas finns i "
                "bladet ”Visas inte” med skälet."
            )
            % {"k": report.min_group},
        ),
        (_("Andelar"), _("Andelar är skrivna som procent; de är andelar av de svarande.")),
    ]
    for row, (label, value) in enumerate(about, start=1):
        _write(cover.cell(row, 1), label).font = HEADING
        _write(cover.cell(row, 2), value).alignment = Alignment(wrap_text=True, vertical="top")
    cover.column_dimensions["A"].width = 18
    cover.column_dimensions["B"].width = 90
    tables = build_tables(content)
    for number, table in enumerate(tables):
        _sheet(workbook, table)
        progress(40 + 55 * (number + 1) // len(tables))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportFile(buffer.getvalue(), filename(content, "xlsx"), XLSX)


def _sheet(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(table.name[:SHEET_NAME_LENGTH])
    _write(sheet.cell(1, 1), table.title).font = Font(bold=True, size=13)
    for column, spec in enumerate(table.columns, start=1):
        cell = _write(sheet.cell(3, column), spec.title)
        cell.font = HEADING
        cell.fill = HEADING_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(table.rows, start=4):
        for column, (spec, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = _write(sheet.cell(row_number, column), value)
            if spec.format in NUMBER_FORMATS and value is not None:
                cell.number_format = NUMBER_FORMATS[spec.format]
    for column, width in enumerate(column_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    sheet.freeze_panes = "A4"
    if not table.rows:
        _write(sheet.cell(4, 1), _("Inget att visa."))


def _write(cell: SheetCell | MergedCell, value: Cell) -> SheetCell:
    """Set a cell. openpyxl stores any text starting with "=" as a formula; text is forced to
    stay text, and marked with Excel's quote prefix so that editing it keeps it text too."""
    assert isinstance(cell, SheetCell)  # nothing here is merged
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell
