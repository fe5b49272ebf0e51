"""Opinion groups in a live workshop, in the way Polis finds them.

Participants agree (1), disagree (-1) or pass (0) on statements. From the participant × statement
vote matrix:

1. participants with fewer than `min_votes` votes are left out (their group is None);
2. the others are projected onto the first two principal components, missing votes imputed with
   the statement's mean and each projection scaled by sqrt(statements / votes cast);
3. k-means with k from 2 to 5 splits them, k chosen by the silhouette; a new k replaces the
   previous update's only when its silhouette is clearly better or it has been best for several
   updates in a row, and the previous groups seed the new clustering, so groups stay put while
   votes trickle in;
4. clusters smaller than `min_group` are never reported: their members' group is None and their
   votes count in no statistic;
5. per group the representative statements (where it differs most from the rest), and across
   groups the consensus statements (every group agrees, or every group disagrees) and the
   divisive ones (one group agrees, another disagrees).

No participant's votes are ever in the result, only group indices and statistics over groups of at
least `min_group` people. docs/opinion-groups.md explains the choices and compares the results with
Polis's own groups on two public conversations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from kartbild.analysis import opinion_clustering as clustering
from kartbild.analysis import opinion_statements as statements
from kartbild.analysis.errors import AnalysisError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Polis leaves out participants with fewer than seven votes: the position of someone who voted on
# two statements is mostly imputed means, and the sqrt(statements / votes) scaling would blow that
# noise up. When a session has fewer statements than this, all of them are required instead.
MIN_VOTES = 7

# The anonymity gate's default k (DESIGN.md): a group is shown only with at least five people.
MIN_GROUP = 5

# The anonymity gate never goes below three, whatever the caller asks for.
MIN_GROUP_FLOOR = 3

# Polis's range for k: one group is no contrast at all, and more than five groups is more than a
# room can discuss in a session (and than a projector view can tell apart).
SMALLEST_K = 2
LARGEST_K = 5

# The silhouette runs from -1 to 1; a new k must beat the previous update's k by this much before
# the groups on the screen are redrawn. A twentieth of its positive range is about what one more
# participant's votes can move it in a workshop of a few dozen, so smaller gains are noise.
K_SWITCH_MARGIN = 0.05

# ...or the new k must have had the best silhouette in this many updates in a row, as in Polis's
# smoothing of k. Without it a k that is nearly as good as the best would stay on the screen
# forever, and the groups at the end of a session would depend on the order people voted in.
K_SWITCH_UPDATES = 4

# Five statements per list: as many as Polis shows per group and as a projector slide holds.
MAX_STATEMENTS = 5

_VOTE_VALUES = (-1.0, 0.0, 1.0)


class OpinionInputError(AnalysisError):
    """The votes or parameters given to the opinion-group analysis are not valid."""


class Stance(StrEnum):
    """Which way a group leans on a statement."""

    AGREE = "agree"
    DISAGREE = "disagree"


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Votes of participants (rows) on statements (columns).

    `votes` holds 1 (agree), -1 (disagree), 0 (pass) and NaN (not voted). The array is copied and
    made read-only, so a matrix cannot change after it is built.
    """

    participant_ids: tuple[int, ...]
    statement_ids: tuple[int, ...]
    votes: FloatArray

    def __post_init__(self) -> None:
        _check_ids(self.participant_ids, "participant")
        _check_ids(self.statement_ids, "statement")
        votes = np.array(self.votes, dtype=np.float64)
        expected = (len(self.participant_ids), len(self.statement_ids))
        if votes.shape != expected:
            raise OpinionInputError(f"votes have shape {votes.shape}, expected {expected}")
        valid = np.isnan(votes) | np.isin(votes, _VOTE_VALUES)
        if not valid.all():
            row, column = (int(index) for index in np.argwhere(~valid)[0])
            raise OpinionInputError(
                f"vote {votes[row, column]} of participant {self.participant_ids[row]} on "
                f"statement {self.statement_ids[column]} is not -1, 0, 1 or NaN"
            )
        votes.flags.writeable = False
        object.__setattr__(self, "votes", votes)
        object.__setattr__(
            self, "participant_ids", tuple(int(item) for item in self.participant_ids)
        )
        object.__setattr__(self, "statement_ids", tuple(int(item) for item in self.statement_ids))

    @classmethod
    def from_votes(
        cls,
        participant_ids: Sequence[int],
        statement_ids: Sequence[int],
        votes: Sequence[int],
    ) -> VoteMatrix:
        """Build the matrix from one entry per vote: who, on which statement, and the vote.

        A later entry for the same participant and statement replaces an earlier one (a changed
        vote). Participants and statements are sorted by id; a statement nobody voted on is absent.
        """
        if not len(participant_ids) == len(statement_ids) == len(votes):
            raise OpinionInputError(
                f"participant_ids, statement_ids and votes differ in length "
                f"({len(participant_ids)}, {len(statement_ids)}, {len(votes)})"
            )
        latest: dict[tuple[int, int], int] = {}
        for position, (participant, statement, vote) in enumerate(
            zip(participant_ids, statement_ids, votes, strict=True)
        ):
            if not _is_integer(vote) or vote not in (-1, 0, 1):
                raise OpinionInputError(f"vote {vote!r} at position {position} is not -1, 0 or 1")
            if not _is_integer(participant) or not _is_integer(statement):
                raise OpinionInputError(f"ids at position {position} are not integers")
            latest[(participant, statement)] = vote
        participants = sorted({participant for participant, _ in latest})
        statements_ = sorted({statement for _, statement in latest})
        row_of = {participant: row for row, participant in enumerate(participants)}
        column_of = {statement: column for column, statement in enumerate(statements_)}
        matrix = np.full((len(participants), len(statements_)), np.nan)
        for (participant, statement), vote in latest.items():
            matrix[row_of[participant], column_of[statement]] = vote
        return cls(tuple(participants), tuple(statements_), matrix)


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement on which a group stands apart from the other groups.

    `group_share` is the share of the group's votes on it that go the `stance` way (passes count
    as votes), `rest_share` the same share among the members of the other groups, and `z_score` the
    two-proportion z-score of the difference.
    """

    statement_id: int
    stance: Stance
    group_share: float
    rest_share: float
    z_score: float


@dataclass(frozen=True)
class OpinionGroup:
    """A reported opinion group: at least `min_group` participants who vote alike.

    `id` stays the same for the same people between updates; `centre` is the group's mean position
    in the plane of `OpinionGroups.statement_loadings`.
    """

    id: int
    size: int
    centre: tuple[float, float]
    representative: tuple[RepresentativeStatement, ...]


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement every group agrees with, or every group disagrees with.

    `group_shares` gives, in the order of `OpinionGroups.groups`, the share of each group's votes
    that go the `stance` way; `score` is the product of the smoothed shares (higher: firmer).
    """

    statement_id: int
    stance: Stance
    group_shares: tuple[float, ...]
    score: float


