"""Two application processes, one database: what a request to one process changes, a request to
the other sees. This is what lets Kartbild grow by adding processes (or machines) behind the
reverse proxy (docs/deploy.md): sessions, live workshops, the kartbild's caches and the rate
limits all live in the database, none in a process's memory.

Two gunicorn servers run the real application on two ports against one database: a file
SQLite database, or a database of its own on the PostgreSQL server the suite runs against. A
browser here is a cookie jar that sends its requests to either process, as a browser behind a
load balancer does (browsers do not keep cookies per port). Every wait is a poll with a deadline.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
HOST = "127.0.0.1"
ORGANISATION = "delad"
PASSWORD = "two-processes-password-1"
# The anonymity gate shows a perspective from five respondents on; start above it.
RESPONSES = 6
DEADLINE_SECONDS = 20.0
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RESPONDENTS = re.compile(r"(\d+) svarande\.")
VOTE_COUNT = re.compile(r'id="vote-count">(\d+)')


# --- what the database holds before the servers start (runs in a subprocess) --------------------


def setup_world() -> dict[str, Any]:
    """Migrate the shared database and create an organisation, its admin, a workshop session
    planned with two facilitators, and an open mapping with a few responses."""
    import datetime

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from kartbild.accounts.models import Membership
    from kartbild.catalogue.models import Value, ValueCatalogue
    from kartbild.mappings import actions as mapping_actions
    from kartbild.organisations.models import Organisation
    from kartbild.workshops import actions as workshop_actions
    from kartbild.workshops.models import Workshop

    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(
        name="Delad kommun", slug=ORGANISATION, kind="kommun", code="9997"
    )
    users = get_user_model().objects
    admin = users.create_user(username="admin", password=PASSWORD)
    Membership.objects.create(user=admin, organisation=organisation, role="admin")
    leaders = []
    for name in ("ledare1", "ledare2"):
        leader = users.create_user(username=name, password=PASSWORD)
        Membership.objects.create(user=leader, organisation=organisation, role="facilitator")
        leaders.append(leader)
    session = workshop_actions.plan_session(
        Workshop.objects.create(organisation=organisation, name="Dialog"),
        on=datetime.date.today(),
        start_time=datetime.time(9),
        facilitators=leaders,
    )
    catalogue = ValueCatalogue.objects.create(name="Delad katalog", version=1)
    for position, slug in enumerate(
        ["tillit", "mod", "ansvar", "oppenhet", "lagarbete", "byrakrati", "forvirring"]
    ):
        Value.objects.create(
            catalogue=catalogue,
            position=position,
            slug=slug,
            name_sv=slug.capitalize(),
            name_en=slug.capitalize(),
            description_sv=slug,
            description_en=slug,
            level=3,
            polarity="positive",
            type="R",
            frames="personal|workplace|community",
        )
    mapping = mapping_actions.create_mapping(
        organisation, catalogue, "Delad kartläggning", ["medarbetare"], picks=3
    )
    mapping_actions.open_mapping(mapping)
    mp = mapping.perspectives.get()
    picks = {q.pk: ["tillit", "mod", "ansvar"] for q in mp.questions.all()}
    for _ in range(RESPONSES):
        mapping_actions.record_response(mp, mapping_actions.Answers(picks=dict(picks)))
    return {"session": session.pk, "mapping": mapping.pk, "token": mp.token}


# --- servers and browsers ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kartbild.settings",
            "DATABASE_URL": database_url,
            # The same secret in both, as in production: sessions and CSRF tokens are signed.
            "SECRET_KEY": "two-processes-share-this-secret-0123456789-abcdefghij",
            # Test settings (plain HTTP cookies, static files from the apps); what is shared
            # between processes is the same as in production.
            "TESTING": "1",
            "DEBUG": "0",
            "RESPONSE_MIN_SECONDS": "0",
            "LOG_LEVEL": "ERROR",
            "PYTHONWARNINGS": "ignore::UserWarning",
        }
    )
    return env


def _start(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "kartbild.wsgi", "--bind", f"{HOST}:{port}",
         "--workers", "1", "--threads", "4", "--worker-class", "gthread",
         "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _wait_until_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited while starting")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@dataclass
class Page:
    status: int
    location: str
    text: str

    def token(self) -> str:
        match = CSRF.search(self.text)
        assert match is not None, "the page has no form"
        return match.group(1)


@dataclass
class Browser:
    """One person's browser: its cookies go to whichever process it talks to."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, form: Any = None) -> Page:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return Page(response.status, response.getheader("Location") or "", text)

    def get(self, port: int, path: str) -> Page:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, form: dict[str, Any]) -> Page:
        return self.request(port, "POST", path, form)


