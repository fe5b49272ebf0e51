"""A live workshop under load: 200 simulated participants vote against the real server.

The server is how Kartbild is deployed: gunicorn (gthread workers) serving kartbild.wsgi, here
on loopback over an SQLite file (WAL) in a temporary folder. A setup process
(`python -m bench.bench_live setup DATABASE_URL`) migrates it, plans and opens one session with
statements on the statements step, and signs a facilitator in.

Then, from this process:
- 200 participants each join the way a phone does (GET the page, POST "join" with the CSRF
  token, follow the redirect) and vote on two sets of statements: paced (each reads for a few
  seconds before voting) and in a burst (all 200 at once per statement, behind a barrier). A
  vote's answer is the page with the next statement, so a vote is one request;
- a projector polls the projector fragment every PROJECTOR_POLL seconds, as projector.html does,
  and reads the vote count it shows.

Measured: the time a vote takes (POST), the time the projector fragment takes under that load,
and the delay from a vote's POST returning to the first projector update that shows it (which
includes waiting for the next poll). Afterwards the opinion-groups fragment is timed on the
200 × statements vote matrix, computed and from the stored result.

The client runs in this process on the same two cores as the server, so the figures are an upper
bound for a server with the machine to itself.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "200"))
# Statements per phase: the paced phase votes on the first ten, the burst on the next ten.
STATEMENTS = 10
PACED = "paced"
BURST = "burst"
# In the paced phase each participant waits this long (uniformly drawn) before each vote.
READING_SECONDS = (2.0, 6.0)
# How often a phone's script asks whether the room moved on while it has a statement to answer
# (kartbild/workshops/participate.py POLL_BUSY_MS), and over how many connections the bench
# sends those requests.
POLL_BUSY_MS = 10_000
STATE_CONNECTIONS = 4
# projector.html polls its fragment this often (static/workshops/poll.js).
PROJECTOR_POLL = 0.5
# gunicorn: two processes, as many as the machine has cores, each with threads for the requests
# that wait on the database.
WORKERS = 2
THREADS = 8
# Set to a number of workers to also run the two phases against a throwaway PostgreSQL with
# that many gunicorn workers (bench/postgres.py; needs root), reported below the SQLite figures.
POSTGRES_WORKERS = int(os.environ.get("BENCH_LIVE_POSTGRES_WORKERS", "0"))
HOST = "127.0.0.1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VOTE_COUNT = re.compile(r'id="vote-count">(\d+)')
ROOT = Path(__file__).resolve().parent.parent


def _environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            # TESTING serves static files without a collectstatic manifest and keeps cookies
            # usable over plain HTTP on loopback; everything else is the production setup.
            "TESTING": "1",
            "DEBUG": "0",
            "SECRET_KEY": "bench-live-not-secret",
            "SITE_URL": "http://127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "kartbild.settings",
            "LOG_LEVEL": "ERROR",
            # WhiteNoise warns that there is no collectstatic folder; TESTING serves from the apps.
            "PYTHONWARNINGS": "ignore::UserWarning",
        }
    )
    return env


def setup(database_url: str) -> dict[str, Any]:
    """Runs in its own process: migrate, plan and open a session, sign the facilitator in."""
    import datetime

    import django

    os.environ.update(_environment(database_url))
    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from kartbild.accounts.models import Membership
    from kartbild.organisations.models import Organisation
    from kartbild.workshops import actions
    from kartbild.workshops.models import Workshop

    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(
        name="Benchkommun", slug="bench", kind="kommun", code="9999"
    )
    leaders = []
    for name in ("ledare1", "ledare2"):
        user = get_user_model().objects.create_user(username=name, password="bench-password-1")
        Membership.objects.create(user=user, organisation=organisation, role="facilitator")
        leaders.append(user)
    workshop = Workshop.objects.create(organisation=organisation, name="Dialog")
    session = actions.plan_session(
        workshop,
        on=datetime.date(2026, 11, 23),
        start_time=datetime.time(9),
        facilitators=leaders,
    )
    actions.open_session(session)
    statements = [
        actions.add_statement(session, f"Påstående nummer {number}").pk
        for number in range(2 * STATEMENTS)
    ]
    actions.set_step(session, "statements")
    store = SessionStore()
    store[SESSION_KEY] = str(leaders[0].pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = leaders[0].get_session_auth_hash()
    store.create()
    return {
        "code": session.join_code,
        "session": session.pk,
        "statements": statements,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}",
    }


def set_step(database_url: str, session_id: int, step: str) -> None:
    """Move the session to a step; "forget" drops the stored opinion groups instead, so that the
    next projector request computes them again."""
    import django

    os.environ.update(_environment(database_url))
    django.setup()
    from kartbild.workshops import actions
    from kartbild.workshops.models import WorkshopSession

    if step == "forget":
        WorkshopSession.objects.filter(pk=session_id).update(opinion_state={})
    else:
        actions.set_step(WorkshopSession.objects.get(pk=session_id), step)


@dataclass
class Browser:
    """One client with its own connection and cookies, like one phone."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict[str, Any] | None = None) -> str:
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode()
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status}")
            return text
        raise AssertionError("unreachable")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _load(port: int, state: dict[str, Any]) -> dict[str, Any]:
    code, statements = state["code"], state["statements"]
    room = f"/w/{code}/"
    projector_path = f"/o/bench/dialog/tillfalle/{state['session']}/projektor/lage/"
    phones = [Browser(port) for _ in range(PARTICIPANTS)]
    tokens: list[str] = [""] * PARTICIPANTS

    def join(index: int) -> None:
        page = phones[index].request("GET", room)
        token = CSRF.search(page)
        assert token is not None
        phones[index].request("POST", room, {"csrfmiddlewaretoken": token.group(1), "do": "join"})
        page = phones[index].request("GET", room)
        token = CSRF.search(page)
        assert token is not None
        tokens[index] = token.group(1)

    started = time.perf_counter()
    _together(join)
    join_seconds = time.perf_counter() - started

    # The projector: one signed-in browser polling the fragment.
    projector = Browser(port)
    name, value = state["cookie"].split("=", 1)
    projector.cookies[name] = value
    shown: list[tuple[float, float, int]] = []  # (poll sent, answer received, count shown)
    stop = threading.Event()
    lock = threading.Lock()

    def poll() -> None:
        while not stop.is_set():
            sent = time.perf_counter()
            match = VOTE_COUNT.search(projector.request("GET", projector_path))
            received = time.perf_counter()
            assert match is not None
            shown.append((sent, received, int(match.group(1))))
            stop.wait(max(0.0, PROJECTOR_POLL - (received - sent)))

    # The phones' own scripts ask whether the room moved on: 200 phones with a statement in
    # front of them, each every POLL_BUSY_MS (participate.py), spread over a few connections.
    state_path = f"/w/{code}/lage.json"
    state_seconds: list[float] = []
    rate = PARTICIPANTS / (POLL_BUSY_MS / 1000)

    def phone_scripts(offset: int) -> None:
        browser = Browser(port)
        interval = STATE_CONNECTIONS / rate
        next_at = time.perf_counter() + offset * interval / STATE_CONNECTIONS
        while not stop.is_set():
            stop.wait(max(0.0, next_at - time.perf_counter()))
            sent = time.perf_counter()
            browser.request("GET", state_path)
            with lock:
                state_seconds.append(time.perf_counter() - sent)
            next_at += interval

    poller = threading.Thread(target=poll)
    poller.start()
    scripts = [threading.Thread(target=phone_scripts, args=(i,)) for i in range(STATE_CONNECTIONS)]
    for thread in scripts:
        thread.start()

    done: list[tuple[float, str]] = []  # when each vote's POST returned, and in which phase
    vote_seconds: dict[str, list[float]] = {PACED: [], BURST: []}
    phase_seconds: dict[str, float] = {}
    barrier = threading.Barrier(PARTICIPANTS)

    def cast(index: int, position: int, statement: int, phase: str) -> None:
        sent = time.perf_counter()
        phones[index].request(
            "POST",
            room,
            {
                "csrfmiddlewaretoken": tokens[index],
                "do": "vote",
                "statement": statement,
                "choice": 1 if (index + position) % 3 else -1,
            },
        )
        returned = time.perf_counter()
        with lock:
            done.append((returned, phase))
            vote_seconds[phase].append(returned - sent)

    def paced(index: int) -> None:
        # Reading a statement and making up one's mind takes a few seconds.
        pause = random.Random(index)
        for position, statement in enumerate(statements[:STATEMENTS]):
            time.sleep(pause.uniform(*READING_SECONDS))
            cast(index, position, statement, PACED)

    def burst(index: int) -> None:
        for position, statement in enumerate(statements[STATEMENTS:]):
            barrier.wait()
            cast(index, position, statement, BURST)

    for phase, target in ((PACED, paced), (BURST, burst)):
        started = time.perf_counter()
        _together(target)
        phase_seconds[phase] = time.perf_counter() - started
    time.sleep(2 * PROJECTOR_POLL + 0.5)
    stop.set()
    poller.join()
    for thread in scripts:
        thread.join()

    # A vote is on the projector at the first poll sent after its POST returned that shows at
    # least as many votes as had returned by then.
    done.sort()
    delays: dict[str, list[float]] = {PACED: [], BURST: []}
    for rank, (returned, phase) in enumerate(done, start=1):
        seen = next(
            (received for sent, received, count in shown if sent >= returned and count >= rank),
            None,
        )
        if seen is None:
            raise RuntimeError("a vote never reached the projector")
        delays[phase].append(seen - returned)
    expected = PARTICIPANTS * len(statements)
    if shown[-1][2] != expected:
        raise RuntimeError(f"the projector shows {shown[-1][2]} votes, not {expected}")
    for browser in [*phones, projector]:
        if browser.connection is not None:
            browser.connection.close()
    return {
        "join_seconds": join_seconds,
        "phase_seconds": phase_seconds,
        "vote_seconds": vote_seconds,
        "fragment_seconds": [received - sent for sent, received, _count in shown],
        "state_seconds": state_seconds,
        "delays": delays,
    }


