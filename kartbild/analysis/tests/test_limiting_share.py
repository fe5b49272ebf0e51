"""The limiting share: over all values, equal to the mean of respondents' own shares, with a
standard error, a 95 % interval and DESIGN.md's bands."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartbild.analysis.metrics import LimitingBand, limiting_band, limiting_share
from kartbild.analysis.tests.examples import random_catalogue, random_picks


@pytest.mark.parametrize(
    ("share", "band"),
    [
        (0.0, LimitingBand.HEALTHY),
        (0.10, LimitingBand.HEALTHY),
        (0.104, LimitingBand.HEALTHY),
        (0.11, LimitingBand.NEEDS_ATTENTION),
        (0.20, LimitingBand.NEEDS_ATTENTION),
        (0.21, LimitingBand.SIGNIFICANT),
        (0.30, LimitingBand.SIGNIFICANT),
        (0.31, LimitingBand.SERIOUS),
        (0.40, LimitingBand.SERIOUS),
        (0.41, LimitingBand.CRITICAL),
        (1.0, LimitingBand.CRITICAL),
    ],
)
def test_bands_follow_the_design(share: float, band: LimitingBand) -> None:
    assert limiting_band(share) is band


def test_limiting_share_counts_values_outside_the_top_too() -> None:
    rng = np.random.default_rng(7)
    catalogue = random_catalogue(rng, 40)
    picks = random_picks(rng, 200, 10, len(catalogue))
    share = limiting_share(catalogue, picks)
    assert share.share == pytest.approx(catalogue.limiting[picks].sum() / picks.size)


def test_one_respondent_has_a_share_but_no_interval() -> None:
    rng = np.random.default_rng(1)
    catalogue = random_catalogue(rng, 12)
    share = limiting_share(catalogue, random_picks(rng, 1, 3, 12))
    assert share.low is None and share.high is None and share.standard_error is None


def test_interval_narrows_as_respondents_grow() -> None:
    rng = np.random.default_rng(3)
    catalogue = random_catalogue(rng, 40)
    small = limiting_share(catalogue, random_picks(rng, 20, 10, 40))
    large = limiting_share(catalogue, random_picks(rng, 2000, 10, 40))
    assert small.standard_error is not None and large.standard_error is not None
    assert large.standard_error < small.standard_error / 5


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    respondents=st.integers(1, 60),
    picks=st.integers(1, 8),
)
def test_limiting_share_is_within_zero_and_one_and_the_mean_of_respondent_shares(
    seed: int, respondents: int, picks: int
) -> None:
    rng = np.random.default_rng(seed)
    catalogue = random_catalogue(rng, 16)
    matrix = random_picks(rng, respondents, picks, 16)
    share = limiting_share(catalogue, matrix)
    own = catalogue.limiting[matrix].mean(axis=1)
    assert 0.0 <= share.share <= 1.0
    assert share.share == pytest.approx(own.mean())
    if respondents >= 2:
        assert share.low is not None and share.high is not None
        assert 0.0 <= share.low <= share.share <= share.high <= 1.0
        assert share.standard_error == pytest.approx(own.std(ddof=1) / np.sqrt(respondents))
