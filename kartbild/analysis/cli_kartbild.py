"""`python -m kartbild.analysis kartbild --ballots B.csv --catalogue C.csv [--top 10]
[--min-group 5] [--reference R.csv [--seed 0]]`: the kartbild of a long ballot file as one JSON
object on stdout; with a reference table (question,value,share,n), every shown group is also
compared with it per question the reference covers.

Malformed input gives one message per problem (file, line, problem) on stderr, exit code 2 and
nothing on stdout. See docs/analysis.md for the JSON document.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from kartbild.analysis.ballots import QuestionKey
from kartbild.analysis.ballots_csv import BallotFile, read_ballots_csv
from kartbild.analysis.catalogue import LEVELS, VALUE_TYPES, read_catalogue_csv
from kartbild.analysis.compare import Comparison, compare_with_reference
from kartbild.analysis.engine import (
    FrameResult,
    GroupResult,
    Kartbild,
    QuestionResult,
    compute_kartbild,
)
from kartbild.analysis.errors import AnalysisError, InputError
from kartbild.analysis.gate import (
    DEFAULT_MIN_DISTRIBUTION,
    DEFAULT_MIN_FREE_TEXT,
    DEFAULT_MIN_GROUP,
    LOWEST_MIN_GROUP,
    AnonymityPolicy,
)
from kartbild.analysis.metrics import DEFAULT_TOP, ValueChange, ValueMatches
from kartbild.analysis.reference import ReferenceSet, read_reference_csv

# The exit code of a command-line usage or input error, as argparse uses it.
INPUT_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ballots", type=Path, required=True, help="respondent,group,question,value CSV"
    )
    parser.add_argument(
        "--catalogue", type=Path, required=True, help="slug,name_sv,name_en,level,polarity,type CSV"
    )
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help="length of top lists (10)")
    parser.add_argument(
        "--min-group",
        type=int,
        default=DEFAULT_MIN_GROUP,
        help=f"smallest group shown ({DEFAULT_MIN_GROUP}; never below {LOWEST_MIN_GROUP})",
    )
    parser.add_argument(
        "--reference", type=Path, help="question,value,share,n CSV to compare every group with"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the bootstrap interval of the agreement (0)"
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Compute and write the kartbild; 0 on success, 2 on bad input (nothing on stdout)."""
    if args.min_group < LOWEST_MIN_GROUP:
        stderr.write(
            f"--min-group {args.min_group} is refused: groups smaller than {LOWEST_MIN_GROUP} "
            "are never shown\n"
        )
        return INPUT_ERROR
    if args.top < 1:
        stderr.write(f"--top {args.top} is refused: a top list needs at least one value\n")
        return INPUT_ERROR
    try:
        catalogue = read_catalogue_csv(_read(args.catalogue), str(args.catalogue))
        ballot_file = read_ballots_csv(_read(args.ballots), catalogue, str(args.ballots))
        policy = AnonymityPolicy(
            min_group=args.min_group,
            min_free_text=max(DEFAULT_MIN_FREE_TEXT, args.min_group),
            min_distribution=max(DEFAULT_MIN_DISTRIBUTION, args.min_group),
        )
        kartbild = compute_kartbild(
            catalogue, ballot_file.ballots, ballot_file.groups, policy, top=args.top
        )
        document = kartbild_document(kartbild, ballot_file)
        if args.reference is not None:
            reference = read_reference_csv(
                _read(args.reference), catalogue, source=str(args.reference), name="reference"
            )
            comparisons = reference_comparisons(
                kartbild, ballot_file, reference, np.random.default_rng(args.seed)
            )
            for name, questions in comparisons.items():
                document["groups"][name]["reference"] = questions
    except InputError as error:
        for message in error.messages():
            stderr.write(message + "\n")
        return INPUT_ERROR
    except AnalysisError as error:
        stderr.write(f"{error}\n")
        return INPUT_ERROR
    # Serialise before writing: stdout gets the whole document or nothing.
    stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
    stdout.write("\n")
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise AnalysisError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise AnalysisError(f"{path}: not UTF-8 text") from None


def reference_comparisons(
    kartbild: Kartbild, ballot_file: BallotFile, reference: ReferenceSet, rng: np.random.Generator
) -> dict[str, dict[str, dict[str, Any]]]:
    """Every shown group against the reference, for each question both have answers to."""
    groups = ballot_file.groups
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for name, group in kartbild.groups.items():
        members = groups.subtree(groups.index(name))[groups.membership]
        result[name] = {}
        for key, reference_question in reference.questions.items():
            if key not in group.questions:
                continue
            picks = ballot_file.ballots.question(key)
            rows = (
                picks.picks[members]
                if picks.respondents is None
                else picks.picks[members[picks.respondents]]
            )
            comparison = compare_with_reference(
                kartbild.catalogue, rows, reference_question, kartbild.policy, rng=rng, label=name
            )
            result[name][ballot_file.labels.get(key, str(key))] = _comparison(comparison)
    return result


