"""The production settings (kartbild/settings.py with DEBUG and TESTING off), with one change for
benchmarks: collected static files go to a temporary folder instead of the working tree."""

import os
from pathlib import Path

from kartbild.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
