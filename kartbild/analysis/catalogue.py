"""A value catalogue as the analysis sees it: values in catalogue order, each with its level,
polarity and type, held as numpy arrays so that every metric is a vectorised lookup.

A value is identified everywhere in the core by its position in the catalogue (its index);
slugs are for people and files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kartbild.analysis.csvfile import ProblemList, open_csv, parse_integer
from kartbild.analysis.errors import AnalysisError

# The seven levels of DESIGN.md, from "Trygghet och överlevnad" (1) to "Samhällsansvar och
# framtid" (7).
LEVELS = 7

# Potentially limiting values exist only on the three self-interest levels: a value about
# shared direction, collaboration or society cannot, in the method, be limiting.
HIGHEST_LIMITING_LEVEL = 3

# The columns a catalogue file must have; the shipped file has more (descriptions, frames).
CATALOGUE_COLUMNS = ("slug", "name_sv", "name_en", "level", "polarity", "type")


class Polarity(StrEnum):
    POSITIVE = "positive"
    LIMITING = "limiting"


class ValueType(StrEnum):
    """The four types of the method, in the order the reports list them."""

    INDIVIDUAL = "I"
    RELATIONSHIP = "R"
    ORGANISATIONAL = "O"
    SOCIETAL = "S"


VALUE_TYPES: tuple[ValueType, ...] = tuple(ValueType)


@dataclass(frozen=True)
class CatalogueValue:
    """One word of the catalogue."""

    slug: str
    level: int
    polarity: Polarity
    type: ValueType
    name_sv: str = ""
    name_en: str = ""


@dataclass(frozen=True, eq=False)
class Catalogue:
    """The values of one catalogue version, in catalogue order.

    Built from `CatalogueValue`s (the Django adapter) or read from CSV (`read_catalogue_csv`).
    The arrays are read-only and indexed by value index.
    """

    values: tuple[CatalogueValue, ...]
    slugs: tuple[str, ...] = field(init=False)
    levels: npt.NDArray[np.int8] = field(init=False)
    limiting: npt.NDArray[np.bool_] = field(init=False)
    types: npt.NDArray[np.int8] = field(init=False)
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        values = tuple(self.values)
        if not values:
            raise AnalysisError("a catalogue needs at least one value")
        index: dict[str, int] = {}
        for position, value in enumerate(values):
            _check_value(value)
            if value.slug in index:
                raise AnalysisError(f"value {value.slug!r} appears twice in the catalogue")
            index[value.slug] = position
        levels = np.array([v.level for v in values], dtype=np.int8)
        limiting = np.array([v.polarity is Polarity.LIMITING for v in values], dtype=np.bool_)
        types = np.array([VALUE_TYPES.index(v.type) for v in values], dtype=np.int8)
        for array in (levels, limiting, types):
            array.setflags(write=False)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "slugs", tuple(v.slug for v in values))
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "limiting", limiting)
        object.__setattr__(self, "types", types)
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return len(self.values)

    def index(self, slug: str) -> int:
        """The index of a value; AnalysisError if the catalogue has no such value."""
        try:
            return self._index[slug]
        except KeyError:
            raise AnalysisError(f"unknown value {slug!r}: not in the catalogue") from None

    def find(self, slug: str) -> int | None:
        """The index of a value, or None."""
        return self._index.get(slug)

    def indexes(self, slugs: Iterable[str]) -> npt.NDArray[np.int16]:
        """Indexes of many values, for building pick matrices from slugs."""
        return np.array([self.index(slug) for slug in slugs], dtype=np.int16)


def _check_value(value: CatalogueValue) -> None:
    if not value.slug or value.slug != value.slug.strip():
        raise AnalysisError(f"a value needs a slug without surrounding spaces, not {value.slug!r}")
    if not 1 <= value.level <= LEVELS:
        raise AnalysisError(f"value {value.slug!r}: level {value.level} is not between 1 and 7")
    if not isinstance(value.polarity, Polarity):
        raise AnalysisError(f"value {value.slug!r}: polarity must be a Polarity")
    if not isinstance(value.type, ValueType):
        raise AnalysisError(f"value {value.slug!r}: type must be a ValueType")
    if value.polarity is Polarity.LIMITING and value.level > HIGHEST_LIMITING_LEVEL:
        raise AnalysisError(
            f"value {value.slug!r}: a potentially limiting value must be on level 1-3, "
            f"not {value.level}"
        )


def read_catalogue_csv(text: str, source: str = "catalogue.csv") -> Catalogue:
    """Read a catalogue from CSV with the header `slug,name_sv,name_en,level,polarity,type`
    (further columns, such as descriptions and frames, are ignored).

    Raises InputError listing every problem with its line number."""
    table = open_csv(text, source, CATALOGUE_COLUMNS)
    column = table.columns
    problems = ProblemList(source)
    values: list[CatalogueValue] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        slug = cells[column["slug"]].strip()
        level_text = cells[column["level"]].strip()
        polarity_text = cells[column["polarity"]].strip().lower()
        type_text = cells[column["type"]].strip().upper()
        level = parse_integer(level_text)
        found = len(problems.problems)
        if not slug:
            problems.add(line, "empty slug")
        elif slug in seen:
            problems.add(line, f"value {slug!r} already given on line {seen[slug]}")
        if level is None:
            problems.add(line, f"level {level_text!r} is not a whole number")
        elif not 1 <= level <= LEVELS:
            problems.add(line, f"level {level} is not between 1 and {LEVELS}")
        if polarity_text not in {p.value for p in Polarity}:
            problems.add(line, f"polarity {polarity_text!r} is not 'positive' or 'limiting'")
        if type_text not in {t.value for t in ValueType}:
            problems.add(line, f"type {type_text!r} is not one of I, R, O, S")
        if len(problems.problems) > found or level is None:
            continue
        if polarity_text == Polarity.LIMITING and level > HIGHEST_LIMITING_LEVEL:
            problems.add(line, f"a limiting value must be on level 1-3, not {level}")
            continue
        seen[slug] = line
        values.append(
            CatalogueValue(
                slug=slug,
                level=level,
                polarity=Polarity(polarity_text),
                type=ValueType(type_text),
                name_sv=cells[column["name_sv"]].strip(),
                name_en=cells[column["name_en"]].strip(),
            )
        )
    if not values and not problems.problems:
        problems.add(None, "no values")
    problems.raise_if_any()
    return Catalogue(tuple(values))


def catalogue_of(values: Sequence[CatalogueValue]) -> Catalogue:
    """A catalogue from values in catalogue order (the Django adapter's entry point)."""
    return Catalogue(tuple(values))
