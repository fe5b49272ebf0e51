"""First results of a mapping: the top values per perspective and question, computed by the
analysis core and passed through the anonymity gate."""

from __future__ import annotations

from dataclasses import dataclass

from kartbild.catalogue.models import Value
from kartbild.mappings.actions import question_title
from kartbild.mappings.ballots import load_ballots
from kartbild.mappings.models import Mapping, MappingPerspective

TOP = 10


@dataclass(frozen=True)
class TopValue:
    value: Value
    rank: int
    votes: int
    share: float
    tied: bool


@dataclass(frozen=True)
class QuestionResult:
    title: str
    top: list[TopValue]


@dataclass(frozen=True)
class PerspectiveResult:
    mapping_perspective: MappingPerspective
    respondents: int
    # Why nothing is shown, in Swedish; empty when the group is large enough.
    withheld: str
    questions: list[QuestionResult]


def first_results(mapping: Mapping) -> list[PerspectiveResult]:
    from kartbild.analysis.catalogue import Catalogue
    from kartbild.analysis.gate import AnonymityPolicy
    from kartbild.analysis.metrics import value_table

    values = list(mapping.catalogue.values.all())
    catalogue = Catalogue.from_rows(
        slugs=[v.slug for v in values],
        levels=[v.level for v in values],
        limiting=[v.is_limiting for v in values],
        types=[v.type for v in values],
    )
    by_position = {v.position: v for v in values}
    policy = AnonymityPolicy()
    results = []
    for mp in mapping.perspectives.all():
        ballots = load_ballots(mp, mapping.picks)
        verdict = policy.check_group(ballots.respondents)
        if not verdict.shown:
            results.append(PerspectiveResult(mp, ballots.respondents, verdict.reason, []))
            continue
        questions = []
        for index, question in enumerate(ballots.questions):
            table = value_table(catalogue, ballots.question_picks(index), top=TOP)
            questions.append(
                QuestionResult(
                    question_title(question),
                    [
                        TopValue(by_position[row.index], row.rank, row.votes, row.share, row.tied)
                        for row in table.top
                    ],
                )
            )
        results.append(PerspectiveResult(mp, ballots.respondents, "", questions))
    return results
