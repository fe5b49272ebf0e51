"""From the database to the engine's arrays, at national scale, on SQLite and PostgreSQL.

Stores 1,000,000 seeded responses (3 questions × 10 picks, 60 units) of one perspective, spread
over the 28 days of a four-week mapping, then times `kartbild.mappings.ballots.load_ballots` —
the one adapter every page uses — three ways, against the engine computing the whole kartbild on
what was loaded, in the same run:

- row by row: every response read as a row (what every read would cost without BallotBlock);
- the first read after midnight, which packs each ended day into its BallotBlock;
- every later read: one row per ended day, plus today's responses row by row.

Each database runs in its own process (`python -m bench.bench_database URL` prints JSON), so
Django is set up once per database. PostgreSQL is a throwaway cluster (bench/postgres.py).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from bench import postgres
from bench.bench_engine import timed

RESPONDENTS = int(os.environ.get("BENCH_RESPONDENTS", "1000000"))
UNITS = 60
PICKS = 10
QUESTIONS = 3
DAYS = 28
RUNS = 3
SEED = 11
TODAY = datetime.date(2026, 11, 23)


def _store(
    mp: Any,
    units: list[Any],
    values: int,
    respondents: int = RESPONDENTS,
    today: datetime.date = TODAY,
) -> float:
    """Insert `respondents` seeded responses in bulk (COPY on PostgreSQL), spread over the DAYS
    days up to `today`: storing is not what is measured."""
    from django.db import connection

    from kartbild.mappings.models import Response

    table = Response._meta.db_table
    columns = (
        "id, mapping_perspective_id, unit_id, age_band, tenure_band, district, submitted_on, picks"
    )
    rng = np.random.default_rng(SEED)
    days = [today - datetime.timedelta(days=d) for d in range(DAYS)]
    # Responses arrive day by day, so they are stored oldest first.
    day_index = np.sort(rng.integers(0, DAYS, respondents))[::-1]
    started = time.perf_counter()
    chunk = 50_000
    with connection.cursor() as cursor:
        for start in range(0, respondents, chunk):
            size = min(chunk, respondents - start)
            picks = np.argsort(rng.random((size, QUESTIONS, values)), axis=2)[:, :, :PICKS]
            blobs = picks.astype("<u2").reshape(size, -1)
            unit_of = rng.integers(0, len(units), size)
            day_of = day_index[start : start + size]
            rows = [
                (
                    uuid.uuid4(),
                    mp.pk,
                    units[unit_of[i]].pk,
                    "",
                    "",
                    "",
                    days[day_of[i]],
                    blobs[i].tobytes(),
                )
                for i in range(size)
            ]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [(r[0].hex, *r[1:6], r[6].isoformat(), r[7]) for r in rows],
                )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def _votes(ballots: Any, values: int) -> np.ndarray:
    """Votes per unit and value: what must not change between the ways of reading."""
    flat = ballots.picks.reshape(ballots.respondents, -1)
    order = np.argsort(ballots.units, kind="stable")
    unit_rows = np.repeat(ballots.units[order], flat.shape[1])
    return np.unique(np.stack([unit_rows, flat[order].ravel()]), axis=1, return_counts=True)[1]


def measure(url: str) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kartbild.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    from kartbild.analysis.ballots import Ballots, QuestionKey
    from kartbild.analysis.engine import compute_kartbild
    from kartbild.analysis.gate import AnonymityPolicy
    from kartbild.analysis.groups import GroupTree
    from kartbild.catalogue.models import ValueCatalogue
    from kartbild.mappings import actions
    from kartbild.mappings.ballots import analysis_catalogue, load_ballots
    from kartbild.organisations.models import Organisation, Unit

    organisation = Organisation.objects.create(name="Bench", slug="bench", kind="region", code="99")
    units = [
        Unit.objects.create(
            organisation=organisation, code=f"U{i}", name=f"U{i}", level="forvaltning"
        )
        for i in range(UNITS)
    ]
    catalogue = ValueCatalogue.objects.get(organisation=None)
    mapping = actions.create_mapping(organisation, catalogue, "Bench", ["medarbetare"], picks=PICKS)
    mp = mapping.perspectives.get()
    values = catalogue.values.count()
    stored = _store(mp, units, values)

    before_any_day_ended = TODAY - datetime.timedelta(days=DAYS)
    rows_time, _t, by_rows = timed(
        lambda: load_ballots(mp, PICKS, today=before_any_day_ended), RUNS
    )
    packing_time, _t, _first = timed(lambda: load_ballots(mp, PICKS, today=TODAY), 1)
    packed_time, _t, ballots = timed(lambda: load_ballots(mp, PICKS, today=TODAY), RUNS)
    if not np.array_equal(_votes(by_rows, values), _votes(ballots, values)):
        raise AssertionError("reading from blocks gave other votes than reading row by row")
    # The next day: every earlier day is packed already, so only the day that just ended is.
    tomorrow = TODAY + datetime.timedelta(days=1)
    midnight_time, _t, next_day = timed(lambda: load_ballots(mp, PICKS, today=tomorrow), 1)
    if not np.array_equal(_votes(by_rows, values), _votes(next_day, values)):
        raise AssertionError("reading the next day gave other votes than reading row by row")

    keys = [QuestionKey.parse(q.key) for q in ballots.questions]
    checks_time, _t, engine_input = timed(
        lambda: Ballots.of({key: ballots.question_picks(i) for i, key in enumerate(keys)}), RUNS
    )
    unit_index = {u.pk: i for i, u in enumerate(units)}
    membership = np.array([unit_index[u] for u in ballots.units.tolist()], dtype=np.intp)
    tree = GroupTree.flat([u.code for u in units], membership)
    analysis = analysis_catalogue(catalogue)
    engine_time, _t, _result = timed(
        lambda: compute_kartbild(analysis, engine_input, tree, AnonymityPolicy()), RUNS
    )
    if connection.vendor == "postgresql":
        database = f"PostgreSQL {connection.pg_version // 10000}"
    else:
        database = f"SQLite {connection.Database.sqlite_version}"
    return {
        "database": database,
        "stored": stored,
        "today": _responses_today(mp),
        "rows": rows_time,
        "packing": packing_time,
        "midnight": midnight_time,
        "packed": packed_time,
        "engine": engine_time,
        "checks": checks_time,
    }


def _responses_today(mp: Any) -> int:
    from kartbild.mappings.models import Response

    return Response.objects.filter(mapping_perspective=mp, submitted_on=TODAY).count()


def _child(url: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_database", url], capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the benchmark on {url} failed:\n{completed.stderr}")
    return dict(json.loads(completed.stdout))


def run() -> str:
    load = os.getloadavg()[0]
    folder = tempfile.mkdtemp(prefix="kartbild-bench-")
    results = [_child(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")]
    skipped = postgres.unavailable()
    if not skipped:
        with postgres.throwaway_postgres() as url:
            results.append(_child(url))
    lines = [
        "## From the database to the arrays",
        "",
        f"{RESPONDENTS:,} responses of one perspective ({QUESTIONS} questions × {PICKS} picks,",
        f"{UNITS} units) stored day by day over the {DAYS} days of a four-week mapping, about",
        f"{results[0]['today']:,} of them dated today. Median of {RUNS} runs each, except",
        "the first read after midnight, which happens once a day:",
        "",
        "| step | " + " | ".join(r["database"] for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]

    def row(label: str, key: str) -> str:
        return f"| {label} | " + " | ".join(f"{r[key]:.2f} s" for r in results) + " |"

    lines += [
        row("`load_ballots`, every response read as a row", "rows"),
        row("`load_ballots`, first read ever (packs every ended day)", "packing"),
        row("`load_ballots`, first read after midnight (packs the day that ended)", "midnight"),
        row("`load_ballots`, every later read (a row per ended day + today)", "packed"),
        row("`compute_kartbild` on what was loaded", "engine"),
        "| later read ÷ computing | "
        + " | ".join(f"{r['packed'] / r['engine']:.2f}×" for r in results)
        + " |",
        "",
        "Storing the responses (bulk insert, not part of the figures) took "
        + ", ".join(f"{r['stored']:.0f} s on {r['database']}" for r in results)
        + ".",
        "The benchmark checks that reading from the blocks gives the same votes per unit and",
        "value as reading row by row. Load average when the run started: "
        f"{load:.1f}, then {os.getloadavg()[0]:.1f} when it ended (the machine may be shared).",
    ]
    if skipped:
        lines += ["", f"PostgreSQL was not measured in this run: {skipped}."]
    lines += [
        "",
        "Picks are stored as 60 bytes of uint16 catalogue positions per response. Each ended",
        "day of a perspective is kept as one BallotBlock row (the day's picks, a byte each when",
        "the catalogue has fewer than 256 values, and its units as the distinct ids and a byte",
        "per response), checked on every read against the day's change number, which triggers",
        "on the response table keep in a few small rows per day in the same transaction as",
        "every write (kartbild/mappings/README.md); a block whose day changed is rebuilt. Rows",
        "are kept in the order of their content. Today's rows are read without their date, whose",
        "conversion cost more per row than the rest of the row. A block keeps its picks by",
        "column, the layout of the one int16 array per perspective they are copied into (question",
        "by question, pick column by pick column), so each column is one contiguous copy; the",
        "layout in which the analysis core's checks of a question",
        "(`Ballots.of`) and its counting read contiguous memory. `compute_kartbild` is timed on",
        "ballots already checked, as before; the checks themselves take "
        + ", ".join(f"{r['checks']:.2f} s on {r['database']}" for r in results)
        + ".",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