@dataclass(frozen=True)
class DivisiveStatement:
    """A statement that one group agrees with and another disagrees with.

    `score` is the gap between the two groups' net agreement (agree share minus disagree share), 0
    to 2.
    """

    statement_id: int
    agreeing_group: int
    disagreeing_group: int
    score: float


@dataclass(frozen=True)
class OpinionGroups:
    """The result of `compute_opinion_groups`; pass it back as `previous` on the next update.

    `participants` maps every participant of the matrix to a group id, or None when the participant
    had too few votes or fell in a cluster smaller than `min_group`. `cluster_count` is the k of
    the chosen clustering (0 when there was none), which can exceed `len(groups)` when a cluster was
    too small to report. `statement_loadings` gives each statement's weight on the two axes.
    `best_k` is the k with the highest silhouette in this update, which differs from
    `cluster_count` while the previous k is kept, and `best_k_streak` the number of updates in a
    row it has been best.
    """

    participants: Mapping[int, int | None]
    groups: tuple[OpinionGroup, ...]
    consensus: tuple[ConsensusStatement, ...]
    divisive: tuple[DivisiveStatement, ...]
    cluster_count: int
    silhouette: float | None
    statement_loadings: Mapping[int, tuple[float, float]]
    explained_variance: tuple[float, float]
    best_k: int = 0
    best_k_streak: int = 0


