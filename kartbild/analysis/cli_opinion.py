"""`python -m kartbild.analysis opinion-groups`: opinion groups from a Polis-style vote export.

    python -m kartbild.analysis opinion-groups --votes V.csv [--comments C.csv]
        [--seed 0] [--min-group 5] [--min-votes 7]

V.csv needs the columns `voter-id`, `comment-id` and `vote` (1 agree, -1 disagree, 0 pass), found
by header name; other columns (Polis also exports `timestamp` and `datetime`) are ignored. When a
voter voted on a comment more than once, the later row in the file wins. Polis sorts its export by
comment, then voter, then time, so the later row is also the later vote; the timestamp is not used,
which keeps the rule the same for files without one. C.csv, if given, needs `comment-id` and
`moderated`; comments with `moderated` = -1 were hidden by the moderator and their votes are left
out, as they would be in a live session. Votes on comments missing from C.csv are kept.

The result is one JSON object on stdout. Malformed input gives one message per problem, naming the
file and line, on stderr, exit code 2 and nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

import numpy as np

from kartbild.analysis.csvfile import ProblemList, open_csv, parse_integer
from kartbild.analysis.errors import InputError, Problem
from kartbild.analysis.opinion import (
    MIN_GROUP,
    MIN_VOTES,
    OpinionGroups,
    OpinionInputError,
    VoteMatrix,
    compute_opinion_groups,
)

# Fixed so that the same files always give the same groups; change it to see how much the
# k-means seeding matters.
DEFAULT_SEED = 0

# Six decimals are far below anything a reader can act on, and keep the JSON readable.
DECIMALS = 6

# What cli.py promises for malformed input; argparse also exits with 2 on a bad option.
EXIT_INPUT_ERROR = 2

# Polis's moderation states: -1 hidden by the moderator, 0 not yet moderated, 1 accepted.
_HIDDEN = -1
_MODERATION_VALUES = (-1, 0, 1)
# Polis's export: 1 agree, -1 disagree, 0 pass.
_VOTE_VALUES = (-1, 0, 1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of the `opinion-groups` command."""
    parser.add_argument(
        "--votes", required=True, type=Path, help="Polis votes export (voter-id, comment-id, vote)"
    )
    parser.add_argument(
        "--comments", type=Path, help="Polis comments export; moderated = -1 comments are left out"
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=DEFAULT_SEED,
        help="seed of the k-means random generator (a non-negative integer)",
    )
    parser.add_argument(
        "--min-group",
        type=int,
        default=MIN_GROUP,
        help="smallest group that is reported (at least 3)",
    )
    parser.add_argument(
        "--min-votes",
        type=int,
        default=MIN_VOTES,
        help="votes a participant needs to be placed in a group",
    )


