"""The metrics of a kartbild (DESIGN.md, "The kartbild (analysis contract)").

Every metric is computed for many groups at once from a (groups x values) table of votes, so the
cost of a kartbild is one counting pass over the picks plus small table arithmetic. The
single-group functions (`value_table`, `limiting_share`, ...) are the same code with one group.

Notation: for a question and a group, votes(v) is the number of respondents who picked value v,
n the number of respondents and k the picks each made, so T = n * k votes in all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kartbild.analysis.catalogue import LEVELS, VALUE_TYPES, Catalogue, ValueType
from kartbild.analysis.errors import AnalysisError

IntArray = npt.NDArray[np.integer]
CountArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# The two-sided 95 % level that DESIGN.md asks of every interval, and its normal quantile
# (scipy.special.ndtri(0.975)), written out so that the core does not compute it on every call.
CONFIDENCE = 0.95
Z_95 = 1.959963984540054

# The method reports the ten most chosen values of each question.
DEFAULT_TOP = 10

# Levels 1-3 are about self-interest, 4 about transformation, 5-7 about the common good.
SELF_INTEREST_LEVELS = (1, 2, 3)
TRANSFORMATION_LEVELS = (4,)
COMMON_GOOD_LEVELS = (5, 6, 7)


class LimitingBand(StrEnum):
    """DESIGN.md's reading of the limiting share."""

    HEALTHY = "healthy"
    NEEDS_ATTENTION = "needs_attention"
    SIGNIFICANT = "significant"
    SERIOUS = "serious"
    CRITICAL = "critical"


# Upper bounds in whole percent: 0-10 healthy, 11-20 needs attention, 21-30 significant
# problems, 31-40 serious, over 40 critical.
LIMITING_BANDS: tuple[tuple[int, LimitingBand], ...] = (
    (10, LimitingBand.HEALTHY),
    (20, LimitingBand.NEEDS_ATTENTION),
    (30, LimitingBand.SIGNIFICANT),
    (40, LimitingBand.SERIOUS),
)


class MatchReading(StrEnum):
    STRONG = "strong"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


# The usual reading of value matches between two top-10 lists: 6+ strong, 4-5 good, 2-3 fair,
# 0-1 poor; as fractions of the list length so that it carries over to other list lengths.
MATCH_READINGS: tuple[tuple[float, MatchReading], ...] = (
    (0.6, MatchReading.STRONG),
    (0.4, MatchReading.GOOD),
    (0.2, MatchReading.FAIR),
)


@dataclass(frozen=True)
class ValueRow:
    """One line of a value table."""

    value: int
    slug: str
    votes: int
    share: float
    share_low: float
    share_high: float
    rank: int
    in_top: bool
    tied_at_cutoff: bool


@dataclass(frozen=True, eq=False)
class ValueTable:
    """Votes per value for one question and group, indexed by catalogue value index.

    `shares` are shares of respondents (votes / n) with 95 % Wilson intervals; `ranks` are
    competition ranks (equal votes, equal rank; the next rank skips). `top` lists the top-N in
    order (votes, then catalogue order); when values tie at the cut-off all of them are included,
    and they are listed in `tied_at_cutoff`. Values without votes are never in the top."""

    slugs: tuple[str, ...]
    respondents: int
    picks_per_respondent: int
    top_size: int
    votes: CountArray
    shares: FloatArray
    share_low: FloatArray
    share_high: FloatArray
    ranks: CountArray
    top: tuple[int, ...]
    tied_at_cutoff: tuple[int, ...]

    @property
    def total_votes(self) -> int:
        return self.respondents * self.picks_per_respondent

    @property
    def top_slugs(self) -> tuple[str, ...]:
        return tuple(self.slugs[v] for v in self.top)

    def votes_of(self, slug: str) -> int:
        return int(self.votes[self.slugs.index(slug)])

    def rows(self, *, top_only: bool = False) -> tuple[ValueRow, ...]:
        """The values with votes in rank order (or only the top), ready to render."""
        if top_only:
            order = np.array(self.top, dtype=np.intp)
        else:
            voted = np.flatnonzero(self.votes > 0)
            order = voted[np.lexsort((voted, -self.votes[voted]))]
        in_top = set(self.top)
        tied = set(self.tied_at_cutoff)
        return tuple(
            ValueRow(
                value=int(v),
                slug=self.slugs[v],
                votes=int(self.votes[v]),
                share=float(self.shares[v]),
                share_low=float(self.share_low[v]),
                share_high=float(self.share_high[v]),
                rank=int(self.ranks[v]),
                in_top=int(v) in in_top,
                tied_at_cutoff=int(v) in tied,
            )
            for v in order
        )