def _comparison(comparison: Comparison) -> dict[str, Any]:
    return {
        "agreement": round(comparison.agreement, 4),
        "agreement_ci": [round(x, 4) for x in comparison.agreement_interval],
        "differences": [
            {
                "value": d.slug,
                "share": round(d.share_first, 4),
                "reference_share": round(d.share_second, 4),
                "difference": round(d.difference, 4),
                "p_adjusted": round(d.q_value, 6),
                "significant": d.significant,
            }
            for d in comparison.differences
        ],
    }


def kartbild_document(kartbild: Kartbild, ballot_file: BallotFile) -> dict[str, Any]:
    """The JSON document of a kartbild, with questions named as the ballot file names them."""

    def label(key: QuestionKey) -> str:
        return ballot_file.labels.get(key, str(key))

    withheld = []
    for item in kartbild.withheld:
        entry: dict[str, Any] = {
            "group": item.group,
            "reason": item.reason.value,
            "explanation": item.explanation,
        }
        if item.question is not None:
            entry["question"] = label(item.question)
        withheld.append(entry)
    return {
        "top": kartbild.top,
        "min_group": kartbild.policy.min_group,
        "groups": {name: _group(group, label) for name, group in kartbild.groups.items()},
        "withheld": withheld,
    }


def _group(group: GroupResult, label: Any) -> dict[str, Any]:
    main = group.main_frame
    document: dict[str, Any] = {
        "respondents": group.respondents,
        "questions": {label(key): _question(result) for key, result in group.questions.items()},
        "frame": main.frame if main else None,
    }
    document.update(_frame(main))
    document["frames"] = {name: _frame(frame) for name, frame in group.frames.items()}
    return document


def _question(result: QuestionResult) -> dict[str, Any]:
    table = result.table
    rows = table.rows()
    limiting = result.limiting
    levels = result.levels
    profile = result.profile
    return {
        "respondents": table.respondents,
        "picks": table.picks_per_respondent,
        "votes": {row.slug: row.votes for row in rows},
        "top": list(table.top_slugs),
        "tied_at_cutoff": [table.slugs[v] for v in table.tied_at_cutoff],
        "values": [
            {
                "value": row.slug,
                "votes": row.votes,
                "share": row.share,
                "share_ci": [row.share_low, row.share_high],
                "rank": row.rank,
                "in_top": row.in_top,
                "tied_at_cutoff": row.tied_at_cutoff,
            }
            for row in rows
        ],
        "limiting_share": limiting.share if limiting else None,
        "limiting_share_ci": (
            [limiting.low, limiting.high] if limiting and limiting.low is not None else None
        ),
        "limiting_band": limiting.band.value if limiting else None,
        "levels": {
            str(level): {
                "positive": levels.positive[level - 1],
                "limiting": levels.limiting[level - 1],
            }
            for level in range(1, LEVELS + 1)
        },
        "level_split": {
            "self_interest": levels.self_interest,
            "transformation": levels.transformation,
            "common_good": levels.common_good,
        },
        "top_profile": {
            "positive": profile.positive,
            "limiting": profile.limiting,
            "ratio": profile.ratio,
            "types": {t.value: profile.types[i] for i, t in enumerate(VALUE_TYPES)},
        },
    }


def _frame(frame: FrameResult | None) -> dict[str, Any]:
    matches = frame.matches if frame else None
    pairs = ("personal_current", "current_desired", "personal_desired")
    return {
        "matches": {pair: getattr(matches, pair) if matches else None for pair in pairs},
        "match_readings": {pair: _reading(matches, pair) for pair in pairs},
        "jumps": _changes(frame.jumps) if frame else None,
        "drops": _changes(frame.drops) if frame else None,
    }


def _reading(matches: ValueMatches | None, pair: str) -> str | None:
    if matches is None:
        return None
    reading = matches.reading(getattr(matches, pair))
    return reading.value if reading else None


def _changes(changes: tuple[ValueChange, ...] | None) -> list[dict[str, Any]] | None:
    if changes is None:
        return None
    return [{"value": change.slug, "change": change.change} for change in changes]