def compute_opinion_groups(
    matrix: VoteMatrix,
    *,
    rng: np.random.Generator,
    min_votes: int = MIN_VOTES,
    min_group: int = MIN_GROUP,
    previous: OpinionGroups | None = None,
    max_statements: int = MAX_STATEMENTS,
) -> OpinionGroups:
    """Find opinion groups and their representative, consensus and divisive statements.

    `rng` drives the k-means seeding, so the same matrix, generator state and `previous` give the
    same result. `min_votes` is the number of votes a participant needs to be grouped (capped at
    the number of statements); `min_group` the smallest group ever reported (at least 3).
    `previous`, the result of the last update, keeps k and the group ids steady. At most
    `max_statements` statements are listed per group and in each of consensus and divisive.

    Participants are sorted by id before anything is computed, so the order of rows in `matrix`
    does not affect the result.
    """
    _check_parameters(min_votes, min_group, max_statements)
    participant_order = np.array(
        sorted(range(len(matrix.participant_ids)), key=matrix.participant_ids.__getitem__),
        dtype=np.intp,
    )
    statement_order = np.array(
        sorted(range(len(matrix.statement_ids)), key=matrix.statement_ids.__getitem__),
        dtype=np.intp,
    )
    participant_ids = tuple(matrix.participant_ids[int(row)] for row in participant_order)
    statement_ids = tuple(matrix.statement_ids[int(column)] for column in statement_order)
    votes = matrix.votes[np.ix_(participant_order, statement_order)]

    votes_cast = (~np.isnan(votes)).sum(axis=1)
    required = max(1, min(min_votes, len(statement_ids)))
    included = np.flatnonzero(votes_cast >= required)
    if included.shape[0] < SMALLEST_K * min_group:
        return _no_groups(participant_ids)

    included_ids = tuple(participant_ids[int(row)] for row in included)
    projection = clustering.project(votes[included], _reference_loadings(previous, statement_ids))
    points = projection.coordinates
    choice = _choose_partition(points, included_ids, min_group, rng, previous)
    loadings = MappingProxyType(
        {
            statement: (float(row[0]), float(row[1]))
            for statement, row in zip(statement_ids, projection.loadings, strict=True)
        }
    )
    if choice is None:
        return _no_groups(participant_ids, loadings, projection.explained_variance)
    partition, best_k, best_k_streak = choice

    reported = [
        cluster for cluster in range(partition.k) if int(partition.sizes[cluster]) >= min_group
    ]
    members = [np.flatnonzero(partition.labels == cluster) for cluster in reported]
    ids = _group_ids(members, included_ids, previous)
    by_id = sorted(range(len(reported)), key=lambda index: ids[index])
    reported = [reported[index] for index in by_id]
    members = [members[index] for index in by_id]
    ids = [ids[index] for index in by_id]

    memberships = np.zeros((len(reported), included.shape[0]), dtype=np.bool_)
    for position, rows in enumerate(members):
        memberships[position, rows] = True
    counts = statements.count_votes(votes[included], memberships)

    groups = tuple(
        OpinionGroup(
            id=ids[position],
            size=int(rows.shape[0]),
            centre=(
                float(partition.centres[cluster, 0]),
                float(partition.centres[cluster, 1]),
            ),
            representative=tuple(
                RepresentativeStatement(
                    statement_id=statement_ids[found.statement],
                    stance=Stance.AGREE if found.agree else Stance.DISAGREE,
                    group_share=found.group_share,
                    rest_share=found.rest_share,
                    z_score=found.z_score,
                )
                for found in statements.representative(counts, position, max_statements)
            ),
        )
        for position, (cluster, rows) in enumerate(zip(reported, members, strict=True))
    )
    assignment: dict[int, int | None] = dict.fromkeys(participant_ids)
    for position, rows in enumerate(members):
        for row in rows:
            assignment[included_ids[int(row)]] = ids[position]
    return OpinionGroups(
        participants=MappingProxyType(assignment),
        groups=groups,
        consensus=tuple(
            ConsensusStatement(
                statement_id=statement_ids[found.statement],
                stance=Stance.AGREE if found.agree else Stance.DISAGREE,
                group_shares=found.group_shares,
                score=found.score,
            )
            for found in statements.consensus(counts, max_statements)
        ),
        divisive=tuple(
            DivisiveStatement(
                statement_id=statement_ids[found.statement],
                agreeing_group=ids[found.agreeing_group],
                disagreeing_group=ids[found.disagreeing_group],
                score=found.score,
            )
            for found in statements.divisive(counts, max_statements)
        ),
        cluster_count=partition.k,
        silhouette=partition.silhouette,
        statement_loadings=loadings,
        explained_variance=projection.explained_variance,
        best_k=best_k,
        best_k_streak=best_k_streak,
    )


