"""Rules every template keeps, checked in the source so that a new page breaks them at once, even
before it is added to the browser audit (test_accessibility.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.urls import reverse

TEMPLATES = sorted((Path(__file__).resolve().parents[2]).glob("**/templates/**/*.html"))
TAG = re.compile(r"<(?P<name>[a-zA-Z]+)\b(?P<attributes>[^>]*)>", re.DOTALL)


def tags(name: str) -> list[tuple[Path, str]]:
    found = []
    for template in TEMPLATES:
        for match in TAG.finditer(template.read_text(encoding="utf-8")):
            if match.group("name").lower() == name:
                found.append((template, match.group("attributes")))
    return found


def test_the_templates_are_found() -> None:
    assert len(TEMPLATES) > 30


def test_every_scrolling_table_box_can_be_reached_and_is_named() -> None:
    """A `.table-scroll` box scrolls sideways on a narrow screen; the keyboard reaches it only
    with tabindex="0", and a screen reader names it only as a labelled region (axe:
    scrollable-region-focusable). Pattern: <div class="table-scroll" role="region" tabindex="0"
    aria-labelledby="the-caption-id">."""
    broken = []
    for template, attributes in tags("div"):
        if not re.search(r'class="[^"]*\btable-scroll\b', attributes):
            continue
        named = "aria-label=" in attributes or "aria-labelledby=" in attributes
        if 'tabindex="0"' not in attributes or 'role="region"' not in attributes or not named:
            broken.append(f"{template.relative_to(template.parents[3])}: <div{attributes}>")
    assert broken == []


def test_every_image_has_a_text_alternative() -> None:
    missing = [
        f"{template.name}: <img{attributes}>"
        for template, attributes in tags("img")
        if not re.search(r"\balt=", attributes)
    ]
    assert missing == []


def test_a_field_with_an_error_is_described_by_it_and_its_help(client: Any, admin_a: Any) -> None:
    client.force_login(admin_a)
    response = client.post(reverse("organisations:accessibility_edit", args=["ystad"]), {
        "accessibility_email": "inte en adress",
    })  # fmt: skip
    page = response.content.decode()
    field = re.search(r'<input[^>]*name="accessibility_email"[^>]*>', page)
    assert field is not None
    assert 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="id_accessibility_email_helptext id_accessibility_email_error"' in (
        field.group(0)
    )
    assert 'id="id_accessibility_email_error"' in page
    untouched = re.search(r'<input[^>]*name="accessibility_phone"[^>]*>', page)
    assert untouched is not None and "aria-describedby" not in untouched.group(0)
