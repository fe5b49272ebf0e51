"""First results of a mapping: the top values per perspective and question, computed by the
analysis core and passed through the anonymity gate."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.metrics import value_table
from kartbild.catalogue.models import Value
from kartbild.mappings.actions import question_title
from kartbild.mappings.ballots import analysis_catalogue, load_ballots
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


def first_results(
    mapping: Mapping, policy: AnonymityPolicy | None = None
) -> list[PerspectiveResult]:
    policy = policy or AnonymityPolicy()
    catalogue = analysis_catalogue(mapping.catalogue)
    by_position = {v.position: v for v in mapping.catalogue.values.all()}
    results = []
    for mp in mapping.perspectives.all():
        ballots = load_ballots(mp, mapping.picks)
        if not policy.shows(ballots.respondents):
            reason = _("För få svar för att visa: minst %(k)s svar behövs.") % {
                "k": policy.min_group
            }
            results.append(PerspectiveResult(mp, ballots.respondents, reason, []))
            continue
        questions = []
        for index, question in enumerate(ballots.questions):
            table = value_table(catalogue, ballots.question_picks(index), top=TOP)
            questions.append(
                QuestionResult(
                    question_title(question),
                    [
                        TopValue(
                            by_position[row.value],
                            row.rank,
                            row.votes,
                            row.share,
                            row.tied_at_cutoff,
                        )
                        for row in table.rows(top_only=True)
                    ],
                )
            )
        results.append(PerspectiveResult(mp, ballots.respondents, "", questions))
    return results
