"""load_ballots reads ended days from their packed BallotBlock and must give exactly what a
row-by-row read gives, whatever happened to the responses since the block was built."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kartbild.mappings.ballots import NO_UNIT, load_ballots, pack_units, unpack_units
from kartbild.mappings.models import BallotBlock, Response
from kartbild.organisations.models import Unit

TODAY = datetime.date(2026, 11, 23)


def _store(mp: Any, day: datetime.date, picks: list[list[int]], unit: Any = None) -> Response:
    return Response.objects.create(
        mapping_perspective=mp,
        unit=unit,
        submitted_on=day,
        picks=np.array(picks, dtype="<u2").tobytes(),
    )


def _rows(ballots: Any) -> Counter[tuple[int, ...]]:
    """The loaded responses as a multiset of (unit, picks...) rows: order carries no meaning."""
    flat = ballots.picks.reshape(ballots.respondents, -1)
    return Counter(
        (int(u), *map(int, p)) for u, p in zip(ballots.units.tolist(), flat, strict=True)
    )


def _expected(mp: Any) -> Counter[tuple[int, ...]]:
    return Counter(
        (
            NO_UNIT if r.unit_id is None else r.unit_id,
            *np.frombuffer(bytes(r.picks), dtype="<u2").tolist(),
        )
        for r in Response.objects.filter(mapping_perspective=mp)
    )


@pytest.fixture
def perspective(make_mapping: Any, organisation_a: Any) -> Any:
    mapping = make_mapping(["medarbetare"])
    mp = mapping.perspectives.get()
    unit = Unit.objects.create(organisation=organisation_a, code="A", name="A", level="enhet")
    days = [TODAY - datetime.timedelta(days=d) for d in (3, 2, 2, 1, 0, 0)]
    for i, day in enumerate(days):
        picks = [[i % 10, (i + 1) % 10, (i + 2) % 10] for _q in mp.questions.all()]
        _store(mp, day, picks, unit if i % 2 else None)
    return mp


def test_ended_days_are_packed_and_today_is_not(perspective: Any) -> None:
    ballots = load_ballots(perspective, 3, today=TODAY)

    assert _rows(ballots) == _expected(perspective)
    sealed = dict(BallotBlock.objects.values_list("day", "respondents"))
    assert sealed == {
        TODAY - datetime.timedelta(days=3): 1,
        TODAY - datetime.timedelta(days=2): 2,
        TODAY - datetime.timedelta(days=1): 1,
    }


def test_a_second_read_comes_from_the_blocks_in_few_queries(
    perspective: Any, django_assert_max_num_queries: Any
) -> None:
    first = load_ballots(perspective, 3, today=TODAY)
    # Questions, the day counters, blocks, today's rows: nothing grows with the number of days
    # or of responses.
    with django_assert_max_num_queries(4):
        second = load_ballots(perspective, 3, today=TODAY)

    assert _rows(second) == _rows(first)


def test_a_response_dated_back_after_packing_rebuilds_its_day(perspective: Any) -> None:
    load_ballots(perspective, 3, today=TODAY)
    day = TODAY - datetime.timedelta(days=3)
    _store(perspective, day, [[9, 8, 7] for _q in perspective.questions.all()])

    ballots = load_ballots(perspective, 3, today=TODAY)

    assert _rows(ballots) == _expected(perspective)
    assert BallotBlock.objects.get(day=day).respondents == 2


def test_a_response_replaced_by_another_on_the_same_day_rebuilds_its_day(perspective: Any) -> None:
    """The day's count is what it was; its change number is not."""
    load_ballots(perspective, 3, today=TODAY)
    day = TODAY - datetime.timedelta(days=3)
    Response.objects.filter(mapping_perspective=perspective, submitted_on=day).delete()
    _store(perspective, day, [[7, 7, 7] for _q in perspective.questions.all()])

    ballots = load_ballots(perspective, 3, today=TODAY)

    assert _rows(ballots) == _expected(perspective)
    assert BallotBlock.objects.get(day=day).respondents == 1


def test_a_deleted_response_leaves_no_trace_in_the_blocks(perspective: Any) -> None:
    load_ballots(perspective, 3, today=TODAY)
    day = TODAY - datetime.timedelta(days=2)
    Response.objects.filter(pk=Response.objects.filter(submitted_on=day).values("pk")[:1]).delete()

    ballots = load_ballots(perspective, 3, today=TODAY)

    assert _rows(ballots) == _expected(perspective)
    assert ballots.respondents == 5


def test_a_day_with_every_response_deleted_loses_its_block(perspective: Any) -> None:
    load_ballots(perspective, 3, today=TODAY)
    day = TODAY - datetime.timedelta(days=1)
    Response.objects.filter(mapping_perspective=perspective, submitted_on=day).delete()

    ballots = load_ballots(perspective, 3, today=TODAY)

    assert _rows(ballots) == _expected(perspective)
    assert not BallotBlock.objects.filter(day=day).exists()


