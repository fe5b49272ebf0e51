"""Respondents' picks, one integer matrix per question.

A question is a kind (personal, current, desired) and, for current and desired culture, a frame
(what the question is about: the workplace, the local community, Sweden). The picks of a
question are an (n, k) matrix of catalogue indexes: one row per respondent who answered it, k
picks per row, no value twice in a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kartbild.analysis.errors import AnalysisError

IntArray = npt.NDArray[np.integer]

# What a current or desired question without a frame is about: the method maps the culture of
# the organisation, and DESIGN.md's first frame is the workplace.
DEFAULT_FRAME = "workplace"

# Frames are names from the data model (workplace, community, sweden) or an organisation's own:
# lower-case words, so that "current:community" can be split unambiguously.
FRAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")


class QuestionKind(StrEnum):
    PERSONAL = "personal"
    CURRENT = "current"
    DESIRED = "desired"


@dataclass(frozen=True)
class QuestionKey:
    """A question: its kind and, for current and desired culture, its frame.

    `QuestionKey.parse("current")` is the default (workplace) frame, the same question as
    `current:workplace`; personal values have no frame."""

    kind: QuestionKind
    frame: str = ""

    def __post_init__(self) -> None:
        kind = QuestionKind(self.kind)
        object.__setattr__(self, "kind", kind)
        if kind is QuestionKind.PERSONAL:
            if self.frame:
                raise AnalysisError(f"personal values have no frame (got {self.frame!r})")
            return
        frame = self.frame or DEFAULT_FRAME
        if not FRAME_PATTERN.match(frame):
            raise AnalysisError(f"frame {frame!r} is not a lower-case word")
        object.__setattr__(self, "frame", frame)

    @classmethod
    def parse(cls, text: str) -> QuestionKey:
        """`personal`, `current`, `desired`, or `current:FRAME` / `desired:FRAME`."""
        kind_text, _, frame = text.strip().partition(":")
        if kind_text not in {k.value for k in QuestionKind}:
            raise AnalysisError(
                f"unknown question {text!r}: expected personal, current or desired, "
                "optionally followed by ':' and a frame"
            )
        if _ and not frame:
            raise AnalysisError(f"question {text!r} has an empty frame")
        return cls(QuestionKind(kind_text), frame)

    def __str__(self) -> str:
        return self.kind.value if not self.frame else f"{self.kind.value}:{self.frame}"


@dataclass(frozen=True, eq=False)
class QuestionPicks:
    """The picks of one question.

    `picks` is (m, k): row j holds the catalogue indexes that respondent `respondents[j]` picked.
    `respondents` may be None when every respondent answered (row j is respondent j)."""

    question: QuestionKey
    picks: IntArray
    respondents: IntArray | None = None

    @property
    def picks_per_respondent(self) -> int:
        return int(self.picks.shape[1])

    @property
    def answered(self) -> int:
        return int(self.picks.shape[0])


@dataclass(frozen=True, eq=False)
class Ballots:
    """Every respondent's picks, per question. Respondents are 0 … respondent_count - 1.

    Validated on construction: every row has k distinct, non-negative picks; each respondent
    answers a question at most once. (That picks are inside the catalogue is checked where a
    catalogue is at hand.)"""

    respondent_count: int
    questions: tuple[QuestionPicks, ...]
    _by_key: dict[QuestionKey, QuestionPicks] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.respondent_count < 0:
            raise AnalysisError("the number of respondents cannot be negative")
        by_key: dict[QuestionKey, QuestionPicks] = {}
        for question in self.questions:
            if question.question in by_key:
                raise AnalysisError(f"question {question.question} is given twice")
            _check_question(question, self.respondent_count)
            by_key[question.question] = question
        object.__setattr__(self, "questions", tuple(self.questions))
        object.__setattr__(self, "_by_key", by_key)

    @classmethod
    def of(cls, picks: dict[QuestionKey, IntArray]) -> Ballots:
        """Ballots where every respondent answered every question (the usual case)."""
        counts = {matrix.shape[0] for matrix in picks.values()}
        if len(counts) > 1:
            raise AnalysisError(
                "every question needs one row per respondent; got "
                + ", ".join(f"{key}: {matrix.shape[0]}" for key, matrix in picks.items())
            )
        respondents = counts.pop() if counts else 0
        return cls(respondents, tuple(QuestionPicks(key, m) for key, m in picks.items()))

    @property
    def keys(self) -> tuple[QuestionKey, ...]:
        return tuple(q.question for q in self.questions)

    def __iter__(self) -> Iterator[QuestionPicks]:
        return iter(self.questions)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def question(self, key: QuestionKey) -> QuestionPicks:
        try:
            return self._by_key[key]
        except KeyError:
            raise AnalysisError(f"no answers to question {key}") from None

    def check_catalogue(self, value_count: int) -> None:
        """Raise unless every pick is a value of a catalogue with `value_count` values."""
        for question in self.questions:
            if question.picks.size and int(question.picks.max()) >= value_count:
                raise AnalysisError(
                    f"question {question.question}: value index {int(question.picks.max())} "
                    f"is outside the catalogue of {value_count} values"
                )


def _check_question(question: QuestionPicks, respondent_count: int) -> None:
    picks = question.picks
    name = str(question.question)
    if picks.ndim != 2 or not np.issubdtype(picks.dtype, np.integer):
        raise AnalysisError(f"question {name}: picks must be an integer matrix (respondents x k)")
    if picks.shape[1] < 1:
        raise AnalysisError(f"question {name}: every respondent needs at least one pick")
    if picks.size and int(picks.min()) < 0:
        raise AnalysisError(f"question {name}: a value index is negative")
    if question.respondents is None:
        if picks.shape[0] != respondent_count:
            raise AnalysisError(
                f"question {name}: {picks.shape[0]} rows for {respondent_count} respondents; "
                "give `respondents` when only some answered"
            )
    else:
        respondents = question.respondents
        if respondents.ndim != 1 or respondents.shape[0] != picks.shape[0]:
            raise AnalysisError(f"question {name}: one respondent index per row of picks")
        if not np.issubdtype(respondents.dtype, np.integer):
            raise AnalysisError(f"question {name}: respondent indexes must be integers")
        if respondents.size and (
            int(respondents.min()) < 0 or int(respondents.max()) >= respondent_count
        ):
            raise AnalysisError(f"question {name}: a respondent index is out of range")
        if np.unique(respondents).size != respondents.size:
            raise AnalysisError(f"question {name}: a respondent answered twice")
    duplicate = _first_row_with_duplicate(picks)
    if duplicate is not None:
        raise AnalysisError(
            f"question {name}: a respondent (row {duplicate}) picked the same value twice"
        )


def _first_row_with_duplicate(picks: IntArray) -> int | None:
    # k is small (3–15): comparing every pair of columns touches each pick k times, which is
    # faster than sorting the rows.
    k = picks.shape[1]
    bad: npt.NDArray[np.bool_] | None = None
    for a in range(k):
        for b in range(a + 1, k):
            equal = picks[:, a] == picks[:, b]
            bad = equal if bad is None else bad | equal
    if bad is None or not bad.any():
        return None
    return int(np.argmax(bad))


def question_order(keys: Iterable[QuestionKey]) -> list[QuestionKey]:
    """Questions in reading order: personal first, then per frame current before desired."""
    rank = {QuestionKind.PERSONAL: 0, QuestionKind.CURRENT: 1, QuestionKind.DESIRED: 2}
    return sorted(
        keys, key=lambda key: (key.kind is not QuestionKind.PERSONAL, key.frame, rank[key.kind])
    )