def _together(target: Any) -> None:
    """Run target(index) for every participant at once, each in its own thread."""
    threads = [threading.Thread(target=target, args=(i,)) for i in range(PARTICIPANTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _groups(port: int, state: dict[str, Any], database_url: str) -> tuple[float, float]:
    """The projector's opinion-groups fragment: computed (median of a few, after one request
    that warms the worker's imports), then served from the stored result."""
    _run_step(database_url, state["session"], "groups")
    projector = Browser(port)
    name, value = state["cookie"].split("=", 1)
    projector.cookies[name] = value
    path = f"/o/bench/dialog/tillfalle/{state['session']}/projektor/lage/"

    def timed_get() -> tuple[float, str]:
        started = time.perf_counter()
        page = projector.request("GET", path)
        return time.perf_counter() - started, page

    for _warm_up in range(WORKERS):
        _run_step(database_url, state["session"], "forget")
        _seconds, page = timed_get()
        if "Grupp A" not in page:
            raise RuntimeError("no opinion groups were shown")
    computed = []
    for _ in range(4):
        _run_step(database_url, state["session"], "forget")
        computed.append(timed_get()[0])
    cached = [timed_get()[0] for _ in range(5)]
    return statistics.median(computed), statistics.median(cached)


def _run_step(database_url: str, session_id: int, step: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "bench.bench_live", "step", database_url, str(session_id), step],
        check=True,
        cwd=ROOT,
        env=_environment(database_url),
    )


def measure(
    database_url: str | None = None, workers: int = WORKERS, groups: bool = True
) -> dict[str, Any]:
    """The run over an SQLite file (or the given database), with opinion groups timed after."""
    folder = Path(tempfile.mkdtemp(prefix="kartbild-bench-live-"))
    database_url = database_url or f"sqlite:///{folder / 'live.sqlite3'}"
    server: subprocess.Popen[bytes] | None = None
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.bench_live", "setup", database_url],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=_environment(database_url),
        )
        state = json.loads(completed.stdout)
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kartbild.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(THREADS),
                "--worker-class",
                "gthread",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=_environment(database_url),
        )
        _wait_for(port, server)
        result = _load(port, state)
        if groups:
            result["groups_first"], result["groups_cached"] = _groups(port, state, database_url)
        return result
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms".replace(",", " ")


