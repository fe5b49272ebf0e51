"""Small factories for catalogue tests. The personas (admin_a, analyst_a, admin_b) and a small
shipped-style `catalogue` of ten values come from the project's conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kartbild.catalogue import actions
from kartbild.catalogue.datafile import CatalogueRow
from kartbild.catalogue.models import ValueCatalogue
from kartbild.catalogue.tests.factories import row


@pytest.fixture
def shipped_rows(monkeypatch: pytest.MonkeyPatch) -> list[CatalogueRow]:
    """The rows the loader reads, whatever the path: the loader's behaviour, not the file's."""
    rows = [
        row("tillit", "Tillit", 5, name_en="Trust"),
        row("byrakrati", "Byråkrati", 3, "limiting", name_en="Bureaucracy"),
        row("ansvar-for-kommande-generationer", "Ansvar för kommande generationer", 7, type="S"),
    ]
    monkeypatch.setattr(actions, "read_catalogue_file", lambda path: list(rows))
    return rows


@pytest.fixture
def own_catalogue(catalogue: ValueCatalogue, organisation_a: Any) -> ValueCatalogue:
    """Organisation A's own version 1, derived from the shipped-style catalogue."""
    return actions.derive_catalogue(catalogue, organisation_a, "Ystads värdekatalog")


@pytest.fixture
def catalogue_b(catalogue: ValueCatalogue, organisation_b: Any) -> ValueCatalogue:
    return actions.derive_catalogue(catalogue, organisation_b, "Strängnäs värdekatalog")


@pytest.fixture
def lock(organisation_a: Any) -> Callable[[ValueCatalogue], Any]:
    """Lock a catalogue version by letting a mapping of its organisation use it."""
    from kartbild.mappings.models import Mapping

    def lock(catalogue: ValueCatalogue) -> Any:
        owner = catalogue.organisation or organisation_a
        return Mapping.objects.create(
            organisation=owner, catalogue=catalogue, name="Kartläggning 2026"
        )

    return lock
