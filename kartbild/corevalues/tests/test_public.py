"""The public page of the current värdegrund and its PDF, read back as text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from kartbild.corevalues import actions
from kartbild.corevalues.models import CoreValueFramework

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "vardegrund.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_nothing_published_is_not_found(draft: CoreValueFramework) -> None:
    assert Client().get(reverse("corevalues:public", args=["ystad"])).status_code == 404
    assert Client().get(reverse("corevalues:public_pdf", args=["ystad"])).status_code == 404
    assert Client().get(reverse("corevalues:public", args=["finns-inte"])).status_code == 404


def test_the_public_page_shows_the_current_version_to_anyone(
    published: CoreValueFramework,
) -> None:
    draft = actions.copy_to_new_version(published)
    actions.add_value(draft, "Hemligt utkast", "Ännu inte beslutat.")
    response = Client().get(reverse("corevalues:public", args=["ystad"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="sv">' in page
    for text in [
        "Bättre tillsammans",
        "Så vill vi vara mot varandra.",
        "Tillit",
        "Vi litar på varandra.",
        "Jag håller det jag lovar.",
        "Jag delar ansvar och befogenheter.",
        "Alla medarbetare",
        "Chefer och ledare",
        "Version 1, publicerad 20 maj 2025.",
    ]:
        assert text in page, text
    assert page.index("Tillit") < page.index("Mod")
    assert "Hemligt utkast" not in page


def test_the_english_interface_marks_the_swedish_text(published: CoreValueFramework) -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("corevalues:public", args=["ystad"])).content.decode()
    assert '<html lang="en">' in page
    assert '<div lang="sv">' in page
    assert "Everyone" in page or "All employees" in page


def test_after_a_new_version_is_published_the_page_shows_it(
    published: CoreValueFramework,
) -> None:
    import datetime

    draft = actions.copy_to_new_version(published)
    actions.add_value(draft, "Delaktighet", "Alla får vara med.")
    actions.add_behaviour(draft.values.get(name="Delaktighet"), "Jag frågar dem som berörs.")
    actions.publish(draft, datetime.date(2026, 2, 1))
    page = Client().get(reverse("corevalues:public", args=["ystad"])).content.decode()
    assert "Version 2, publicerad 1 februari 2026." in page
    assert "Jag frågar dem som berörs." in page


def test_the_pdf_reads_back_with_every_value_and_behaviour(
    published: CoreValueFramework, tmp_path: Path
) -> None:
    response = Client().get(reverse("corevalues:public_pdf", args=["ystad"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "vardegrund-ystad-version-1.pdf" in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content, tmp_path).split())
    for expected in [
        "Bättre tillsammans",
        "Ystad",
        "Version 1, publicerad 20 maj 2025.",
        "Tillit",
        "Vi litar på varandra.",
        "Jag håller det jag lovar.",
        "Princip Jag delar ansvar och befogenheter.",
        "Mod",
        "Jag tar emot kritik utan att straffa.",
        "Chefer och ledare",
    ]:
        assert expected in text, expected


def test_the_pdf_is_tagged(published: CoreValueFramework, tmp_path: Path) -> None:
    """Tagged: a screen reader gets headings, lists and reading order, not loose text."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    path = tmp_path / "vardegrund.pdf"
    path.write_bytes(Client().get(reverse("corevalues:public_pdf", args=["ystad"])).content)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    assert "Tagged:          yes" in info.stdout
    assert "Title:           Bättre tillsammans – Ystad" in info.stdout


def test_the_pdf_is_swedish_whatever_the_interface_language(
    published: CoreValueFramework, tmp_path: Path
) -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    pdf = client.get(reverse("corevalues:public_pdf", args=["ystad"])).content
    assert "Chefer och ledare" in " ".join(pdf_text(pdf, tmp_path).split())


def test_the_public_page_needs_as_many_queries_for_many_values_as_for_few(
    published: CoreValueFramework,
) -> None:
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    address = reverse("corevalues:public", args=["ystad"])
    with CaptureQueriesContext(connection) as few:
        assert Client().get(address).status_code == 200
    draft = actions.copy_to_new_version(published)
    for number in range(6):
        value = actions.add_value(draft, f"Värde {number}", "Beskrivning.")
        actions.add_behaviour(value, "Jag gör något.")
        actions.add_behaviour(value, "Jag leder något.", "leaders", "principle")
    actions.publish(draft, datetime.date(2026, 1, 1))
    with CaptureQueriesContext(connection) as many:
        assert "Värde 5" in Client().get(address).content.decode()
    assert len(many) == len(few)
