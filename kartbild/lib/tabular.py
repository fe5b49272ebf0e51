"""Read an uploaded table (CSV or XLSX) into rows with their line numbers.

Swedish spreadsheets save CSV with semicolons and, from older Excel, in Windows-1252; both are
accepted so that an HR officer's export works as it is."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Generous for a unit tree or a pile of paper answers; beyond it the file is refused whole.
MAX_ROWS = 100_000
MAX_CELL = 2000


class TableError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[Row]


def normalise_header(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


def read_table(name: str, data: bytes) -> Table:
    """Parse CSV or XLSX bytes. Header names are compared case-insensitively, with underscores
    read as spaces. Raises TableError with a Swedish message."""
    grid = _xlsx_grid(data) if name.lower().endswith(".xlsx") else _csv_grid(data)
    grid = [(line, cells) for line, cells in grid if any(c.strip() for c in cells)]
    if not grid:
        raise TableError(_("Filen är tom."))
    header_line, header = grid[0]
    header = [normalise_header(h) for h in header]
    if len(grid) - 1 > MAX_ROWS:
        raise TableError(_("Filen har fler än %(max)s rader.") % {"max": MAX_ROWS})
    rows = []
    for line, cells in grid[1:]:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise TableError(_("Rad %(line)s: fler kolumner än rubrikraden.") % {"line": line})
        for cell in cells:
            if len(cell) > MAX_CELL:
                raise TableError(
                    _("Rad %(line)s: en cell är längre än %(max)s tecken.")
                    % {"line": line, "max": MAX_CELL}
                )
        padded = list(cells) + [""] * (len(header) - len(cells))
        rows.append(Row(line, {h: padded[i].strip() for i, h in enumerate(header) if h}))
    return Table(header, rows)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_grid(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    if "\x00" in text:
        raise TableError(_("Filen är inte en textfil (CSV) eller en Excel-fil (XLSX)."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = []
    try:
        for cells in reader:
            grid.append((reader.line_num, cells))
    except csv.Error as error:
        raise TableError(
            _("Rad %(line)s: filen kan inte läsas som CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error
    return grid


def _xlsx_grid(data: bytes) -> list[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TableError(_("Filen kan inte läsas som en Excel-fil (XLSX).")) from error
    sheet = workbook.worksheets[0]
    grid = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS + 1:
            break
        grid.append((number, ["" if c is None else _cell_text(c) for c in row]))
    workbook.close()
    return grid


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
