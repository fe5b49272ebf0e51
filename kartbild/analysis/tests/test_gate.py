"""The anonymity gate: thresholds, complementary suppression on unit trees, filters,
breakdowns, cross-tables and a second release, elected officials as one group, and the
subtraction attack tried by brute force against every decision."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartbild.analysis.ballots import Ballots, QuestionKey
from kartbild.analysis.engine import compute_kartbild
from kartbild.analysis.errors import AnalysisError
from kartbild.analysis.gate import AnonymityPolicy, GateResult, Purpose, WithheldReason
from kartbild.analysis.groups import GroupTree
from kartbild.analysis.tests.attacker import smallest_derived_set
from kartbild.analysis.tests.examples import random_catalogue, random_picks

POLICY = AnonymityPolicy()


def tree(parents: list[int], own: list[int], perspectives: tuple[str, ...] = ()) -> GroupTree:
    membership = np.repeat(np.arange(len(own)), own)
    names = tuple(f"g{i}" for i in range(len(parents)))
    return GroupTree(names, np.array(parents), membership, perspectives)


def reasons(result: GateResult) -> dict[str, str]:
    return {w.group: w.reason.value for w in result.withheld}


def subtree_members(groups: GroupTree) -> np.ndarray:
    return np.stack([groups.subtree(g) for g in range(len(groups))])


# -- the policy ----------------------------------------------------------------------------------


def test_policy_defaults_follow_the_design() -> None:
    assert (POLICY.min_group, POLICY.min_free_text, POLICY.min_distribution) == (5, 8, 8)
    assert POLICY.threshold(Purpose.FREE_TEXT) == 8
    assert POLICY.shows(5) and not POLICY.shows(4)
    assert POLICY.free_text_shown(8) and not POLICY.free_text_shown(7)
    assert not POLICY.may_break_down("fortroendevalda")
    assert POLICY.may_break_down("medarbetare")


def test_policy_refuses_a_threshold_below_three() -> None:
    with pytest.raises(AnalysisError, match="at least 3"):
        AnonymityPolicy(min_group=2)
    assert AnonymityPolicy(min_group=3).min_group == 3
    with pytest.raises(AnalysisError, match="cannot be below"):
        AnonymityPolicy(min_group=6, min_free_text=5)


# -- unit trees ------------------------------------------------------------------------------


def test_a_small_group_is_withheld_as_too_few() -> None:
    result = POLICY.gate_tree(GroupTree.flat(["a", "b"], np.repeat([0, 1], [5, 4])))
    assert result.shown_names == ("a",)
    assert reasons(result) == {"b": "too_few"}


def test_the_next_smallest_sibling_is_withheld_when_one_child_is_hidden() -> None:
    # 20 = 12 + 6 + 2: showing the parent, 12 and 6 would give the 2 by subtraction.
    groups = tree([-1, 0, 0, 0], [0, 12, 6, 2])
    result = POLICY.gate_tree(groups)
    assert result.shown_names == ("g0", "g1")
    assert reasons(result) == {"g3": "too_few", "g2": "derivable"}
    assert result.reason("g2") is WithheldReason.DERIVABLE
    assert result.reason("g0") is None


def test_respondents_placed_directly_on_a_parent_count_as_a_hidden_child() -> None:
    # The parent's own 2 respondents = 22 - 10 - 10.
    result = POLICY.gate_tree(tree([-1, 0, 0], [2, 10, 10]))
    assert result.shown_names == ("g0", "g2")
    assert reasons(result) == {"g1": "derivable"}


def test_two_hidden_children_that_together_reach_the_threshold_need_nothing_more() -> None:
    result = POLICY.gate_tree(tree([-1, 0, 0, 0], [0, 12, 3, 3]))
    assert result.shown_names == ("g0", "g1")
    assert reasons(result) == {"g2": "too_few", "g3": "too_few"}


def test_suppression_reaches_through_a_hidden_middle_level() -> None:
    # g1 (hidden to protect g4) has children g2, g3 that are both shown; with g1's own 0,
    # g1 = g2 + g3 is known, so g0 - g5 - g2 - g3 = g0's own 3 respondents would be exposed.
    groups = tree([-1, 0, 1, 1, 0, 0], [3, 0, 6, 6, 2, 20])
    result = POLICY.gate_tree(groups)
    shown = subtree_members(groups)[result.shown]
    smallest = smallest_derived_set(groups.own_counts(), shown)
    assert smallest is None or smallest >= 5


@st.composite
def trees(draw: st.DrawFn, max_groups: int = 8) -> GroupTree:
    count = draw(st.integers(1, max_groups))
    parents = [-1] + [draw(st.integers(-1, i - 1)) for i in range(1, count)]
    own = [draw(st.integers(0, 12)) for _ in range(count)]
    return tree(parents, own)


@settings(max_examples=150, deadline=None)
@given(groups=trees(), threshold=st.integers(3, 7))
def test_no_group_smaller_than_the_threshold_can_be_derived_in_a_unit_tree(
    groups: GroupTree, threshold: int
) -> None:
    policy = AnonymityPolicy(min_group=threshold)
    result = policy.gate_tree(groups)
    totals = groups.roll_up(groups.own_counts())
    assert (totals[result.shown] >= threshold).all()
    smallest = smallest_derived_set(groups.own_counts(), subtree_members(groups)[result.shown])
    assert smallest is None or smallest >= threshold
    # Everything not shown is accounted for, with a reason.
    assert {w.group for w in result.withheld} == set(groups.names) - set(result.shown_names)
    # And the gate does not get there by hiding everything: a large enough top group stays.
    roots = np.flatnonzero(groups.parents == -1)
    assert all(result.shown[r] for r in roots if totals[r] >= threshold)


def test_kartbild_differences_of_shown_groups_never_expose_a_small_group() -> None:
    """The subtraction attack on published votes: parent minus its shown children."""
    rng = np.random.default_rng(11)
    catalogue = random_catalogue(rng, 20)
    own = [2, 9, 7, 3, 12, 1, 6]
    groups = tree([-1, 0, 0, 0, 1, 1, 2], own)
    n = sum(own)
    key = QuestionKey.parse("current")
    ballots = Ballots.of({key: random_picks(rng, n, 4, 20)})
    kartbild = compute_kartbild(catalogue, ballots, groups, POLICY)
    picks = ballots.question(key).picks
    for parent in kartbild.groups:
        p = groups.index(parent)
        children = [name for name in kartbild.groups if groups.parents[groups.index(name)] == p]
        votes = kartbild.group(parent).question(key).table.votes.copy()
        respondents = kartbild.group(parent).respondents
        for child in children:
            votes -= kartbild.group(child).question(key).table.votes
            respondents -= kartbild.group(child).respondents
        assert respondents == 0 or respondents >= POLICY.min_group
        # The difference really is the votes of the respondents not in a shown child.
        inside = groups.subtree(p)[groups.membership]
        for child in children:
            inside &= ~groups.subtree(groups.index(child))[groups.membership]
        assert (np.bincount(picks[inside].ravel(), minlength=20) == votes).all()


def test_elected_officials_are_one_group_never_broken_down() -> None:
    groups = tree(
        [-1, 0, 0, -1, 3, 3],
        [0, 10, 10, 0, 10, 10],
        (
            "medarbetare",
            "medarbetare",
            "medarbetare",
            "fortroendevalda",
            "fortroendevalda",
            "fortroendevalda",
        ),
    )
    result = POLICY.gate_tree(groups)
    assert result.shown_names == ("g0", "g1", "g2", "g3")
    assert reasons(result) == {"g4": "not_broken_down", "g5": "not_broken_down"}
    assert result.withheld[0].explanation == "elected officials are reported as one group"


# -- filters, breakdowns -------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(total=st.integers(5, 40), data=st.data())
def test_a_filter_whose_complement_is_small_is_withheld(total: int, data: st.DataObject) -> None:
    count = data.draw(st.integers(0, total))
    result = POLICY.gate_filter("enhet", total, "under två år", count)
    assert result.is_shown("enhet")
    if result.is_shown("under två år"):
        assert count >= 5 and (total - count == 0 or total - count >= 5)
        shown_members = [[True, True], [True, False]]
    else:
        shown_members = [[True, True]]
    smallest = smallest_derived_set([count, total - count], shown_members)
    assert smallest is None or smallest >= 5


def test_the_filter_rule_in_words() -> None:
    assert POLICY.gate_filter("enhet", 12, "kvinnor", 9).is_shown("kvinnor") is False
    assert POLICY.gate_filter("enhet", 12, "kvinnor", 7).is_shown("kvinnor") is True
    assert POLICY.gate_filter("enhet", 12, "kvinnor", 12).is_shown("kvinnor") is True
    withheld = POLICY.gate_filter("enhet", 12, "kvinnor", 9).withheld
    assert [(w.group, w.reason) for w in withheld] == [("kvinnor", WithheldReason.DERIVABLE)]


def test_a_background_breakdown_needs_eight_per_category() -> None:
    # 7 in -29 and 2 who did not answer: 9 hidden together, enough.
    result = POLICY.gate_breakdown("enhet", 42, {"-29": 7, "30-44": 12, "45-59": 13, "60-": 8})
    assert result.shown_names == ("enhet", "30-44", "45-59", "60-")
    assert reasons(result) == {"-29": "too_few"}
    # Without the two, the 7 would follow from the others: 60- is withheld too.
    strict = POLICY.gate_breakdown("enhet", 40, {"-29": 7, "30-44": 12, "45-59": 13, "60-": 8})
    assert reasons(strict) == {"-29": "too_few", "60-": "derivable"}


def test_hidden_categories_together_must_reach_eight() -> None:
    # -29 (3) is hidden and 2 did not answer: 5 derivable, so 60- (9) goes too.
    result = POLICY.gate_breakdown("enhet", 36, {"-29": 3, "30-44": 10, "45-59": 12, "60-": 9})
    assert result.shown_names == ("enhet", "30-44", "45-59")
    assert reasons(result) == {"-29": "too_few", "60-": "derivable"}


def test_elected_officials_get_no_background_breakdown() -> None:
    result = POLICY.gate_breakdown("fortroendevalda", 40, {"a": 20, "b": 20}, "fortroendevalda")
    assert result.shown_names == ("fortroendevalda",)
    assert set(reasons(result).values()) == {"not_broken_down"}
    assert not POLICY.gate_filter("f", 40, "a", 20, "fortroendevalda").is_shown("a")


# -- cross-tables, general families, second releases --------------------------------------


def test_a_cross_table_cell_cannot_be_isolated_through_a_bridge() -> None:
    """Two blocks of hidden cells joined by one hidden cell: each row and column has two hidden
    cells, yet the joining cell follows from row and column totals. The gate sees through it."""
    cells = np.array(
        [
            [2, 3, 20, 20],
            [3, 2, 3, 20],
            [20, 20, 2, 3],
            [20, 20, 3, 2],
        ]
    )
    result = POLICY.gate_crosstab(["r1", "r2", "r3", "r4"], ["c1", "c2", "c3", "c4"], cells)
    check_family(result, *crosstab_family(cells), derived=8)


def crosstab_family(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r, c = cells.shape
    counts = np.concatenate([cells.ravel(), np.zeros(r, np.int64)])
    members = []
    for i in range(r):
        row = np.zeros(r * c + r, bool)
        row[i * c : (i + 1) * c] = True
        members.append(row)
    for j in range(c):
        column = np.zeros(r * c + r, bool)
        column[j : r * c : c] = True
        members.append(column)
    members.append(np.ones(r * c + r, bool))
    for index in range(r * c):
        cell = np.zeros(r * c + r, bool)
        cell[index] = True
        members.append(cell)
    return counts, np.array(members)


def check_family(result: GateResult, counts: np.ndarray, members: np.ndarray, derived: int) -> None:
    shown = np.asarray(result.shown)
    smallest = smallest_derived_set(counts, members[shown])
    assert smallest is None or smallest >= derived


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.lists(st.integers(0, 14), min_size=3, max_size=3), min_size=3, max_size=3))
def test_no_cross_table_lets_a_small_group_be_derived(cells: list[list[int]]) -> None:
    table = np.array(cells)
    result = POLICY.gate_crosstab(["a", "b", "c"], ["x", "y", "z"], table)
    counts, members = crosstab_family(table)
    check_family(result, counts, members, derived=8)
    sizes = members.astype(int) @ counts
    cells_shown = np.asarray(result.shown)[-9:]
    assert (sizes[-9:][cells_shown] >= 8).all()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_no_family_of_overlapping_filters_lets_a_small_group_be_derived(
    data: st.DataObject,
) -> None:
    cells = data.draw(st.integers(2, 7))
    counts = np.array(data.draw(st.lists(st.integers(0, 9), min_size=cells, max_size=cells)))
    groups = data.draw(st.integers(1, 6))
    members = np.array(
        data.draw(
            st.lists(
                st.lists(st.booleans(), min_size=cells, max_size=cells),
                min_size=groups,
                max_size=groups,
            )
        )
    )
    names = [f"f{i}" for i in range(groups)]
    result = POLICY.gate_sets(names, counts, members)
    check_family(result, counts, members, derived=5)
    sizes = members.astype(int) @ counts
    assert (sizes[np.asarray(result.shown)] >= 5).all()


@settings(max_examples=60, deadline=None)
@given(groups=trees(max_groups=5), data=st.data())
def test_a_second_release_never_exposes_the_newcomers(
    groups: GroupTree, data: st.DataObject
) -> None:
    before = groups.own_counts()
    added = np.array([data.draw(st.integers(0, 6)) for _ in range(len(groups))])
    after = before + added
    first = POLICY.gate_tree(groups)
    result = POLICY.gate_update(groups, before, after, first.shown_names)
    inside = subtree_members(groups)
    counts = np.concatenate([before, added])
    old = np.concatenate([inside, np.zeros_like(inside)], axis=1)[first.shown]
    new = np.concatenate([inside, inside], axis=1)[np.asarray(result.shown)]
    smallest = smallest_derived_set(counts, np.concatenate([old, new]))
    assert smallest is None or smallest >= 5


def test_a_second_release_withholds_a_group_that_grew_by_a_few() -> None:
    groups = GroupTree.flat(["a", "b"], np.repeat([0, 1], [10, 10]))
    result = POLICY.gate_update(groups, [10, 10], [12, 10], ["a", "b"])
    assert result.shown_names == ("b",)
    assert reasons(result) == {"a": "derivable"}
    grown = POLICY.gate_update(groups, [10, 10], [15, 10], ["a", "b"])
    assert grown.shown_names == ("a", "b")


def test_a_second_release_cannot_remove_answers() -> None:
    groups = GroupTree.flat(["a"], np.zeros(10, int))
    with pytest.raises(AnalysisError, match="only adds"):
        POLICY.gate_update(groups, [10], [9], ["a"])
