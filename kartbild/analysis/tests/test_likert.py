"""The follow-up index, worked out by hand, and its properties.

Scores: answer k → 25·(k − 1), so 1 → 0, 2 → 25, 3 → 50, 4 → 75, 5 → 100. Codes: 0 = left blank,
6 = "vet ej". t quantiles (two-sided 95 %) from a table: t(2) = 4.3027, t(3) = 3.1824,
t(5) = 2.5706, t(6) = 2.4469."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from kartbild.analysis.errors import AnalysisError
from kartbild.analysis.likert import (
    DONT_KNOW,
    NO_ANSWER,
    compare,
    respondent_indices,
    scores,
    statement_index,
    value_index,
)

V = DONT_KNOW


def test_scores_spread_the_five_answers_evenly_over_0_to_100() -> None:
    assert list(scores([1, 2, 3, 4, 5])) == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert np.isnan(scores([V, NO_ANSWER])).all()


def test_a_statement_index_by_hand_with_an_interval_clipped_at_100() -> None:
    # [5, 4, 4, vet ej, 2] → scores 100, 75, 75, 25 (vet ej left out, counted): n = 4.
    # mean = 275 / 4 = 68.75
    # deviations 31.25, 6.25, 6.25, −43.75; squares 976.5625 + 39.0625 + 39.0625 + 1914.0625
    #   = 2968.75; s² = 2968.75 / 3 = 989.583; s = 31.458; se = s / √4 = 15.729
    # half width = t(3) · se = 3.1824 · 15.729 = 50.056 → [18.694, 118.81] → clipped [18.694, 100]
    estimate = statement_index([5, 4, 4, V, 2])
    assert estimate.index == pytest.approx(68.75)
    assert estimate.respondents == 4
    assert estimate.dont_know == 1
    assert estimate.low == pytest.approx(18.694, abs=0.001)
    assert estimate.high == 100.0


def test_a_second_statement_by_hand() -> None:
    # [5, 4, 3, vet ej, 2] → 100, 75, 50, 25: mean 250 / 4 = 62.5.
    # deviations ±37.5, ±12.5; squares 2 · 1406.25 + 2 · 156.25 = 3125; s² = 1041.67;
    # s = 32.275; se = 16.137; half = 3.1824 · 16.137 = 51.357 → [11.143, 113.86] → high 100.
    estimate = statement_index([5, 4, 3, V, 2])
    assert estimate.index == pytest.approx(62.5)
    assert estimate.low == pytest.approx(11.143, abs=0.001)
    assert estimate.high == 100.0


def test_an_interval_inside_the_range_by_hand() -> None:
    # [4, 4, 3, 3, 4, 3] → 75, 75, 50, 50, 75, 50: mean 375 / 6 = 62.5.
    # every deviation is ±12.5: sum of squares 6 · 156.25 = 937.5; s² = 937.5 / 5 = 187.5;
    # s = 13.693; se = 13.693 / √6 = 5.5902; half = 2.5706 · 5.5902 = 14.370 → [48.130, 76.870]
    estimate = statement_index([4, 4, 3, 3, 4, 3])
    assert estimate.index == pytest.approx(62.5)
    assert estimate.low == pytest.approx(48.130, abs=0.001)
    assert estimate.high == pytest.approx(76.870, abs=0.001)
    assert estimate.dont_know == 0


def test_blanks_are_neither_answers_nor_vet_ej() -> None:
    estimate = statement_index([NO_ANSWER, 3, NO_ANSWER, V])
    assert (estimate.index, estimate.respondents, estimate.dont_know) == (50.0, 1, 1)
    # One answer: an index, but no spread to make an interval from.
    assert estimate.low is None and estimate.high is None


def test_a_statement_nobody_answered_has_no_index() -> None:
    estimate = statement_index([V, V, NO_ANSWER])
    assert estimate.index is None
    assert (estimate.respondents, estimate.dont_know) == (0, 2)


def test_a_value_index_takes_each_respondent_as_one_sample() -> None:
    # Two statements of one value, five respondents:
    #   R1 [5, 3]           → (100 + 50) / 2 = 75
    #   R2 [4, vet ej]      → 75
    #   R3 [2, 1]           → (25 + 0) / 2 = 12.5
    #   R4 [vet ej, vet ej] → no index; counted as vet ej
    #   R5 [blank, blank]   → no index; not counted
    # mean of 75, 75, 12.5 = 162.5 / 3 = 54.167 (the mean of all five item scores would be
    # (100 + 50 + 75 + 25 + 0) / 5 = 50: R1 and R3 would weigh double).
    # deviations 20.833, 20.833, −41.667; squares 434.03 + 434.03 + 1736.11 = 2604.17;
    # s² = 1302.08; s = 36.084; se = 36.084 / √3 = 20.833; half = 4.3027 · 20.833 = 89.64
    # → [−35.5, 143.8] → clipped [0, 100].
    answers = [[5, 3], [4, V], [2, 1], [V, V], [NO_ANSWER, NO_ANSWER]]
    assert list(respondent_indices(answers)[:3]) == [75.0, 75.0, 12.5]
    estimate = value_index(answers)
    assert estimate.index == pytest.approx(54.1667, abs=0.0001)
    assert (estimate.respondents, estimate.dont_know) == (3, 1)
    assert (estimate.low, estimate.high) == (0.0, 100.0)


def test_two_rounds_compared_by_hand() -> None:
    # earlier [50, 50, 75, 75]: mean 62.5; later [75, 75, 100, 100]: mean 87.5; difference 25.
    # each: deviations ±12.5, s² = 4 · 156.25 / 3 = 208.33, s²/n = 52.083
    # se = √(52.083 + 52.083) = 10.206; t = 25 / 10.206 = 2.4495
    # Welch df = 104.17² / (52.083² / 3 + 52.083² / 3) = 6.0
    # p = 2 · P(T6 > 2.4495) = 0.0498 < 0.05: significant, just.
    # half width = t(6) · se = 2.4469 · 10.206 = 24.973 → [0.027, 49.973]
    result = compare([50, 50, 75, 75], [75, 75, 100, 100])
    assert result.difference == pytest.approx(25.0)
    assert result.p_value == pytest.approx(0.0498, abs=0.0001)
    assert result.significant
    assert result.low == pytest.approx(0.027, abs=0.001)
    assert result.high == pytest.approx(49.973, abs=0.001)


def test_the_comparison_agrees_with_scipys_welch_test() -> None:
    rng = np.random.default_rng(7)
    earlier = rng.integers(0, 5, 40) * 25.0
    later = rng.integers(1, 5, 30) * 25.0
    result = compare(earlier, later)
    reference = stats.ttest_ind(later, earlier, equal_var=False)
    assert result.p_value == pytest.approx(float(reference.pvalue))


def test_an_unchanged_round_is_not_significant() -> None:
    result = compare([25, 50, 75, 100], [100, 75, 50, 25])
    assert result.difference == 0.0
    assert not result.significant


def test_too_few_answers_give_no_test() -> None:
    result = compare([50.0], [75.0, 100.0])
    assert result.difference == pytest.approx(37.5)
    assert result.p_value is None and not result.significant
    assert compare([], [50.0, 50.0]).difference is None


def test_codes_outside_the_scale_are_refused() -> None:
    with pytest.raises(AnalysisError):
        statement_index([1, 7])
    with pytest.raises(AnalysisError):
        statement_index([1.5, 2.0])


codes = st.lists(st.sampled_from([NO_ANSWER, 1, 2, 3, 4, 5, DONT_KNOW]), min_size=1, max_size=60)


@given(codes)
def test_the_index_lies_in_0_to_100_and_inside_its_interval(answers: list[int]) -> None:
    estimate = statement_index(answers)
    if estimate.index is None:
        return
    assert 0.0 <= estimate.index <= 100.0
    if estimate.low is not None and estimate.high is not None:
        assert 0.0 <= estimate.low <= estimate.index + 1e-9
        assert estimate.index - 1e-9 <= estimate.high <= 100.0


@given(codes, st.randoms(use_true_random=False))
def test_the_order_of_answers_does_not_matter(answers: list[int], random: object) -> None:
    shuffled = list(answers)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    first, second = statement_index(answers), statement_index(shuffled)
    assert first.respondents == second.respondents and first.dont_know == second.dont_know
    for a, b in [(first.index, second.index), (first.low, second.low), (first.high, second.high)]:
        assert (a is None and b is None) or math.isclose(a or 0, b or 0, abs_tol=1e-9)


@given(
    st.lists(
        st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6]), min_size=3, max_size=3),
        min_size=1,
        max_size=30,
    )
)
def test_a_value_index_lies_in_0_to_100_and_counts_every_respondent_once(
    rows: list[list[int]],
) -> None:
    estimate = value_index(rows)
    assert estimate.respondents + estimate.dont_know <= len(rows)
    if estimate.index is not None:
        assert 0.0 <= estimate.index <= 100.0
        if estimate.low is not None and estimate.high is not None:
            assert estimate.low <= estimate.index + 1e-9 <= estimate.high + 2e-9


@given(
    st.lists(st.sampled_from([0.0, 25.0, 50.0, 75.0, 100.0]), min_size=2, max_size=40),
    st.lists(st.sampled_from([0.0, 25.0, 50.0, 75.0, 100.0]), min_size=2, max_size=40),
)
def test_a_difference_lies_inside_its_interval_and_flips_with_the_rounds(
    earlier: list[float], later: list[float]
) -> None:
    forward, backward = compare(earlier, later), compare(later, earlier)
    assert forward.difference is not None and backward.difference is not None
    assert forward.difference == pytest.approx(-backward.difference)
    assert forward.significant == backward.significant
    if forward.low is not None and forward.high is not None:
        assert forward.low - 1e-9 <= forward.difference <= forward.high + 1e-9
