"""One submission per code, even when the same code is posted from many clients at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kartbild.mappings import actions
from kartbild.mappings.models import Response

CLIENTS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_clients_posting_one_code_store_one_response(make_mapping: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite's in-memory test database is not shared between threads; .ci/run runs this on PostgreSQL"
        )
    mapping = make_mapping(("medarbetare",))
    mp = mapping.perspectives.get()
    code = actions.generate_codes(mp, None, 1).codes.get()
    key = Client().post(reverse("mappings:code"), {"code": code.code})["Location"].split("/")[2]
    for step in range(1, mp.questions.count() + 1):
        Client().post(
            reverse("mappings:step", args=[key, step]), {"value": ["tillit", "mod", "ansvar"]}
        )
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []

    def post() -> None:
        client = Client()
        barrier.wait()
        try:
            statuses.append(
                client.post(reverse("mappings:submit", args=[key]), {"send": "1"}).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Response.objects.count() == 1
    assert statuses.count(302) == 1
    assert len(statuses) == CLIENTS