@dataclass(frozen=True)
class LimitingShare:
    """The limiting share (begränsande andel, "cultural entropy") of a current-culture question:
    limiting votes / all votes, over all values. It equals the mean of the respondents' own
    limiting shares; their spread gives the standard error and a 95 % Student t interval
    (None with fewer than two respondents)."""

    share: float
    low: float | None
    high: float | None
    standard_error: float | None
    band: LimitingBand
    limiting_votes: int
    total_votes: int
    respondents: int


@dataclass(frozen=True)
class LevelDistribution:
    """Shares of all votes T per level 1-7 (index 0 is level 1), positive and limiting apart,
    and the self-interest / transformation / common-good split (levels 1-3 / 4 / 5-7)."""

    positive: tuple[float, ...]
    limiting: tuple[float, ...]
    self_interest: float
    transformation: float
    common_good: float

    def level(self, level: int) -> float:
        """The share of votes on a level (1-7), positive and limiting together."""
        return self.positive[level - 1] + self.limiting[level - 1]


@dataclass(frozen=True)
class TopProfile:
    """Positive and limiting values, and the four types, among the top values."""

    positive: int
    limiting: int
    types: tuple[int, ...]

    @property
    def ratio(self) -> float | None:
        """Positive values per limiting value in the top; None when none is limiting."""
        return self.positive / self.limiting if self.limiting else None

    def type_count(self, value_type: ValueType) -> int:
        return self.types[VALUE_TYPES.index(value_type)]


@dataclass(frozen=True)
class ValueMatches:
    """Values shared by two top lists: personal-current, current-desired, personal-desired.
    None when a question of the pair was not asked."""

    personal_current: int | None
    current_desired: int | None
    personal_desired: int | None
    top_size: int

    def reading(self, matches: int | None) -> MatchReading | None:
        return None if matches is None else match_reading(matches, self.top_size)


@dataclass(frozen=True)
class ValueChange:
    """A value's votes in the desired minus the current culture (a jump when positive)."""

    value: int
    slug: str
    change: int
    current: int
    desired: int


# -- single-group entry points -----------------------------------------------------------------


def value_table(catalogue: Catalogue, picks: IntArray, top: int = DEFAULT_TOP) -> ValueTable:
    """The value table of one question for one group from its (n, k) pick matrix."""
    matrix = _check_picks(catalogue, picks)
    votes = np.bincount(matrix.ravel(), minlength=len(catalogue)).astype(np.int64)[None, :]
    tables = value_tables(
        catalogue, votes, np.array([matrix.shape[0]], np.int64), matrix.shape[1], top
    )
    return tables.table(0)


def limiting_share(catalogue: Catalogue, picks: IntArray) -> LimitingShare:
    """The limiting share of a current-culture question for one group."""
    matrix = _check_picks(catalogue, picks)
    per_respondent = limiting_counts(catalogue, matrix)
    distribution = np.bincount(per_respondent, minlength=matrix.shape[1] + 1)[None, :]
    return limiting_shares(distribution.astype(np.int64), matrix.shape[1])[0]


