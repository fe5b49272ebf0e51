"""DESIGN.md's worked example, number by number, through the library and through the CLI.

Hand computation (4 respondents, 3 picks, T = 12):
  current votes  byråkrati 3, osäkerhet om framtiden 2, lagarbete 2, kostnadsjakt 2,
                 förvirring 1, ansvar 1, tillit 1
  limiting       byråkrati 3 + osäkerhet 2 + kostnadsjakt 2 + förvirring 1 = 8 -> 8/12
  respondents    2/3, 3/3, 2/3, 1/3 (mean 8/12)
  desired votes  arbetstillfällen 3, tillit 3, ekonomisk stabilitet 2, öppenhet 1,
                 lagarbete 1, ansvar för kommande generationer 1, ansvar 1
  jumps          arbetstillfällen +3, tillit +2, ekonomisk stabilitet +2, then +1s
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kartbild.analysis import cli_kartbild
from kartbild.analysis.engine import compute_kartbild
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.groups import GroupTree
from kartbild.analysis.metrics import LimitingBand, limiting_share, value_table
from kartbild.analysis.tests.examples import (
    CURRENT,
    DESIRED,
    WORKED_CURRENT,
    ballots_csv,
    catalogue_csv,
    matrix,
    worked_ballots,
    worked_catalogue,
    write,
)

CURRENT_VOTES = {
    "byrakrati": 3,
    "osakerhet-om-framtiden": 2,
    "lagarbete": 2,
    "kostnadsjakt": 2,
    "forvirring": 1,
    "ansvar": 1,
    "tillit": 1,
}
DESIRED_VOTES = {
    "arbetstillfallen": 3,
    "tillit": 3,
    "ekonomisk-stabilitet": 2,
    "oppenhet": 1,
    "lagarbete": 1,
    "ansvar-for-kommande-generationer": 1,
    "ansvar": 1,
}
FIRST_JUMPS = [("arbetstillfallen", 3), ("tillit", 2), ("ekonomisk-stabilitet", 2)]
RESPONDENT_SHARES = [2 / 3, 1.0, 2 / 3, 1 / 3]


def student_interval() -> tuple[float, float]:
    """Mean 2/3 and sample sd of the respondent shares; t(3, 0.975) = 3.182446."""
    mean = sum(RESPONDENT_SHARES) / 4
    variance = sum((s - mean) ** 2 for s in RESPONDENT_SHARES) / 3
    error = math.sqrt(variance / 4)
    return max(0.0, mean - 3.182446305284263 * error), min(1.0, mean + 3.182446305284263 * error)


def test_value_table_gives_the_worked_votes() -> None:
    catalogue = worked_catalogue()
    table = value_table(catalogue, matrix(catalogue, WORKED_CURRENT))
    assert {row.slug: row.votes for row in table.rows()} == CURRENT_VOTES
    assert table.total_votes == 12
    assert table.votes_of("byrakrati") == 3
    assert table.shares[catalogue.index("byrakrati")] == 0.75


def test_limiting_share_is_eight_twelfths() -> None:
    catalogue = worked_catalogue()
    share = limiting_share(catalogue, matrix(catalogue, WORKED_CURRENT))
    assert share.limiting_votes == 8
    assert share.total_votes == 12
    assert share.share == pytest.approx(8 / 12)
    assert share.share == pytest.approx(sum(RESPONDENT_SHARES) / 4)
    assert share.band is LimitingBand.CRITICAL
    low, high = student_interval()
    assert share.low == pytest.approx(low)
    assert share.high == pytest.approx(high)


def test_kartbild_gives_the_worked_numbers() -> None:
    catalogue = worked_catalogue()
    groups = GroupTree.flat(["alla"], [0, 0, 0, 0])
    kartbild = compute_kartbild(
        catalogue, worked_ballots(catalogue), groups, AnonymityPolicy(min_group=3)
    )
    group = kartbild.group("alla")
    assert group.respondents == 4
    current = group.question(CURRENT)
    desired = group.question(DESIRED)
    assert {row.slug: row.votes for row in current.table.rows()} == CURRENT_VOTES
    assert {row.slug: row.votes for row in desired.table.rows()} == DESIRED_VOTES
    assert current.limiting is not None and current.limiting.share == pytest.approx(2 / 3)
    assert desired.limiting is None
    frame = group.frames["workplace"]
    assert frame.jumps is not None
    assert [(j.slug, j.change) for j in frame.jumps[:3]] == FIRST_JUMPS
    assert all(j.change == 1 for j in frame.jumps[3:])
    assert frame.matches.current_desired == 3  # lagarbete, ansvar, tillit
    assert frame.matches.personal_current is None


def test_the_worked_example_is_withheld_under_the_default_threshold() -> None:
    catalogue = worked_catalogue()
    groups = GroupTree.flat(["alla"], [0, 0, 0, 0])
    kartbild = compute_kartbild(catalogue, worked_ballots(catalogue), groups, AnonymityPolicy())
    assert kartbild.groups == {}
    assert [(w.group, w.reason.value) for w in kartbild.withheld] == [("alla", "too_few")]


def run_cli(*argv: str) -> tuple[int, str, str]:
    from kartbild.analysis.cli import build_parser

    args = build_parser().parse_args(["kartbild", *argv])
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli_kartbild.run(args, stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def worked_files(tmp_path: Path) -> tuple[Path, Path]:
    return (
        write(tmp_path / "ballots.csv", ballots_csv()),
        write(tmp_path / "catalogue.csv", catalogue_csv()),
    )


def check_document(document: dict[str, Any]) -> None:
    group = document["groups"]["alla"]
    assert group["respondents"] == 4
    current = group["questions"]["current"]
    assert current["votes"] == CURRENT_VOTES
    assert current["limiting_share"] == pytest.approx(0.667, abs=5e-4)
    assert current["limiting_share_ci"] == pytest.approx(list(student_interval()))
    assert current["levels"]["1"] == {"positive": 0.0, "limiting": pytest.approx(4 / 12)}
    assert current["levels"]["3"] == {"positive": 0.0, "limiting": pytest.approx(3 / 12)}
    assert group["questions"]["desired"]["votes"] == DESIRED_VOTES
    assert group["questions"]["desired"]["limiting_share"] is None
    assert [(j["value"], j["change"]) for j in group["jumps"][:3]] == FIRST_JUMPS
    assert group["drops"][0] == {"value": "byrakrati", "change": -3}
    assert group["matches"] == {
        "personal_current": None,
        "current_desired": 3,
        "personal_desired": None,
    }
    assert document["withheld"] == []


def test_cli_gives_the_worked_numbers(tmp_path: Path) -> None:
    ballots, catalogue = worked_files(tmp_path)
    code, out, err = run_cli(
        "--ballots", str(ballots), "--catalogue", str(catalogue), "--min-group", "3"
    )
    assert (code, err) == (0, "")
    check_document(json.loads(out))


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    ballots, catalogue = worked_files(tmp_path)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "kartbild.analysis",
            "kartbild",
            "--ballots",
            str(ballots),
            "--catalogue",
            str(catalogue),
            "--min-group",
            "3",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert completed.returncode == 0, completed.stderr
    check_document(json.loads(completed.stdout))
