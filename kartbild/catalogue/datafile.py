"""The value catalogue as a data file: read it, check every row, return the rows.

Pure Python without Django, so that a catalogue file can be checked before it is shipped and the
loader in `actions.py` only ever sees rows that are already valid. The people who edit these files
are catalogue editors, not programmers: every problem is reported in Swedish with its line number.

The format is CSV in UTF-8 with a fixed header (`HEADER`); one row is one value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HEADER: tuple[str, ...] = (
    "slug",
    "name_sv",
    "name_en",
    "description_sv",
    "description_en",
    "level",
    "polarity",
    "type",
    "frames",
)

# The seven levels of the values-assessment method, in our own words (DESIGN.md, "The value
# catalogue"): (Swedish, English).
LEVEL_NAMES: dict[int, tuple[str, str]] = {
    1: ("Trygghet och överlevnad", "Safety and survival"),
    2: ("Relationer och tillhörighet", "Relationships and belonging"),
    3: ("Prestation och självkänsla", "Achievement and self-esteem"),
    4: ("Förnyelse och lärande", "Renewal and learning"),
    5: ("Gemensam riktning och tillit", "Shared direction and trust"),
    6: ("Samverkan och att göra skillnad", "Collaboration and making a difference"),
    7: ("Samhällsansvar och framtid", "Responsibility for society and the future"),
}

TYPE_NAMES: dict[str, tuple[str, str]] = {
    "I": ("Individ", "Individual"),
    "R": ("Relation", "Relationship"),
    "O": ("Organisation", "Organisation"),
    "S": ("Samhälle", "Society"),
}

POLARITIES: tuple[str, ...] = ("positive", "limiting")

# In this order in every returned row, whatever order the file lists them in.
FRAMES: tuple[str, ...] = ("personal", "workplace", "community")

# Potentially limiting values describe fear-driven behaviour, which the method places on the
# three lowest levels only.
LIMITING_LEVELS: tuple[int, ...] = (1, 2, 3)

# The words the municipalities of the SKR network and Ystad's värdegrund used (DESIGN.md, "Where
# this comes from"); the shipped catalogue must offer every one of them.
SEED_WORDS_SV: tuple[str, ...] = (
    "kostnadsjakt",
    "förvirring",
    "osäkerhet om framtiden",
    "avsaknad av kundfokus",
    "avsaknad av medborgarfokus",
    "byråkrati",
    "arbetstillfällen",
    "ekonomisk stabilitet",
    "ansvar för kommande generationer",
    "tillit",
    "mod",
    "delaktighet",
    "professionalitet",
    "respekt",
    "dialog",
    "öppenhet",
    "nyfikenhet",
    "medarbetarskap",
    "ledarskap",
    "lagarbete",
    "ansvar",
)

# The seed words that were named as current, potentially limiting culture.
LIMITING_SEED_WORDS_SV: tuple[str, ...] = (
    "kostnadsjakt",
    "förvirring",
    "osäkerhet om framtiden",
    "avsaknad av kundfokus",
    "avsaknad av medborgarfokus",
    "byråkrati",
)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# The lengths of the database columns the rows are stored in (kartbild.catalogue.models.Value):
# a longer text would pass here and fail halfway through loading.
MAX_LENGTHS: dict[str, int] = {
    "slug": 60,
    "name_sv": 60,
    "name_en": 60,
    "description_sv": 300,
    "description_en": 300,
}


@dataclass(frozen=True)
class CatalogueRow:
    """One value of a catalogue file, checked."""

    slug: str
    name_sv: str
    name_en: str
    description_sv: str
    description_en: str
    level: int
    polarity: str
    type: str
    frames: tuple[str, ...]

    @property
    def is_limiting(self) -> bool:
        return self.polarity == "limiting"


class CatalogueFileError(ValueError):
    """A catalogue file that cannot be used. The message says where and what, in Swedish;
    `line` is the line number it concerns, when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def read_catalogue_file(path: Path) -> list[CatalogueRow]:
    """The rows of the catalogue file at `path`, in file order.

    Raises CatalogueFileError at the first problem: a file that is not UTF-8 CSV with exactly the
    header `HEADER`, a row with too few or too many fields, an empty field, a bad slug, level,
    polarity, type or frames, a potentially limiting value above level 3, a text longer than its
    database column, or a slug or name (in either language, ignoring case) that another row
    already uses. Blank lines are skipped. A byte order mark is accepted."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogueFileError(
            f"Katalogfilen {path} går inte att läsa: {error.strerror or error}."
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CatalogueFileError(
            f"Rad {line}: filen är inte sparad som UTF-8; spara om den med teckenkodningen UTF-8.",
            line,
        ) from None
    return _parse(text)


def _parse(text: str) -> list[CatalogueRow]:
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise CatalogueFileError(
            f"Rad 1: filen är tom; första raden ska vara rubrikraden {','.join(HEADER)}.", 1
        )
    header_line, header = first
    if tuple(cell.strip() for cell in header) != HEADER:
        raise _error(
            header_line,
            f"rubrikraden ska vara exakt {','.join(HEADER)}, fick {','.join(header)}.",
        )

    rows: list[CatalogueRow] = []
    # Every name a value is known by, casefolded, and the line that uses it: paper answers name
    # values by slug, Swedish or English name, so each must point at exactly one value.
    known_by: dict[str, int] = {}
    last_line = header_line
    for line, cells in records:
        last_line = line
        row = _row(line, cells)
        for column in ("slug", "name_sv", "name_en"):
            value = getattr(row, column)
            key = value.casefold()
            if known_by.get(key, line) != line:
                raise _error(
                    line,
                    f"{column} '{value}' används redan på rad {known_by[key]}; "
                    "varje slug och namn ska peka ut ett enda värde.",
                )
            known_by[key] = line
        rows.append(row)
    if not rows:
        raise _error(last_line + 1, "filen innehåller inga värden, bara rubrikraden.")
    return rows


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank CSV record with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise _error(
                start, "raden går inte att tolka som CSV; kontrollera citattecknen."
            ) from None
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        yield start, cells


def _row(line: int, cells: list[str]) -> CatalogueRow:
    if len(cells) != len(HEADER):
        hint = (
            "; text som innehåller kommatecken ska stå inom citattecken"
            if len(cells) > len(HEADER)
            else ""
        )
        raise _error(
            line,
            f"raden har {len(cells)} fält men ska ha {len(HEADER)} ({', '.join(HEADER)}){hint}.",
        )
    fields = {column: cell.strip() for column, cell in zip(HEADER, cells, strict=True)}
    for column, value in fields.items():
        if not value:
            raise _error(line, f"fältet {column} är tomt.")
    for column, limit in MAX_LENGTHS.items():
        if len(fields[column]) > limit:
            raise _error(line, f"{column} får ha högst {limit} tecken, har {len(fields[column])}.")

    slug = fields["slug"]
    if not SLUG_PATTERN.fullmatch(slug):
        raise _error(
            line,
            "slug får bara innehålla a–z, 0–9 och enkla bindestreck mellan orden "
            f"(å, ä och ö skrivs a, a och o), fick '{slug}'.",
        )
    if fields["level"] not in {str(level) for level in LEVEL_NAMES}:
        raise _error(line, f"nivå måste vara ett heltal 1–7, fick '{fields['level']}'.")
    level = int(fields["level"])
    polarity = fields["polarity"]
    if polarity not in POLARITIES:
        raise _error(line, f"polaritet måste vara 'positive' eller 'limiting', fick '{polarity}'.")
    if polarity == "limiting" and level not in LIMITING_LEVELS:
        raise _error(
            line,
            f"ett potentiellt begränsande värde kan bara ligga på nivå 1–3, "
            f"'{fields['name_sv']}' ligger på nivå {level}.",
        )
    value_type = fields["type"]
    if value_type not in TYPE_NAMES:
        raise _error(line, f"typ måste vara I, R, O eller S, fick '{value_type}'.")
    return CatalogueRow(
        slug=slug,
        name_sv=fields["name_sv"],
        name_en=fields["name_en"],
        description_sv=fields["description_sv"],
        description_en=fields["description_en"],
        level=level,
        polarity=polarity,
        type=value_type,
        frames=_frames(line, fields["frames"]),
    )


def _frames(line: int, cell: str) -> tuple[str, ...]:
    named = [frame.strip() for frame in cell.split("|")]
    if any(frame not in FRAMES for frame in named) or len(set(named)) != len(named):
        raise _error(
            line,
            "ramar måste vara en eller flera av personal, workplace och community, "
            f"var och en en gång, åtskilda med |, fick '{cell}'.",
        )
    return tuple(frame for frame in FRAMES if frame in named)


def _error(line: int, problem: str) -> CatalogueFileError:
    return CatalogueFileError(f"Rad {line}: {problem}", line)
