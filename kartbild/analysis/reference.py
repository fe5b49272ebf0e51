"""Reference sets: a national or network table (e.g. Sverigestudien-style) of the share of
respondents who picked each value, per question, with the number of respondents behind it.

CSV header `question,value,share,n` (or `percent` instead of `share`, 0-100): one row per
question and value. `question` is written as in ballots (`personal`, `current:community`, ...),
`value` is a catalogue slug. A table may list only some values (published tables often give the
ten most chosen); comparisons then use the values it lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kartbild.analysis.ballots import QuestionKey
from kartbild.analysis.catalogue import Catalogue
from kartbild.analysis.csvfile import ProblemList, open_csv, parse_integer, parse_number
from kartbild.analysis.errors import AnalysisError, InputError, Problem


@dataclass(frozen=True, eq=False)
class ReferenceQuestion:
    """The reference's answers to one question: per listed value (catalogue index) the share of
    respondents who picked it and the number of respondents behind that share."""

    question: QuestionKey
    values: npt.NDArray[np.intp]
    shares: npt.NDArray[np.float64]
    respondents: npt.NDArray[np.int64]
    name: str = ""

    def __post_init__(self) -> None:
        m = self.values.shape[0]
        if m == 0:
            raise AnalysisError(f"reference {self.name!r}: no values for {self.question}")
        if self.shares.shape != (m,) or self.respondents.shape != (m,):
            raise AnalysisError("a reference question needs one share and one n per value")
        if np.unique(self.values).size != m:
            raise AnalysisError(f"reference {self.name!r}: a value is listed twice")
        if ((self.shares < 0) | (self.shares > 1)).any():
            raise AnalysisError("reference shares must lie between 0 and 1")
        if (self.respondents < 1).any():
            raise AnalysisError("every reference share needs at least one respondent")


@dataclass(frozen=True, eq=False)
class ReferenceSet:
    """A reference table, per question."""

    name: str
    questions: Mapping[QuestionKey, ReferenceQuestion]

    def question(self, key: QuestionKey) -> ReferenceQuestion:
        try:
            return self.questions[key]
        except KeyError:
            raise AnalysisError(f"reference {self.name!r} has no answers to {key}") from None


def read_reference_csv(
    text: str, catalogue: Catalogue, *, source: str = "reference.csv", name: str = ""
) -> ReferenceSet:
    """Parse and validate a reference table. Raises InputError listing every problem with its
    line: a missing column, an unknown question or value, a share that is not a number in
    [0, 1] (or a percent in [0, 100]), an n that is not a positive whole number, a row given
    twice."""
    table = open_csv(text, source, ("question", "value", "n"))
    column = table.columns
    if "share" in column:
        share_column, scale = column["share"], 1.0
    elif "percent" in column:
        share_column, scale = column["percent"], 100.0
    else:
        raise InputError(source, [Problem(1, "missing column 'share' (or 'percent')")])
    problems = ProblemList(source)
    seen: dict[tuple[QuestionKey, int], int] = {}
    rows: dict[QuestionKey, list[tuple[int, float, int]]] = {}
    parsed: dict[str, QuestionKey] = {}
    for line, cells in table.rows:
        question_text = cells[column["question"]].strip()
        slug = cells[column["value"]].strip()
        share_text = cells[share_column].strip()
        n_text = cells[column["n"]].strip()
        before = len(problems.problems)
        key = parsed.get(question_text)
        if key is None:
            try:
                key = QuestionKey.parse(question_text)
            except AnalysisError as error:
                problems.add(line, str(error))
            else:
                parsed[question_text] = key
        value = catalogue.find(slug)
        if value is None:
            problems.add(line, f"unknown value {slug!r}: not in the catalogue")
        number = parse_number(share_text)
        share = None if number is None else number / scale
        if number is None:
            problems.add(line, f"share {share_text!r} is not a number")
        elif share is not None and not 0.0 <= share <= 1.0:
            problems.add(
                line,
                f"share {share_text} is outside 0-1"
                if scale == 1.0
                else f"percent {share_text} is outside 0-100",
            )
        respondents = parse_integer(n_text)
        if respondents is None or respondents < 1:
            problems.add(line, f"n {n_text!r} is not a positive whole number")
        if len(problems.problems) > before:
            continue
        assert key is not None and value is not None and share is not None
        assert respondents is not None
        if (key, value) in seen:
            problems.add(line, f"{key} / {slug} already given on line {seen[key, value]}")
            continue
        seen[key, value] = line
        rows.setdefault(key, []).append((value, share, respondents))
    if not rows and not problems.problems:
        problems.add(None, "no rows")
    problems.raise_if_any()
    questions = {
        key: ReferenceQuestion(
            key,
            np.array([v for v, _, _ in entries], dtype=np.intp),
            np.array([s for _, s, _ in entries], dtype=np.float64),
            np.array([n for _, _, n in entries], dtype=np.int64),
            name,
        )
        for key, entries in rows.items()
    }
    return ReferenceSet(name, questions)
