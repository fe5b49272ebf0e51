"""The submission's database work: what it reads, and how its counters commit (bench/bench_load.py
measures it under load)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kartbild.mappings import protection
from kartbild.mappings.models import RateCounter, Response


def _ready_to_submit(client: Any, make_mapping: Any) -> str:
    mp = make_mapping(("medborgare",)).perspectives.get()
    key = client.post(reverse("mappings:start", args=[mp.token]))["Location"].split("/")[2]
    for step in range(1, mp.questions.count() + 1):
        client.post(
            reverse("mappings:step", args=[key, step]),
            {"value": ["tillit", "mod", "ansvar"], "next": "1"},
        )
    return str(key)


@pytest.mark.django_db
def test_a_submission_reads_the_catalogue_questions_and_units_once(
    client: Any, make_mapping: Any
) -> None:
    key = _ready_to_submit(client, make_mapping)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("mappings:submit", args=[key]), {"send": "1"})
    assert response.status_code == 302 and Response.objects.count() == 1
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    for table in ("catalogue_value", "mappings_question", "organisations_unit"):
        assert sum(f'FROM "{table}"' in sql for sql in reads) == 1, table


@pytest.mark.django_db
def test_a_counter_is_created_by_the_first_event_and_counted_on_by_the_next() -> None:
    ends = timezone.now() + datetime.timedelta(minutes=10)
    assert protection._increment("a-key", ends) == 1
    assert protection._increment("a-key", ends) == 2
    assert protection._increment("another-key", ends) == 1
    assert RateCounter.objects.get(key="a-key").count == 2


@pytest.mark.django_db
def test_a_new_counter_forgets_the_ended_ones() -> None:
    RateCounter.objects.create(
        key="ended", count=5, expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    protection._increment("new", timezone.now() + datetime.timedelta(minutes=10))
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_counters_alone_do_not_wait_for_the_disk_but_a_callers_transaction_does() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's; .ci/run runs this on PostgreSQL")
    # The session starts durable whatever the server's default (CI's throwaway cluster runs
    # with synchronous_commit off for speed).
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on")
    try:
        with protection._counting():
            assert _synchronous_commit() == "off"
        assert _synchronous_commit() == "on"
        with transaction.atomic(), protection._counting():
            # Inside a caller's transaction the counters commit with it, durably.
            assert _synchronous_commit() == "on"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