def level_distribution(catalogue: Catalogue, votes: CountArray) -> LevelDistribution:
    """Level distribution of one vote vector (indexed by value)."""
    return level_distributions(catalogue, np.asarray(votes, np.int64)[None, :])[0]


def top_profile(catalogue: Catalogue, table: ValueTable) -> TopProfile:
    """Positive-to-limiting and the type distribution among a table's top values."""
    in_top = np.zeros((1, len(catalogue)), np.bool_)
    in_top[0, list(table.top)] = True
    return top_profiles(catalogue, in_top)[0]


def value_matches(
    personal: ValueTable | None,
    current: ValueTable | None,
    desired: ValueTable | None,
    top: int = DEFAULT_TOP,
) -> ValueMatches:
    """Matches between the top lists of the three questions of one frame."""

    def shared(a: ValueTable | None, b: ValueTable | None) -> int | None:
        return None if a is None or b is None else len(set(a.top) & set(b.top))

    return ValueMatches(
        shared(personal, current), shared(current, desired), shared(personal, desired), top
    )


def value_changes(
    catalogue: Catalogue, current: CountArray, desired: CountArray, top: int = DEFAULT_TOP
) -> tuple[tuple[ValueChange, ...], tuple[ValueChange, ...]]:
    """Jumps (largest increases from current to desired votes) and drops (largest decreases),
    `top` of each, ties at the cut-off included."""
    jumps, drops = value_change_lists(
        catalogue,
        np.asarray(current, np.int64)[None, :],
        np.asarray(desired, np.int64)[None, :],
        top,
    )
    return jumps[0], drops[0]


def match_reading(matches: int, top: int = DEFAULT_TOP) -> MatchReading:
    """The usual reading of a number of value matches between two top-`top` lists."""
    fraction = matches / top
    for at_least, reading in MATCH_READINGS:
        if fraction >= at_least - 1e-12:
            return reading
    return MatchReading.POOR


def limiting_band(share: float) -> LimitingBand:
    """The band of a limiting share, read on the share in whole percent (as it is shown)."""
    percent = math.floor(share * 100 + 0.5)
    for upper, band in LIMITING_BANDS:
        if percent <= upper:
            return band
    return LimitingBand.CRITICAL


# -- many groups at once ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ValueTables:
    """Value tables of many groups for one question (first axis = group)."""

    slugs: tuple[str, ...]
    respondents: CountArray
    picks_per_respondent: int
    top_size: int
    votes: CountArray
    shares: FloatArray
    share_low: FloatArray
    share_high: FloatArray
    ranks: CountArray
    in_top: BoolArray
    tied: BoolArray
    order: npt.NDArray[np.intp]

    def table(self, group: int) -> ValueTable:
        order = self.order[group]
        in_top = self.in_top[group]
        top = order[in_top[order]]
        tied = top[self.tied[group][top]]
        return ValueTable(
            slugs=self.slugs,
            respondents=int(self.respondents[group]),
            picks_per_respondent=self.picks_per_respondent,
            top_size=self.top_size,
            votes=self.votes[group],
            shares=self.shares[group],
            share_low=self.share_low[group],
            share_high=self.share_high[group],
            ranks=self.ranks[group],
            top=tuple(int(v) for v in top),
            tied_at_cutoff=tuple(int(v) for v in tied),
        )


