"""The database keeps ResponseCount by itself (migration 0006's triggers): whatever writes the
responses, the sums per perspective and day must equal a count of the responses, and the change
number of a day must move with every write to it."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kartbild.mappings.models import Mapping, Response, ResponseCount

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 20)


def _response(mp: Any, day: datetime.date) -> Response:
    picks = np.zeros((mp.questions.count(), 3), dtype="<u2")
    return Response(mapping_perspective=mp, submitted_on=day, picks=picks.tobytes())


def _counted(mp: Any) -> dict[datetime.date, int]:
    """The counters' sums per day, days with no responses left out."""
    sums = (
        ResponseCount.objects.filter(mapping_perspective=mp)
        .values_list("day")
        .annotate(n=Sum("responses"))
    )
    return {day: n for day, n in sums if n}


def _changes(mp: Any, day: datetime.date) -> int:
    total = ResponseCount.objects.filter(mapping_perspective=mp, day=day).aggregate(
        c=Sum("changes")
    )["c"]
    return int(total or 0)


def _actual(mp: Any) -> dict[datetime.date, int]:
    return dict(
        Counter(
            Response.objects.filter(mapping_perspective=mp).values_list("submitted_on", flat=True)
        )
    )


@pytest.fixture
def perspective(make_mapping: Any) -> Any:
    return make_mapping(["medarbetare"]).perspectives.get()


def test_every_way_of_storing_a_response_is_counted(perspective: Any) -> None:
    _response(perspective, DAY).save()
    Response.objects.bulk_create(
        [_response(perspective, DAY - datetime.timedelta(days=d)) for d in (0, 1, 1, 2)]
    )
    with connection.cursor() as cursor:
        row = _response(perspective, DAY)
        cursor.execute(
            f"INSERT INTO {Response._meta.db_table} "
            "(id, mapping_perspective_id, unit_id, age_band, tenure_band, district, "
            "submitted_on, picks) VALUES (%s, %s, NULL, '', '', '', %s, %s)",
            [row.id.hex, perspective.pk, DAY, bytes(row.picks)],
        )

    assert (
        _counted(perspective)
        == _actual(perspective)
        == {
            DAY: 3,
            DAY - datetime.timedelta(days=1): 2,
            DAY - datetime.timedelta(days=2): 1,
        }
    )


def test_deletes_and_updates_are_counted_and_every_write_moves_the_change_number(
    perspective: Any,
) -> None:
    Response.objects.bulk_create([_response(perspective, DAY) for _ in range(4)])
    before = _changes(perspective, DAY)

    Response.objects.filter(pk__in=Response.objects.values("pk")[:1]).delete()
    after_delete = _changes(perspective, DAY)
    moved = Response.objects.filter(pk__in=Response.objects.values("pk")[:2])
    moved.update(submitted_on=DAY - datetime.timedelta(days=7))
    after_update = _changes(perspective, DAY)
    # An update that leaves the day as it was (here: the district) still changes the day's rows.
    Response.objects.filter(submitted_on=DAY).update(district="Norr")

    assert _counted(perspective) == _actual(perspective)
    assert before < after_delete < after_update < _changes(perspective, DAY)


def test_a_day_whose_responses_are_all_deleted_counts_none(perspective: Any) -> None:
    Response.objects.bulk_create([_response(perspective, DAY) for _ in range(3)])

    Response.objects.filter(mapping_perspective=perspective).delete()

    assert _counted(perspective) == {}
    assert _changes(perspective, DAY) == 6


@pytest.mark.django_db(transaction=True)
def test_deleting_a_mapping_deletes_its_counts_and_commits(make_mapping: Any) -> None:
    """The counts may be deleted before the responses in the cascade; the delete trigger must not
    create them again (PostgreSQL would refuse the commit: they would point at nothing)."""
    mapping = make_mapping(["medarbetare", "medborgare"])
    for mp in mapping.perspectives.all():
        Response.objects.bulk_create([_response(mp, DAY) for _ in range(3)])
    assert ResponseCount.objects.exists()

    Mapping.objects.get(pk=mapping.pk).delete()

    assert not ResponseCount.objects.exists()
    assert not Response.objects.exists()


# Each step: (day offset 0–3, +1 stores a response that day, -1 deletes one if there is one,
# 0 moves one to the next day).
_steps = st.lists(st.tuples(st.integers(0, 3), st.sampled_from([1, 1, -1, 0])), max_size=25)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_steps)
def test_any_sequence_of_writes_leaves_exact_counts(perspective: Any, steps: Any) -> None:
    Response.objects.all().delete()
    for offset, kind in steps:
        day = DAY - datetime.timedelta(days=offset)
        if kind == 1:
            _response(perspective, day).save()
            continue
        one = Response.objects.filter(submitted_on=day).values("pk")[:1]
        if kind == -1:
            Response.objects.filter(pk__in=one).delete()
        else:
            Response.objects.filter(pk__in=one).update(
                submitted_on=day + datetime.timedelta(days=1)
            )

        assert _counted(perspective) == _actual(perspective)
    assert _counted(perspective) == _actual(perspective)


def test_the_triggers_exist_on_the_response_table() -> None:
    """A later migration that rebuilds the response table on SQLite drops its triggers."""
    if connection.vendor == "postgresql":
        query = (
            "SELECT DISTINCT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
            "AND NOT tgisinternal"
        )
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
    with connection.cursor() as cursor:
        cursor.execute(query, [Response._meta.db_table])
        names = {name for (name,) in cursor.fetchall()}

    assert names == {
        "mappings_response_inserted",
        "mappings_response_deleted",
        "mappings_response_updated",
    }
