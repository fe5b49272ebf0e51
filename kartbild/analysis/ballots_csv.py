"""Ballots as a long CSV file, one pick per line: `respondent,group,question,value`.

`question` is `personal`, `current` or `desired`, optionally with `:frame` (`current:community`);
`value` is a catalogue slug. Every respondent belongs to one group, makes the same number of
picks in a question as everyone else, picks a value at most once per question, and answers the
questions that the others in their group answer. Anything else is an error naming its line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kartbild.analysis.ballots import Ballots, QuestionKey, QuestionPicks
from kartbild.analysis.catalogue import Catalogue
from kartbild.analysis.csvfile import ProblemList, open_csv
from kartbild.analysis.errors import AnalysisError
from kartbild.analysis.groups import GroupTree

# The long format of DESIGN.md's command line: one pick per line.
BALLOT_COLUMNS = ("respondent", "group", "question", "value")


@dataclass(frozen=True, eq=False)
class BallotFile:
    """What a ballot file holds: the ballots, the (flat) groups, each question as the file
    spells it, and the respondents' ids in order of first appearance."""

    ballots: Ballots
    groups: GroupTree
    labels: dict[QuestionKey, str]
    respondent_ids: tuple[str, ...]


@dataclass
class _Column:
    respondents: list[int]
    values: list[int]
    lines: list[int]


def read_ballots_csv(text: str, catalogue: Catalogue, source: str = "ballots.csv") -> BallotFile:
    """Parse and validate a long ballot file. Raises InputError listing every problem with its
    line number."""
    table = open_csv(text, source, BALLOT_COLUMNS)
    at = [table.columns[name] for name in BALLOT_COLUMNS]
    problems = ProblemList(source)
    respondent_index: dict[str, int] = {}
    respondent_group: list[int] = []
    respondent_line: list[int] = []
    group_index: dict[str, int] = {}
    keys: dict[str, QuestionKey | None] = {}
    labels: dict[QuestionKey, str] = {}
    columns: dict[QuestionKey, _Column] = {}
    for line, cells in table.rows:
        respondent, group, question, slug = (cells[i].strip() for i in at)
        before = len(problems.problems)
        if not respondent:
            problems.add(line, "empty respondent")
        if not group:
            problems.add(line, "empty group")
        if question not in keys:
            try:
                keys[question] = QuestionKey.parse(question)
            except AnalysisError as error:
                keys[question] = None
                problems.add(line, str(error))
        elif keys[question] is None:
            problems.add(line, f"unknown question {question!r}")
        value = catalogue.find(slug)
        if value is None:
            problems.add(line, f"unknown value {slug!r}: not in the catalogue")
        key = keys[question]
        if len(problems.problems) > before or key is None or value is None:
            continue
        g = group_index.setdefault(group, len(group_index))
        r = respondent_index.get(respondent)
        if r is None:
            r = respondent_index[respondent] = len(respondent_group)
            respondent_group.append(g)
            respondent_line.append(line)
        elif respondent_group[r] != g:
            other = next(name for name, i in group_index.items() if i == respondent_group[r])
            problems.add(
                line,
                f"respondent {respondent!r} is in group {group!r} here but in group {other!r} "
                f"on line {respondent_line[r]}",
            )
            continue
        labels.setdefault(key, question)
        column = columns.setdefault(key, _Column([], [], []))
        column.respondents.append(r)
        column.values.append(value)
        column.lines.append(line)
    if not columns and not problems.problems:
        problems.add(None, "no ballots")
    problems.raise_if_any()

    respondent_ids = tuple(respondent_index)
    group_names = tuple(group_index)
    membership = np.array(respondent_group, dtype=np.intp)
    count = len(respondent_ids)
    questions = []
    for key, column in columns.items():
        label = labels[key]
        respondents = np.array(column.respondents, dtype=np.intp)
        values = np.array(column.values, dtype=np.int32)
        lines = np.array(column.lines, dtype=np.int64)
        picks_per = np.bincount(respondents, minlength=count)
        answered = picks_per > 0
        frequency = np.bincount(picks_per[answered])
        # The most common number of picks is the rule; on a tie, the larger (a respondent who
        # stopped early is likelier than one who picked extra).
        k = int(len(frequency) - 1 - np.argmax(frequency[::-1]))
        order = np.lexsort((lines, respondents))
        first_line = np.full(count, -1, dtype=np.int64)
        first_line[respondents[order][::-1]] = lines[order][::-1]
        for wrong in np.flatnonzero(answered & (picks_per != k)):
            problems.add(
                int(first_line[wrong]),
                f"respondent {respondent_ids[wrong]!r} has {picks_per[wrong]} picks for {label!r}; "
                f"every respondent needs {k} (the most common number)",
            )
        by_value = np.lexsort((lines, values, respondents))
        same = (respondents[by_value][1:] == respondents[by_value][:-1]) & (
            values[by_value][1:] == values[by_value][:-1]
        )
        for position in np.flatnonzero(same):
            first, second = by_value[position], by_value[position + 1]
            problems.add(
                int(lines[second]),
                f"respondent {respondent_ids[respondents[second]]!r} picked "
                f"{catalogue.slugs[values[second]]!r} twice for {label!r} "
                f"(also on line {lines[first]})",
            )
        asked = np.zeros(len(group_names), np.bool_)
        asked[membership[answered]] = True
        for silent in np.flatnonzero(~answered & asked[membership]):
            problems.add(
                respondent_line[silent],
                f"respondent {respondent_ids[silent]!r} has no picks for {label!r}, which other "
                f"respondents in group {group_names[membership[silent]]!r} answered",
            )
        if problems.problems:
            continue
        matrix = values[order].reshape(-1, k).astype(np.int16)
        who = respondents[order][::k]
        questions.append(
            QuestionPicks(key, matrix, None if who.size == count else who.astype(np.intp))
        )
    problems.raise_if_any()
    return BallotFile(
        Ballots(count, tuple(questions)),
        GroupTree.flat(group_names, membership),
        labels,
        respondent_ids,
    )
