"""The value table: votes, shares with Wilson intervals, competition ranks, and the top-N with
ties at the cut-off included and marked."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kartbild.analysis.catalogue import Catalogue, CatalogueValue, Polarity, ValueType
from kartbild.analysis.errors import AnalysisError
from kartbild.analysis.metrics import value_table, wilson_interval


def letters(count: int) -> Catalogue:
    return Catalogue(
        tuple(
            CatalogueValue(chr(ord("a") + i), 5, Polarity.POSITIVE, ValueType.ORGANISATIONAL)
            for i in range(count)
        )
    )


def picks_for(votes: list[int], respondents: int) -> np.ndarray:
    """A 1-pick-per-respondent matrix that gives value i votes[i] votes."""
    column = np.repeat(np.arange(len(votes)), votes)
    assert column.size == respondents
    return column[:, None].astype(np.int16)


def test_wilson_interval_matches_the_textbook_formula() -> None:
    low, high = wilson_interval(np.array([3.0]), np.array([4.0]))
    z = 1.959963984540054
    p, n = 0.75, 4
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert low[0] == pytest.approx(centre - half)
    assert high[0] == pytest.approx(centre + half)


def test_wilson_interval_stays_inside_zero_and_one() -> None:
    low, high = wilson_interval(np.array([0.0, 10.0]), np.array([10.0, 10.0]))
    assert low[0] == 0.0 and 0 < high[0] < 1
    assert 0 < low[1] < 1 and high[1] == pytest.approx(1.0)


def test_ranks_are_competition_ranks() -> None:
    table = value_table(letters(5), picks_for([3, 2, 2, 1, 0], 8))
    assert list(table.ranks[:4]) == [1, 2, 2, 4]
    assert [row.rank for row in table.rows()] == [1, 2, 2, 4]


def test_values_without_votes_are_never_in_the_top() -> None:
    table = value_table(letters(5), picks_for([3, 2, 2, 1, 0], 8), top=10)
    assert table.top_slugs == ("a", "b", "c", "d")
    assert table.tied_at_cutoff == ()


def test_ties_at_the_cut_off_are_all_included_and_marked() -> None:
    table = value_table(letters(6), picks_for([5, 4, 3, 3, 3, 1], 19), top=3)
    assert table.top_slugs == ("a", "b", "c", "d", "e")
    assert [table.slugs[v] for v in table.tied_at_cutoff] == ["c", "d", "e"]
    rows = {row.slug: row for row in table.rows()}
    assert rows["c"].tied_at_cutoff and rows["c"].in_top
    assert not rows["b"].tied_at_cutoff
    assert not rows["f"].in_top


def test_ties_inside_the_top_are_not_marked() -> None:
    table = value_table(letters(5), picks_for([4, 4, 3, 2, 1], 14), top=3)
    assert table.top_slugs == ("a", "b", "c")
    assert table.tied_at_cutoff == ()


def test_equal_votes_are_listed_in_catalogue_order() -> None:
    table = value_table(letters(4), picks_for([1, 2, 2, 2], 7), top=10)
    assert table.top_slugs == ("b", "c", "d", "a")


def test_shares_are_of_respondents_not_of_votes() -> None:
    picks = np.array([[0, 1], [0, 2], [0, 1], [3, 1]], dtype=np.int16)
    table = value_table(letters(4), picks)
    assert table.shares[0] == 0.75
    assert table.shares[1] == 0.75
    assert table.total_votes == 8


def test_top_must_hold_at_least_one_value() -> None:
    with pytest.raises(AnalysisError, match="at least one value"):
        value_table(letters(3), picks_for([1, 1, 1], 3), top=0)