def run() -> str:
    load_before = os.getloadavg()[0]
    result = measure()
    lines = [
        "## Live workshop: 200 participants voting at once",
        "",
        f"`bench/bench_live.py`: {PARTICIPANTS} simulated participants join one session, "
        f"against gunicorn ({WORKERS} workers × {THREADS} threads) on loopback over SQLite; a "
        f"projector polls its fragment every {PROJECTOR_POLL:g} s, as the projector page does. "
        f"Two phases of {STATEMENTS} statements each: *paced*, every participant reads each "
        f"statement for {READING_SECONDS[0]:g}–{READING_SECONDS[1]:g} s before voting (a room "
        f"voting together); *burst*, all {PARTICIPANTS} vote on the same statement at the same "
        "instant, statement after statement (the worst case). The delay to the projector runs "
        "from a vote's POST returning to the first projector update that shows it, waiting for "
        "the next poll included. Throughout, the phones' scripts ask whether the room moved on, "
        f"{PARTICIPANTS / (POLL_BUSY_MS / 1000):.0f} requests a second. The client shares the machine's two cores with the server "
        f"(load average {load_before:.1f} when the run started: other work was running too).",
        "",
        f"- {PARTICIPANTS} joined in {result['join_seconds']:.1f} s.",
    ]
    for phase in (PACED, BURST):
        votes = len(result["vote_seconds"][phase])
        delays = result["delays"][phase]
        within = sum(1 for delay in delays if delay <= 1.0) / len(delays)
        lines.append(
            f"- {phase}: {votes} votes in {result['phase_seconds'][phase]:.1f} s "
            f"({votes / result['phase_seconds'][phase]:.0f} votes/s); {within:.1%} on the "
            "projector within one second."
        )
    lines += [
        f"- Opinion groups of {PARTICIPANTS} participants × {2 * STATEMENTS} statements on the "
        f"projector: {_ms(result['groups_first'])} when computed, "
        f"{_ms(result['groups_cached'])} from the stored result.",
        "",
        "| | median | 95th percentile | max |",
        "|---|---:|---:|---:|",
    ]
    rows = [
        *((f"vote (POST), {phase}", result["vote_seconds"][phase]) for phase in (PACED, BURST)),
        ("projector fragment (GET), whole run", result["fragment_seconds"]),
        ("phone script's state (GET), whole run", result["state_seconds"]),
        *(
            (f"vote → on the projector, {phase}", result["delays"][phase])
            for phase in (PACED, BURST)
        ),
    ]
    lines += [
        f"| {name} | {_ms(statistics.median(values))} | {_ms(percentile(values, 0.95))} "
        f"| {_ms(max(values))} |"
        for name, values in rows
    ]
    if POSTGRES_WORKERS:
        lines += ["", *_on_postgresql()]
    return "\n".join(lines)


