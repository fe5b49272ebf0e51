"""Projection and clustering behind opinion groups: PCA of a vote matrix with missing votes,
k-means and the silhouette.

Internal to `kartbild.analysis.opinion`, which holds the public API; everything here takes and
returns numpy arrays whose rows are already in a canonical order, so the results depend on the votes
only, never on the order the caller listed participants in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Two axes: the projector view draws a plane, and Polis clusters in the same plane it shows, so a
# group on screen is a group in the maths.
DIMENSIONS = 2

# Lloyd's algorithm in two dimensions settles within a few dozen rounds for a few hundred points;
# the limit only guards against a cycle between equal-cost assignments.
KMEANS_MAX_ITERATIONS = 100

# k-means finds a local optimum that depends on its seeds, and with weakly separated opinions
# many optima lie within a fraction of a per cent of each other, the best one reached by perhaps one
# k-means++ run in five. Thirty restarts miss such an optimum with probability 0.8**30, about one
# update in a thousand, so the groups do not depend on the seed in practice; run side by side
# they cost about 15 ms for 200 participants and all k.
KMEANS_RESTARTS = 30


@dataclass(frozen=True, eq=False)
class Projection:
    """Participants placed in the plane of the first two principal components.

    `coordinates` has one row per participant, `loadings` one row per statement (the weight of the
    statement on each axis), `explained_variance` the share of the total variance on each axis.
    """

    coordinates: FloatArray
    loadings: FloatArray
    explained_variance: tuple[float, float]


@dataclass(frozen=True, eq=False)
class Partition:
    """One k-means result: a cluster index per point, the centres and their silhouette."""

    k: int
    labels: IntArray
    centres: FloatArray
    silhouette: float

    @property
    def sizes(self) -> IntArray:
        return np.bincount(self.labels, minlength=self.k)


def project(votes: FloatArray, reference_loadings: FloatArray | None = None) -> Projection:
    """Project participants onto the first two principal components of their votes.

    `votes` is participants × statements with 1, -1, 0 and NaN for "not voted"; every row must hold
    at least one vote. As in Polis, a missing vote is imputed with the statement's mean vote, which
    after centring is zero, so it neither pulls a participant towards nor away from any side. The
    projection then only sums over the statements a participant voted on, and so would shrink
    towards the centre those who saw few statements; it is scaled up by sqrt(statements / votes)
    to undo that shrinkage.

    The sign of a principal component is arbitrary. To keep the picture steady between updates,
    each axis is turned to point the same way as `reference_loadings` (statements × 2, NaN for
    statements the reference did not have) when that is given, and otherwise so that its largest
    loading is positive.
    """
    participant_count, statement_count = votes.shape
    seen = ~np.isnan(votes)
    seen_per_statement = seen.sum(axis=0)
    vote_sums = np.where(seen, votes, 0.0).sum(axis=0)
    means = np.divide(
        vote_sums,
        seen_per_statement,
        out=np.zeros(statement_count),
        where=seen_per_statement > 0,
    )
    centred = np.where(seen, votes - means, 0.0)

    # The principal axes are the leading eigenvectors of the statements × statements scatter
    # matrix. With far fewer statements than participants in a workshop, this small symmetric
    # eigenproblem is cheaper than an SVD of the whole matrix.
    eigenvalues, eigenvectors = np.linalg.eigh(centred.T @ centred)
    leading = np.argsort(eigenvalues)[::-1][:DIMENSIONS]
    variance = np.clip(eigenvalues[leading], 0.0, None)
    loadings = np.zeros((statement_count, DIMENSIONS))
    rank = leading.shape[0]
    loadings[:, :rank] = eigenvectors[:, leading]
    for axis in range(DIMENSIONS):
        if _should_flip(loadings[:, axis], reference_loadings, axis):
            loadings[:, axis] = -loadings[:, axis]

    votes_per_participant = seen.sum(axis=1)
    scale = np.sqrt(statement_count / votes_per_participant)
    coordinates = (centred @ loadings) * scale[:, np.newaxis]

    total = float(np.clip(eigenvalues, 0.0, None).sum())
    shares = [
        float(variance[axis]) / total if total > 0 and axis < rank else 0.0 for axis in (0, 1)
    ]
    return Projection(coordinates, loadings, (shares[0], shares[1]))


def _should_flip(axis_loadings: FloatArray, reference: FloatArray | None, axis: int) -> bool:
    if reference is not None:
        shared = ~np.isnan(reference[:, axis])
        agreement = float(axis_loadings[shared] @ reference[shared, axis])
        if agreement != 0.0:
            return agreement < 0.0
    largest = int(np.argmax(np.abs(axis_loadings)))
    return bool(axis_loadings[largest] < 0.0)


def pairwise_distances(points: FloatArray) -> FloatArray:
    """Euclidean distances between all pairs of rows."""
    distances: FloatArray = np.sqrt(_squared_distances(points, points))
    return distances


def _squared_distances(points: FloatArray, centres: FloatArray) -> FloatArray:
    """Squared distances from every point to every centre: (n, d) and (k, d) give (n, k);
    (n, d) and (runs, k, d) give (runs, n, k)."""
    # One coordinate at a time: with two dimensions this avoids a larger temporary, and it is the
    # inner loop of k-means.
    squared: FloatArray = np.zeros(centres.shape[:-2] + (points.shape[0], centres.shape[-2]))
    for dimension in range(points.shape[1]):
        difference = points[:, dimension, np.newaxis] - centres[..., np.newaxis, :, dimension]
        squared += difference * difference
    return squared


def seed_centres(
    points: FloatArray,
    k: int,
    rng: np.random.Generator,
    runs: int = 1,
    fixed: FloatArray | None = None,
) -> FloatArray:
    """Choose k initial centres for each of `runs` k-means runs by k-means++; (runs, k, d).

    Each new centre is a point drawn with probability proportional to its squared distance from
    the nearest centre so far, which spreads the seeds over the clusters. The `fixed` centres
    (used for warm starts) come first and are kept.
    """
    point_count, dimensions = points.shape
    centres = np.empty((runs, k, dimensions))
    if fixed is not None and fixed.shape[0] > 0:
        chosen = min(fixed.shape[0], k)
        centres[:, :chosen] = fixed[:chosen]
    else:
        chosen = 1
        centres[:, 0] = points[rng.integers(point_count, size=runs)]
    nearest = _squared_distances(points, centres[:, :chosen]).min(axis=2)
    for position in range(chosen, k):
        cumulative = np.cumsum(nearest, axis=1)
        totals = cumulative[:, -1]
        targets = rng.random(runs) * totals
        picks = (cumulative <= targets[:, np.newaxis]).sum(axis=1)
        # Every point already sits on a centre: any point will do.
        degenerate = totals <= 0.0
        if degenerate.any():
            picks[degenerate] = rng.integers(point_count, size=int(degenerate.sum()))
        centres[:, position] = points[np.minimum(picks, point_count - 1)]
        nearest = np.minimum(
            nearest, _squared_distances(points, centres[:, position : position + 1])[..., 0]
        )
    return centres


def lloyd(points: FloatArray, centres: FloatArray) -> tuple[IntArray, FloatArray, FloatArray]:
    """Run Lloyd's k-means iterations for several runs at once until no point changes cluster.

    `centres` is (runs, k, d). Returns the labels (runs, n), the final centres and each run's
    inertia (sum of squared distances to the centres). The restarts run side by side, so the
    Python loop is as long as the slowest run's, and a run drops out as soon as it has settled.
    A cluster that loses all its points keeps its old centre; the caller treats such a partition
    as having an empty, hence unreportable, cluster.
    """
    runs, k, _ = centres.shape
    point_count, dimensions = points.shape
    centres = centres.copy()
    labels: IntArray = _squared_distances(points, centres).argmin(axis=2).astype(np.intp)
    active = np.arange(runs)
    for _ in range(KMEANS_MAX_ITERATIONS):
        active_labels = labels[active]
        flat = (active_labels + (np.arange(active.shape[0]) * k)[:, np.newaxis]).ravel()
        size = active.shape[0] * k
        counts = np.bincount(flat, minlength=size).reshape(-1, k)
        for dimension in range(dimensions):
            weights = np.broadcast_to(points[:, dimension], active_labels.shape).ravel()
            sums = np.bincount(flat, weights=weights, minlength=size).reshape(-1, k)
            centres[active, :, dimension] = np.where(
                counts > 0, sums / np.maximum(counts, 1), centres[active, :, dimension]
            )
        new_labels = _squared_distances(points, centres[active]).argmin(axis=2).astype(np.intp)
        moved = (new_labels != active_labels).any(axis=1)
        labels[active] = new_labels
        active = active[moved]
        if active.shape[0] == 0:
            break
    final = _squared_distances(points, centres)
    inertia: FloatArray = np.take_along_axis(final, labels[..., np.newaxis], axis=2)[..., 0].sum(
        axis=1
    )
    return labels, centres, inertia


def kmeans(
    points: FloatArray,
    k: int,
    rng: np.random.Generator,
    distances: FloatArray,
    warm_centres: FloatArray | None = None,
) -> Partition:
    """Partition the points into k clusters.

    With `warm_centres` (the centres of the previous update's groups, recomputed from where their
    members are now) a single run starts from them, so the clusters follow the groups people
    already see instead of jumping to another local optimum, as Polis does between updates.
    Otherwise the best of `KMEANS_RESTARTS` k-means++ runs (lowest inertia) is kept.
    """
    if warm_centres is not None and warm_centres.shape[0] > 0:
        labels, centres, _ = lloyd(points, seed_centres(points, k, rng, 1, warm_centres))
        best = 0
    else:
        labels, centres, inertia = lloyd(points, seed_centres(points, k, rng, KMEANS_RESTARTS))
        best = int(np.argmin(inertia))
    return Partition(k, labels[best], centres[best], silhouette(distances, labels[best], k))


def silhouette(distances: FloatArray, labels: IntArray, k: int) -> float:
    """Mean silhouette width of a partition, -1.0 when it has fewer than two non-empty clusters.

    For each point, a is the mean distance to the others in its cluster and b the smallest mean
    distance to another cluster; its silhouette is (b - a) / max(a, b), and 0 for a point alone in
    its cluster (Rousseeuw 1987, the convention scikit-learn follows).
    """
    counts = np.bincount(labels, minlength=k)
    if int((counts > 0).sum()) < 2:
        return -1.0
    point_count = labels.shape[0]
    membership = (labels[:, np.newaxis] == np.arange(k)[np.newaxis, :]).astype(np.float64)
    sums = distances @ membership
    rows = np.arange(point_count)
    own_counts = counts[labels]
    within = sums[rows, labels] / np.maximum(own_counts - 1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        to_others = np.where(counts[np.newaxis, :] > 0, sums / counts[np.newaxis, :], np.inf)
    to_others[rows, labels] = np.inf
    nearest_other = to_others.min(axis=1)
    larger = np.maximum(within, nearest_other)
    widths = np.divide(
        nearest_other - within,
        larger,
        out=np.zeros(point_count),
        where=(larger > 0) & (own_counts > 1),
    )
    return float(widths.mean())
