"""Comparing two groups (perspectives, units, two rounds of a mapping) or a group with a
reference set, so that real differences can be told from noise.

Per value: the difference in share of respondents, a two-proportion z-test, and
Benjamini-Hochberg adjusted p-values (q-values) over all values compared; a difference is
`significant` when its q-value is below alpha. Overall: the proportional similarity index
(PSI, Czekanowski) between the two distributions of votes,

    PSI = sum over values of min(a_v, b_v),   a_v = votes_a(v) / T_a,  b_v likewise,

that is, the share of votes that the two groups place on the same values (1 = identical
profiles, 0 = no value in common), with a percentile bootstrap interval. docs/analysis.md says
why this index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kartbild.analysis.ballots import Ballots, QuestionKey
from kartbild.analysis.catalogue import Catalogue
from kartbild.analysis.engine import Kartbild
from kartbild.analysis.errors import AnalysisError, WithheldError
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.groups import GroupTree
from kartbild.analysis.reference import ReferenceQuestion

IntArray = npt.NDArray[np.integer]
FloatArray = npt.NDArray[np.float64]

# The conventional false discovery rate: at most one in twenty "significant" differences is
# expected to be noise.
DEFAULT_ALPHA = 0.05

# Enough resamples for the 2.5th and 97.5th percentiles to be stable to about a hundredth of the
# index, which is finer than the index is read.
DEFAULT_RESAMPLES = 1000

# Exact resampling costs respondents x picks x resamples operations. Above this many respondents
# in a group the resampled vote shares are drawn from their normal limit instead (same mean and
# covariance as the bootstrap's); at that size the two agree far beyond the interval's precision,
# and a national perspective still compares in well under a second.
EXACT_BOOTSTRAP_LIMIT = 5_000

# Resample this many replicates per bincount so that memory stays around 100 MB.
BOOTSTRAP_CHUNK_PICKS = 4_000_000


@dataclass(frozen=True)
class ValueDifference:
    """One value compared between two groups: shares of respondents, first minus second."""

    value: int
    slug: str
    share_first: float
    share_second: float
    difference: float
    z: float
    p_value: float
    q_value: float
    significant: bool


@dataclass(frozen=True, eq=False)
class Comparison:
    """The comparison of one question between two groups.

    `differences` covers every value that either side picked (or the reference lists), largest
    absolute difference first. `second_is_rest` says that the second group was nested in the
    first and was compared with the rest of it (or the reverse, `first_is_rest`)."""

    first: str
    second: str
    respondents_first: int
    respondents_second: int
    differences: tuple[ValueDifference, ...]
    agreement: float
    agreement_interval: tuple[float, float]
    alpha: float
    resamples: int
    first_is_rest: bool = False
    second_is_rest: bool = False

    @property
    def significant(self) -> tuple[ValueDifference, ...]:
        return tuple(d for d in self.differences if d.significant)


def two_proportion_test(
    successes_a: npt.ArrayLike,
    trials_a: npt.ArrayLike,
    successes_b: npt.ArrayLike,
    trials_b: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Pooled two-proportion z-test, element-wise: (z, two-sided p). Where the pooled share is
    0 or 1 there is no evidence of a difference: z = 0, p = 1."""
    xa = np.asarray(successes_a, np.float64)
    na = np.asarray(trials_a, np.float64)
    xb = np.asarray(successes_b, np.float64)
    nb = np.asarray(trials_b, np.float64)
    if (na <= 0).any() or (nb <= 0).any():
        raise AnalysisError("a two-proportion test needs respondents on both sides")
    pooled = (xa + xb) / (na + nb)
    error = np.sqrt(pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb))
    difference = xa / na - xb / nb
    safe = np.where(error > 0, error, 1.0)
    z = np.where(error > 0, difference / safe, 0.0)
    p = np.array([math.erfc(abs(value) / math.sqrt(2.0)) for value in np.ravel(z)]).reshape(
        np.shape(z)
    )
    return z, np.where(error > 0, p, 1.0)


