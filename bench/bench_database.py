"""From the database to the engine's arrays, at national scale.

Stores 1,000,000 seeded responses (3 questions × 10 picks, 60 units) in a throwaway SQLite file
through the app's own models, then times `kartbild.mappings.ballots.load_ballots` — the one
adapter every page uses — against the engine computing the whole kartbild on what it loaded,
in the same run. The question it answers: does reading the data dominate the computation?
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_engine import timed

RESPONDENTS = int(os.environ.get("BENCH_RESPONDENTS", "1000000"))
UNITS = 60
PICKS = 10
QUESTIONS = 3
RUNS = 3
SEED = 11


def run() -> str:
    folder = tempfile.mkdtemp(prefix="kartbild-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    os.environ.setdefault("TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kartbild.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    from kartbild.analysis.engine import compute_kartbild
    from kartbild.analysis.gate import AnonymityPolicy
    from kartbild.analysis.groups import GroupTree
    from kartbild.catalogue.models import ValueCatalogue
    from kartbild.mappings import actions
    from kartbild.mappings.ballots import analysis_catalogue, load_ballots
    from kartbild.mappings.models import Response
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
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    chunk = 50_000
    for start in range(0, RESPONDENTS, chunk):
        size = min(chunk, RESPONDENTS - start)
        picks = np.argsort(rng.random((size, QUESTIONS, values)), axis=2)[:, :, :PICKS]
        unit_of = rng.integers(0, UNITS, size)
        Response.objects.bulk_create(
            (
                Response(
                    mapping_perspective=mp,
                    unit=units[unit_of[i]],
                    submitted_on="2026-11-23",
                    picks=picks[i].astype("<u2").tobytes(),
                )
                for i in range(size)
            ),
            batch_size=5000,
        )
    stored = time.perf_counter() - started

    load_time, _times, ballots = timed(lambda: load_ballots(mp, PICKS), RUNS)
    analysis = analysis_catalogue(catalogue)
    from kartbild.analysis.ballots import Ballots, QuestionKey

    keys = [QuestionKey.parse(q.key) for q in ballots.questions]
    engine_input = Ballots.of({key: ballots.question_picks(i) for i, key in enumerate(keys)})
    unit_index = {u.pk: i for i, u in enumerate(units)}
    membership = np.array([unit_index[u] for u in ballots.units.tolist()], dtype=np.intp)
    tree = GroupTree.flat([u.code for u in units], membership)
    engine_time, _times, _result = timed(
        lambda: compute_kartbild(analysis, engine_input, tree, AnonymityPolicy()), RUNS
    )
    return "\n".join(
        [
            "## From the database to the arrays",
            "",
            f"{RESPONDENTS:,} responses ({QUESTIONS} questions × {PICKS} picks, {UNITS} units) stored",
            f"in SQLite through the app's models ({stored:.0f} s to store, not part of the figures).",
            f"Median of {RUNS} runs each:",
            "",
            "| step | median |",
            "|---|---:|",
            f"| `load_ballots`: one query, one numpy decode | {load_time:.2f} s |",
            f"| `compute_kartbild` on what was loaded | {engine_time:.2f} s |",
            f"| loading ÷ computing | {load_time / engine_time:.1f}× |",
            "",
            "Picks are stored as 60 bytes of uint16 catalogue positions per response, so loading",
            "a perspective reads one bytes column and decodes it in a single `numpy.frombuffer`.",
        ]
    )
