"""Small factories for catalogue tests."""

from __future__ import annotations

from typing import Any

from kartbild.catalogue.datafile import CatalogueRow


def row(
    slug: str, name_sv: str, level: int, polarity: str = "positive", **fields: Any
) -> CatalogueRow:
    values: dict[str, Any] = {
        "slug": slug,
        "name_sv": name_sv,
        "name_en": fields.pop("name_en", slug.capitalize()),
        "description_sv": f"Beskrivning av {name_sv.lower()}.",
        "description_en": f"Description of {slug}.",
        "level": level,
        "polarity": polarity,
        "type": "O",
        "frames": ("personal", "workplace", "community"),
    }
    values.update(fields)
    return CatalogueRow(**values)


def value_fields(**overrides: Any) -> dict[str, Any]:
    """What the add-value form sends for a valid local value."""
    fields: dict[str, Any] = {
        "name_sv": "Närhet till naturen",
        "name_en": "Closeness to nature",
        "description_sv": "Att naturen finns nära där vi bor och arbetar.",
        "description_en": "That nature is close to where we live and work.",
        "level": 6,
        "polarity": "positive",
        "type": "S",
        "frames": ["personal", "community"],
        "slug": "",
    }
    fields.update(overrides)
    return fields
