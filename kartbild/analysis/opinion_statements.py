"""Statement statistics behind opinion groups: representative, consensus and divisive statements.

Internal to `kartbild.analysis.opinion`. All shares are smoothed with one imagined agree and one
imagined disagree vote (Laplace's rule, as Polis does), so a statement that two people saw does not
count as "100 % agree", and every z-score below is the z-score of such a smoothed share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# One-sided 90 % quantile of the normal distribution: the significance level Polis uses for
# representative and consensus statements. Lenient on purpose: workshop groups are small, and a
# statement shown as "what this group thinks" is an invitation to talk, not a finding to publish.
Z_90 = 1.2816


@dataclass(frozen=True, eq=False)
class VoteCounts:
    """Votes per group (rows) and statement (columns): agrees, disagrees and all votes cast
    (passes included), for the members of each group and for everyone else counted."""

    agree: FloatArray
    disagree: FloatArray
    seen: FloatArray
    rest_agree: FloatArray
    rest_disagree: FloatArray
    rest_seen: FloatArray


@dataclass(frozen=True)
class Representative:
    """A statement on which one group stands apart from the rest (indices, not ids)."""

    statement: int
    agree: bool
    group_share: float
    rest_share: float
    z_score: float
    metric: float


@dataclass(frozen=True)
class Consensus:
    """A statement on which every group agrees, or every group disagrees (indices, not ids)."""

    statement: int
    agree: bool
    group_shares: tuple[float, ...]
    score: float


@dataclass(frozen=True)
class Divisive:
    """A statement one group agrees with and another disagrees with (indices, not ids)."""

    statement: int
    agreeing_group: int
    disagreeing_group: int
    score: float


def count_votes(votes: FloatArray, memberships: BoolArray) -> VoteCounts:
    """Count votes per group. `votes` is participants × statements (NaN = not voted);
    `memberships` is groups × participants. "Rest" of a group is every other participant who is a
    member of some group in `memberships`, so nobody outside the reported groups is ever counted."""
    member = memberships.astype(np.float64)
    counted = memberships.any(axis=0)
    agree_votes = (votes == 1.0).astype(np.float64)
    disagree_votes = (votes == -1.0).astype(np.float64)
    seen_votes = (~np.isnan(votes)).astype(np.float64)
    agree = member @ agree_votes
    disagree = member @ disagree_votes
    seen = member @ seen_votes
    total_agree = agree_votes[counted].sum(axis=0)
    total_disagree = disagree_votes[counted].sum(axis=0)
    total_seen = seen_votes[counted].sum(axis=0)
    return VoteCounts(
        agree,
        disagree,
        seen,
        total_agree - agree,
        total_disagree - disagree,
        total_seen - seen,
    )


def smoothed_share(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """(successes + 1) / (trials + 2): the share after one imagined vote each way."""
    share: FloatArray = (successes + 1.0) / (trials + 2.0)
    return share


def proportion_z(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """z-score of the smoothed share against one half: does a majority of those who voted hold it?

    (p - 1/2) / sqrt(1/4 / (n + 2)) with p the smoothed share. Polis adds one to successes and to
    trials instead, which gives z = 1 for a statement nobody voted on; the symmetric smoothing gives
    0 there and needs three unanimous votes to pass `Z_90`.
    """
    z: FloatArray = (smoothed_share(successes, trials) - 0.5) * 2.0 * np.sqrt(trials + 2.0)
    return z


def two_proportion_z(
    successes: FloatArray, trials: FloatArray, other_successes: FloatArray, other_trials: FloatArray
) -> FloatArray:
    """Pooled two-proportion z-score of the smoothed shares: is the first share larger?"""
    first = smoothed_share(successes, trials)
    second = smoothed_share(other_successes, other_trials)
    pooled = (successes + other_successes + 2.0) / (trials + other_trials + 4.0)
    # Smoothing keeps the pooled share strictly between 0 and 1, so the error is never zero.
    error = np.sqrt(pooled * (1.0 - pooled) * (1.0 / (trials + 2.0) + 1.0 / (other_trials + 2.0)))
    z: FloatArray = (first - second) / error
    return z


def _raw_share(successes: float, trials: float) -> float:
    return successes / trials if trials > 0 else 0.0


def representative(counts: VoteCounts, group: int, limit: int) -> list[Representative]:
    """Statements on which `group` differs most from the rest, strongest first, at most `limit`.

    As in Polis: a statement is representative in the agree direction when the group agrees by a
    significant majority (`proportion_z` > `Z_90`) and significantly more than the rest
    (`two_proportion_z` > `Z_90`); likewise for disagree. Candidates are ranked by Polis's
    representativeness, ratio × z(group vs rest) × share × z(majority), which favours statements
    that are both typical of the group and unusual outside it. Unlike Polis, no statement that
    fails the tests is added to fill an empty list: a group without representative statements is
    shown as such.
    """
    found: list[Representative] = []
    for agree in (True, False):
        successes = (counts.agree if agree else counts.disagree)[group]
        rest_successes = counts.rest_agree if agree else counts.rest_disagree
        rest = rest_successes[group]
        seen = counts.seen[group]
        rest_seen = counts.rest_seen[group]
        share = smoothed_share(successes, seen)
        ratio = share / smoothed_share(rest, rest_seen)
        majority = proportion_z(successes, seen)
        difference = two_proportion_z(successes, seen, rest, rest_seen)
        passing = (majority > Z_90) & (difference > Z_90)
        for statement in np.flatnonzero(passing):
            found.append(
                Representative(
                    statement=int(statement),
                    agree=agree,
                    group_share=_raw_share(float(successes[statement]), float(seen[statement])),
                    rest_share=_raw_share(float(rest[statement]), float(rest_seen[statement])),
                    z_score=float(difference[statement]),
                    metric=float(
                        ratio[statement]
                        * difference[statement]
                        * share[statement]
                        * majority[statement]
                    ),
                )
            )
    found.sort(key=lambda item: (-item.metric, item.statement))
    return found[:limit]


def consensus(counts: VoteCounts, limit: int) -> list[Consensus]:
    """Statements that every group agrees with, or every group disagrees with, at most `limit`.

    Every group must hold the view by a significant majority (`proportion_z` > `Z_90`). They are
    ranked by the product of the groups' smoothed shares, Polis's "group-aware consensus", which is
    high only when no group is lukewarm.
    """
    found: list[Consensus] = []
    for agree in (True, False):
        successes = counts.agree if agree else counts.disagree
        shares = smoothed_share(successes, counts.seen)
        everywhere = (proportion_z(successes, counts.seen) > Z_90).all(axis=0)
        scores = shares.prod(axis=0)
        for statement in np.flatnonzero(everywhere):
            found.append(
                Consensus(
                    statement=int(statement),
                    agree=agree,
                    group_shares=tuple(
                        _raw_share(float(successes[group, statement]), float(seen))
                        for group, seen in enumerate(counts.seen[:, statement])
                    ),
                    score=float(scores[statement]),
                )
            )
    found.sort(key=lambda item: (-item.score, item.statement))
    return found[:limit]


def divisive(counts: VoteCounts, limit: int) -> list[Divisive]:
    """Statements that split the groups: one group agrees and another disagrees, each by a
    significant majority. At most `limit`, ranked by how far apart the two groups are, measured as
    the difference of their net agreement (smoothed agree share minus smoothed disagree share,
    from -1 to 1, so the score runs from 0 to 2)."""
    net = smoothed_share(counts.agree, counts.seen) - smoothed_share(counts.disagree, counts.seen)
    agrees = proportion_z(counts.agree, counts.seen) > Z_90
    disagrees = proportion_z(counts.disagree, counts.seen) > Z_90
    found: list[Divisive] = []
    for statement in np.flatnonzero(agrees.any(axis=0) & disagrees.any(axis=0)):
        column = net[:, statement]
        agreeing = int(np.argmax(np.where(agrees[:, statement], column, -np.inf)))
        disagreeing = int(np.argmin(np.where(disagrees[:, statement], column, np.inf)))
        found.append(
            Divisive(
                statement=int(statement),
                agreeing_group=agreeing,
                disagreeing_group=disagreeing,
                score=float(column[agreeing] - column[disagreeing]),
            )
        )
    found.sort(key=lambda item: (-item.score, item.statement))
    return found[:limit]
