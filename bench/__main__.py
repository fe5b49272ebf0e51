"""Run the benchmarks and write docs/benchmarks.md.

    python -m bench            every bench_*.py module in this folder
    python -m bench engine     only bench_engine.py (other sections of the file are kept)

A benchmark module has `run() -> str` returning one markdown section (starting with a `##`
heading). Adding a benchmark is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import bench
from bench.machine import describe

REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
PREFIX = "bench_"
SECTION = re.compile(r"<!-- bench:(\w+) -->\n(.*?)<!-- /bench:\1 -->\n", re.DOTALL)


def available() -> list[str]:
    return sorted(
        info.name.removeprefix(PREFIX)
        for info in pkgutil.iter_modules(bench.__path__)
        if info.name.startswith(PREFIX)
    )


def previous_sections() -> dict[str, str]:
    if not REPORT.exists():
        return {}
    return dict(SECTION.findall(REPORT.read_text(encoding="utf-8")))


def render(sections: dict[str, str]) -> str:
    header = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`.venv/bin/python -m bench`); `python -m bench NAME` reruns one",
        "benchmark and keeps the other sections. Each section says what it measures and how.",
        "",
        f"Last run on {date.today().isoformat()} on:",
        "",
        describe(),
        "",
    ]
    body = [
        f"<!-- bench:{name} -->\n{text.rstrip()}\n\n<!-- /bench:{name} -->\n"
        for name, text in sections.items()
    ]
    return "\n".join(header) + "\n" + "\n".join(body)


def main(argv: Sequence[str]) -> int:
    names = list(argv) or available()
    unknown = [name for name in names if name not in available()]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; there are: {', '.join(available())}",
            file=sys.stderr,
        )
        return 2
    sections = previous_sections()
    for name in names:
        print(f"bench {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{PREFIX}{name}")
        sections[name] = module.run()
        print(f"bench {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        # Written after each benchmark, so that one that fails keeps the figures of the others.
        write(sections)
    print(f"wrote {REPORT}", file=sys.stderr)
    return 0


def write(sections: dict[str, str]) -> None:
    ordered = {name: sections[name] for name in sorted(sections)}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(render(ordered), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