def _choose_partition(
    points: FloatArray,
    participant_ids: tuple[int, ...],
    min_group: int,
    rng: np.random.Generator,
    previous: OpinionGroups | None,
) -> tuple[clustering.Partition, int, int] | None:
    """Cluster for every k and pick one, or None when no k yields two reportable groups.

    Preferred are partitions whose every cluster is reportable (nobody is left without a group);
    failing those, partitions with at least two reportable clusters. Among them the highest
    silhouette wins (the smaller k on a tie), except that the previous update's k is kept unless
    the winner beats it by `K_SWITCH_MARGIN` or has won `K_SWITCH_UPDATES` updates in a row.
    Returns the chosen partition, the winning k and how many updates in a row it has won.
    """
    distinct = np.unique(points, axis=0).shape[0]
    largest_k = min(LARGEST_K, distinct)
    if largest_k < SMALLEST_K:
        return None
    distances = clustering.pairwise_distances(points)
    previous_k = previous.cluster_count if previous is not None else 0
    partitions = []
    for k in range(SMALLEST_K, largest_k + 1):
        warm = _warm_centres(points, participant_ids, previous) if k == previous_k else None
        if warm is not None and warm.shape[0] > k:
            warm = None
        partitions.append(clustering.kmeans(points, k, rng, distances, warm))

    complete = [p for p in partitions if int(p.sizes.min()) >= min_group]
    partial = [p for p in partitions if int((p.sizes >= min_group).sum()) >= SMALLEST_K]
    pool = complete or partial
    if not pool:
        return None
    best = max(pool, key=lambda p: (p.silhouette, -p.k))
    streak = previous.best_k_streak + 1 if previous is not None and previous.best_k == best.k else 1
    kept = [p for p in pool if p.k == previous_k]
    if (
        kept
        and best.silhouette < kept[0].silhouette + K_SWITCH_MARGIN
        and streak < K_SWITCH_UPDATES
    ):
        return kept[0], best.k, streak
    return best, best.k, streak


def _warm_centres(
    points: FloatArray, participant_ids: tuple[int, ...], previous: OpinionGroups | None
) -> FloatArray | None:
    """Where the previous groups' members stand now: one centre per previous group that still has
    a member here. Recomputed from the members rather than taken from the previous result,
    because new votes move the axes themselves."""
    if previous is None:
        return None
    rows_by_group: dict[int, list[int]] = {}
    for row, participant in enumerate(participant_ids):
        group = previous.participants.get(participant)
        if group is not None:
            rows_by_group.setdefault(group, []).append(row)
    if not rows_by_group:
        return None
    return np.array(
        [points[rows_by_group[group]].mean(axis=0) for group in sorted(rows_by_group)],
        dtype=np.float64,
    )