def value_tables(
    catalogue: Catalogue, votes: CountArray, respondents: CountArray, picks: int, top: int
) -> ValueTables:
    """Value tables for every group from (groups x values) votes and respondents per group."""
    if top < 1:
        raise AnalysisError(f"the top list needs at least one value, not {top}")
    groups, value_count = votes.shape
    n = respondents.astype(np.float64)[:, None]
    safe_n = np.where(n > 0, n, 1.0)
    shares = np.where(n > 0, votes / safe_n, 0.0)
    low, high = wilson_interval(votes, respondents)
    order = np.argsort(-votes, axis=1, kind="stable")
    ordered = np.take_along_axis(votes, order, axis=1)
    positions = np.arange(1, value_count + 1, dtype=np.int64)
    starts = np.ones((groups, value_count), np.bool_)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ordered_ranks = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    ranks = np.empty_like(ordered_ranks)
    np.put_along_axis(ranks, order, ordered_ranks, axis=1)
    cutoff = np.maximum(ordered[:, min(top, value_count) - 1], 1)
    in_top = votes >= cutoff[:, None]
    crowded = in_top.sum(axis=1) > top
    tied = in_top & (votes == cutoff[:, None]) & crowded[:, None]
    return ValueTables(
        catalogue.slugs,
        respondents,
        picks,
        top,
        votes,
        shares,
        low,
        high,
        ranks,
        in_top,
        tied,
        order,
    )


