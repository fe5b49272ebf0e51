"""The `kartbild` command: its JSON, the anonymity threshold, and malformed input (a message
naming file, line and problem on stderr, exit code 2, nothing on stdout)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kartbild.analysis import cli_kartbild
from kartbild.analysis.cli import build_parser
from kartbild.analysis.tests.examples import ballots_csv, catalogue_csv, write

SHIPPED_CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue" / "data" / "catalogue-v1.csv"


def run(*argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(["kartbild", *argv])
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli_kartbild.run(args, stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return write(tmp_path / "catalogue.csv", catalogue_csv())


def many(group: str, respondents: int, prefix: str) -> str:
    rows = []
    for number in range(respondents):
        picks = ("tillit", "mod", "ansvar") if number % 2 else ("tillit", "byrakrati", "lagarbete")
        rows += [f"{prefix}{number},{group},current,{value}" for value in picks]
        rows += [
            f"{prefix}{number},{group},desired,{value}" for value in ("tillit", "mod", "oppenhet")
        ]
    return "\n".join(rows) + "\n"


def test_a_group_below_min_group_appears_only_under_withheld(
    tmp_path: Path, catalogue: Path
) -> None:
    ballots = write(tmp_path / "b.csv", ballots_csv("liten") + many("stor", 6, "s"))
    code, out, err = run("--ballots", str(ballots), "--catalogue", str(catalogue))
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(document["groups"]) == ["stor"]
    assert document["withheld"] == [
        {"group": "liten", "reason": "too_few", "explanation": "too few answers to show"}
    ]
    stor = document["groups"]["stor"]
    assert stor["respondents"] == 6
    current = stor["questions"]["current"]
    assert current["votes"] == {"tillit": 6, "byrakrati": 3, "lagarbete": 3, "ansvar": 3, "mod": 3}
    assert current["limiting_share"] == pytest.approx(3 / 18)
    assert current["limiting_band"] == "needs_attention"
    assert stor["jumps"] == [{"value": "oppenhet", "change": 6}, {"value": "mod", "change": 3}]
    assert stor["matches"]["current_desired"] == 2


def test_min_group_can_be_raised(tmp_path: Path, catalogue: Path) -> None:
    ballots = write(tmp_path / "b.csv", "respondent,group,question,value\n" + many("stor", 6, "s"))
    code, out, _ = run("--ballots", str(ballots), "--catalogue", str(catalogue), "--min-group", "7")
    assert code == 0
    assert json.loads(out)["groups"] == {}


def test_min_group_below_three_is_refused(tmp_path: Path, catalogue: Path) -> None:
    ballots = write(tmp_path / "b.csv", ballots_csv())
    code, out, err = run(
        "--ballots", str(ballots), "--catalogue", str(catalogue), "--min-group", "2"
    )
    assert (code, out) == (2, "")
    assert "--min-group 2 is refused" in err


def test_top_lists_include_ties_at_the_cut_off(tmp_path: Path, catalogue: Path) -> None:
    ballots = write(tmp_path / "b.csv", ballots_csv())
    code, out, _ = run(
        "--ballots", str(ballots), "--catalogue", str(catalogue), "--min-group", "3", "--top", "2"
    )
    current = json.loads(out)["groups"]["alla"]["questions"]["current"]
    assert current["top"] == ["byrakrati", "osakerhet-om-framtiden", "lagarbete", "kostnadsjakt"]
    assert current["tied_at_cutoff"] == ["osakerhet-om-framtiden", "lagarbete", "kostnadsjakt"]
    assert current["top_profile"]["limiting"] == 3


def test_questions_keep_the_names_the_file_gives_them(tmp_path: Path, catalogue: Path) -> None:
    text = (
        ballots_csv()
        .replace(",current,", ",current:community,")
        .replace(",desired,", ",desired:community,")
    )
    ballots = write(tmp_path / "b.csv", text)
    code, out, _ = run("--ballots", str(ballots), "--catalogue", str(catalogue), "--min-group", "3")
    group = json.loads(out)["groups"]["alla"]
    assert set(group["questions"]) == {"current:community", "desired:community"}
    assert group["frame"] == "community"
    assert group["matches"]["current_desired"] == 3
    assert set(group["frames"]) == {"community"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda text: text.replace("r2,alla,current,forvirring", "r2,alla,current,fika"),
            "b.csv, line 10: unknown value 'fika': not in the catalogue",
        ),
        (
            lambda text: text.replace("r4,alla,desired,ansvar\n", ""),
            "b.csv, line 23: respondent 'r4' has 2 picks for 'desired'",
        ),
        (
            lambda text: text.replace("respondent,group,", "respondent,grupp,"),
            "b.csv, line 1: missing column 'group'",
        ),
    ],
)
def test_malformed_ballots_give_file_line_and_problem(
    tmp_path: Path, catalogue: Path, change: Callable[[str], str], message: str
) -> None:
    ballots = write(tmp_path / "b.csv", change(ballots_csv()))
    code, out, err = run(
        "--ballots", str(ballots), "--catalogue", str(catalogue), "--min-group", "3"
    )
    assert (code, out) == (2, "")
    assert err.startswith(str(tmp_path / message.split(",")[0]) + "," + message.split(",", 1)[1])


def test_a_bad_number_in_the_catalogue_names_its_line(tmp_path: Path) -> None:
    catalogue = write(tmp_path / "c.csv", catalogue_csv().replace(",Teamwork,6,", ",Teamwork,sex,"))
    ballots = write(tmp_path / "b.csv", ballots_csv())
    code, out, err = run("--ballots", str(ballots), "--catalogue", str(catalogue))
    assert (code, out) == (2, "")
    assert err == f"{catalogue}, line 4: level 'sex' is not a whole number\n"


def test_a_missing_file_is_an_input_error(tmp_path: Path, catalogue: Path) -> None:
    code, out, err = run("--ballots", str(tmp_path / "nej.csv"), "--catalogue", str(catalogue))
    assert (code, out) == (2, "")
    assert "nej.csv: cannot be read" in err


def test_a_bad_number_on_the_command_line_is_a_usage_error(catalogue: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        build_parser().parse_args(
            ["kartbild", "--ballots", "b", "--catalogue", "c", "--top", "tio"]
        )
    assert raised.value.code == 2


@pytest.mark.skipif(
    not SHIPPED_CATALOGUE.exists(), reason="the shipped catalogue is not written yet"
)
def test_the_shipped_catalogue_is_accepted(tmp_path: Path) -> None:
    from kartbild.analysis.catalogue import read_catalogue_csv

    catalogue = read_catalogue_csv(SHIPPED_CATALOGUE.read_text(encoding="utf-8"))
    slugs = catalogue.slugs[:3]
    rows = ["respondent,group,question,value"]
    for number in range(5):
        rows += [f"r{number},alla,current,{slug}" for slug in slugs]
    ballots = write(tmp_path / "b.csv", "\n".join(rows) + "\n")
    code, out, err = run("--ballots", str(ballots), "--catalogue", str(SHIPPED_CATALOGUE))
    assert (code, err) == (0, "")
    assert json.loads(out)["groups"]["alla"]["questions"]["current"]["votes"] == dict.fromkeys(
        slugs, 5
    )


def test_every_shown_group_is_compared_with_a_reference_table(
    tmp_path: Path, catalogue: Path
) -> None:
    ballots = write(tmp_path / "b.csv", ballots_csv("liten") + many("stor", 20, "s"))
    reference = write(
        tmp_path / "r.csv",
        "question,value,share,n\ncurrent,tillit,1.0,2000\ncurrent,byrakrati,0.1,2000\n"
        "current,mod,0.5,2000\n",
    )
    argv = ("--ballots", str(ballots), "--catalogue", str(catalogue), "--reference", str(reference))
    code, out, err = run(*argv)
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert "reference" not in json.dumps(document["withheld"])
    compared = document["groups"]["stor"]["reference"]["current"]
    assert set(compared) == {"agreement", "agreement_ci", "differences"}
    low, high = compared["agreement_ci"]
    assert 0 <= low <= compared["agreement"] <= high <= 1
    byrakrati = next(d for d in compared["differences"] if d["value"] == "byrakrati")
    # Half the group chose byråkrati against a tenth of the reference: a real difference.
    assert byrakrati["share"] == 0.5 and byrakrati["reference_share"] == 0.1
    assert byrakrati["significant"] is True
    assert run(*argv)[1] == out  # the default seed makes the interval repeatable


def test_a_malformed_reference_table_is_named_by_line(tmp_path: Path, catalogue: Path) -> None:
    ballots = write(tmp_path / "b.csv", ballots_csv("liten") + many("stor", 6, "s"))
    reference = write(tmp_path / "r.csv", "question,value,share,n\ncurrent,tillit,1.7,2000\n")
    code, out, err = run(
        "--ballots", str(ballots), "--catalogue", str(catalogue), "--reference", str(reference)
    )
    assert (code, out) == (2, "")
    assert "r.csv" in err and "line 2" in err
