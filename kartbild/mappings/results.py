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
from kartbild.mappings.models import Mapping, MappingPerspective, ResultSnapshot

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
    if mapping.purged_on is not None:
        return snapshot_results(mapping, policy)
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


def snapshot_results(mapping: Mapping, policy: AnonymityPolicy) -> list[PerspectiveResult]:
    """The same top lists, read from the result snapshot kept when the raw answers were deleted
    after the retention period (purge.py). The snapshot holds only groups the gate showed."""
    snapshot = ResultSnapshot.objects.filter(mapping=mapping).first()
    perspectives = snapshot.document.get("perspectives", {}) if snapshot else {}
    by_slug = {v.slug: v for v in mapping.catalogue.values.all()}
    reason = _("För få svar för att visa: minst %(k)s svar behövs.") % {"k": policy.min_group}
    results = []
    for mp in mapping.perspectives.prefetch_related("questions"):
        group = perspectives.get(mp.perspective, {}).get("groups", {}).get(mp.perspective)
        if group is None:
            results.append(PerspectiveResult(mp, 0, reason, []))
            continue
        questions = []
        for question in mp.questions.all():
            document = group["questions"].get(question.key)
            if document is None:
                continue
            top = [
                TopValue(
                    by_slug[row["value"]],
                    row["rank"],
                    row["votes"],
                    row["share"],
                    row["tied_at_cutoff"],
                )
                for row in document["values"]
                if row["in_top"]
            ]
            questions.append(QuestionResult(question_title(question), top))
        results.append(PerspectiveResult(mp, group["respondents"], "", questions))
    return results