def _group_ids(
    members: list[IntArray], participant_ids: tuple[int, ...], previous: OpinionGroups | None
) -> list[int]:
    """Give each reported cluster a group id.

    With a previous result, clusters are matched one-to-one with the previous groups so that as
    many participants as possible keep their group id (Hungarian algorithm on the overlap); a
    cluster that shares nobody with the group it would be matched to is new. New clusters take
    the smallest unused ids, largest cluster first (ties: the one whose smallest participant id is
    smallest), which also numbers the very first result 0, 1, 2 by size.
    """
    ids: list[int | None] = [None] * len(members)
    if previous is not None and previous.groups:
        previous_ids = [group.id for group in previous.groups]
        overlap = np.zeros((len(members), len(previous_ids)))
        for position, rows in enumerate(members):
            for row in rows:
                group = previous.participants.get(participant_ids[int(row)])
                if group is not None and group in previous_ids:
                    overlap[position, previous_ids.index(group)] += 1
        for position, column in zip(*linear_sum_assignment(overlap, maximize=True), strict=True):
            if overlap[position, column] > 0:
                ids[int(position)] = previous_ids[int(column)]
    order = sorted(
        range(len(members)),
        key=lambda position: (
            -members[position].shape[0],
            min(participant_ids[int(row)] for row in members[position]),
        ),
    )
    taken = {group_id for group_id in ids if group_id is not None}
    candidate = 0
    for position in order:
        if ids[position] is None:
            while candidate in taken:
                candidate += 1
            ids[position] = candidate
            taken.add(candidate)
    return [group_id for group_id in ids if group_id is not None]


def _reference_loadings(
    previous: OpinionGroups | None, statement_ids: tuple[int, ...]
) -> FloatArray | None:
    if previous is None or not previous.statement_loadings:
        return None
    return np.array(
        [
            previous.statement_loadings.get(statement, (math.nan, math.nan))
            for statement in statement_ids
        ],
        dtype=np.float64,
    ).reshape(len(statement_ids), 2)


def _no_groups(
    participant_ids: tuple[int, ...],
    loadings: Mapping[int, tuple[float, float]] | None = None,
    explained_variance: tuple[float, float] = (0.0, 0.0),
) -> OpinionGroups:
    return OpinionGroups(
        participants=MappingProxyType(dict.fromkeys(participant_ids)),
        groups=(),
        consensus=(),
        divisive=(),
        cluster_count=0,
        silhouette=None,
        statement_loadings=loadings if loadings is not None else MappingProxyType({}),
        explained_variance=explained_variance,
    )


def _check_parameters(min_votes: int, min_group: int, max_statements: int) -> None:
    if not _is_integer(min_votes) or min_votes < 1:
        raise OpinionInputError(f"min_votes must be a positive integer, not {min_votes!r}")
    if not _is_integer(min_group) or min_group < MIN_GROUP_FLOOR:
        raise OpinionInputError(
            f"min_group must be an integer of at least {MIN_GROUP_FLOOR}, not {min_group!r}"
        )
    if not _is_integer(max_statements) or max_statements < 0:
        raise OpinionInputError(
            f"max_statements must be a non-negative integer, not {max_statements!r}"
        )


def _check_ids(ids: tuple[int, ...], kind: str) -> None:
    if not isinstance(ids, tuple) or not all(_is_integer(item) for item in ids):
        raise OpinionInputError(f"{kind} ids must be a tuple of integers")
    if len(set(ids)) != len(ids):
        raise OpinionInputError(f"{kind} ids are not unique")


def _is_integer(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)
