"""The analysis core is pure Python + numpy: no module of kartbild.analysis imports Django,
checked twice (an import with Django made unimportable, and a scan of every import statement).
The tests subpackage is not part of the core and is left out."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parents[1]

BLOCK_DJANGO = """
import importlib.abc, pkgutil, sys, importlib

class NoDjango(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError(f"the analysis core imported {name}")
        return None

sys.meta_path.insert(0, NoDjango())
import kartbild.analysis as package
names = [
    m.name
    for m in pkgutil.walk_packages(package.__path__, "kartbild.analysis.")
    if not m.name.startswith("kartbild.analysis.tests")
]
for name in names:
    if name.endswith("__main__"):
        continue
    importlib.import_module(name)
assert not any(m == "django" or m.startswith("django.") for m in sys.modules), "django loaded"
print(len(names))
"""


def test_every_module_imports_with_django_unimportable() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", BLOCK_DJANGO],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout) >= 10


def test_no_import_statement_names_django() -> None:
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []
