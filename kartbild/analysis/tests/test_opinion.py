"""Opinion groups: hand-built matrices whose answer is known, and properties that must always hold."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import silhouette_score

from kartbild.analysis import opinion
from kartbild.analysis import opinion_clustering as clustering
from kartbild.analysis import opinion_statements as statements
from kartbild.analysis.opinion import (
    OpinionGroups,
    OpinionInputError,
    Stance,
    VoteMatrix,
    compute_opinion_groups,
)

NAN = math.nan

# Statements of the two-camp example: 100-102 split the camps, everyone agrees with 103 and
# disagrees with 104, camp A agrees with 105 while camp B passes, and 106-107 are noise that
# every camp splits on evenly.
SPLIT = (100, 101, 102)
ALL_AGREE = 103
ALL_DISAGREE = 104
ONLY_A_AGREES = 105
STATEMENTS = (100, 101, 102, 103, 104, 105, 106, 107)
NOISE = ((1, 0), (0, 1), (-1, 1), (1, -1), (0, -1), (-1, 0))
CAMP_A = (1, 1, 1, 1, -1, 1)
CAMP_B = (-1, -1, -1, 1, -1, 0)


def camp_rows(camp: tuple[int, ...], participants: range) -> dict[int, list[float]]:
    return {
        participant: [*camp, *NOISE[index % len(NOISE)]]
        for index, participant in enumerate(participants)
    }


def matrix_of(
    rows: Mapping[int, list[float]], statement_ids: tuple[int, ...] = STATEMENTS
) -> VoteMatrix:
    return VoteMatrix(tuple(rows), statement_ids, np.array(list(rows.values()), dtype=np.float64))


def two_camps(a: range = range(1, 7), b: range = range(11, 17)) -> VoteMatrix:
    return matrix_of({**camp_rows(CAMP_A, a), **camp_rows(CAMP_B, b)})


def three_camps(c: range = range(21, 27)) -> VoteMatrix:
    camp_c = (1, -1, 1, -1, 1, -1)
    return matrix_of(
        {
            **camp_rows(CAMP_A, range(1, 7)),
            **camp_rows(CAMP_B, range(11, 17)),
            **camp_rows(camp_c, c),
        }
    )


def noisy_camps(seed: int, participants: int, statement_count: int, camps: int) -> VoteMatrix:
    """Camps that each lean one way on every statement, with 30 % random votes and 30 % unvoted."""
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, camps, participants)
    lean = rng.choice([-1.0, 0.0, 1.0], size=(camps, statement_count))
    random_votes = rng.choice([-1.0, 0.0, 1.0], size=(participants, statement_count))
    votes = np.where(rng.random((participants, statement_count)) < 0.7, lean[camp], random_votes)
    votes[rng.random((participants, statement_count)) < 0.3] = NAN
    return VoteMatrix(tuple(range(participants)), tuple(range(statement_count)), votes)


def groups_of(result: OpinionGroups) -> dict[int, set[int]]:
    members: dict[int, set[int]] = {}
    for participant, group in result.participants.items():
        if group is not None:
            members.setdefault(group, set()).add(participant)
    return members


def partition_of(result: OpinionGroups) -> set[frozenset[int]]:
    return {frozenset(members) for members in groups_of(result).values()}


def compute(matrix: VoteMatrix, seed: int = 0, **options: object) -> OpinionGroups:
    return compute_opinion_groups(matrix, rng=np.random.default_rng(seed), **options)  # type: ignore[arg-type]


# The vote matrix


def test_a_later_vote_replaces_an_earlier_one() -> None:
    matrix = VoteMatrix.from_votes([5, 5, 3], [9, 9, 9], [1, -1, 0])
    assert matrix.participant_ids == (3, 5)
    assert matrix.statement_ids == (9,)
    assert matrix.votes.tolist() == [[0.0], [-1.0]]


def test_a_statement_nobody_voted_on_is_marked_missing() -> None:
    matrix = VoteMatrix.from_votes([1, 2], [10, 20], [1, -1])
    assert np.isnan(matrix.votes[0, 1]) and np.isnan(matrix.votes[1, 0])


def test_the_matrix_cannot_be_changed_after_it_is_built() -> None:
    matrix = VoteMatrix.from_votes([1], [1], [1])
    with pytest.raises(ValueError):
        matrix.votes[0, 0] = -1


@pytest.mark.parametrize(
    ("participants", "statements_", "votes"),
    [
        ([1], [1], [2]),
        ([1], [1], [True]),
        ([1, 2], [1], [1, 1]),
        (["a"], [1], [1]),
    ],
)
def test_votes_that_are_not_minus_one_zero_or_one_are_refused(
    participants: list[object], statements_: list[object], votes: list[object]
) -> None:
    with pytest.raises(OpinionInputError):
        VoteMatrix.from_votes(participants, statements_, votes)  # type: ignore[arg-type]


def test_a_matrix_with_the_wrong_shape_or_duplicate_ids_is_refused() -> None:
    with pytest.raises(OpinionInputError, match="shape"):
        VoteMatrix((1, 2), (1,), np.zeros((1, 1)))
    with pytest.raises(OpinionInputError, match="unique"):
        VoteMatrix((1, 1), (1,), np.zeros((2, 1)))
    with pytest.raises(OpinionInputError, match="not -1, 0, 1 or NaN"):
        VoteMatrix((1,), (1,), np.array([[0.5]]))


def test_the_input_error_is_a_value_error() -> None:
    assert issubclass(OpinionInputError, ValueError)


# Two obvious camps


def test_two_obvious_camps_make_two_groups() -> None:
    result = compute(two_camps())
    assert result.cluster_count == 2
    assert groups_of(result) == {0: set(range(1, 7)), 1: set(range(11, 17))}
    assert [group.size for group in result.groups] == [6, 6]
    assert result.silhouette is not None and result.silhouette > 0.5


def test_each_camp_is_represented_by_the_statements_where_it_differs_from_the_other() -> None:
    result = compute(two_camps())
    camp_a, camp_b = result.groups
    assert {(item.statement_id, item.stance) for item in camp_a.representative} == {
        (100, Stance.AGREE),
        (101, Stance.AGREE),
        (102, Stance.AGREE),
        (ONLY_A_AGREES, Stance.AGREE),
    }
    assert {(item.statement_id, item.stance) for item in camp_b.representative} == {
        (100, Stance.DISAGREE),
        (101, Stance.DISAGREE),
        (102, Stance.DISAGREE),
    }
    first = camp_a.representative[0]
    assert (first.group_share, first.rest_share) == (1.0, 0.0)


def test_statements_every_group_agrees_or_disagrees_with_are_consensus() -> None:
    result = compute(two_camps())
    assert {(item.statement_id, item.stance) for item in result.consensus} == {
        (ALL_AGREE, Stance.AGREE),
        (ALL_DISAGREE, Stance.DISAGREE),
    }
    assert all(item.group_shares == (1.0, 1.0) for item in result.consensus)


def test_statements_one_group_agrees_with_and_another_disagrees_with_are_divisive() -> None:
    result = compute(two_camps())
    assert {item.statement_id for item in result.divisive} == set(SPLIT)
    assert all((item.agreeing_group, item.disagreeing_group) == (0, 1) for item in result.divisive)


def test_a_statement_one_group_agrees_with_while_the_other_passes_is_not_divisive() -> None:
    result = compute(two_camps())
    assert ONLY_A_AGREES not in {item.statement_id for item in result.divisive}


def test_lists_are_cut_at_max_statements() -> None:
    result = compute(two_camps(), max_statements=1)
    assert all(len(group.representative) == 1 for group in result.groups)
    assert len(result.consensus) == 1 and len(result.divisive) == 1


# Who is left out


def test_participants_with_too_few_votes_get_no_group() -> None:
    rows = {**camp_rows(CAMP_A, range(1, 7)), **camp_rows(CAMP_B, range(11, 17))}
    rows[30] = [1, 1, 1, NAN, NAN, NAN, NAN, NAN]
    rows[31] = [1, 1, 1, 1, -1, 1, 0, NAN]
    result = compute(matrix_of(rows))
    assert result.participants[30] is None
    assert result.participants[31] == result.participants[1]
    assert sorted(group.size for group in result.groups) == [6, 7]


def test_with_fewer_statements_than_min_votes_all_of_them_are_required() -> None:
    rows = {
        participant: [1.0, 1.0, -1.0] if participant < 10 else [-1.0, -1.0, 1.0]
        for participant in [*range(1, 7), *range(11, 17)]
    }
    rows[30] = [1.0, 1.0, NAN]
    result = compute(matrix_of(rows, (1, 2, 3)), min_votes=7)
    assert result.participants[30] is None
    assert len(result.groups) == 2


def test_groups_smaller_than_min_group_are_never_reported() -> None:
    result = compute(two_camps(), min_group=7)
    assert result.groups == ()
    assert set(result.participants.values()) == {None}
    assert result.consensus == () and result.divisive == ()


def test_a_small_third_camp_is_left_without_a_group_or_merged_but_never_shown() -> None:
    rows = {
        **camp_rows(CAMP_A, range(1, 9)),
        **camp_rows(CAMP_B, range(11, 19)),
        **camp_rows((1, -1, 1, -1, 1, -1), range(21, 24)),
    }
    result = compute(matrix_of(rows), min_group=5)
    assert len(result.groups) == 2
    assert all(group.size >= 5 for group in result.groups)
    assert all(len(members) >= 5 for members in groups_of(result).values())


def test_a_far_off_cluster_below_min_group_leaves_its_members_without_a_group() -> None:
    rows = {**camp_rows(CAMP_A, range(1, 7)), **camp_rows(CAMP_B, range(11, 17))}
    for participant in range(21, 25):
        rows[participant] = [1, -1, 1, -1, 1, -1, -1, -1]
    result = compute(matrix_of(rows), min_group=5)
    assert result.cluster_count == 3
    assert groups_of(result) == {0: set(range(1, 7)), 1: set(range(11, 17))}
    assert all(result.participants[participant] is None for participant in range(21, 25))


def test_members_of_an_unreported_cluster_count_in_no_statistic() -> None:
    rows = {**camp_rows(CAMP_A, range(1, 7)), **camp_rows(CAMP_B, range(11, 17))}
    for participant in range(21, 25):
        rows[participant] = [1, -1, 1, -1, 1, -1, -1, -1]
    with_hidden = compute(matrix_of(rows), min_group=5)
    without = compute(two_camps())
    assert with_hidden.consensus == without.consensus
    assert with_hidden.divisive == without.divisive
    assert [group.representative for group in with_hidden.groups] == [
        group.representative for group in without.groups
    ]


def test_a_min_group_below_the_anonymity_floor_is_refused() -> None:
    with pytest.raises(OpinionInputError, match="at least 3"):
        compute(two_camps(), min_group=2)


@pytest.mark.parametrize("option", [{"min_votes": 0}, {"max_statements": -1}])
def test_other_nonsensical_parameters_are_refused(option: dict[str, int]) -> None:
    with pytest.raises(OpinionInputError):
        compute(two_camps(), **option)


def test_no_groups_are_formed_from_identical_votes() -> None:
    rows = {participant: [1.0] * 8 for participant in range(20)}
    result = compute(matrix_of(rows))
    assert result.groups == () and result.cluster_count == 0


def test_an_empty_matrix_gives_no_groups() -> None:
    result = compute(VoteMatrix((), (), np.zeros((0, 0))))
    assert result.groups == () and dict(result.participants) == {}


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    participants=st.integers(0, 40),
    statement_count=st.integers(1, 9),
    camps=st.integers(1, 4),
    min_group=st.integers(3, 8),
)
def test_every_reported_group_has_at_least_min_group_members(
    seed: int, participants: int, statement_count: int, camps: int, min_group: int
) -> None:
    matrix = noisy_camps(seed, participants, statement_count, camps)
    result = compute(matrix, seed, min_group=min_group, min_votes=3)
    members = groups_of(result)
    assert set(result.participants) == set(matrix.participant_ids)
    assert set(members) == {group.id for group in result.groups}
    for group in result.groups:
        assert group.size >= min_group
        assert len(members[group.id]) == group.size
    assert len(result.groups) != 1


def test_no_participant_votes_are_in_the_result() -> None:
    """Walk the whole result: the only thing per participant is the group id."""
    result = compute(two_camps())

    def walk(value: object) -> None:
        assert not isinstance(value, np.ndarray)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                if field.name != "participants":
                    walk(getattr(value, field.name))
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, tuple):
            for item in value:
                walk(item)

    walk(result)
    assert all(group is None or isinstance(group, int) for group in result.participants.values())
    assert len(result.statement_loadings) == len(STATEMENTS)


# Determinism and stability


def test_the_same_seed_gives_the_same_result() -> None:
    matrix = noisy_camps(3, 80, 15, 3)
    assert compute(matrix, seed=7) == compute(matrix, seed=7)


def test_the_seed_does_not_change_clear_groups() -> None:
    matrix = noisy_camps(3, 80, 15, 3)
    partitions = {frozenset(partition_of(compute(matrix, seed=seed))) for seed in range(5)}
    assert len(partitions) == 1


def test_shuffling_participants_and_statements_does_not_change_the_groups() -> None:
    matrix = noisy_camps(11, 90, 14, 3)
    rng = np.random.default_rng(1)
    rows = rng.permutation(len(matrix.participant_ids))
    columns = rng.permutation(len(matrix.statement_ids))
    shuffled = VoteMatrix(
        tuple(matrix.participant_ids[int(row)] for row in rows),
        tuple(matrix.statement_ids[int(column)] for column in columns),
        matrix.votes[np.ix_(rows, columns)],
    )
    original = compute(matrix)
    again = compute(shuffled)
    assert partition_of(again) == partition_of(original)
    assert again == original


def test_running_again_with_previous_keeps_group_labels() -> None:
    first = compute(two_camps(b=range(11, 16)))
    assert groups_of(first) == {0: set(range(1, 7)), 1: set(range(11, 16))}

    grown = two_camps(b=range(11, 20))
    assert groups_of(compute(grown))[0] == set(range(11, 20))

    update = compute(grown, seed=99, previous=first)
    assert groups_of(update) == {0: set(range(1, 7)), 1: set(range(11, 20))}


def test_a_clearly_better_k_replaces_the_previous_one_and_old_groups_keep_their_ids() -> None:
    first = compute(two_camps(b=range(11, 16)))
    update = compute(three_camps(), previous=first)
    assert update.cluster_count == 3
    members = groups_of(update)
    assert members[0] == set(range(1, 7))
    assert members[1] == set(range(11, 17))
    assert members[2] == set(range(21, 27))


def test_the_previous_k_is_kept_unless_another_is_clearly_better(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = compute(two_camps())
    monkeypatch.setattr(opinion, "K_SWITCH_MARGIN", 2.0)
    update = compute(three_camps(), previous=first)
    assert update.cluster_count == 2
    assert (update.best_k, update.best_k_streak) == (3, 1)


def test_a_k_that_is_best_for_four_updates_in_a_row_replaces_the_previous_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(opinion, "K_SWITCH_MARGIN", 2.0)
    result = compute(two_camps())
    seen = []
    for seed in range(4):
        result = compute(three_camps(), seed, previous=result)
        seen.append(result.cluster_count)
    assert seen == [2, 2, 2, 3]
    assert result.best_k_streak == 4


def test_the_axes_keep_their_direction_between_updates() -> None:
    first = compute(two_camps())
    flipped_first = dataclasses.replace(
        first,
        statement_loadings={
            statement: (-x, -y) for statement, (x, y) in first.statement_loadings.items()
        },
    )
    update = compute(two_camps(), previous=flipped_first)
    for statement, (x, y) in update.statement_loadings.items():
        assert (x, y) == pytest.approx(
            (-first.statement_loadings[statement][0], -first.statement_loadings[statement][1])
        )


# The maths underneath


def test_a_missing_vote_counts_as_the_statement_mean_scaled_by_votes_cast() -> None:
    votes = noisy_camps(5, 30, 6, 2).votes
    votes = votes[(~np.isnan(votes)).sum(axis=1) > 0]
    means = np.nanmean(votes, axis=0)
    imputed = np.where(np.isnan(votes), means, votes)
    sparse = clustering.project(votes)
    dense = clustering.project(imputed)
    scale = np.sqrt(votes.shape[1] / (~np.isnan(votes)).sum(axis=1))
    np.testing.assert_allclose(sparse.loadings, dense.loadings, atol=1e-9)
    np.testing.assert_allclose(sparse.coordinates, dense.coordinates * scale[:, None], atol=1e-9)


def test_the_silhouette_matches_scikit_learn() -> None:
    rng = np.random.default_rng(2)
    points = rng.normal(size=(60, 2))
    labels = rng.integers(0, 4, 60).astype(np.intp)
    distances = clustering.pairwise_distances(points)
    assert clustering.silhouette(distances, labels, 4) == pytest.approx(
        silhouette_score(points, labels)
    )


def test_the_silhouette_of_two_far_apart_pairs_is_close_to_one() -> None:
    points = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    labels = np.array([0, 0, 1, 1], dtype=np.intp)
    distances = clustering.pairwise_distances(points)
    expected = 1 - 1 / ((10 + math.sqrt(101)) / 2)
    assert clustering.silhouette(distances, labels, 2) == pytest.approx(expected)


def test_the_majority_test_needs_three_unanimous_votes() -> None:
    z = statements.proportion_z(np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.0, 3.0]))
    np.testing.assert_allclose(z, [0.0, 1 / math.sqrt(3), 1.0, 3 / math.sqrt(5)])
    assert list(z > statements.Z_90) == [False, False, False, True]


def test_the_two_proportion_test_by_hand() -> None:
    # 6 of 6 against 0 of 6: shares 7/8 and 1/8, pooled 1/2.
    z = statements.two_proportion_z(np.array(6.0), np.array(6.0), np.array(0.0), np.array(6.0))
    assert float(z) == pytest.approx(0.75 / math.sqrt(0.25 * (2 / 8)))