def _on_postgresql() -> list[str]:
    """The same two phases against PostgreSQL with more workers (BENCH_LIVE_POSTGRES_WORKERS)."""
    from bench import postgres

    reason = postgres.unavailable()
    if reason:
        return [f"PostgreSQL was not measured: {reason}."]
    load = os.getloadavg()[0]
    with postgres.throwaway_postgres() as database_url:
        result = measure(database_url, workers=POSTGRES_WORKERS, groups=False)
    lines = [
        f"The same run against a throwaway PostgreSQL on loopback, gunicorn {POSTGRES_WORKERS} "
        f"workers × {THREADS} threads (load average {load:.1f} when it started):",
        "",
        "| | votes/s | vote (POST) median / p95 | on the projector within 1 s | vote → projector "
        "p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for phase in (PACED, BURST):
        votes, delays = result["vote_seconds"][phase], result["delays"][phase]
        within = sum(1 for delay in delays if delay <= 1.0) / len(delays)
        lines.append(
            f"| {phase} | {len(votes) / result['phase_seconds'][phase]:.0f} "
            f"| {_ms(statistics.median(votes))} / {_ms(percentile(votes, 0.95))} "
            f"| {within:.1%} | {_ms(percentile(delays, 0.95))} |"
        )
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        print(json.dumps(setup(sys.argv[2])))
    elif sys.argv[1:2] == ["step"]:
        set_step(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        print(run())
