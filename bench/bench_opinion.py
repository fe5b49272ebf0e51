"""Opinion groups for a live workshop: how long one update of the groups takes.

A projector redraws the groups as votes arrive, so one update must take a small part of a
second. Participants in seeded camps that each lean one way on every statement, with 30 %
random votes and 30 % of statements unvoted; each update starts from the previous groups, as
the live session does. Median of 20 updates per size."""

from __future__ import annotations

import statistics
import time

import numpy as np

from kartbild.analysis.opinion import OpinionGroups, VoteMatrix, compute_opinion_groups

SIZES = ((25, 20), (200, 30), (1000, 100))
RUNS = 20
SEED = 5


def camps(participants: int, statements: int, seed: int = SEED) -> VoteMatrix:
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, 3, participants)
    lean = rng.choice([-1.0, 0.0, 1.0], size=(3, statements))
    random_votes = rng.choice([-1.0, 0.0, 1.0], size=(participants, statements))
    votes = np.where(rng.random((participants, statements)) < 0.7, lean[camp], random_votes)
    votes[rng.random((participants, statements)) < 0.3] = np.nan
    return VoteMatrix(tuple(range(participants)), tuple(range(statements)), votes)


def update_times(matrix: VoteMatrix) -> list[float]:
    previous: OpinionGroups | None = None
    times = []
    for run in range(RUNS):
        started = time.perf_counter()
        previous = compute_opinion_groups(matrix, rng=np.random.default_rng(run), previous=previous)
        times.append(time.perf_counter() - started)
    return times


def run() -> str:
    lines = [
        "## Opinion groups: one update",
        "",
        "`compute_opinion_groups` (PCA, k-means with k 2–5 by silhouette, statements) on a",
        f"seeded vote matrix, each update starting from the previous groups; median of {RUNS}.",
        "",
        "| participants × statements | median | slowest |",
        "|---|---:|---:|",
    ]
    for participants, statements in SIZES:
        times = update_times(camps(participants, statements))
        lines.append(
            f"| {participants} × {statements} | {statistics.median(times) * 1000:.0f} ms"
            f" | {max(times) * 1000:.0f} ms |"
        )
    return "\n".join(lines)