def _poll(check: Any, what: str) -> Any:
    """Ask until `check` returns something true; fail after DEADLINE_SECONDS."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not seen within {DEADLINE_SECONDS:g} s")
        time.sleep(0.2)


# --- the shared database -----------------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of the test's own: a SQLite file, or a new database on the PostgreSQL server
    the suite uses (dropped afterwards)."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    import psycopg
    from psycopg.conninfo import make_conninfo

    name = f"kartbild_two_processes_{os.getpid()}"
    host, port = str(default.get("HOST") or "localhost"), int(default.get("PORT") or 5432)
    user, password = str(default.get("USER") or ""), str(default.get("PASSWORD") or "")
    server = make_conninfo(
        host=host, port=port, user=user or None, password=password or None, dbname="postgres"
    )
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = urllib.parse.quote(user, safe="")
    if password:
        credentials += ":" + urllib.parse.quote(password, safe="")
    try:
        yield f"postgres://{credentials}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def two_processes(database_url: str) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """The ports of processes A and B, and what setup_world created."""
    env = _environment(database_url)
    completed = subprocess.run(
        [sys.executable, "-c",
         "import json; from kartbild.lib.tests.test_two_processes import setup_world; "
         "print(json.dumps(setup_world()))"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        timeout=300,
    )  # fmt: skip
    world = json.loads(completed.stdout.strip().splitlines()[-1])
    ports = (_free_port(), _free_port())
    servers = [_start(port, env) for port in ports]
    try:
        for port, server in zip(ports, servers, strict=True):
            _wait_until_listening(port, server)
        yield ports[0], ports[1], world
    finally:
        for server in servers:
            _stop(server)


# --- the test ----------------------------------------------------------------------------------


def _sign_in(browser: Browser, port: int) -> None:
    page = browser.get(port, "/logga-in/")
    signed_in = browser.post(
        port,
        "/logga-in/",
        {"csrfmiddlewaretoken": page.token(), "username": "admin", "password": PASSWORD},
    )
    assert signed_in.status == 302, "signing in failed"


def _answer(browser: Browser, port: int, token: str) -> None:
    """A respondent answers the whole mapping on one process."""
    start = browser.get(port, f"/svara/{token}/")
    started = browser.post(
        port, f"/svara/{token}/", {"csrfmiddlewaretoken": start.token(), "website": ""}
    )
    assert started.status == 302, started.text[:300]
    location = started.location
    while "/skicka/" not in location:
        page = browser.get(port, location)
        form: dict[str, Any] = {"csrfmiddlewaretoken": page.token(), "next": "1"}
        if "/bakgrund/" not in location:
            form["value"] = re.findall(r'name="value" value="([^"]+)"', page.text)[:3]
        answered = browser.post(port, location, form)
        assert answered.status == 302, answered.text[:300]
        location = answered.location
    summary = browser.get(port, location)
    sent = browser.post(
        port, location, {"csrfmiddlewaretoken": summary.token(), "website": "", "send": "1"}
    )
    assert sent.status == 302 and sent.location.endswith("/tack/"), sent.text[:300]


def _respondents(browser: Browser, port: int, mapping: int) -> int:
    page = browser.get(port, f"/o/{ORGANISATION}/kartlaggningar/{mapping}/kartbild/")
    assert page.status == 200
    match = RESPONDENTS.search(page.text)
    assert match is not None, "the kartbild shows no respondents"
    return int(match.group(1))


def test_two_processes_share_sessions_workshops_kartbild_and_rate_limits(
    two_processes: tuple[int, int, dict[str, Any]],
) -> None:
    a, b, world = two_processes

    # A session signed in on A is valid on B; a browser without it is sent to sign in.
    admin = Browser()
    _sign_in(admin, a)
    dashboard = admin.get(b, f"/o/{ORGANISATION}/")
    assert dashboard.status == 200 and "Delad kommun" in dashboard.text
    assert Browser().get(b, f"/o/{ORGANISATION}/").status == 302

    # A live workshop opened on A takes a participant's vote on B, and A's projector shows it.
    console = f"/o/{ORGANISATION}/dialog/tillfalle/{world['session']}/live/"
    for command in (
        {"do": "open"},
        {"do": "step", "step": "statements"},
        {"do": "add", "text": "Vi litar på varandra"},
    ):
        token = admin.get(a, console).token()
        assert admin.post(a, console, {"csrfmiddlewaretoken": token, **command}).status == 302
    code = re.search(r"/w/([\w-]+)/", admin.get(a, console).text)
    assert code is not None, "the console shows no join link"
    room = f"/w/{code.group(1)}/"
    participant = Browser()
    joined = participant.post(
        b, room, {"csrfmiddlewaretoken": participant.get(b, room).token(), "do": "join"}
    )
    assert joined.status == 302
    page = participant.get(b, room)
    statement = re.search(r'name="statement" value="(\d+)"', page.text)
    assert statement is not None, "the participant is not shown the statement"
    voted = participant.post(
        b,
        room,
        {
            "csrfmiddlewaretoken": page.token(),
            "do": "vote",
            "statement": statement.group(1),
            "choice": "1",
        },
    )
    assert voted.status in (200, 302)
    projector = f"/o/{ORGANISATION}/dialog/tillfalle/{world['session']}/projektor/lage/"

    def votes_on_a() -> bool:
        match = VOTE_COUNT.search(admin.get(a, projector).text)
        return match is not None and int(match.group(1)) == 1

    _poll(votes_on_a, "the vote cast on B on A's projector")

    # A's kartbild, shown (and cached) before, counts a response submitted on B.
    assert _respondents(admin, a, world["mapping"]) == RESPONSES
    _answer(Browser(), b, world["token"])
    _poll(
        lambda: _respondents(admin, a, world["mapping"]) == RESPONSES + 1,
        "the response submitted on B in A's kartbild",
    )

    # Failed invitation codes count across both processes: 30 are allowed per client and window
    # (protection.CODE_FAILURES), 15 on each process; the next is refused on either.
    # The counts are per ten-minute window: start well inside one.
    remaining = 600 - time.time() % 600
    if remaining < 30:
        time.sleep(remaining + 0.5)
    guesser = Browser()
    token = guesser.get(a, "/kod/").token()
    for number in range(30):
        refused = guesser.post(
            (a, b)[number % 2], "/kod/", {"csrfmiddlewaretoken": token, "code": "AAAA-BBBB"}
        )
        assert refused.status == 200, "a wrong code is answered with the form"
    for port in (a, b):
        limited = guesser.post(port, "/kod/", {"csrfmiddlewaretoken": token, "code": "AAAA-BBBB"})
        assert limited.status == 429
