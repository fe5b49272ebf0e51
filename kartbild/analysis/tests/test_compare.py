"""Comparing two groups: two-proportion tests, Benjamini-Hochberg, the proportional similarity
index and its bootstrap interval; and comparisons only between shown groups."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import false_discovery_control

from kartbild.analysis.ballots import Ballots, QuestionKey
from kartbild.analysis.catalogue import Catalogue
from kartbild.analysis.compare import (
    _normal_resamples,
    _resampled_distributions,
    benjamini_hochberg,
    compare_groups,
    compare_picks,
    proportional_similarity,
    two_proportion_test,
)
from kartbild.analysis.engine import Kartbild, compute_kartbild
from kartbild.analysis.errors import AnalysisError, WithheldError
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.groups import GroupTree
from kartbild.analysis.tests.examples import random_catalogue, random_picks

POLICY = AnonymityPolicy()
CURRENT = QuestionKey.parse("current")


def test_two_proportion_test_matches_a_hand_computation() -> None:
    # 30/100 against 20/100: pooled 0.25, se = sqrt(0.25 * 0.75 * 0.02), z = 0.1 / se.
    z, p = two_proportion_test([30], [100], [20], [100])
    expected_z = 0.1 / math.sqrt(0.25 * 0.75 * 0.02)
    assert z[0] == pytest.approx(expected_z)
    assert p[0] == pytest.approx(math.erfc(expected_z / math.sqrt(2)))
    assert p[0] == pytest.approx(0.1025, abs=1e-4)


def test_two_proportion_test_without_variation_says_no_difference() -> None:
    z, p = two_proportion_test([0, 10], [10, 10], [0, 20], [20, 20])
    assert list(z) == [0.0, 0.0] and list(p) == [1.0, 1.0]


def test_benjamini_hochberg_by_hand() -> None:
    # Sorted 0.005, 0.01, 0.03, 0.04 -> x4/1, x4/2, x4/3, x4/4 = 0.02, 0.02, 0.04, 0.04.
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    assert q == pytest.approx([0.02, 0.04, 0.04, 0.02])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_benjamini_hochberg_agrees_with_scipy(p_values: list[float]) -> None:
    ours = benjamini_hochberg(p_values)
    assert ours == pytest.approx(false_discovery_control(p_values, method="bh"))
    assert (ours >= np.array(p_values) - 1e-12).all()


def test_proportional_similarity_is_the_overlap_of_two_distributions() -> None:
    assert proportional_similarity([1, 1, 0], [1, 1, 0]) == 1.0
    assert proportional_similarity([1, 0], [0, 1]) == 0.0
    # 0.5/0.3/0.2 against 0.2/0.3/0.5: 0.2 + 0.3 + 0.2.
    assert proportional_similarity([5, 3, 2], [2, 3, 5]) == pytest.approx(0.7)
    assert proportional_similarity([10, 6, 4], [2, 3, 5]) == pytest.approx(0.7)
    with pytest.raises(AnalysisError):
        proportional_similarity([0, 0], [1, 1])


def groups_from_one_population(
    seed: int, n: int = 300
) -> tuple[Catalogue, npt.NDArray[np.int16], npt.NDArray[np.int16]]:
    rng = np.random.default_rng(seed)
    catalogue = random_catalogue(rng, 30)
    return catalogue, random_picks(rng, n, 10, 30), random_picks(rng, n, 10, 30)


def test_groups_from_one_population_agree_and_differ_in_little() -> None:
    catalogue, a, b = groups_from_one_population(1)
    comparison = compare_picks(catalogue, a, b, POLICY, rng=np.random.default_rng(2))
    assert comparison.agreement > 0.9
    low, high = comparison.agreement_interval
    assert low < comparison.agreement + 0.02 and low < high <= 1.0
    assert len(comparison.significant) <= 1
    assert {d.slug for d in comparison.differences} == {
        catalogue.slugs[v] for v in np.union1d(a.ravel(), b.ravel())
    }


def test_different_groups_show_significant_differences() -> None:
    catalogue, a, _ = groups_from_one_population(3)
    b = 29 - a  # the opposite preferences
    comparison = compare_picks(catalogue, a, b, POLICY, rng=np.random.default_rng(4))
    assert comparison.agreement < 0.8
    assert comparison.agreement_interval[1] < 0.8
    assert len(comparison.significant) >= 10
    first = comparison.differences[0]
    assert abs(first.difference) == max(abs(d.difference) for d in comparison.differences)
    assert first.q_value >= first.p_value


def test_the_bootstrap_is_reproducible_with_a_seed() -> None:
    catalogue, a, b = groups_from_one_population(5, 80)
    one = compare_picks(catalogue, a, b, POLICY, rng=np.random.default_rng(9), resamples=200)
    two = compare_picks(catalogue, a, b, POLICY, rng=np.random.default_rng(9), resamples=200)
    other = compare_picks(catalogue, a, b, POLICY, rng=np.random.default_rng(10), resamples=200)
    assert one.agreement_interval == two.agreement_interval
    assert one.agreement_interval != other.agreement_interval
    assert one.agreement == other.agreement


def test_the_normal_limit_agrees_with_exact_resampling_for_large_groups() -> None:
    rng = np.random.default_rng(12)
    picks = random_picks(rng, 4000, 10, 30)
    exact = _resampled_distributions(picks, 30, 400, np.random.default_rng(1))
    normal = _normal_resamples(picks, 30, 400, np.random.default_rng(1))
    assert exact.mean(axis=0) == pytest.approx(normal.mean(axis=0), abs=5e-4)
    assert exact.std(axis=0) == pytest.approx(normal.std(axis=0), rel=0.2, abs=2e-4)


def test_a_group_below_the_threshold_cannot_be_compared() -> None:
    catalogue, a, b = groups_from_one_population(6, 20)
    with pytest.raises(WithheldError, match="too few"):
        compare_picks(catalogue, a[:4], b, POLICY, rng=np.random.default_rng(0))


def unit_tree_kartbild() -> tuple[Catalogue, Ballots, GroupTree, Kartbild]:
    rng = np.random.default_rng(21)
    catalogue = random_catalogue(rng, 30)
    # all (0) > a (1), b (2), c (3); c has 2 and is hidden, so b (the next smallest) is too.
    membership = np.repeat([1, 2, 3], [40, 30, 2])
    ballots = Ballots.of({CURRENT: random_picks(rng, 72, 5, 30)})
    groups = GroupTree(("all", "a", "b", "c"), np.array([-1, 0, 0, 0]), membership)
    return catalogue, ballots, groups, compute_kartbild(catalogue, ballots, groups, POLICY)


def test_only_shown_groups_can_be_compared() -> None:
    _, ballots, groups, kartbild = unit_tree_kartbild()
    assert kartbild.groups.keys() == {"all", "a"}
    with pytest.raises(WithheldError, match="'b' is not shown"):
        compare_groups(kartbild, ballots, groups, "a", "b", CURRENT, rng=np.random.default_rng(0))


def test_a_unit_is_compared_with_the_rest_of_its_organisation() -> None:
    _, ballots, groups, kartbild = unit_tree_kartbild()
    comparison = compare_groups(
        kartbild, ballots, groups, "a", "all", CURRENT, rng=np.random.default_rng(0), resamples=100
    )
    assert comparison.second_is_rest
    assert (comparison.respondents_first, comparison.respondents_second) == (40, 32)