def _seed(text: str) -> int:
    seed = parse_integer(text)
    if seed is None or seed < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a non-negative integer")
    return seed


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run the command: read the files, compute the groups, write JSON. Returns the exit code."""
    try:
        hidden = read_hidden_comments(args.comments) if args.comments is not None else set()
        matrix = read_votes(args.votes, hidden)
        result = compute_opinion_groups(
            matrix,
            rng=np.random.default_rng(args.seed),
            min_votes=args.min_votes,
            min_group=args.min_group,
        )
    except InputError as error:
        for message in error.messages():
            stderr.write(f"{message}\n")
        return EXIT_INPUT_ERROR
    except OpinionInputError as error:
        stderr.write(f"{error}\n")
        return EXIT_INPUT_ERROR
    json.dump(result_to_json(result, args), stdout, ensure_ascii=False)
    stdout.write("\n")
    return 0


def read_votes(path: Path, hidden_comments: set[int]) -> VoteMatrix:
    """Read a Polis votes export into a vote matrix, leaving out votes on hidden comments.

    Raises InputError listing every bad row (up to csvfile.MAX_PROBLEMS) with its line number.
    """
    table = open_csv(_read_text(path), str(path), ("voter-id", "comment-id", "vote"))
    problems = ProblemList(table.source)
    voters: list[int] = []
    comments: list[int] = []
    votes: list[int] = []
    for line, cells in table.rows:
        voter = _integer(problems, line, "voter-id", cells[table.columns["voter-id"]])
        comment = _integer(problems, line, "comment-id", cells[table.columns["comment-id"]])
        vote = _integer(problems, line, "vote", cells[table.columns["vote"]])
        if vote is not None and vote not in _VOTE_VALUES:
            problems.add(line, f"vote {vote} is not -1, 0 or 1")
            continue
        if voter is None or comment is None or vote is None or comment in hidden_comments:
            continue
        voters.append(voter)
        comments.append(comment)
        votes.append(vote)
    problems.raise_if_any()
    return VoteMatrix.from_votes(voters, comments, votes)


def read_hidden_comments(path: Path) -> set[int]:
    """Read a Polis comments export and return the ids of comments the moderator hid.

    Raises InputError listing every bad row with its line number.
    """
    table = open_csv(_read_text(path), str(path), ("comment-id", "moderated"))
    problems = ProblemList(table.source)
    hidden: set[int] = set()
    for line, cells in table.rows:
        comment = _integer(problems, line, "comment-id", cells[table.columns["comment-id"]])
        moderated = _integer(problems, line, "moderated", cells[table.columns["moderated"]])
        if moderated is not None and moderated not in _MODERATION_VALUES:
            problems.add(line, f"moderated {moderated} is not -1, 0 or 1")
        elif moderated == _HIDDEN and comment is not None:
            hidden.add(comment)
    problems.raise_if_any()
    return hidden


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(
            str(path), [Problem(None, f"cannot read the file ({error.strerror})")]
        ) from None
    except UnicodeDecodeError:
        raise InputError(str(path), [Problem(None, "the file is not UTF-8 text")]) from None


def _integer(problems: ProblemList, line: int, column: str, text: str) -> int | None:
    number = parse_integer(text)
    if number is None:
        problems.add(line, f"{column} {text!r} is not an integer")
    return number


def result_to_json(result: OpinionGroups, args: argparse.Namespace) -> dict[str, object]:
    """The JSON object written to stdout; comment ids are Polis's, group ids the result's."""
    return {
        "participants": {
            str(participant): group for participant, group in sorted(result.participants.items())
        },
        "groups": [
            {
                "id": group.id,
                "size": group.size,
                "representative": [item.statement_id for item in group.representative],
                "representative_details": [
                    {
                        "comment_id": item.statement_id,
                        "stance": item.stance.value,
                        "group_share": _round(item.group_share),
                        "rest_share": _round(item.rest_share),
                        "z_score": _round(item.z_score),
                    }
                    for item in group.representative
                ],
                "centre": [_round(coordinate) for coordinate in group.centre],
            }
            for group in result.groups
        ],
        "consensus": [item.statement_id for item in result.consensus],
        "divisive": [item.statement_id for item in result.divisive],
        "consensus_details": [
            {
                "comment_id": item.statement_id,
                "stance": item.stance.value,
                "group_shares": {
                    str(group.id): _round(share)
                    for group, share in zip(result.groups, item.group_shares, strict=True)
                },
                "score": _round(item.score),
            }
            for item in result.consensus
        ],
        "divisive_details": [
            {
                "comment_id": item.statement_id,
                "agreeing_group": item.agreeing_group,
                "disagreeing_group": item.disagreeing_group,
                "score": _round(item.score),
            }
            for item in result.divisive
        ],
        "k": result.cluster_count,
        "silhouette": None if result.silhouette is None else _round(result.silhouette),
        "explained_variance": [_round(share) for share in result.explained_variance],
        "comment_loadings": {
            str(comment): [_round(value) for value in loading]
            for comment, loading in sorted(result.statement_loadings.items())
        },
        "parameters": {
            "seed": args.seed,
            "min_group": args.min_group,
            "min_votes": args.min_votes,
        },
    }


def _round(value: float) -> float:
    return round(value, DECIMALS)
