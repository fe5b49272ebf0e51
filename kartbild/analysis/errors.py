"""The errors of the analysis core. Bad input raises; nothing is dropped, zero-filled or guessed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class AnalysisError(ValueError):
    """The caller's data or request is wrong (not the maths): say what, and stop."""


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, at a line (None: the file as a whole)."""

    line: int | None
    message: str


class InputError(AnalysisError):
    """A file with problems. Every problem names its line, so that it can be fixed in one go."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("an InputError needs at least one problem")
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(self.messages()))

    def messages(self) -> list[str]:
        """One line per problem: 'ballots.csv, line 7: unknown value "x"'."""
        return [
            f"{self.source}: {problem.message}"
            if problem.line is None
            else f"{self.source}, line {problem.line}: {problem.message}"
            for problem in self.problems
        ]


class WithheldError(AnalysisError):
    """A group that the anonymity gate withholds was asked for (e.g. in a comparison)."""
