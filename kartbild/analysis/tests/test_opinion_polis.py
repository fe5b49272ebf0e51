"""Our opinion groups against the groups Polis itself found, on two public Polis conversations.

The data (CC BY 4.0, The Computational Democracy Project) lives beside the repository in
shared/data/polis; see docs/opinion-groups.md for the method and the figures. The floors below are
the adjusted Rand indices measured with the default parameters, less a margin of about 0.07, so
that a change to the method that loses agreement with Polis fails here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from kartbild.analysis import cli_opinion
from kartbild.analysis.opinion import compute_opinion_groups

POLIS_DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "polis"

# Conversation, measured ARI (0.776 and 0.636) less the margin, and the k our method finds.
CONVERSATIONS = [
    ("15-per-hour-seattle", 0.70, 2),
    ("brexit-consensus", 0.56, 3),
]


def polis_groups(folder: Path) -> dict[int, int]:
    with (folder / "participants-votes.csv").open(encoding="utf-8", newline="") as handle:
        return {
            int(row["participant"]): int(row["group-id"])
            for row in csv.DictReader(handle)
            if row["group-id"] != ""
        }


@pytest.mark.parametrize(("conversation", "floor", "k"), CONVERSATIONS)
def test_our_groups_agree_with_the_groups_polis_found(
    conversation: str, floor: float, k: int
) -> None:
    folder = POLIS_DATA / conversation
    if not folder.is_dir():
        pytest.skip(f"the Polis data is not at {folder}")
    hidden = cli_opinion.read_hidden_comments(folder / "comments.csv")
    matrix = cli_opinion.read_votes(folder / "votes.csv", hidden)
    result = compute_opinion_groups(matrix, rng=np.random.default_rng(cli_opinion.DEFAULT_SEED))

    reference = polis_groups(folder)
    compared = [
        participant for participant in reference if result.participants[participant] is not None
    ]
    ari = adjusted_rand_score(
        [reference[participant] for participant in compared],
        [result.participants[participant] for participant in compared],
    )
    assert ari >= floor
    assert result.cluster_count == k
    # Everyone we group, Polis grouped too; Polis also kept a few early voters with under 7 votes.
    grouped = {
        participant for participant, group in result.participants.items() if group is not None
    }
    assert grouped <= set(reference)
    assert len(compared) >= 0.95 * len(reference)
