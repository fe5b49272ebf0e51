"""Command-line interface over the analysis core, for analysts and for checking the maths from outside.

    python -m kartbild.analysis kartbild --ballots B.csv --catalogue C.csv [--top 10] [--min-group 5]
    python -m kartbild.analysis opinion-groups --votes V.csv [--comments C.csv]

Results go to stdout as one JSON object; malformed input gives a message naming the file, line and
problem on stderr, exit code 2 and nothing on stdout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kartbild.analysis import cli_kartbild, cli_opinion


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kartbild.analysis")
    commands = parser.add_subparsers(dest="command", required=True)
    cli_kartbild.add_arguments(
        commands.add_parser("kartbild", help="compute the kartbild of ballots")
    )
    cli_opinion.add_arguments(
        commands.add_parser("opinion-groups", help="opinion groups from a Polis-style vote export")
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runner = cli_kartbild.run if args.command == "kartbild" else cli_opinion.run
    return runner(args, sys.stdout, sys.stderr)
