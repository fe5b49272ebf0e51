"""Reading the CSV files of the command line and of reference imports: header checks, line
numbers, and a cap on how many problems are collected before giving up."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kartbild.analysis.errors import InputError, Problem

if TYPE_CHECKING:
    from _csv import Reader

# A wholly wrong file (say, the wrong file) would otherwise yield a million messages; fifty is
# enough to see the pattern and fix it.
MAX_PROBLEMS = 50


@dataclass
class ProblemList:
    """Problems of one file, collected so that the user sees all of them at once."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int | None, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            raise self.error(truncated=True)
        self.problems.append(Problem(line, message))

    def error(self, *, truncated: bool = False) -> InputError:
        problems = list(self.problems)
        if truncated:
            problems.append(Problem(None, f"stopped after {MAX_PROBLEMS} problems"))
        return InputError(self.source, problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise self.error()


@dataclass(frozen=True)
class CsvTable:
    """A CSV file's header (column name -> position) and its data rows with line numbers."""

    source: str
    columns: dict[str, int]
    rows: Iterator[tuple[int, list[str]]]


def open_csv(text: str, source: str, required: Sequence[str]) -> CsvTable:
    """Check the header of `text` for the `required` columns (extra columns are ignored) and
    return an iterator over the non-blank data rows. A semicolon-separated file (what Swedish
    spreadsheets save) is read as well as a comma-separated one."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(source, [Problem(None, "the file is empty")]) from None
    except csv.Error as error:
        raise InputError(source, [Problem(1, f"not readable as CSV ({error})")]) from None
    columns = {name.strip().lower(): position for position, name in enumerate(header)}
    missing = [name for name in required if name not in columns]
    if missing:
        found = ",".join(name.strip() for name in header)
        raise InputError(
            source,
            [Problem(1, f"missing column {name!r} (the header is {found!r})") for name in missing],
        )
    return CsvTable(source, columns, _rows(reader, source, len(header)))


def _rows(reader: Reader, source: str, width: int) -> Iterator[tuple[int, list[str]]]:
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InputError(
                source, [Problem(line + 1, f"not readable as CSV ({error})")]
            ) from None
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        yield line, cells


def parse_number(text: str) -> float | None:
    """A decimal number as a Swede or a computer writes it ("0,42" or "0.42"); None if it is not
    one. Infinity and NaN are not numbers here."""
    cleaned = text.strip().replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number


def parse_integer(text: str) -> int | None:
    """A whole number ("12"), or None."""
    cleaned = text.strip()
    if not cleaned or not (cleaned.isdigit() or (cleaned[0] in "+-" and cleaned[1:].isdigit())):
        return None
    return int(cleaned)
