"""Fifty clients that all hold the same invitation code and submit at the same moment: exactly one
response is stored (PostgreSQL; the SQLite test database is not shared between threads)."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kartbild.mappings import actions
from kartbild.mappings.models import Draft, InvitationCode, OpenAnswer, Response

CLIENTS = 50
PICKS = ["tillit", "mod", "ansvar"]


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): SQLite's in-memory test database is not "
            "shared between threads; .ci/run runs this on PostgreSQL"
        )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_clients_submitting_one_code_at_once_store_one_response(
    make_mapping: Any, capsys: Any
) -> None:
    require_postgresql()
    mapping = make_mapping(("medarbetare",), open_question="Vad behöver förändras?")
    mp = mapping.perspectives.get()
    code = actions.generate_codes(mp, None, 1).codes.get()
    questions = mp.questions.count()
    ready = threading.Barrier(CLIENTS)
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def respondent(number: int) -> None:
        client = Client()
        try:
            # Every client enters the code and answers: they all continue the code's one draft.
            entered = client.post(reverse("mappings:code"), {"code": code.code})
            key = entered["Location"].split("/")[2]
            for step in range(1, questions + 1):
                client.post(reverse("mappings:step", args=[key, step]), {"value": PICKS})
            client.post(
                reverse("mappings:background", args=[key]), {"open_answer": f"Svar {number}"}
            )
            ready.wait(timeout=60)
            sent = client.post(reverse("mappings:submit", args=[key]), {"send": "1"})
            with lock:
                outcomes.append((sent.status_code, sent.get("Location", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=respondent, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    acknowledged = [o for o in outcomes if o == (302, reverse("mappings:thanks"))]
    assert len(outcomes) == CLIENTS
    assert len(acknowledged) == 1
    # The others are refused: the code is spent (400), or the draft is already gone (404).
    refused = [status for status, location in outcomes if location != reverse("mappings:thanks")]
    assert set(refused) <= {400, 404}
    assert Response.objects.count() == 1
    assert OpenAnswer.objects.count() == 1
    assert InvitationCode.objects.get().used
    assert not Draft.objects.exists()
    with capsys.disabled():
        sys.stdout.write(
            f"\n[reliability] one code, {CLIENTS} simultaneous submissions: "
            f"acknowledged {len(acknowledged)}, stored {Response.objects.count()}, refused "
            f"{refused.count(400)} with 400 and {refused.count(404)} with 404\n"
        )
