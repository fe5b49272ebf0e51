"""Test-wide setup: settings for tests, the browser, and the personas every test can use."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from typing import Any

import pytest

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser: there is no internet here."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (.ci/run installs it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


def pytest_report_header() -> str:
    return f"chromium: {CHROMIUM if os.path.exists(CHROMIUM) else 'missing'}; pdftoppm: {shutil.which('pdftoppm') or 'missing'}"


# Personas: an admin and an analyst of organisation A, and an admin of organisation B.


@pytest.fixture
def organisation_a(db: None) -> Any:
    from kartbild.organisations.models import Organisation

    return Organisation.objects.create(name="Ystad", slug="ystad", kind="kommun", code="1286")


@pytest.fixture
def organisation_b(db: None) -> Any:
    from kartbild.organisations.models import Organisation

    return Organisation.objects.create(
        name="Strängnäs", slug="strangnas", kind="kommun", code="0486"
    )


def _member(organisation: Any, username: str, role: str, unit: Any = None) -> Any:
    from django.contrib.auth import get_user_model

    from kartbild.accounts.models import Membership

    user = get_user_model().objects.create_user(username=username, password="a-long-password-1")
    Membership.objects.create(user=user, organisation=organisation, role=role, unit=unit)
    return user


@pytest.fixture
def admin_a(organisation_a: Any) -> Any:
    return _member(organisation_a, "admin_a", "admin")


@pytest.fixture
def analyst_a(organisation_a: Any) -> Any:
    return _member(organisation_a, "analyst_a", "analyst")


@pytest.fixture
def admin_b(organisation_b: Any) -> Any:
    return _member(organisation_b, "admin_b", "admin")


@pytest.fixture
def catalogue(db: None) -> Any:
    """A small shipped-style catalogue: enough values for 3 picks in every frame."""
    from kartbild.catalogue.models import Value, ValueCatalogue

    catalogue = ValueCatalogue.objects.create(name="Testkatalog", version=1)
    words = [
        ("tillit", "trust", 5, "positive", "R"),
        ("mod", "courage", 4, "positive", "I"),
        ("delaktighet", "participation", 6, "positive", "O"),
        ("professionalitet", "professionalism", 3, "positive", "O"),
        ("byrakrati", "bureaucracy", 3, "limiting", "O"),
        ("kostnadsjakt", "cost cutting", 1, "limiting", "O"),
        ("forvirring", "confusion", 2, "limiting", "O"),
        ("oppenhet", "openness", 5, "positive", "R"),
        ("ansvar", "responsibility", 5, "positive", "I"),
        ("lagarbete", "teamwork", 6, "positive", "R"),
    ]
    for position, (slug, english, level, polarity, kind) in enumerate(words):
        Value.objects.create(
            catalogue=catalogue,
            position=position,
            slug=slug,
            name_sv=slug.capitalize(),
            name_en=english.capitalize(),
            description_sv=f"Beskrivning av {slug}.",
            description_en=f"Description of {english}.",
            level=level,
            polarity=polarity,
            type=kind,
            frames="personal|workplace|community",
        )
    return catalogue


@pytest.fixture
def make_mapping(organisation_a: Any, catalogue: Any) -> Callable[..., Any]:
    """An open mapping of organisation A with 3 picks per question."""
    from kartbild.mappings import actions

    def make(
        perspectives: tuple[str, ...] = ("medarbetare", "medborgare"),
        open: bool = True,
        **settings: Any,
    ) -> Any:
        settings.setdefault("picks", 3)
        mapping = actions.create_mapping(
            organisation_a, catalogue, "Kartläggning 2026", perspectives, **settings
        )
        if open:
            actions.open_mapping(mapping)
        return mapping

    return make