def test_a_block_keeps_the_order_of_content_not_the_order_of_answering(perspective: Any) -> None:
    day = TODAY - datetime.timedelta(days=5)
    # Answered in descending order of content.
    for i in reversed(range(6)):
        _store(perspective, day, [[i, i + 1, i + 2] for _q in perspective.questions.all()])
    load_ballots(perspective, 3, today=TODAY)

    block = BallotBlock.objects.get(day=day)
    # Positions below 256: a byte per pick; by column, so the first column is every
    # response's first pick.
    first_picks = np.frombuffer(bytes(block.picks), dtype="u1").reshape(-1, 6)[0]
    assert first_picks.tolist() == list(range(6))


def test_the_arrays_are_the_same_before_and_after_their_day_is_packed(perspective: Any) -> None:
    """Seeded computations downstream (bootstrap intervals) must not move at midnight."""
    unit = Unit.objects.get(code="A")
    for i in (5, 1, 4, 1, 3):
        _store(perspective, TODAY, [[i, 9 - i, 2] for _q in perspective.questions.all()], unit)
    today = load_ballots(perspective, 3, today=TODAY)

    tomorrow = load_ballots(perspective, 3, today=TODAY + datetime.timedelta(days=1))

    assert BallotBlock.objects.filter(day=TODAY).exists()
    assert np.array_equal(today.by_question, tomorrow.by_question)
    assert np.array_equal(today.units, tomorrow.units)


def test_an_empty_perspective_loads_as_empty_arrays(make_mapping: Any) -> None:
    mp = make_mapping(["medarbetare"]).perspectives.get()

    ballots = load_ballots(mp, 3, today=TODAY)

    assert ballots.respondents == 0
    assert ballots.picks.shape == (0, mp.questions.count(), 3)
    assert not BallotBlock.objects.exists()


def test_each_question_is_one_contiguous_column_major_matrix(perspective: Any) -> None:
    load_ballots(perspective, 3, today=TODAY)
    ballots = load_ballots(perspective, 3, today=TODAY)

    assert ballots.by_question.flags.c_contiguous
    assert ballots.by_question.shape == (len(ballots.questions), 3, ballots.respondents)
    for index in range(len(ballots.questions)):
        matrix = ballots.question_picks(index)
        assert matrix.flags.f_contiguous
        assert np.array_equal(matrix, ballots.picks[:, index, :])
    assert _rows(ballots) == _expected(perspective)


def test_the_first_read_after_midnight_packs_only_the_day_that_ended(perspective: Any) -> None:
    load_ballots(perspective, 3, today=TODAY)
    built = dict(BallotBlock.objects.values_list("day", "pk"))

    ballots = load_ballots(perspective, 3, today=TODAY + datetime.timedelta(days=1))

    now = dict(BallotBlock.objects.values_list("day", "pk"))
    assert {day: now[day] for day in built} == built
    assert set(now) - set(built) == {TODAY}
    assert _rows(ballots) == _expected(perspective)


def test_a_block_keeps_a_byte_per_pick_unless_a_position_needs_two(perspective: Any) -> None:
    far = TODAY - datetime.timedelta(days=6)
    _store(perspective, far, [[300, 2, 1] for _q in perspective.questions.all()])
    questions = perspective.questions.count()

    ballots = load_ballots(perspective, 3, today=TODAY)

    widths = {
        block.day: len(bytes(block.picks)) // (block.respondents * questions * 3)
        for block in BallotBlock.objects.all()
    }
    assert widths.pop(far) == 2
    assert set(widths.values()) == {1}
    assert _rows(ballots) == _expected(perspective)
    assert _rows(load_ballots(perspective, 3, today=TODAY)) == _expected(perspective)


@given(
    units=arrays(
        np.int64,
        st.integers(0, 2000),
        elements=st.one_of(st.just(NO_UNIT), st.integers(1, 2**40), st.integers(1, 70_000)),
    )
)
def test_unit_ids_survive_packing_however_many_and_large(units: np.ndarray) -> None:
    unpacked = unpack_units(pack_units(units), len(units))

    assert unpacked.dtype == np.int64
    assert np.array_equal(unpacked, units)


def test_a_block_keeps_a_byte_per_unit_for_a_unit_tree(perspective: Any) -> None:
    load_ballots(perspective, 3, today=TODAY)

    block = BallotBlock.objects.get(day=TODAY - datetime.timedelta(days=2))
    # Two distinct ids (the unit and none): a count, two int64 ids, a byte per response.
    assert len(bytes(block.units)) == 4 + 2 * 8 + block.respondents
