"""Likert statements of a follow-up round: an index 0–100 with a 95 % interval per statement and
per value, and the comparison of two rounds.

Answers are small integer codes: 1 … 5 ("Stämmer inte alls" … "Stämmer helt"), DONT_KNOW for
"Vet ej" and NO_ANSWER for a statement left blank. An answer k is scored 25·(k − 1), so 1 → 0,
3 → 50 and 5 → 100; "vet ej" and blanks are left out of the index and counted apart.

- A statement's index is the mean score of those who answered it, with the t-interval of that
  mean (item scores are bounded, and with the handful of answers of a small unit the t quantile
  is what keeps the interval honest).
- A value's index is the mean over respondents of each respondent's own index for the value
  (the mean of the scores of the value's statements they answered). Taking the respondent as the
  unit keeps one person's five correlated answers from counting as five independent samples, so
  the t-interval of those per-respondent means is the right width.
- Two rounds are independent samples (answers are anonymous and cannot be paired): the
  difference of their indices, Welch's t-test and the Welch–Satterthwaite interval.

Intervals are clipped to [0, 100], the range the index can take. docs/followup.md explains the
choices. Pure numpy and scipy: no Django."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from kartbild.analysis.errors import AnalysisError

FloatArray = npt.NDArray[np.float64]

NO_ANSWER = 0
DONT_KNOW = 6
SCALE = (1, 2, 3, 4, 5)
# 25 index points per step: the five answers spread evenly over 0–100.
POINTS_PER_STEP = 25.0
LOWEST_INDEX = 0.0
HIGHEST_INDEX = 100.0
# A 95 % interval, the convention of every interval in Kartbild.
CONFIDENCE = 0.95
# Differences between rounds are called significant at the usual 5 % level; each value is one
# pre-planned comparison, so no correction for the handful of values is made.
ALPHA = 0.05


@dataclass(frozen=True)
class IndexEstimate:
    """An index with its 95 % interval. `respondents` is how many answered (for a value: gave at
    least one answer 1–5 to its statements); `dont_know` how many said "vet ej" (for a value:
    answered none of its statements but said "vet ej" to at least one). `index`, `low`, `high`
    are None without answers; `low`/`high` also with a single answer (no spread to estimate)."""

    index: float | None
    low: float | None
    high: float | None
    respondents: int
    dont_know: int


@dataclass(frozen=True)
class Difference:
    """A later round minus an earlier one. `p_value` is Welch's two-sided test; None (and not
    significant) when either round has fewer than two answers or neither varies at all."""

    earlier: IndexEstimate
    later: IndexEstimate
    difference: float | None
    low: float | None
    high: float | None
    p_value: float | None
    significant: bool


def as_codes(answers: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """Answer codes as an array, checked: every code is NO_ANSWER, 1 … 5 or DONT_KNOW."""
    array = np.asarray(answers)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise AnalysisError("answers must be whole-number codes")
    if array.size and ((array < NO_ANSWER) | (array > DONT_KNOW)).any():
        raise AnalysisError("an answer code must be 0 (no answer), 1–5, or 6 (vet ej)")
    return array.astype(np.uint8)


def scores(answers: npt.ArrayLike) -> FloatArray:
    """Index points 0–100 of each answer; NaN for "vet ej" and blanks."""
    codes = as_codes(answers)
    points = (codes.astype(np.float64) - 1.0) * POINTS_PER_STEP
    answered = (codes >= SCALE[0]) & (codes <= SCALE[-1])
    return np.where(answered, points, np.nan)


def mean_interval(samples: npt.ArrayLike) -> IndexEstimate:
    """The mean of index points (NaN left out) with its t-interval, clipped to [0, 100]."""
    values = np.asarray(samples, dtype=np.float64)
    values = values[~np.isnan(values)]
    n = int(values.size)
    if n == 0:
        return IndexEstimate(None, None, None, 0, 0)
    mean = float(values.mean())
    if n == 1:
        return IndexEstimate(mean, None, None, 1, 0)
    half = _t_quantile(n - 1) * float(values.std(ddof=1)) / math.sqrt(n)
    return IndexEstimate(mean, *_clip(mean - half, mean + half), n, 0)


def statement_index(answers: npt.ArrayLike) -> IndexEstimate:
    """The index of one statement from its answer codes (one per respondent)."""
    codes = as_codes(answers).ravel()
    estimate = mean_interval(scores(codes))
    return _with_dont_know(estimate, int((codes == DONT_KNOW).sum()))


def respondent_indices(answers: npt.ArrayLike) -> FloatArray:
    """Each respondent's own index over some statements (rows: respondents, columns: the
    statements): the mean of the statements they answered 1–5; NaN when they answered none."""
    points = scores(np.atleast_2d(as_codes(answers)))
    answered = ~np.isnan(points)
    count = answered.sum(axis=1)
    total = np.where(answered, points, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def value_index(answers: npt.ArrayLike) -> IndexEstimate:
    """The index of a value from the answers to its statements (respondents × statements)."""
    codes = np.atleast_2d(as_codes(answers))
    per_respondent = respondent_indices(codes)
    estimate = mean_interval(per_respondent)
    only_dont_know = np.isnan(per_respondent) & (codes == DONT_KNOW).any(axis=1)
    return _with_dont_know(estimate, int(only_dont_know.sum()))


def compare(earlier: npt.ArrayLike, later: npt.ArrayLike, alpha: float = ALPHA) -> Difference:
    """Compare two independent samples of index points (item scores of a statement, or the
    per-respondent indices of a value), NaN left out: later − earlier, Welch's t-test and the
    interval with Welch–Satterthwaite degrees of freedom, not clipped (a difference runs from
    −100 to 100)."""
    if not 0 < alpha < 1:
        raise AnalysisError("alpha must be between 0 and 1")
    a = _finite(earlier)
    b = _finite(later)
    first, second = mean_interval(a), mean_interval(b)
    if first.index is None or second.index is None:
        return Difference(first, second, None, None, None, None, False)
    difference = second.index - first.index
    if a.size < 2 or b.size < 2:
        return Difference(first, second, difference, None, None, None, False)
    var_a, var_b = float(a.var(ddof=1)) / a.size, float(b.var(ddof=1)) / b.size
    standard_error = math.sqrt(var_a + var_b)
    if standard_error == 0.0:
        # Everyone answered alike in both rounds: no spread to test against.
        return Difference(first, second, difference, difference, difference, None, False)
    freedom = (var_a + var_b) ** 2 / (var_a**2 / (a.size - 1) + var_b**2 / (b.size - 1))
    statistic = difference / standard_error
    p_value = float(2.0 * stats.t.sf(abs(statistic), freedom))
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, freedom)) * standard_error
    return Difference(
        first,
        second,
        difference,
        difference - half,
        difference + half,
        p_value,
        p_value < alpha,
    )


def _finite(samples: npt.ArrayLike) -> FloatArray:
    values = np.asarray(samples, dtype=np.float64).ravel()
    return values[~np.isnan(values)]


def _t_quantile(freedom: float) -> float:
    return float(stats.t.ppf(0.5 + CONFIDENCE / 2, freedom))


def _clip(low: float, high: float) -> tuple[float, float]:
    return max(LOWEST_INDEX, low), min(HIGHEST_INDEX, high)


def _with_dont_know(estimate: IndexEstimate, dont_know: int) -> IndexEstimate:
    return IndexEstimate(
        estimate.index, estimate.low, estimate.high, estimate.respondents, dont_know
    )
