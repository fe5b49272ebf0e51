"""Dialogue guides: one per audience of the mapping, made concrete with its own gated results,
with a facilitator page; as a page and as a PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from kartbild.reports import jobs
from kartbild.reports.exports import gather
from kartbild.reports.exports.content import no_progress
from kartbild.reports.guides import build_guide, render_guide_pdf
from kartbild.reports.models import ExportJob
from kartbild.reports.tests.helpers import answer, unit
from kartbild.reports.tests.test_access import member

pytestmark = pytest.mark.django_db

EMPLOYEES = {
    "personal": ["ansvar", "mod", "tillit"],
    "current": ["byrakrati", "kostnadsjakt", "tillit"],
    "desired": ["tillit", "oppenhet", "delaktighet"],
}
CITIZENS = {
    "personal": ["oppenhet", "lagarbete", "ansvar"],
    "current": ["oppenhet", "lagarbete", "ansvar"],
    "desired": ["tillit", "oppenhet", "lagarbete"],
}


@pytest.fixture
def world(organisation_a: Any, make_mapping: Any) -> dict[str, Any]:
    social = unit(organisation_a, "SOC", "Socialförvaltningen")
    school = unit(organisation_a, "BUF", "Skolan")
    mapping = make_mapping(("medarbetare", "medborgare", "fortroendevalda"))
    employees = mapping.perspectives.get(perspective="medarbetare")
    answer(employees, EMPLOYEES, 12, social)
    answer(employees, EMPLOYEES, 8, school)
    answer(mapping.perspectives.get(perspective="medborgare"), CITIZENS, 20)
    # Two elected officials: below the threshold.
    answer(mapping.perspectives.get(perspective="fortroendevalda"), CITIZENS, 2)
    return {
        "mapping": mapping,
        "social": social,
        "school": school,
        "manager": member(organisation_a, "chef", "unit_manager", social),
    }


def guide_url(mapping: Any, perspective: str) -> str:
    return reverse("reports:guide", args=["ystad", mapping.pk, perspective])


def test_the_employees_guide_makes_the_questions_concrete(world: dict[str, Any]) -> None:
    guide = build_guide(gather(world["mapping"]), "medarbetare")
    assert guide.respondents == 20 and not guide.withheld
    questions = [section.question for section in guide.sections]
    assert questions[0] == "Stämmer bilden med hur det ser ut hos oss?"
    assert questions[1] == "Varför väljer vi vissa värderingar framför andra?"
    assert questions[-1].startswith("Vad innebär det för mig?")
    first = guide.sections[0]
    # All 20 employees picked tillit, byråkrati and kostnadsjakt as today's culture; equal
    # votes keep the catalogue's order.
    assert [fact.text for fact in first.facts] == [
        "Tillit – valt av 100\u00a0%",
        "Byrakrati – valt av 100\u00a0%",
        "Kostnadsjakt – valt av 100\u00a0%",
    ]
    assert [fact.limiting for fact in first.facts] == [False, True, True]
    assert "Tillit" in first.prompts[0]
    # Tillit was picked for both cultures, so the jumps are öppenhet and delaktighet (+20).
    changes = [fact.text for fact in guide.sections[1].changes]
    assert "Oppenhet (+20 röster)" in changes and "Byrakrati (−20 röster)" in changes
    # Employees and citizens answered about different frames (workplace, community), so only
    # their personal values are compared, and there every employee picked mod and tillit and
    # no citizen did.
    differences = " ".join(fact.text for fact in guide.sections[2].facts)
    assert re.search(
        r"Personliga värderingar: Medarbetare väljer (Mod|Tillit) oftare än medborgare "
        r"\(100\u00a0% mot 0\u00a0%\)",
        differences,
    ), differences


def test_a_withheld_audience_gets_questions_without_numbers(world: dict[str, Any]) -> None:
    guide = build_guide(gather(world["mapping"]), "fortroendevalda")
    assert guide.withheld == "för få svar för att visa"
    assert guide.respondents is None
    assert all(section.facts == () for section in guide.sections)


def test_the_guide_page_and_its_facilitator_part(
    client: Any, analyst_a: Any, world: dict[str, Any]
) -> None:
    client.force_login(analyst_a)
    index = client.get(reverse("reports:guides", args=["ystad", world["mapping"].pk]))
    assert index.status_code == 200
    for perspective in ("medarbetare", "medborgare", "fortroendevalda"):
        assert guide_url(world["mapping"], perspective) in index.content.decode()
    page = client.get(guide_url(world["mapping"], "medborgare")).content.decode()
    assert "Samtalsunderlag: medborgare" in page
    assert "För samtalsledarna" in page and "inte övertyga" in page
    assert "60–90 minuter" in page
    withheld = client.get(guide_url(world["mapping"], "fortroendevalda")).content.decode()
    main = withheld.split("<main", 1)[1].split("</main>", 1)[0]
    assert "visas inte" in main
    assert not re.search(r"\d+\s*%", main)


def test_a_guide_exists_only_for_the_mapping_s_perspectives(
    client: Any, admin_a: Any, make_mapping: Any, world: dict[str, Any]
) -> None:
    only_employees = make_mapping(("medarbetare",))
    client.force_login(admin_a)
    assert client.get(guide_url(only_employees, "medborgare")).status_code == 404
    assert client.get(guide_url(only_employees, "nonsense")).status_code == 404


def test_a_unit_manager_gets_the_employees_guide_of_their_subtree(
    client: Any, world: dict[str, Any]
) -> None:
    client.force_login(world["manager"])
    assert client.get(guide_url(world["mapping"], "medborgare")).status_code == 403
    page = client.get(guide_url(world["mapping"], "medarbetare")).content.decode()
    assert "Socialförvaltningen" in page
    assert "12 svar" in page


def test_another_organisation_finds_no_guide(
    client: Any, admin_b: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_b)
    assert client.get(guide_url(world["mapping"], "medarbetare")).status_code == 404
    assert (
        client.get(reverse("reports:guides", args=["ystad", world["mapping"].pk])).status_code
        == 404
    )


def test_the_guide_pdf_reads_back(
    client: Any, admin_a: Any, world: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    settings.EXPORT_RUNNER = jobs.RUNNER_WORKER
    client.force_login(admin_a)
    response = client.post(
        reverse("reports:exports", args=["ystad", world["mapping"].pk]),
        {"kind": "guide", "perspective": "medarbetare"},
    )
    assert response.status_code == 302
    jobs.run_pending()
    job = ExportJob.objects.get()
    assert job.status == "done" and job.filename.startswith("samtalsunderlag-medarbetare")
    path = tmp_path / "guide.pdf"
    path.write_bytes(bytes(job.result or b""))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Stämmer bilden med hur det ser ut hos oss?" in text
    assert "För samtalsledarna" in text
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])  # type: ignore[index]
    assert 2 <= pages <= 4


def test_render_guide_pdf_directly(world: dict[str, Any]) -> None:
    export = render_guide_pdf(gather(world["mapping"]), "medborgare", no_progress)
    assert export.content.startswith(b"%PDF") and export.content_type == "application/pdf"