def wilson_interval(
    successes: npt.ArrayLike, trials: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """95 % Wilson score interval of successes / trials, element-wise (trials broadcast along
    the last axis of successes when it has one value per row). Trials of 0 give [0, 1]."""
    x = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    if n.ndim == 1 and x.ndim == 2:
        n = n[:, None]
    safe_n = np.where(n > 0, n, 1.0)
    p = x / safe_n
    z2 = Z_95 * Z_95
    denominator = 1.0 + z2 / safe_n
    centre = (p + z2 / (2.0 * safe_n)) / denominator
    half = Z_95 * np.sqrt(np.maximum(p * (1.0 - p) / safe_n + z2 / (4.0 * safe_n * safe_n), 0.0))
    half = half / denominator
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    return low, high


def limiting_counts(catalogue: Catalogue, picks: IntArray) -> npt.NDArray[np.intp]:
    """Per respondent, how many of their picks are potentially limiting values."""
    limiting = catalogue.limiting.view(np.uint8)
    counts = np.zeros(picks.shape[0], dtype=np.uint8)
    # Column by column: k gathers of n, cheaper than one (n, k) gather and a row sum.
    for column in range(picks.shape[1]):
        counts += limiting[picks[:, column]]
    return counts.astype(np.intp)


def limiting_shares(distribution: CountArray, picks: int) -> list[LimitingShare]:
    """Limiting shares of many groups from (groups x (k + 1)) counts of respondents by their
    number of limiting picks (0 … k)."""
    from scipy.special import stdtrit

    j = np.arange(picks + 1, dtype=np.int64)
    n = distribution.sum(axis=1)
    sum1 = distribution @ j
    sum2 = distribution @ (j * j)
    results: list[LimitingShare] = []
    # n * sum2 - sum1^2 is n^2 (n-1) / n times the variance of the counts, exact in integers.
    spread = n * sum2 - sum1 * sum1
    for group in range(distribution.shape[0]):
        count = int(n[group])
        total = count * picks
        if count == 0:
            raise AnalysisError("a limiting share needs at least one respondent")
        share = float(sum1[group]) / total
        low = high = error = None
        if count >= 2:
            variance = float(spread[group]) / (count * (count - 1)) / (picks * picks)
            error = math.sqrt(max(variance, 0.0) / count)
            quantile = float(stdtrit(count - 1, 0.5 + CONFIDENCE / 2))
            low = max(0.0, share - quantile * error)
            high = min(1.0, share + quantile * error)
        results.append(
            LimitingShare(
                share=share,
                low=low,
                high=high,
                standard_error=error,
                band=limiting_band(share),
                limiting_votes=int(sum1[group]),
                total_votes=total,
                respondents=count,
            )
        )
    return results


def level_distributions(catalogue: Catalogue, votes: CountArray) -> list[LevelDistribution]:
    """Level distributions of many groups from (groups x values) votes."""
    columns = (catalogue.levels.astype(np.intp) - 1) + LEVELS * catalogue.limiting.astype(np.intp)
    indicator = np.zeros((len(catalogue), 2 * LEVELS), np.int64)
    indicator[np.arange(len(catalogue)), columns] = 1
    per_level = votes @ indicator  # groups x (7 positive, 7 limiting)
    totals = per_level.sum(axis=1)
    results = []
    for group in range(votes.shape[0]):
        total = int(totals[group])
        if total == 0:
            raise AnalysisError("a level distribution needs at least one vote")
        shares = per_level[group] / total
        both = shares[:LEVELS] + shares[LEVELS:]
        results.append(
            LevelDistribution(
                positive=tuple(float(s) for s in shares[:LEVELS]),
                limiting=tuple(float(s) for s in shares[LEVELS:]),
                self_interest=float(sum(both[level - 1] for level in SELF_INTEREST_LEVELS)),
                transformation=float(sum(both[level - 1] for level in TRANSFORMATION_LEVELS)),
                common_good=float(sum(both[level - 1] for level in COMMON_GOOD_LEVELS)),
            )
        )
    return results


def top_profiles(catalogue: Catalogue, in_top: BoolArray) -> list[TopProfile]:
    """Top profiles of many groups from a (groups x values) top mask."""
    limiting = (in_top & catalogue.limiting).sum(axis=1)
    positive = in_top.sum(axis=1) - limiting
    types = np.zeros((len(catalogue), len(VALUE_TYPES)), np.int64)
    types[np.arange(len(catalogue)), catalogue.types] = 1
    per_type = in_top.astype(np.int64) @ types
    return [
        TopProfile(int(positive[g]), int(limiting[g]), tuple(int(t) for t in per_type[g]))
        for g in range(in_top.shape[0])
    ]


def value_change_lists(
    catalogue: Catalogue, current: CountArray, desired: CountArray, top: int
) -> tuple[list[tuple[ValueChange, ...]], list[tuple[ValueChange, ...]]]:
    """Jumps and drops of many groups from (groups x values) current and desired votes.

    Jumps are ordered by increase, then by desired votes, then catalogue order; drops by
    decrease, then by current votes, then catalogue order. Each list holds the `top` largest,
    with every value tied at the cut-off."""
    change = desired - current
    value_index = np.broadcast_to(np.arange(change.shape[1]), change.shape)
    up_order = np.lexsort((value_index, -desired, -change), axis=-1)
    down_order = np.lexsort((value_index, -current, change), axis=-1)
    jumps: list[tuple[ValueChange, ...]] = []
    drops: list[tuple[ValueChange, ...]] = []
    for group in range(change.shape[0]):
        for order, sign, out in ((up_order, 1, jumps), (down_order, -1, drops)):
            ordered = order[group]
            amounts = sign * change[group, ordered]
            count = int((amounts > 0).sum())
            if count > top:
                count = int((amounts >= amounts[top - 1]).sum())
            out.append(
                tuple(
                    ValueChange(
                        value=int(v),
                        slug=catalogue.slugs[v],
                        change=int(change[group, v]),
                        current=int(current[group, v]),
                        desired=int(desired[group, v]),
                    )
                    for v in ordered[:count]
                )
            )
    return jumps, drops


def _check_picks(catalogue: Catalogue, picks: IntArray) -> IntArray:
    matrix = np.asarray(picks)
    if matrix.ndim != 2 or not np.issubdtype(matrix.dtype, np.integer):
        raise AnalysisError("picks must be an integer matrix (respondents x picks)")
    if matrix.shape[0] == 0:
        raise AnalysisError("an empty group has no results: no respondents")
    if matrix.shape[1] == 0:
        raise AnalysisError("every respondent needs at least one pick")
    if int(matrix.min()) < 0 or int(matrix.max()) >= len(catalogue):
        raise AnalysisError("a pick is not a value of the catalogue")
    sorted_rows = np.sort(matrix, axis=1)
    if (sorted_rows[:, 1:] == sorted_rows[:, :-1]).any():
        raise AnalysisError("a respondent picked the same value twice")
    return matrix
