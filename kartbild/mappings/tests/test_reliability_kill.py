"""A real server process (gunicorn, two workers) killed with SIGKILL in the middle of a stream of
submissions: no partial response is left, and every submission that got the thank-you page is in
the database.

Clients answer through the open link over HTTP, like browsers (CSRF cookie and all), with an
answer to the open question. A draft is deleted in the same transaction that stores the response
and its open answer, so after the kill: responses = open answers = drafts that are gone, and every
acknowledged submission is among them (lost = acknowledged - stored must be 0)."""

from __future__ import annotations

import http.cookiejar
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from kartbild.mappings.models import Draft, OpenAnswer, Response

ROOT = Path(__file__).resolve().parents[3]
# Respondents sending at once: more than the server's 8 threads, so requests queue and some are
# always in flight.
CLIENTS = 12
# Each round starts a server, streams submissions and kills it once this many are acknowledged,
# plus a random delay, so that the kill falls anywhere in a request, transaction or commit.
ROUNDS = 3
KILL_AFTER = 25
MAX_KILL_DELAY = 0.3
SERVER_START_SECONDS = 60
PICKS = ["tillit", "mod", "ansvar"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Browser:
    """Just enough of a browser: cookies, Django's CSRF token, no automatic redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int, str]:
        body = None
        if data is not None:
            token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
            body = urllib.parse.urlencode([*data, ("csrfmiddlewaretoken", token or "")]).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")


@dataclass
class Stream:
    sent: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def start_server(port: int) -> subprocess.Popen[bytes]:
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TESTING": "1",
        "DEBUG": "0",
        "RESPONSE_MIN_SECONDS": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "kartbild.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group, so that one SIGKILL takes the master and the workers at once.
        start_new_session=True,
    )
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            if Browser(f"http://127.0.0.1:{port}").request(reverse("mappings:code"))[0] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            pytest.fail("the server did not start")
        time.sleep(0.2)


def answer_until_killed(
    base: str, mp: Any, questions: int, stream: Stream, killed: threading.Event
) -> None:
    while not killed.is_set():
        browser = Browser(base)
        try:
            browser.request(reverse("mappings:start", args=[mp.token]))
            status, location = browser.request(reverse("mappings:start", args=[mp.token]), [])
            if status != 302:
                continue
            key = location.split("/")[2]
            for step in range(1, questions + 1):
                browser.request(
                    reverse("mappings:step", args=[key, step]),
                    [("value", value) for value in PICKS] + [("next", "1")],
                )
            browser.request(reverse("mappings:background", args=[key]), [("open_answer", key)])
            with stream.lock:
                stream.sent.append(key)
            status, location = browser.request(
                reverse("mappings:submit", args=[key]), [("send", "1")]
            )
            if status == 302 and location == reverse("mappings:thanks"):
                with stream.lock:
                    stream.acknowledged.append(key)
        except OSError:
            # The server is gone: whatever was in flight is not acknowledged.
            continue


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_server_killed_mid_stream_loses_no_acknowledged_answer(
    make_mapping: Any, capsys: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): the server process must share the test "
            "database, which SQLite keeps in memory; .ci/run runs this on PostgreSQL"
        )
    mapping = make_mapping(("medborgare",), open_question="Vad behöver förändras?")
    mp = mapping.perspectives.get()
    questions = mp.questions.count()
    stream = Stream()
    delays = random.Random(ROUNDS)
    for round_number in range(ROUNDS):
        port = free_port()
        server = start_server(port)
        killed = threading.Event()
        target = (round_number + 1) * KILL_AFTER
        threads = [
            threading.Thread(
                target=answer_until_killed,
                args=(f"http://127.0.0.1:{port}", mp, questions, stream, killed),
            )
            for _ in range(CLIENTS)
        ]
        try:
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 300
            while len(stream.acknowledged) < target and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(delays.uniform(0, MAX_KILL_DELAY))
            os.killpg(server.pid, signal.SIGKILL)
        finally:
            killed.set()
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            for thread in threads:
                thread.join()

    sent, acknowledged = stream.sent, stream.acknowledged
    stored = Response.objects.filter(mapping_perspective=mp).count()
    drafts_left = set(Draft.objects.values_list("key", flat=True))
    assert len(acknowledged) >= ROUNDS * KILL_AFTER
    gone = [key for key in sent if key not in drafts_left]
    lost = [key for key in acknowledged if key in drafts_left]
    assert lost == []
    # Atomic: each draft that is gone became exactly one response with its open answer, and
    # nothing else was stored.
    assert stored == len(gone)
    assert sorted(OpenAnswer.objects.values_list("text", flat=True)) == sorted(gone)
    assert len(acknowledged) <= stored <= len(sent)
    expected_bytes = questions * mapping.picks * 2
    assert all(
        len(bytes(picks)) == expected_bytes
        for picks in Response.objects.values_list("picks", flat=True)
    )
    with capsys.disabled():
        sys.stdout.write(
            f"\n[reliability] SIGKILL x{ROUNDS} mid-stream: sent {len(sent)}, acknowledged "
            f"{len(acknowledged)}, stored {stored} (of which {stored - len(acknowledged)} "
            f"committed while the reply was lost), lost {len(lost)}\n"
        )
