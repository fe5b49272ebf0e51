"""Groups of respondents: a forest of named groups (an organisation's unit tree under a
perspective, or flat groups), and every respondent's place in it.

A respondent belongs to one group (the deepest that applies: their unit, or the perspective when
they gave no unit) and thereby to all of that group's ancestors. Counts are made once per group
for its own respondents and then rolled up the tree, so that every group of a tree costs one
pass over the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kartbild.analysis.errors import AnalysisError

IntArray = npt.NDArray[np.integer]
# The parent of a root group (an index no group has).
NO_PARENT = -1


@dataclass(frozen=True, eq=False)
class GroupTree:
    """Named groups, each with a parent (or NO_PARENT), and the group of every respondent.

    `membership[i]` is the index of respondent i's own (deepest) group. `perspectives[g]` says
    which perspective group g belongs to (empty when it does not matter); the anonymity policy
    uses it to keep elected officials in one group."""

    names: tuple[str, ...]
    parents: IntArray
    membership: IntArray
    perspectives: tuple[str, ...] = ()
    depths: npt.NDArray[np.intp] = field(init=False, repr=False)
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names = tuple(self.names)
        count = len(names)
        if count == 0:
            raise AnalysisError("a group tree needs at least one group")
        index: dict[str, int] = {}
        for position, name in enumerate(names):
            if not name or not name.strip():
                raise AnalysisError("a group needs a name; an empty group name was given")
            if name in index:
                raise AnalysisError(f"group {name!r} is given twice")
            index[name] = position
        parents = np.asarray(self.parents, dtype=np.intp)
        if parents.shape != (count,):
            raise AnalysisError("a group tree needs one parent per group")
        if ((parents < NO_PARENT) | (parents >= count)).any():
            raise AnalysisError("a group's parent is not a group of the tree")
        membership = np.asarray(self.membership)
        if membership.size == 0:
            membership = membership.astype(np.intp)
        if membership.ndim != 1 or not np.issubdtype(membership.dtype, np.integer):
            raise AnalysisError("membership must be one integer group index per respondent")
        if membership.size and (int(membership.min()) < 0 or int(membership.max()) >= count):
            raise AnalysisError("a respondent's group is not a group of the tree")
        perspectives = tuple(self.perspectives) or ("",) * count
        if len(perspectives) != count:
            raise AnalysisError("a group tree needs one perspective per group (or none)")
        depths = _depths(parents, names)
        for array in (parents, depths):
            array.setflags(write=False)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "parents", parents)
        object.__setattr__(self, "membership", membership)
        object.__setattr__(self, "perspectives", perspectives)
        object.__setattr__(self, "depths", depths)
        object.__setattr__(self, "_index", index)

    @classmethod
    def flat(cls, names: Sequence[str], membership: npt.ArrayLike) -> GroupTree:
        """Groups side by side, none inside another."""
        codes = np.asarray(membership)
        return cls(tuple(names), np.full(len(names), NO_PARENT, dtype=np.intp), codes)

    def __len__(self) -> int:
        return len(self.names)

    @property
    def respondent_count(self) -> int:
        return int(self.membership.shape[0])

    def index(self, name: str) -> int:
        try:
            return self._index[name]
        except KeyError:
            raise AnalysisError(f"unknown group {name!r}") from None

    def roll_up(self, own: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Totals per group from counts of each group's own respondents (first axis = group):
        a group's total is its own count plus its descendants'."""
        total = np.array(own, dtype=np.int64, copy=True)
        for depth in range(int(self.depths.max()), 0, -1):
            nodes = np.flatnonzero(self.depths == depth)
            np.add.at(total, self.parents[nodes], total[nodes])
        return total

    def own_counts(self) -> npt.NDArray[np.int64]:
        """Respondents whose own (deepest) group is each group."""
        return np.bincount(self.membership, minlength=len(self)).astype(np.int64)

    def subtree(self, group: int) -> npt.NDArray[np.bool_]:
        """Which groups are `group` or below it."""
        inside = np.zeros(len(self), dtype=np.bool_)
        inside[group] = True
        for depth in range(int(self.depths[group]) + 1, int(self.depths.max()) + 1):
            nodes = np.flatnonzero(self.depths == depth)
            inside[nodes] = inside[self.parents[nodes]]
        return inside

    def contains(self, outer: int, inner: int) -> bool:
        """Whether group `inner` is `outer` or lies below it."""
        node = inner
        while node != NO_PARENT:
            if node == outer:
                return True
            node = int(self.parents[node])
        return False

    def respondents_of(self, group: int) -> npt.NDArray[np.intp]:
        """Indexes of the respondents in a group (its own and its descendants')."""
        return np.flatnonzero(self.subtree(group)[self.membership])


def _depths(parents: npt.NDArray[np.intp], names: tuple[str, ...]) -> npt.NDArray[np.intp]:
    depths = np.full(parents.shape[0], -1, dtype=np.intp)
    for start in range(parents.shape[0]):
        path = []
        node = start
        while node != NO_PARENT and depths[node] < 0:
            if node in path:
                raise AnalysisError(f"group {names[node]!r} is its own ancestor")
            path.append(node)
            node = int(parents[node])
        depth = -1 if node == NO_PARENT else int(depths[node])
        for step in reversed(path):
            depth += 1
            depths[step] = depth
    return depths
