"""The kartbild pages under load: 100,000 responses, concurrent analysts, SQLite and PostgreSQL.

A setup process (`python -m bench.bench_pages setup DATABASE_URL`) migrates the database, builds
an organisation with a 6 × 10 unit tree, an open mapping whose employees have answered 100,000
times over the last four weeks (stored in bulk as bench_database does) and signs an analyst in.
The server is the production setup (gunicorn, gthread workers, as bench_live starts it) on
loopback. From this process, CLIENTS analysts at once request the kartbild overview and a unit
page (a department, with its own subtree):

- cold: a writer process (another Django process, as a respondent's request would be) stores one
  new response through `mappings.actions.record_response`; then every client requests its page
  at the same moment, so each of those requests is among the first after the new response;
- warm: every client requests its page REQUESTS times in a row, nothing changing in between.

Each database runs on its own server; PostgreSQL is a throwaway cluster (bench/postgres.py). The
clients run on the same two cores as the server, so the figures are an upper bound.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench import postgres
from bench.bench_live import HOST, Browser, _environment, _free_port, _wait_for, percentile

RESPONDENTS = int(os.environ.get("BENCH_PAGE_RESPONDENTS", "100000"))
DEPARTMENTS = 6
UNITS_PER_DEPARTMENT = 10
CLIENTS = 8
COLD_ROUNDS = int(os.environ.get("BENCH_PAGE_COLD_ROUNDS", "10"))
REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "20"))
WORKERS = 2
THREADS = 8
GOAL_MS = 300
ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "unit")


def _django(database_url: str) -> None:
    os.environ.update(_environment(database_url))
    import django

    django.setup()


def setup(database_url: str) -> dict[str, Any]:
    """Runs in its own process: the organisation, the mapping and its answers, a signed-in
    analyst."""
    _django(database_url)
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from bench.bench_database import PICKS, _store
    from kartbild.accounts.models import Membership
    from kartbild.catalogue.models import ValueCatalogue
    from kartbild.mappings import actions
    from kartbild.organisations.models import Organisation, Unit

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    organisation = Organisation.objects.create(
        name="Benchregion", slug="bench", kind="region", code="99"
    )
    units = []
    departments = []
    for d in range(DEPARTMENTS):
        department = Unit.objects.create(
            organisation=organisation,
            code=f"F{d}",
            name=f"Förvaltning {d}",
            level="forvaltning",
            headcount=0,
        )
        departments.append(department)
        for u in range(UNITS_PER_DEPARTMENT):
            units.append(
                Unit.objects.create(
                    organisation=organisation,
                    parent=department,
                    code=f"F{d}-{u}",
                    name=f"Avdelning {d}.{u}",
                    level="avdelning",
                    headcount=RESPONDENTS // (DEPARTMENTS * UNITS_PER_DEPARTMENT),
                )
            )
    catalogue = ValueCatalogue.objects.get(organisation=None)
    mapping = actions.create_mapping(
        organisation, catalogue, "Medarbetarkartläggning", ["medarbetare"], picks=PICKS
    )
    actions.open_mapping(mapping)
    mp = mapping.perspectives.get()
    stored = _store(mp, units, catalogue.values.count(), RESPONDENTS, timezone.localdate())
    user = get_user_model().objects.create_user(username="analytiker", password="bench-pass-1")
    Membership.objects.create(user=user, organisation=organisation, role="analyst")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    base = f"/o/{organisation.slug}/kartlaggningar/{mapping.pk}/kartbild/"
    return {
        "stored": stored,
        "overview": base,
        "unit": f"{base}enhet/{departments[0].pk}/",
        "cookie": [settings.SESSION_COOKIE_NAME, store.session_key],
    }


def writer(database_url: str) -> None:
    """Runs in its own process: store one new response for every line read on stdin."""
    _django(database_url)
    import numpy as np

    from kartbild.mappings import actions
    from kartbild.mappings.models import MappingPerspective
    from kartbild.organisations.models import Unit

    mp = MappingPerspective.objects.select_related("mapping__catalogue").get()
    catalogue = mp.mapping.catalogue
    choices = {
        q.pk: [v.slug for v in actions.offered_values(catalogue, q)] for q in mp.questions.all()
    }
    units = list(Unit.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    rng = np.random.default_rng(5)
    for _line in sys.stdin:
        picks = {
            pk: [slugs[i] for i in rng.choice(len(slugs), mp.mapping.picks, replace=False)]
            for pk, slugs in choices.items()
        }
        unit = int(units[rng.integers(len(units))])
        actions.record_response(mp, actions.Answers(picks=picks, unit_id=unit))
        print("ok", flush=True)


def _server_cpu(master: int) -> float:
    """CPU seconds (user and system) used so far by the gunicorn master and its workers, read
    from /proc: what the web tier spent, whatever else the shared machine was doing."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended while we looked
        pid, parent = int(stat.parent.name), int(fields[1])
        if master in (pid, parent):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _timed_get(browser: Browser, path: str) -> float:
    started = time.perf_counter()
    browser.request("GET", path)
    return time.perf_counter() - started


