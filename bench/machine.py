"""A description of the machine and software a benchmark ran on, for the report's header."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

# The packages whose speed the figures depend on.
PACKAGES = ("numpy", "scipy", "pandas", "duckdb")


def cpu_model() -> str:
    """The CPU model as /proc/cpuinfo names it (or what the platform says elsewhere)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory() -> str:
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return "unknown"


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> str:
    """Markdown lines: CPU, cores, memory, OS, Python and package versions."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = ", ".join(f"{name} {version(name)}" for name in PACKAGES)
    return "\n".join(
        [
            f"- CPU: {cpu_model()}, {usable} cores usable ({os.cpu_count()} online)",
            f"- Memory: {memory()}",
            f"- System: {platform.system()} {platform.release()}, Python {platform.python_version()}",
            f"- Packages: {versions}",
        ]
    )
