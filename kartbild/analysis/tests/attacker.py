"""An independent attacker for the gate tests: given the cells of respondents and the groups
that are shown, find by brute force the smallest set of respondents whose answers follow from
the shown groups by any linear combination (sums, differences, and more)."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

# Brute force over every subset of cells; beyond this the test data is too big to enumerate.
MAX_CELLS = 16


def smallest_derived_set(cell_counts: npt.ArrayLike, shown_members: npt.ArrayLike) -> int | None:
    """The fewest respondents in a non-empty set that is a linear combination of the shown
    groups and is not itself a shown group (None if there is no such set)."""
    counts = np.asarray(cell_counts, np.int64)
    members = np.asarray(shown_members, np.bool_).reshape(-1, counts.size)
    occupied = counts > 0
    counts = counts[occupied]
    members = members[:, occupied]
    if members.shape[0] == 0 or counts.size == 0:
        return None
    assert counts.size <= MAX_CELLS, "too many cells to enumerate"
    rows = members.astype(np.float64)
    projection = np.linalg.pinv(rows) @ rows
    subsets = np.array(list(itertools.product((0.0, 1.0), repeat=counts.size)))
    residual = subsets - subsets @ projection
    derivable = np.linalg.norm(residual, axis=1) < 1e-6
    sizes = subsets @ counts
    shown = {tuple(row) for row in rows}
    found = [
        int(size)
        for subset, size, ok in zip(subsets, sizes, derivable, strict=True)
        if ok and size > 0 and tuple(subset) not in shown
    ]
    return min(found) if found else None
