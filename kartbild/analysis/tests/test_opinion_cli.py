"""The `opinion-groups` command on small Polis-style files."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kartbild.analysis import cli_opinion

# Two camps of six voters on eight comments, as in test_opinion: comments 0-2 split them, everyone
# agrees with 3 and disagrees with 4, camp A agrees with 5 while camp B passes, 6-7 are noise.
CAMP_A = (1, 1, 1, 1, -1, 1)
CAMP_B = (-1, -1, -1, 1, -1, 0)
NOISE = ((1, 0), (0, 1), (-1, 1), (1, -1), (0, -1), (-1, 0))
CAMP_A_VOTERS = range(0, 6)
CAMP_B_VOTERS = range(10, 16)
LONE_VOTER = 50


def vote_rows() -> list[tuple[int, int, int]]:
    """(voter, comment, vote) in Polis's export order: by comment, then voter."""
    rows = []
    for camp, voters in ((CAMP_A, CAMP_A_VOTERS), (CAMP_B, CAMP_B_VOTERS)):
        for index, voter in enumerate(voters):
            for comment, vote in enumerate((*camp, *NOISE[index])):
                rows.append((voter, comment, vote))
    rows.append((LONE_VOTER, 0, 1))
    return sorted(rows, key=lambda row: (row[1], row[0]))


