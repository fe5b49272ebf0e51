"""The anonymity gate: one policy that every number passes before it leaves the system.

The rule, in one sentence: a set of respondents whose answers can be worked out from what is
shown (a shown group, or any sum and difference of shown groups) must be empty or hold at least
k respondents.

How it is applied:

1. Primary suppression. A group with fewer than k respondents (`min_group`, default 5; 8 for
   free text and for the categories of a single background question) is withheld.
2. Complementary suppression. Any family of shown groups is checked for groups that can be
   derived by subtraction. For a family where every two groups are nested or disjoint (a unit
   tree, a background breakdown, one filter) the check is exact and cheap: for every shown group,
   what remains after taking away the largest shown groups inside it ("its residual") must be
   empty or hold at least k respondents; otherwise the smallest shown group inside it is withheld
   too, and this is repeated until nothing changes. For other families (cross-tables, a second
   release of a mapping whose groups have grown) the smallest derivable set is found exactly as a
   small mixed-integer programme over the cells of the family, and the smallest shown group that
   the derivation uses is withheld, until no derivable set is too small.
3. Elected officials are reported as one group: their perspective is never broken down by unit or
   background.

What is withheld, and why, is part of every result, so that the interface can say "too few
answers to show" rather than show nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kartbild.analysis.ballots import QuestionKey
from kartbild.analysis.errors import AnalysisError
from kartbild.analysis.groups import NO_PARENT, GroupTree

BoolArray = npt.NDArray[np.bool_]
CountArray = npt.NDArray[np.int64]

# DESIGN.md: a group is shown with at least 5 respondents by default ...
DEFAULT_MIN_GROUP = 5
# ... never fewer than 3, since with 2 each respondent can read the other's answers off the
# total and their own ...
LOWEST_MIN_GROUP = 3
# ... and 8 for free text (a sentence identifies its writer more easily than a pick) and for the
# categories of one background question (age band and unit together narrow people down fast).
DEFAULT_MIN_FREE_TEXT = 8
DEFAULT_MIN_DISTRIBUTION = 8

# The perspective value of elected officials in the data model: few people, publicly known, so
# never broken down.
ELECTED_OFFICIALS = "fortroendevalda"

# A derivation found by the integer programme uses a shown group when its coefficient is not
# zero; coefficients are small rationals, so anything this far from zero is a real use.
COEFFICIENT_TOLERANCE = 1e-7


class Purpose(StrEnum):
    """What a count is shown for; each purpose has its own threshold."""

    GROUP = "group"
    FREE_TEXT = "free_text"
    DISTRIBUTION = "distribution"


class WithheldReason(StrEnum):
    NO_ANSWERS = "no_answers"
    TOO_FEW = "too_few"
    DERIVABLE = "derivable"
    NOT_BROKEN_DOWN = "not_broken_down"

    @property
    def explanation(self) -> str:
        """What the interface can say instead of the numbers."""
        return _EXPLANATIONS[self]


_EXPLANATIONS = {
    WithheldReason.NO_ANSWERS: "no answers",
    WithheldReason.TOO_FEW: "too few answers to show",
    WithheldReason.DERIVABLE: (
        "withheld so that a smaller group cannot be worked out by subtraction from what is shown"
    ),
    WithheldReason.NOT_BROKEN_DOWN: "elected officials are reported as one group",
}


@dataclass(frozen=True)
class Withheld:
    """A group (or one question of a group) that is not shown, and why."""

    group: str
    reason: WithheldReason
    question: QuestionKey | None = None

    @property
    def explanation(self) -> str:
        return self.reason.explanation


@dataclass(frozen=True, eq=False)
class GateResult:
    """The gate's decision on a family of groups: which are shown, and what is withheld and why.
    Groups keep the order they were given in."""

    names: tuple[str, ...]
    shown: BoolArray
    withheld: tuple[Withheld, ...]
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.shown.setflags(write=False)
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(self.names)})

    def is_shown(self, name: str) -> bool:
        try:
            return bool(self.shown[self._index[name]])
        except KeyError:
            raise AnalysisError(f"unknown group {name!r}") from None

    @property
    def shown_names(self) -> tuple[str, ...]:
        return tuple(name for name, shown in zip(self.names, self.shown, strict=True) if shown)

    def reason(self, name: str) -> WithheldReason | None:
        """Why a group is withheld, or None if it is shown."""
        for item in self.withheld:
            if item.group == name and item.question is None:
                return item.reason
        if name not in self._index:
            raise AnalysisError(f"unknown group {name!r}")
        return None


@dataclass(frozen=True)
class AnonymityPolicy:
    """The one anonymity policy. Every caller passes its counts through one of the `gate_*`
    methods and shows only what comes back as shown."""

    min_group: int = DEFAULT_MIN_GROUP
    min_free_text: int = DEFAULT_MIN_FREE_TEXT
    min_distribution: int = DEFAULT_MIN_DISTRIBUTION
    unbroken_perspectives: frozenset[str] = frozenset({ELECTED_OFFICIALS})

    def __post_init__(self) -> None:
        for name in ("min_group", "min_free_text", "min_distribution"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise AnalysisError(f"{name} must be a whole number, not {value!r}")
        if self.min_group < LOWEST_MIN_GROUP:
            raise AnalysisError(
                f"the smallest group shown must be at least {LOWEST_MIN_GROUP}, not {self.min_group}"
            )
        if self.min_free_text < self.min_group or self.min_distribution < self.min_group:
            raise AnalysisError(
                "the thresholds for free text and distributions cannot be below the group threshold"
            )
        object.__setattr__(self, "unbroken_perspectives", frozenset(self.unbroken_perspectives))

    def threshold(self, purpose: Purpose = Purpose.GROUP) -> int:
        """The fewest respondents a count for this purpose may rest on."""
        return {
            Purpose.GROUP: self.min_group,
            Purpose.FREE_TEXT: self.min_free_text,
            Purpose.DISTRIBUTION: self.min_distribution,
        }[Purpose(purpose)]

    def shows(self, count: int, purpose: Purpose = Purpose.GROUP) -> bool:
        """The primary rule alone: whether a single, stand-alone group of `count` respondents
        may be shown. Use a `gate_*` method whenever several related groups are shown."""
        return count >= self.threshold(purpose)

    def may_break_down(self, perspective: str) -> bool:
        """Whether a perspective may be shown per unit or background (not elected officials)."""
        return perspective not in self.unbroken_perspectives

    # -- families of groups ------------------------------------------------------------------

    def gate_tree(
        self,
        tree: GroupTree,
        totals: npt.ArrayLike | None = None,
        purpose: Purpose = Purpose.GROUP,
    ) -> GateResult:
        """Decide which groups of a tree are shown. `totals` are the respondents of each group
        including its descendants (default: counted from the tree's membership)."""
        sizes = _as_counts(
            tree.roll_up(tree.own_counts()) if totals is None else totals, len(tree), "totals"
        )
        inner = tree.parents != NO_PARENT
        below = np.bincount(tree.parents[inner], weights=sizes[inner], minlength=len(tree))
        if (sizes < below).any():
            raise AnalysisError("a group's total is smaller than the totals of the groups in it")
        eligible, early = self._unbroken(tree)
        threshold = self.threshold(purpose)
        shown, reasons = _primary(sizes, np.full(len(tree), threshold), eligible, early)
        hidden = _suppress_laminar(
            np.asarray(tree.parents, np.intp),
            tree.depths,
            sizes,
            shown,
            np.zeros(len(tree), np.bool_),
            threshold,
        )
        return _result(tree.names, shown, reasons, hidden)

    def gate_breakdown(
        self, group: str, total: int, categories: Mapping[str, int], perspective: str = ""
    ) -> GateResult:
        """The distribution of one background question (age band, years employed, district)
        within a group that is already shown. Categories need `min_distribution` respondents,
        and the categories withheld together must be empty or hold as many (respondents who did
        not answer the question count as one more hidden category)."""
        names = (group, *categories)
        counts = [int(c) for c in categories.values()]
        if any(c < 0 for c in counts) or sum(counts) > total:
            raise AnalysisError(f"the categories of {group!r} hold more respondents than it")
        if not self.may_break_down(perspective):
            return _result(
                names,
                np.array([True] + [False] * len(counts)),
                {i + 1: WithheldReason.NOT_BROKEN_DOWN for i in range(len(counts))},
                [],
            )
        parents = np.array([NO_PARENT] + [0] * len(counts), dtype=np.intp)
        sizes = np.array([total, *counts], dtype=np.int64)
        thresholds = np.array([0] + [self.min_distribution] * len(counts))
        shown, reasons = _primary(sizes, thresholds, np.ones(len(names), np.bool_), {})
        shown[0] = True  # the group itself is shown already; this decides its categories
        reasons.pop(0, None)
        protected = np.zeros(len(names), np.bool_)
        protected[0] = True
        depths = np.array([0] + [1] * len(counts), dtype=np.intp)
        hidden = _suppress_laminar(parents, depths, sizes, shown, protected, self.min_distribution)
        return _result(names, shown, reasons, hidden)

    def gate_filter(
        self, group: str, total: int, filtered: str, count: int, perspective: str = ""
    ) -> GateResult:
        """A filter applied to a shown group (e.g. "those employed less than two years"): shown
        only if the filtered respondents and those the filter leaves out are both empty or at
        least `min_group`, since the group minus the filter result is a group too."""
        if not 0 <= count <= total:
            raise AnalysisError(f"the filter {filtered!r} holds more respondents than {group!r}")
        if not self.may_break_down(perspective):
            return _result(
                (group, filtered),
                np.array([True, False]),
                {1: WithheldReason.NOT_BROKEN_DOWN},
                [],
            )
        return self.gate_sets(
            (group, filtered),
            np.array([count, total - count]),
            np.array([[True, True], [True, False]]),
            protected=(group,),
        )

    def gate_crosstab(
        self,
        rows: Sequence[str],
        columns: Sequence[str],
        cells: npt.ArrayLike,
        row_totals: npt.ArrayLike | None = None,
        total_name: str = "total",
    ) -> GateResult:
        """A cross-table of disjoint groups (rows, e.g. units) against the categories of one
        background question (columns), with its margins. Names in the result: each row, each
        column (its total over the rows), `total_name`, and each cell as "row / column".
        `row_totals` may exceed the row's cells (respondents who did not answer the question).

        Cells are categories of a background question and need `min_distribution`; margins
        need `min_group`; anything derivable needs `min_distribution`."""
        matrix = np.asarray(cells, dtype=np.int64)
        if matrix.shape != (len(rows), len(columns)) or (matrix < 0).any():
            raise AnalysisError("cells must be a non-negative rows x columns table of counts")
        row_sums = matrix.sum(axis=1)
        extra = (
            np.zeros(len(rows), np.int64)
            if row_totals is None
            else _as_counts(row_totals, len(rows), "row_totals") - row_sums
        )
        if (extra < 0).any():
            raise AnalysisError("a row total is smaller than the sum of its cells")
        r, c = len(rows), len(columns)
        # Cells of the family: every table cell, then one "did not answer" cell per row.
        cell_counts = np.concatenate([matrix.ravel(), extra])
        names: list[str] = []
        members: list[BoolArray] = []
        purposes: list[Purpose] = []
        for i, row in enumerate(rows):
            member = np.zeros(r * c + r, np.bool_)
            member[i * c : (i + 1) * c] = True
            member[r * c + i] = True
            names.append(row)
            members.append(member)
            purposes.append(Purpose.GROUP)
        for j, column in enumerate(columns):
            member = np.zeros(r * c + r, np.bool_)
            member[j : r * c : c] = True
            names.append(column)
            members.append(member)
            purposes.append(Purpose.GROUP)
        names.append(total_name)
        members.append(np.ones(r * c + r, np.bool_))
        purposes.append(Purpose.GROUP)
        for i, row in enumerate(rows):
            for j, column in enumerate(columns):
                member = np.zeros(r * c + r, np.bool_)
                member[i * c + j] = True
                names.append(f"{row} / {column}")
                members.append(member)
                purposes.append(Purpose.DISTRIBUTION)
        return self.gate_sets(names, cell_counts, np.array(members), purposes)

    def gate_update(
        self,
        tree: GroupTree,
        previous_own: npt.ArrayLike,
        current_own: npt.ArrayLike,
        previously_shown: Collection[str],
    ) -> GateResult:
        """A new release of a mapping whose earlier figures are already out (answers that came
        in late, a kartbild recomputed after a closing date moved): the new figures minus the old
        ones are the newcomers' answers, so together with everything shown before, nothing
        derivable may be smaller than `min_group`. `previous_own` and `current_own` count each
        group's own respondents (not its descendants'); answers are only ever added."""
        count = len(tree)
        before = _as_counts(previous_own, count, "previous_own")
        after = _as_counts(current_own, count, "current_own")
        if (after < before).any():
            raise AnalysisError(
                "a group has fewer answers than in the previous release; an update only adds"
            )
        unknown = set(previously_shown) - set(tree.names)
        if unknown:
            raise AnalysisError(f"unknown previously shown groups: {sorted(unknown)}")
        inside = np.stack([tree.subtree(g) for g in range(count)])  # inside[g, h]: h below g
        # Cells: every group's earlier own respondents, then its newcomers.
        cell_counts = np.concatenate([before, after - before])
        old_members = np.concatenate([inside, np.zeros_like(inside)], axis=1)
        new_members = np.concatenate([inside, inside], axis=1)
        was_shown = np.array([name in previously_shown for name in tree.names])
        names = tuple(f"\x00previous {name}" for name in tree.names) + tree.names
        members = np.concatenate([old_members[was_shown], new_members])
        old_names = tuple(n for n, s in zip(names[:count], was_shown, strict=True) if s)
        eligible, early = self._unbroken(tree)
        result = _gate_sets(
            old_names + tree.names,
            cell_counts,
            members,
            np.array([self.min_group] * (len(old_names) + count)),
            self.min_group,
            np.concatenate([np.ones(len(old_names), np.bool_), eligible]),
            {len(old_names) + g: reason for g, reason in early.items()},
            np.concatenate([np.ones(len(old_names), np.bool_), np.zeros(count, np.bool_)]),
        )
        withheld = tuple(w for w in result.withheld if not w.group.startswith("\x00"))
        return GateResult(tree.names, result.shown[len(old_names) :].copy(), withheld)

    def gate_sets(
        self,
        names: Sequence[str],
        cell_counts: npt.ArrayLike,
        members: npt.ArrayLike,
        purposes: Purpose | Sequence[Purpose] = Purpose.GROUP,
        protected: Collection[str] = (),
    ) -> GateResult:
        """The general gate: any family of groups over disjoint cells of respondents.

        `cell_counts[c]` respondents are in cell c; `members[s, c]` says whether group s holds
        cell c. `protected` groups are already shown (e.g. the group a filter is applied to, or
        an earlier release) and stay shown; everything else is decided here. Anything derivable
        needs the highest threshold among the purposes."""
        names = tuple(names)
        matrix = np.asarray(members, dtype=np.bool_)
        counts = _as_counts(cell_counts, matrix.shape[1] if matrix.ndim == 2 else -1, "cells")
        if matrix.ndim != 2 or matrix.shape[0] != len(names):
            raise AnalysisError("members must be a groups x cells table")
        purpose_list = (
            [Purpose(purposes)] * len(names)
            if isinstance(purposes, str)
            else [Purpose(p) for p in purposes]
        )
        if len(purpose_list) != len(names):
            raise AnalysisError("one purpose per group")
        unknown = set(protected) - set(names)
        if unknown:
            raise AnalysisError(f"unknown protected groups: {sorted(unknown)}")
        thresholds = np.array([self.threshold(p) for p in purpose_list])
        keep = np.array([name in protected for name in names])
        return _gate_sets(
            names,
            counts,
            matrix,
            thresholds,
            int(thresholds.max(initial=self.min_group)),
            np.ones(len(names), np.bool_),
            {},
            keep,
        )

    def free_text_shown(self, count: int) -> bool:
        """Whether the free-text answers of a group of `count` respondents may be shown (always
        without background data and in random order)."""
        return self.shows(count, Purpose.FREE_TEXT)

    def _unbroken(self, tree: GroupTree) -> tuple[BoolArray, dict[int, WithheldReason]]:
        """Groups that break down an unbroken perspective: not eligible at all."""
        eligible = np.ones(len(tree), np.bool_)
        early: dict[int, WithheldReason] = {}
        for group, parent in enumerate(tree.parents):
            if parent == NO_PARENT:
                continue
            perspective = tree.perspectives[group]
            if not self.may_break_down(perspective) and not self.may_break_down(
                tree.perspectives[int(parent)]
            ):
                eligible[group] = False
                early[group] = WithheldReason.NOT_BROKEN_DOWN
        return eligible, early


# -- the machinery -----------------------------------------------------------------------------


def _as_counts(values: npt.ArrayLike, length: int, name: str) -> CountArray:
    array = np.asarray(values)
    if array.ndim != 1 or (length >= 0 and array.shape[0] != length):
        raise AnalysisError(f"{name}: expected {length} counts, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise AnalysisError(f"{name}: counts must be whole numbers")
    if (array < 0).any():
        raise AnalysisError(f"{name}: a count is negative")
    return array.astype(np.int64)


def _primary(
    sizes: CountArray,
    thresholds: npt.NDArray[np.int64] | npt.NDArray[np.int_],
    eligible: BoolArray,
    early: Mapping[int, WithheldReason],
) -> tuple[BoolArray, dict[int, WithheldReason]]:
    shown = eligible & (sizes >= thresholds) & (sizes > 0)
    reasons = dict(early)
    for group in np.flatnonzero(~shown):
        reasons.setdefault(
            int(group),
            WithheldReason.NO_ANSWERS if sizes[group] == 0 else WithheldReason.TOO_FEW,
        )
    return shown, reasons


def _result(
    names: Sequence[str],
    shown: BoolArray,
    reasons: Mapping[int, WithheldReason],
    hidden: Sequence[int],
) -> GateResult:
    final = shown.copy()
    all_reasons = dict(reasons)
    for group in hidden:
        final[group] = False
        all_reasons[group] = WithheldReason.DERIVABLE
    withheld = tuple(Withheld(names[g], all_reasons[g]) for g in range(len(names)) if not final[g])
    return GateResult(tuple(names), final, withheld)


def _suppress_laminar(
    parents: npt.NDArray[np.intp],
    depths: npt.NDArray[np.intp],
    sizes: CountArray,
    shown: BoolArray,
    protected: BoolArray,
    threshold: int,
) -> list[int]:
    """Complementary suppression in a family where any two groups are nested or disjoint,
    given as a forest (`parents`). Exact: what can be derived from shown groups of such a family
    is exactly the unions of their residuals (a shown group minus the nearest shown groups
    inside it), so every residual must be empty or at least `threshold`.

    Hides groups in `shown` in place and returns them, in the order they were hidden."""
    hidden: list[int] = []
    count = parents.shape[0]
    max_depth = int(depths.max(initial=0))
    levels = [np.flatnonzero(depths == d) for d in range(max_depth + 1)]
    while True:
        nearest = np.full(count, NO_PARENT, dtype=np.intp)  # nearest shown proper ancestor
        for depth in range(1, max_depth + 1):
            nodes = levels[depth]
            up = parents[nodes]
            nearest[nodes] = np.where(shown[up], up, nearest[up])
        inner = shown & (nearest != NO_PARENT)
        covered = np.bincount(nearest[inner], weights=sizes[inner], minlength=count)
        children = np.bincount(nearest[inner], minlength=count)
        residual = sizes - covered.astype(np.int64)
        violating = shown & (children > 0) & (residual > 0) & (residual < threshold)
        if not violating.any():
            return hidden
        # Fix the deepest violations first: hiding inside a group only ever grows the residual
        # of the group above, so work from the leaves up and look again.
        deepest = int(depths[violating].max())
        for group in np.flatnonzero(violating & (depths == deepest)):
            kids = np.flatnonzero(inner & (nearest == group) & ~protected)
            if kids.size == 0:
                if protected[group]:
                    raise AnalysisError(
                        "groups that are already shown let a group smaller than the threshold "
                        "be derived; this cannot be repaired by withholding more"
                    )
                shown[group] = False
                hidden.append(int(group))
                continue
            # Withholding a group whose own residual is empty changes nothing above it.
            useful = kids[residual[kids] > 0]
            pool = useful if useful.size else kids
            pick = int(pool[np.argmin(sizes[pool])])
            shown[pick] = False
            hidden.append(pick)


def _gate_sets(
    names: tuple[str, ...],
    cell_counts: CountArray,
    members: BoolArray,
    thresholds: npt.NDArray[np.int_],
    derived_threshold: int,
    eligible: BoolArray,
    early: Mapping[int, WithheldReason],
    protected: BoolArray,
) -> GateResult:
    if len(set(names)) != len(names):
        raise AnalysisError("every group of a family needs its own name")
    sizes = members.astype(np.int64) @ cell_counts
    shown, reasons = _primary(sizes, thresholds, eligible & ~protected, early)
    shown |= protected
    for group in np.flatnonzero(protected):
        reasons.pop(int(group), None)
    occupied = cell_counts > 0
    forest = _laminar_forest(members[:, occupied])
    if forest is not None:
        parents, depths = forest
        hidden = _suppress_laminar(parents, depths, sizes, shown, protected, derived_threshold)
    else:
        hidden = _suppress_general(
            members[:, occupied], cell_counts[occupied], sizes, shown, protected, derived_threshold
        )
    return _result(names, shown, reasons, hidden)


def _laminar_forest(
    members: BoolArray,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None:
    """The containment forest of a family whose groups are pairwise nested or disjoint (None
    if it is not such a family). Equal groups nest in the order given."""
    count = members.shape[0]
    as_int = members.astype(np.int64)
    common = as_int @ as_int.T
    width = as_int.sum(axis=1)
    nested = (common == width[:, None]) | (common == width[None, :]) | (common == 0)
    if not nested.all():
        return None
    parents = np.full(count, NO_PARENT, dtype=np.intp)
    for group in range(count):
        if width[group] == 0:
            continue
        # Proper containers, and equal groups listed earlier (so that equal groups form a chain).
        contains = (common[group] == width[group]) & (
            (width > width[group]) | (np.arange(count) < group)
        )
        contains[group] = False
        candidates = np.flatnonzero(contains)
        if candidates.size:
            # The smallest container is the parent; among equal sizes the latest listed one.
            order = np.lexsort((-candidates, width[candidates]))
            parents[group] = candidates[order[0]]
    depths = np.zeros(count, dtype=np.intp)
    for group in range(count):
        node, depth = group, 0
        while parents[node] != NO_PARENT:
            node, depth = int(parents[node]), depth + 1
        depths[group] = depth
    return parents, depths


def _suppress_general(
    members: BoolArray,
    cell_counts: CountArray,
    sizes: CountArray,
    shown: BoolArray,
    protected: BoolArray,
    threshold: int,
) -> list[int]:
    """Complementary suppression for any family: find the smallest set of respondents that
    a linear combination of the shown groups yields, and withhold the smallest unprotected group
    that the combination uses, until no derivable set is below `threshold`."""
    hidden: list[int] = []
    while True:
        visible = np.flatnonzero(shown)
        found = _smallest_derivable(members[visible], cell_counts, sizes[visible], threshold)
        if found is None:
            return hidden
        used = visible[found]
        candidates = used[~protected[used]]
        if candidates.size == 0:
            raise AnalysisError(
                "groups that are already shown let a group smaller than the threshold be "
                "derived; this cannot be repaired by withholding more"
            )
        pick = int(candidates[np.argmin(sizes[candidates])])
        shown[pick] = False
        hidden.append(pick)


def _smallest_derivable(
    members: BoolArray, cell_counts: CountArray, sizes: CountArray, threshold: int
) -> npt.NDArray[np.intp] | None:
    """Positions of the shown groups used to derive a set of respondents that is not empty, not
    itself a shown group, and smaller than `threshold`; None when there is no such set.

    Cells that every shown group treats alike form one atom. A set x of atoms (x in {0,1}) is
    derivable when x = A^T y for some real y, A being the groups x atoms table; the smallest such
    set is a small mixed-integer programme (HiGHS through scipy)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    if members.shape[0] == 0:
        return None
    covered = members.any(axis=0)
    patterns, atom_of_cell = np.unique(members[:, covered].T, axis=0, return_inverse=True)
    atoms = patterns.T.astype(np.float64)  # groups x atoms
    atom_counts = np.bincount(atom_of_cell.ravel(), weights=cell_counts[covered])
    groups, atom_count = atoms.shape
    # Variables: y (one per group, any real), then x (one per atom, 0 or 1).
    objective = np.concatenate([np.zeros(groups), atom_counts])
    derivable = LinearConstraint(np.hstack([atoms.T, -np.eye(atom_count)]), 0.0, 0.0)
    rows = [np.concatenate([np.zeros(groups), np.ones(atom_count)])]
    lower = [1.0]
    # Shown groups are allowed to be small down to their own threshold: exclude each small one
    # as an answer ("no-good" cuts), so that only sets that are not shown count.
    for group in np.flatnonzero(sizes < threshold):
        pattern = atoms[group]
        rows.append(np.concatenate([np.zeros(groups), 1.0 - 2.0 * pattern]))
        lower.append(1.0 - float(pattern.sum()))
    others = LinearConstraint(np.array(rows), np.array(lower), np.inf)
    integrality = np.concatenate([np.zeros(groups), np.ones(atom_count)])
    bounds = Bounds(
        np.concatenate([np.full(groups, -np.inf), np.zeros(atom_count)]),
        np.concatenate([np.full(groups, np.inf), np.ones(atom_count)]),
    )
    solution = milp(
        objective, constraints=[derivable, others], integrality=integrality, bounds=bounds
    )
    if solution.x is None or solution.fun >= threshold - 0.5:
        return None
    coefficients = solution.x[:groups]
    return np.flatnonzero(np.abs(coefficients) > COEFFICIENT_TOLERANCE)