def _load(port: int, master: int, state: dict[str, Any], write: Any) -> dict[str, Any]:
    name, value = state["cookie"]
    clients = [Browser(port, {name: value}) for _ in range(CLIENTS)]
    paths = [state[PAGES[i % len(PAGES)]] for i in range(CLIENTS)]
    first = {page: _timed_get(clients[0], state[page]) for page in PAGES}
    cold: dict[str, list[float]] = {page: [] for page in PAGES}
    warm: dict[str, list[float]] = {page: [] for page in PAGES}
    lock = threading.Lock()

    def wave(times: dict[str, list[float]], repeat: int, barrier: threading.Barrier) -> None:
        def client(index: int) -> None:
            page = PAGES[index % len(PAGES)]
            barrier.wait()
            for _ in range(repeat):
                elapsed = _timed_get(clients[index], paths[index])
                with lock:
                    times[page].append(elapsed)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # Every client's connection (and so every worker process that serves one) has served its
    # page once before the cold rounds: a worker's first request imports the whole application
    # (its URL configuration loads every app, 2-3 s), which is what "first after start"
    # measures, not what a new response costs.
    wave({page: [] for page in PAGES}, 1, threading.Barrier(CLIENTS))
    started = _server_cpu(master)
    for _round in range(COLD_ROUNDS):
        write()
        wave(cold, 1, threading.Barrier(CLIENTS))
    between = _server_cpu(master)
    wave(warm, REQUESTS, threading.Barrier(CLIENTS))
    cpu = {
        "cold": (between - started) / (COLD_ROUNDS * CLIENTS),
        "warm": (_server_cpu(master) - between) / (REQUESTS * CLIENTS),
    }
    return {"first": first, "cold": cold, "warm": warm, "cpu": cpu}


def measure(database_url: str, database: str) -> dict[str, Any]:
    env = _environment(database_url)
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_pages", "setup", database_url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"setting up {database} failed:\n{completed.stderr}")
    state = json.loads(completed.stdout.strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "kartbild.wsgi", "--bind", f"{HOST}:{port}",
            "--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread",
            "--log-level", "warning", "--timeout", "120",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    writer_process = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_pages", "writer", database_url],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def write() -> None:
        assert writer_process.stdin is not None and writer_process.stdout is not None
        writer_process.stdin.write("1\n")
        writer_process.stdin.flush()
        if writer_process.stdout.readline().strip() != "ok":
            raise RuntimeError("the writer process failed")

    try:
        _wait_for(port, server)
        result = _load(port, server.pid, state, write)
    finally:
        if writer_process.stdin is not None:
            writer_process.stdin.close()
        writer_process.wait(timeout=30)
        server.terminate()
        server.wait(timeout=30)
    result["database"] = database
    result["stored"] = state["stored"]
    return result


def _databases() -> list[dict[str, Any]]:
    import sqlite3

    folder = Path(tempfile.mkdtemp(prefix="kartbild-bench-pages-"))
    results = []
    try:
        results.append(
            measure(f"sqlite:///{folder / 'pages.sqlite3'}", f"SQLite {sqlite3.sqlite_version}")
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not postgres.unavailable():
        with postgres.throwaway_postgres() as url:
            version = subprocess.run(
                ["sh", "-c", "ls /usr/lib/postgresql | sort -n | tail -1"],
                capture_output=True,
                text=True,
            ).stdout.strip()
            results.append(measure(url, f"PostgreSQL {version}"))
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}".replace(",", " ")


def run() -> str:
    load = os.getloadavg()
    results = _databases()
    lines = [
        "## The kartbild pages under load",
        "",
        f"{RESPONDENTS:,} responses of the employees of one mapping over the last four weeks, a",
        f"unit tree of {DEPARTMENTS} departments × {UNITS_PER_DEPARTMENT} units; gunicorn "
        f"({WORKERS} workers × {THREADS} threads, production settings) on loopback; {CLIENTS}",
        "signed-in analysts at once, half on the kartbild overview and half on a department's",
        "unit page. First after start: the first request of each page, which computes the report",
        "from the stored answers. Then every client requests its page once (so that each worker",
        "process has loaded the application; not measured). Cold: "
        f"{COLD_ROUNDS} rounds of one new response",
        "(stored by another process) followed by every client requesting its page at the same",
        f"moment. Warm: {REQUESTS} requests per client in a row. Milliseconds per request, as the",
        "client sees it:",
        "",
        "| database | page | first after start | cold p50 / p95 / p99 | warm p50 / p95 / p99 |",
        "|---|---|---:|---:|---:|",
    ]
    for result in results:
        for page in PAGES:
            cold, warm = result["cold"][page], result["warm"][page]
            lines.append(
                f"| {result['database']} | {page} | {_ms(result['first'][page])} | "
                + " / ".join(_ms(percentile(cold, s)) for s in (0.5, 0.95, 0.99))
                + " | "
                + " / ".join(_ms(percentile(warm, s)) for s in (0.5, 0.95, 0.99))
                + " |"
            )
    lines += [
        "",
        "CPU time of the web processes (gunicorn's master and workers, from /proc; not the",
        "clients, not PostgreSQL's server), per request, averaged over both pages: what the",
        "figures above would come to on an otherwise idle machine is bounded below by this.",
        "",
        "| database | cold | warm |",
        "|---|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result['database']} | {_ms(result['cpu']['cold'])} ms | "
            f"{_ms(result['cpu']['warm'])} ms |"
        )
    end = os.getloadavg()
    lines += [
        "",
        f"Goal: p95 under {GOAL_MS} ms. Load average (1, 5, 15 min) when the run started: "
        + ", ".join(f"{x:.1f}" for x in load)
        + "; when it ended: "
        + ", ".join(f"{x:.1f}" for x in end)
        + " (the machine is shared).",
    ]
    if postgres.unavailable():
        lines += ["", f"PostgreSQL was not measured in this run: {postgres.unavailable()}."]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        print(json.dumps(setup(sys.argv[2])))
    elif sys.argv[1] == "writer":
        writer(sys.argv[2])