def write_votes(path: Path, rows: list[tuple[int, int, int]]) -> Path:
    lines = ["timestamp,datetime,comment-id,voter-id,vote"]
    for position, (voter, comment, vote) in enumerate(rows):
        lines.append(
            f"{1500000000000 + position},Mon Jul 17 02:17:32 WIB 2017,{comment},{voter},{vote}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_comments(path: Path, moderated: dict[int, int]) -> Path:
    lines = ["timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"]
    for comment in range(8):
        body = f'"Comment {comment}, with a comma\nand a second line"'
        lines.append(f"1,x,{comment},0,0,0,{moderated.get(comment, 1)},{body}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    cli_opinion.add_arguments(parser)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli_opinion.run(parser.parse_args(list(argv)), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def run_json(*argv: str) -> dict[str, Any]:
    code, stdout, stderr = run(*argv)
    assert (code, stderr) == (0, "")
    result: dict[str, Any] = json.loads(stdout)
    return result


def test_it_writes_groups_and_statements_as_one_json_object(tmp_path: Path) -> None:
    votes = write_votes(tmp_path / "votes.csv", vote_rows())
    result = run_json("--votes", str(votes))

    participants = result["participants"]
    assert set(participants) == {
        str(voter) for voter in [*CAMP_A_VOTERS, *CAMP_B_VOTERS, LONE_VOTER]
    }
    assert participants[str(LONE_VOTER)] is None
    assert {participants[str(voter)] for voter in CAMP_A_VOTERS} == {0}
    assert {participants[str(voter)] for voter in CAMP_B_VOTERS} == {1}
    assert [(group["id"], group["size"]) for group in result["groups"]] == [(0, 6), (1, 6)]
    assert set(result["groups"][0]["representative"]) == {0, 1, 2, 5}
    assert set(result["groups"][1]["representative"]) == {0, 1, 2}
    assert set(result["consensus"]) == {3, 4}
    assert set(result["divisive"]) == {0, 1, 2}
    assert result["k"] == 2
    assert result["parameters"] == {"seed": 0, "min_group": 5, "min_votes": 7}


def test_the_same_files_give_the_same_output(tmp_path: Path) -> None:
    votes = write_votes(tmp_path / "votes.csv", vote_rows())
    assert run("--votes", str(votes)) == run("--votes", str(votes))


def test_a_later_row_replaces_an_earlier_one(tmp_path: Path) -> None:
    rows = vote_rows() + [(0, 0, -1), (0, 0, 0)]
    votes = write_votes(tmp_path / "votes.csv", rows)
    matrix = cli_opinion.read_votes(votes, set())
    row = matrix.participant_ids.index(0)
    column = matrix.statement_ids.index(0)
    assert matrix.votes[row, column] == 0


def test_a_voter_who_changed_every_vote_is_grouped_by_the_later_votes(tmp_path: Path) -> None:
    revoted = [(0, comment, vote) for comment, vote in enumerate((*CAMP_B, 1, 0))]
    votes = write_votes(tmp_path / "votes.csv", vote_rows() + revoted)
    result = run_json("--votes", str(votes))
    assert result["participants"]["0"] == result["participants"]["10"]


def test_comments_hidden_by_the_moderator_are_left_out(tmp_path: Path) -> None:
    votes = write_votes(tmp_path / "votes.csv", vote_rows())
    comments = write_comments(tmp_path / "comments.csv", {3: -1, 6: 0})
    assert cli_opinion.read_hidden_comments(comments) == {3}

    result = run_json("--votes", str(votes), "--comments", str(comments))
    assert "3" not in result["comment_loadings"]
    assert "6" in result["comment_loadings"]
    assert result["consensus"] == [4]


def test_min_group_and_seed_can_be_set(tmp_path: Path) -> None:
    votes = write_votes(tmp_path / "votes.csv", vote_rows())
    result = run_json("--votes", str(votes), "--min-group", "7", "--seed", "3")
    assert result["groups"] == []
    assert set(result["participants"].values()) == {None}
    assert result["parameters"]["seed"] == 3


@pytest.mark.parametrize(
    ("content", "where", "problem"),
    [
        ("voter-id,comment-id\n1,2\n", ", line 1", "missing column 'vote'"),
        ("voter-id,comment-id,vote\n1,2,1\n1,3,2\n", ", line 3", "vote 2 is not -1, 0 or 1"),
        ("voter-id,comment-id,vote\nabc,2,1\n", ", line 2", "voter-id 'abc' is not an integer"),
        ("voter-id,comment-id,vote\n1,2.5,1\n", ", line 2", "comment-id '2.5' is not an integer"),
        ("voter-id,comment-id,vote\n1,2,\n", ", line 2", "vote '' is not an integer"),
        ("voter-id,comment-id,vote\n1,2\n", ", line 2", "vote '' is not an integer"),
        ("", "", "the file is empty"),
    ],
)
def test_malformed_votes_give_exit_code_2_a_message_and_no_output(
    tmp_path: Path, content: str, where: str, problem: str
) -> None:
    votes = tmp_path / "votes.csv"
    votes.write_text(content, encoding="utf-8")
    code, stdout, stderr = run("--votes", str(votes))
    assert code == 2
    assert stdout == ""
    assert f"{votes}{where}: {problem}" in stderr


def test_every_malformed_row_is_reported_at_once(tmp_path: Path) -> None:
    votes = tmp_path / "votes.csv"
    votes.write_text("voter-id,comment-id,vote\n1,2,1\nx,2,1\n1,3,5\n", encoding="utf-8")
    code, stdout, stderr = run("--votes", str(votes))
    assert (code, stdout) == (2, "")
    assert stderr.splitlines() == [
        f"{votes}, line 3: voter-id 'x' is not an integer",
        f"{votes}, line 4: vote 5 is not -1, 0 or 1",
    ]


def test_malformed_comments_name_the_comments_file(tmp_path: Path) -> None:
    votes = write_votes(tmp_path / "votes.csv", vote_rows())
    comments = tmp_path / "comments.csv"
    comments.write_text(
        'comment-id,moderated,comment-body\n0,1,"two\nlines"\n1,x,ok\n', encoding="utf-8"
    )
    code, stdout, stderr = run("--votes", str(votes), "--comments", str(comments))
    assert (code, stdout) == (2, "")
    assert f"{comments}, line 4: moderated 'x' is not an integer" in stderr


def test_a_missing_file_gives_exit_code_2(tmp_path: Path) -> None:
    code, stdout, stderr = run("--votes", str(tmp_path / "absent.csv"))
    assert (code, stdout) == (2, "")
    assert "absent.csv" in stderr


def test_a_min_group_below_the_anonymity_floor_gives_exit_code_2(tmp_path: Path) -> None:
    votes = write_votes(tmp_path / "votes.csv", vote_rows())
    code, stdout, stderr = run("--votes", str(votes), "--min-group", "2")
    assert (code, stdout) == (2, "")
    assert "min_group" in stderr


def test_the_header_may_come_in_any_order_with_extra_columns(tmp_path: Path) -> None:
    votes = tmp_path / "votes.csv"
    votes.write_text("\ufeffvote,extra,voter-id,comment-id\n1,x,7,3\n-1,y,8,3\n", encoding="utf-8")
    matrix = cli_opinion.read_votes(votes, set())
    assert matrix.participant_ids == (7, 8)
    np.testing.assert_array_equal(matrix.votes, [[1.0], [-1.0]])


def test_a_negative_seed_is_refused_by_the_option_parser(tmp_path: Path) -> None:
    votes = write_votes(tmp_path / "votes.csv", vote_rows())
    with pytest.raises(SystemExit) as exit_info:
        run("--votes", str(votes), "--seed", "-1")
    assert exit_info.value.code == 2
