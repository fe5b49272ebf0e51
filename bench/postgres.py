"""A throwaway PostgreSQL cluster for benchmarks that need the production database.

Uses Debian's server binaries (/usr/lib/postgresql/*/bin); initdb runs as the postgres user,
so this needs root. When either is missing, `throwaway_postgres` yields None and a reason, and
the benchmark says in its section why PostgreSQL was not measured."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unavailable() -> str:
    """Why no cluster can be started here, or an empty string when one can."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return "PostgreSQL's server binaries are not installed"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "starting a cluster needs root (initdb runs as the postgres user)"
    return ""


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a cluster in a temporary folder with default durability; yield its database URL."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    binaries = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
    folder = Path(tempfile.mkdtemp(prefix="kartbild-pg-"))
    shutil.chown(folder, "postgres")
    port = _free_port()

    def as_postgres(*command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    data = folder / "data"
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300"
    try:
        as_postgres(
            str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"
        )
        as_postgres(
            str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start",
            "-o", options,
        )  # fmt: skip
        as_postgres(str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "kartbild")
        yield f"postgres://postgres@127.0.0.1:{port}/kartbild"
    finally:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(binaries / "pg_ctl"), "-D", str(data),
             "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
