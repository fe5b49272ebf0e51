"""Level distribution, the top profile (positive-to-limiting, types), value matches and their
reading, jumps and drops, and how questions of different frames are paired."""

from __future__ import annotations

import numpy as np
import pytest

from kartbild.analysis.ballots import Ballots, QuestionKey
from kartbild.analysis.catalogue import ValueType
from kartbild.analysis.engine import compute_kartbild
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.groups import GroupTree
from kartbild.analysis.metrics import (
    MatchReading,
    level_distribution,
    match_reading,
    top_profile,
    value_changes,
    value_matches,
    value_table,
)
from kartbild.analysis.tests.examples import (
    WORKED_CURRENT,
    WORKED_DESIRED,
    matrix,
    worked_catalogue,
)


def test_level_distribution_splits_positive_and_limiting() -> None:
    catalogue = worked_catalogue()
    votes = np.bincount(matrix(catalogue, WORKED_CURRENT).ravel(), minlength=len(catalogue))
    levels = level_distribution(catalogue, votes)
    # Level 1: osäkerhet 2 + kostnadsjakt 2 (limiting); level 2: förvirring 1; level 3:
    # byråkrati 3; level 5: ansvar 1 + tillit 1; level 6: lagarbete 2. T = 12.
    assert levels.limiting[:3] == pytest.approx((4 / 12, 1 / 12, 3 / 12))
    assert levels.positive[4:6] == pytest.approx((2 / 12, 2 / 12))
    assert levels.level(1) == pytest.approx(4 / 12)
    assert levels.self_interest == pytest.approx(8 / 12)
    assert levels.transformation == 0.0
    assert levels.common_good == pytest.approx(4 / 12)
    assert sum(levels.positive) + sum(levels.limiting) == pytest.approx(1.0)


def test_top_profile_counts_polarity_and_type() -> None:
    catalogue = worked_catalogue()
    table = value_table(catalogue, matrix(catalogue, WORKED_CURRENT), top=4)
    # Top 4 with ties: byråkrati 3, then osäkerhet, lagarbete, kostnadsjakt at 2.
    profile = top_profile(catalogue, table)
    assert (profile.positive, profile.limiting) == (1, 3)
    assert profile.ratio == pytest.approx(1 / 3)
    assert profile.type_count(ValueType.ORGANISATIONAL) == 2
    assert profile.type_count(ValueType.INDIVIDUAL) == 1
    assert profile.type_count(ValueType.RELATIONSHIP) == 1


def test_ratio_is_none_without_limiting_values() -> None:
    catalogue = worked_catalogue()
    profile = top_profile(catalogue, value_table(catalogue, matrix(catalogue, WORKED_DESIRED)))
    assert profile.limiting == 0 and profile.ratio is None


@pytest.mark.parametrize(
    ("matches", "reading"),
    [
        (0, MatchReading.POOR),
        (1, MatchReading.POOR),
        (2, MatchReading.FAIR),
        (3, MatchReading.FAIR),
        (4, MatchReading.GOOD),
        (5, MatchReading.GOOD),
        (6, MatchReading.STRONG),
        (10, MatchReading.STRONG),
    ],
)
def test_match_reading_of_a_top_ten(matches: int, reading: MatchReading) -> None:
    assert match_reading(matches, 10) is reading


def test_value_matches_intersect_top_lists() -> None:
    catalogue = worked_catalogue()
    current = value_table(catalogue, matrix(catalogue, WORKED_CURRENT))
    desired = value_table(catalogue, matrix(catalogue, WORKED_DESIRED))
    matches = value_matches(None, current, desired)
    assert matches.current_desired == 3
    assert matches.personal_current is None
    assert matches.reading(matches.current_desired) is MatchReading.FAIR


def test_drops_order_by_decrease_then_current_votes() -> None:
    catalogue = worked_catalogue()
    current = np.bincount(matrix(catalogue, WORKED_CURRENT).ravel(), minlength=len(catalogue))
    desired = np.bincount(matrix(catalogue, WORKED_DESIRED).ravel(), minlength=len(catalogue))
    jumps, drops = value_changes(catalogue, current, desired, top=2)
    # +3, then +2 twice (tied at the cut-off of 2, so both): tillit before ekonomisk
    # stabilitet because more want it.
    assert [(j.slug, j.change) for j in jumps] == [
        ("arbetstillfallen", 3),
        ("tillit", 2),
        ("ekonomisk-stabilitet", 2),
    ]
    assert [(d.slug, d.change) for d in drops] == [
        ("byrakrati", -3),
        ("osakerhet-om-framtiden", -2),
        ("kostnadsjakt", -2),
    ]
    assert jumps[1].current == 1 and jumps[1].desired == 3


def test_frames_pair_current_and_desired_of_the_same_frame_and_personal_with_each() -> None:
    catalogue = worked_catalogue()
    rows = matrix(catalogue, WORKED_CURRENT)
    other = matrix(catalogue, WORKED_DESIRED)
    ballots = Ballots.of(
        {
            QuestionKey.parse("personal"): other,
            QuestionKey.parse("current:workplace"): rows,
            QuestionKey.parse("desired:workplace"): other,
            QuestionKey.parse("current:community"): other,
            QuestionKey.parse("desired:community"): rows,
        }
    )
    kartbild = compute_kartbild(
        catalogue, ballots, GroupTree.flat(["alla"], [0, 0, 0, 0]), AnonymityPolicy(min_group=3)
    )
    group = kartbild.group("alla")
    assert set(group.frames) == {"workplace", "community"}
    assert group.main_frame is not None and group.main_frame.frame == "workplace"
    workplace = group.frames["workplace"].matches
    community = group.frames["community"].matches
    assert (workplace.personal_current, workplace.personal_desired) == (3, 7)
    assert (community.personal_current, community.personal_desired) == (7, 3)
    assert workplace.current_desired == community.current_desired == 3
    community_jumps = group.frames["community"].jumps
    assert community_jumps is not None and community_jumps[0].slug == "byrakrati"


def test_a_frame_without_desired_culture_has_no_jumps() -> None:
    catalogue = worked_catalogue()
    ballots = Ballots.of({QuestionKey.parse("current:sweden"): matrix(catalogue, WORKED_CURRENT)})
    kartbild = compute_kartbild(
        catalogue, ballots, GroupTree.flat(["alla"], [0, 0, 0, 0]), AnonymityPolicy(min_group=3)
    )
    frame = kartbild.group("alla").frames["sweden"]
    assert frame.jumps is None and frame.drops is None
    assert frame.matches.current_desired is None


def test_current_without_a_frame_is_the_workplace() -> None:
    assert QuestionKey.parse("current") == QuestionKey.parse("current:workplace")
    assert str(QuestionKey.parse("desired")) == "desired:workplace"
    assert str(QuestionKey.parse("personal")) == "personal"
