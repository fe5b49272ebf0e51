"""Filtering the values table of one catalogue version.

A catalogue has a few hundred values at most, so the page loads them once and filters in Python:
the text search then folds case for å, ä and ö on SQLite too (its LIKE folds only ASCII), and the
counts per level come from the same list without more queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kartbild.catalogue.models import LEVELS, Polarity, Value


@dataclass(frozen=True)
class ValueFilter:
    text: str = ""
    level: int | None = None
    polarity: str = ""
    type: str = ""
    frame: str = ""
    status: str = ""

    @classmethod
    def of(cls, cleaned_data: dict[str, Any]) -> ValueFilter:
        """From a filter form's cleaned data; a field that did not validate is not applied."""
        return cls(
            text=" ".join(str(cleaned_data.get("q") or "").split()).casefold(),
            level=cleaned_data.get("level"),
            polarity=cleaned_data.get("polarity") or "",
            type=cleaned_data.get("type") or "",
            frame=cleaned_data.get("frame") or "",
            status=cleaned_data.get("status") or "",
        )

    @property
    def is_active(self) -> bool:
        return self != ValueFilter()

    def matches(self, value: Value, *, ignore_level: bool = False) -> bool:
        if self.level is not None and not ignore_level and value.level != self.level:
            return False
        if self.polarity and value.polarity != self.polarity:
            return False
        if self.type and value.type != self.type:
            return False
        if self.frame and not value.fits(self.frame):
            return False
        if self.status and value.hidden != (self.status == "hidden"):
            return False
        if self.text:
            searched = (
                value.slug,
                value.name_sv,
                value.name_en,
                value.description_sv,
                value.description_en,
            )
            return any(self.text in text.casefold() for text in searched)
        return True


@dataclass(frozen=True)
class LevelCount:
    level: int
    positive: int
    limiting: int

    @property
    def label(self) -> str:
        return str(LEVELS[self.level])

    @property
    def total(self) -> int:
        return self.positive + self.limiting


def level_counts(values: Iterable[Value], value_filter: ValueFilter) -> list[LevelCount]:
    """Values per level matching every filter but the level one, so that each count says what
    choosing that level would show."""
    positive = dict.fromkeys(LEVELS, 0)
    limiting = dict.fromkeys(LEVELS, 0)
    for value in values:
        if value.level in LEVELS and value_filter.matches(value, ignore_level=True):
            counts = limiting if value.polarity == Polarity.LIMITING else positive
            counts[value.level] += 1
    return [LevelCount(level, positive[level], limiting[level]) for level in sorted(LEVELS)]