def benjamini_hochberg(p_values: npt.ArrayLike) -> FloatArray:
    """Benjamini-Hochberg adjusted p-values (q-values): a finding with q < alpha belongs to a
    set whose expected share of false discoveries is at most alpha."""
    p = np.asarray(p_values, np.float64)
    if p.ndim != 1:
        raise AnalysisError("p-values must be a vector")
    if ((p < 0) | (p > 1) | np.isnan(p)).any():
        raise AnalysisError("p-values must lie between 0 and 1")
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    # q_(i) = min over j >= i of p_(j) m / j, capped at 1.
    adjusted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    q = np.empty(m)
    q[order] = adjusted
    return q


def proportional_similarity(first: npt.ArrayLike, second: npt.ArrayLike) -> float:
    """PSI = sum of min(a_v, b_v) over two distributions, each normalised to sum to 1."""
    a = np.asarray(first, np.float64)
    b = np.asarray(second, np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise AnalysisError("two distributions over the same values are needed")
    if a.sum() <= 0 or b.sum() <= 0 or (a < 0).any() or (b < 0).any():
        raise AnalysisError("a distribution needs non-negative weights with a positive sum")
    return float(np.minimum(a / a.sum(), b / b.sum()).sum())


def compare_picks(
    catalogue: Catalogue,
    first: IntArray,
    second: IntArray,
    policy: AnonymityPolicy,
    *,
    rng: np.random.Generator,
    first_label: str = "first",
    second_label: str = "second",
    alpha: float = DEFAULT_ALPHA,
    resamples: int = DEFAULT_RESAMPLES,
) -> Comparison:
    """Compare one question between two independent groups given as (n, k) pick matrices.

    Both groups must pass the policy's group threshold; a caller comparing groups of a tree
    should use `compare_groups`, which also honours complementary suppression."""
    a = _picks(catalogue, first, first_label, policy)
    b = _picks(catalogue, second, second_label, policy)
    _check_settings(alpha, resamples)
    value_count = len(catalogue)
    votes_a = np.bincount(a.ravel(), minlength=value_count)
    votes_b = np.bincount(b.ravel(), minlength=value_count)
    compared = np.flatnonzero((votes_a > 0) | (votes_b > 0))
    differences = _differences(
        catalogue, compared, votes_a[compared], a.shape[0], votes_b[compared], b.shape[0], alpha
    )
    agreement = proportional_similarity(votes_a, votes_b)
    replicates_a = _resampled_distributions(a, value_count, resamples, rng)
    replicates_b = _resampled_distributions(b, value_count, resamples, rng)
    interval = _percentile_interval(np.minimum(replicates_a, replicates_b).sum(axis=1))
    return Comparison(
        first_label,
        second_label,
        a.shape[0],
        b.shape[0],
        differences,
        agreement,
        interval,
        alpha,
        resamples,
    )


def compare_groups(
    kartbild: Kartbild,
    ballots: Ballots,
    groups: GroupTree,
    first: str,
    second: str,
    question: QuestionKey,
    *,
    rng: np.random.Generator,
    alpha: float = DEFAULT_ALPHA,
    resamples: int = DEFAULT_RESAMPLES,
) -> Comparison:
    """Compare a question between two groups of a computed kartbild. Both must be shown there
    (WithheldError otherwise). When one group lies inside the other (a unit and its
    organisation), the smaller is compared with the rest of the larger: a group cannot be tested
    against a sample that contains it."""
    for name in (first, second):
        if not kartbild.is_shown(name, question):
            raise WithheldError(
                f"group {name!r} is not shown for {question}; it cannot be compared"
            )
    if first == second:
        raise AnalysisError("a group cannot be compared with itself")
    index_a, index_b = groups.index(first), groups.index(second)
    members = groups.subtree(index_a)[groups.membership]
    others = groups.subtree(index_b)[groups.membership]
    first_is_rest = second_is_rest = False
    if groups.contains(index_a, index_b):
        members &= ~others
        first_is_rest = True
    elif groups.contains(index_b, index_a):
        others &= ~members
        second_is_rest = True
    picks = ballots.question(question)
    a = _rows_of(picks.picks, picks.respondents, members)
    b = _rows_of(picks.picks, picks.respondents, others)
    comparison = compare_picks(
        kartbild.catalogue,
        a,
        b,
        kartbild.policy,
        rng=rng,
        first_label=first,
        second_label=second,
        alpha=alpha,
        resamples=resamples,
    )
    return Comparison(
        comparison.first,
        comparison.second,
        comparison.respondents_first,
        comparison.respondents_second,
        comparison.differences,
        comparison.agreement,
        comparison.agreement_interval,
        comparison.alpha,
        comparison.resamples,
        first_is_rest,
        second_is_rest,
    )


def compare_with_reference(
    catalogue: Catalogue,
    picks: IntArray,
    reference: ReferenceQuestion,
    policy: AnonymityPolicy,
    *,
    rng: np.random.Generator,
    label: str = "kartbild",
    alpha: float = DEFAULT_ALPHA,
    resamples: int = DEFAULT_RESAMPLES,
) -> Comparison:
    """Compare a shown group's answers to one question with a reference table (national or a
    network's): per value listed in the reference, the group's share against the reference's,
    and the PSI over the values the reference lists (both sides renormalised to those values,
    since published tables often list only the most chosen words).

    The reference side of the bootstrap draws each listed share from its binomial distribution
    with the reference's n; the group side resamples respondents."""
    a = _picks(catalogue, picks, label, policy)
    _check_settings(alpha, resamples)
    value_count = len(catalogue)
    votes = np.bincount(a.ravel(), minlength=value_count)
    listed = reference.values.astype(np.intp)
    expected = reference.shares * reference.respondents
    differences = _differences(
        catalogue, listed, votes[listed], a.shape[0], expected, reference.respondents, alpha
    )
    if votes[listed].sum() == 0:
        raise AnalysisError(
            f"{label}: no answers to {reference.question} fall on the values the reference lists"
        )
    agreement = proportional_similarity(votes[listed], reference.shares)
    group_side = _resampled_distributions(a, value_count, resamples, rng)[:, listed]
    reference_side = (
        rng.binomial(reference.respondents, reference.shares, size=(resamples, listed.size))
        / reference.respondents
    )
    interval = _percentile_interval(
        np.minimum(_normalise(group_side), _normalise(reference_side)).sum(axis=1)
    )
    return Comparison(
        label,
        reference.name or "reference",
        a.shape[0],
        int(reference.respondents.max()),
        differences,
        agreement,
        interval,
        alpha,
        resamples,
    )


# -- internals -----------------------------------------------------------------------------------


def _picks(catalogue: Catalogue, picks: IntArray, label: str, policy: AnonymityPolicy) -> IntArray:
    matrix = np.asarray(picks)
    if matrix.ndim != 2 or not np.issubdtype(matrix.dtype, np.integer):
        raise AnalysisError(f"{label}: picks must be an integer matrix (respondents x picks)")
    if matrix.shape[0] == 0:
        raise AnalysisError(f"{label}: an empty group cannot be compared")
    if not policy.shows(matrix.shape[0]):
        raise WithheldError(f"{label}: too few answers to show ({matrix.shape[0]})")
    if int(matrix.min()) < 0 or int(matrix.max()) >= len(catalogue):
        raise AnalysisError(f"{label}: a pick is not a value of the catalogue")
    return matrix


def _check_settings(alpha: float, resamples: int) -> None:
    if not 0 < alpha < 1:
        raise AnalysisError(f"alpha must lie between 0 and 1, not {alpha}")
    if resamples < 1:
        raise AnalysisError(f"the bootstrap needs at least one resample, not {resamples}")


def _rows_of(
    picks: IntArray, respondents: IntArray | None, members: npt.NDArray[np.bool_]
) -> IntArray:
    if respondents is None:
        return picks[members]
    return picks[members[respondents]]


def _differences(
    catalogue: Catalogue,
    values: npt.NDArray[np.intp],
    successes_a: npt.ArrayLike,
    trials_a: int,
    successes_b: npt.ArrayLike,
    trials_b: npt.ArrayLike,
    alpha: float,
) -> tuple[ValueDifference, ...]:
    if values.size == 0:
        return ()
    xa = np.asarray(successes_a, np.float64)
    xb = np.asarray(successes_b, np.float64)
    nb = np.broadcast_to(np.asarray(trials_b, np.float64), xb.shape)
    z, p = two_proportion_test(xa, np.full(xa.shape, float(trials_a)), xb, nb)
    q = benjamini_hochberg(p)
    share_a = xa / trials_a
    share_b = xb / nb
    rows = [
        ValueDifference(
            value=int(v),
            slug=catalogue.slugs[v],
            share_first=float(share_a[i]),
            share_second=float(share_b[i]),
            difference=float(share_a[i] - share_b[i]),
            z=float(z[i]),
            p_value=float(p[i]),
            q_value=float(q[i]),
            significant=bool(q[i] < alpha),
        )
        for i, v in enumerate(values)
    ]
    rows.sort(key=lambda row: (-abs(row.difference), row.value))
    return tuple(rows)


def _resampled_distributions(
    picks: IntArray, value_count: int, resamples: int, rng: np.random.Generator
) -> FloatArray:
    """(resamples x values) vote distributions (each row sums to 1) of the group resampled by
    respondent, with replacement."""
    n, k = picks.shape
    if n > EXACT_BOOTSTRAP_LIMIT:
        return _normal_resamples(picks, value_count, resamples, rng)
    counts = np.empty((resamples, value_count), np.float64)
    per_chunk = max(1, BOOTSTRAP_CHUNK_PICKS // (n * k))
    for start in range(0, resamples, per_chunk):
        stop = min(resamples, start + per_chunk)
        drawn = rng.integers(0, n, size=(stop - start, n))
        offsets = (np.arange(stop - start) * value_count)[:, None, None]
        flat = (picks[drawn] + offsets).ravel()
        counts[start:stop] = np.bincount(flat, minlength=(stop - start) * value_count).reshape(
            stop - start, value_count
        )
    counts /= n * k
    return counts


def _normal_resamples(
    picks: IntArray, value_count: int, resamples: int, rng: np.random.Generator
) -> FloatArray:
    """The bootstrap's normal limit: the mean pick vector of n respondents is drawn from
    N(mean, covariance / n), the covariance being that of the respondents' 0/1 pick vectors."""
    n, k = picks.shape
    mean = np.bincount(picks.ravel(), minlength=value_count) / n
    together = np.zeros(value_count * value_count, np.float64)
    for a in range(k):
        together += np.bincount(
            (picks[:, a].astype(np.intp)[:, None] * value_count + picks).ravel(),
            minlength=value_count * value_count,
        )
    covariance = together.reshape(value_count, value_count) / n - np.outer(mean, mean)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    root = eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
    draws = mean + rng.standard_normal((resamples, value_count)) @ root.T / math.sqrt(n)
    return _normalise(np.clip(draws, 0.0, None))


def _normalise(rows: FloatArray) -> FloatArray:
    sums = rows.sum(axis=1, keepdims=True)
    return np.asarray(rows / np.where(sums > 0, sums, 1.0), np.float64)


def _percentile_interval(replicates: FloatArray) -> tuple[float, float]:
    low, high = np.quantile(replicates, [0.025, 0.975])
    return float(low), float(high)
