"""Properties of the whole kartbild that must hold for any data: the order of respondents does
not matter, groups add up, and a tree's totals are its parts."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from kartbild.analysis.ballots import Ballots, QuestionKey, QuestionPicks
from kartbild.analysis.catalogue import Catalogue
from kartbild.analysis.engine import Kartbild, compute_kartbild
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.groups import GroupTree
from kartbild.analysis.tests.examples import random_catalogue, random_picks

POLICY = AnonymityPolicy(min_group=3)
KEYS = (QuestionKey.parse("personal"), QuestionKey.parse("current"), QuestionKey.parse("desired"))


def summary(kartbild: Kartbild) -> dict[str, object]:
    """Every number of a kartbild in comparable form."""
    out: dict[str, object] = {}
    for name, group in kartbild.groups.items():
        out[name] = group.respondents
        for key, result in group.questions.items():
            table = result.table
            out[f"{name}/{key}"] = (
                table.votes.tolist(),
                table.ranks.tolist(),
                table.top,
                table.tied_at_cutoff,
                np.round(table.share_low, 12).tolist(),
                result.levels,
                result.profile,
                None if result.limiting is None else round(result.limiting.share, 12),
                None
                if result.limiting is None or result.limiting.low is None
                else (round(result.limiting.low, 12), round(result.limiting.high or 0, 12)),
            )
        for frame, frame_result in group.frames.items():
            out[f"{name}:{frame}"] = (
                frame_result.matches,
                frame_result.jumps,
                frame_result.drops,
            )
    out["withheld"] = sorted((w.group, w.reason.value, str(w.question)) for w in kartbild.withheld)
    return out


@st.composite
def mappings(draw: st.DrawFn) -> tuple[int, int, list[int], int]:
    seed = draw(st.integers(0, 2**32 - 1))
    groups = draw(st.integers(1, 4))
    sizes = [draw(st.integers(0, 12)) for _ in range(groups)]
    picks = draw(st.integers(1, 6))
    return seed, groups, sizes, picks


def build(
    seed: int, sizes: list[int], picks: int
) -> tuple[Catalogue, Ballots, npt.NDArray[np.intp]]:
    rng = np.random.default_rng(seed)
    catalogue = random_catalogue(rng, 14)
    n = sum(sizes)
    ballots = Ballots.of({key: random_picks(rng, n, picks, 14) for key in KEYS})
    membership = np.repeat(np.arange(len(sizes)), sizes)
    return catalogue, ballots, membership


@settings(max_examples=40, deadline=None)
@given(mapping=mappings(), data=st.data())
def test_shuffling_respondents_changes_nothing(
    mapping: tuple[int, int, list[int], int], data: st.DataObject
) -> None:
    seed, groups, sizes, picks = mapping
    catalogue, ballots, membership = build(seed, sizes, picks)
    names = [f"g{i}" for i in range(groups)]
    parents = np.array([-1] + [0] * (groups - 1))
    order = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).permutation(membership.size)
    shuffled = Ballots.of({q.question: q.picks[order] for q in ballots})
    # Within a respondent the order of picks does not matter either.
    flipped = Ballots.of({q.question: q.picks[order][:, ::-1] for q in ballots})
    tree = GroupTree(tuple(names), parents, membership)
    moved = GroupTree(tuple(names), parents, membership[order])
    original = summary(compute_kartbild(catalogue, ballots, tree, POLICY))
    assert summary(compute_kartbild(catalogue, shuffled, moved, POLICY)) == original
    assert summary(compute_kartbild(catalogue, flipped, moved, POLICY)) == original


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(3, 12), min_size=3, max_size=3),
    picks=st.integers(1, 6),
)
def test_merging_two_groups_gives_votes_that_add_up(
    seed: int, sizes: list[int], picks: int
) -> None:
    catalogue, ballots, membership = build(seed, sizes, picks)
    apart = compute_kartbild(
        catalogue, ballots, GroupTree.flat(["a", "b", "c"], membership), POLICY
    )
    merged_membership = np.where(membership == 1, 0, membership)
    merged = compute_kartbild(
        catalogue, ballots, GroupTree.flat(["ab", "unused", "c"], merged_membership), POLICY
    )
    assert merged.group("ab").respondents == sizes[0] + sizes[1]
    for key in KEYS:
        total = (
            apart.group("a").question(key).table.votes + apart.group("b").question(key).table.votes
        )
        assert (merged.group("ab").question(key).table.votes == total).all()
        assert (
            merged.group("c").question(key).table.votes
            == apart.group("c").question(key).table.votes
        ).all()


@settings(max_examples=40, deadline=None)
@given(mapping=mappings())
def test_a_parent_without_own_respondents_is_the_sum_of_its_children(
    mapping: tuple[int, int, list[int], int],
) -> None:
    seed, groups, sizes, picks = mapping
    catalogue, ballots, membership = build(seed, sizes, picks)
    names = ("all",) + tuple(f"g{i}" for i in range(groups))
    tree = GroupTree(names, np.array([-1] + [0] * groups), membership + 1)
    kartbild = compute_kartbild(catalogue, ballots, tree, POLICY)
    if "all" not in kartbild.groups:
        return
    for key in KEYS:
        expected = np.bincount(ballots.question(key).picks.ravel(), minlength=14)
        assert (kartbild.group("all").question(key).table.votes == expected).all()
        limiting = kartbild.group("all").question(key).limiting
        if key.kind.value == "current":
            assert limiting is not None and 0.0 <= limiting.share <= 1.0


def test_some_respondents_may_skip_a_question() -> None:
    rng = np.random.default_rng(5)
    catalogue = random_catalogue(rng, 14)
    membership = np.repeat([0, 1], [6, 6])
    current = QuestionKey.parse("current")
    community = QuestionKey.parse("current:community")
    ballots = Ballots(
        12,
        (
            QuestionPicks(current, random_picks(rng, 12, 3, 14)),
            # Only group b and two of group a were asked about the community.
            QuestionPicks(community, random_picks(rng, 8, 3, 14), np.array([0, 1, *range(6, 12)])),
        ),
    )
    tree = GroupTree.flat(["a", "b"], membership)
    kartbild = compute_kartbild(catalogue, ballots, tree, AnonymityPolicy())
    assert set(kartbild.group("a").questions) == {current}
    assert set(kartbild.group("b").questions) == {current, community}
    assert [(w.group, w.reason.value, w.question) for w in kartbild.withheld] == [
        ("a", "too_few", community)
    ]
