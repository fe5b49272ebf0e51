"""Paper answers: the whole file is checked first, and either every row is stored or none."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kartbild.mappings.models import OpenAnswer, Response
from kartbild.organisations.models import Unit

pytestmark = pytest.mark.django_db


def header(mapping: Any) -> list[str]:
    keys = ["personal", "current:workplace", "desired:workplace"]
    return (
        ["perspektiv", "enhet"]
        + [f"{k} {i}" for k in keys for i in range(1, mapping.picks + 1)]
        + ["öppet svar"]
    )


def csv_file(rows: list[list[str]], name: str = "svar.csv") -> SimpleUploadedFile:
    text = "\n".join(";".join(r) for r in rows)
    return SimpleUploadedFile(name, text.encode("utf-8-sig"))


def good_row() -> list[str]:
    return [
        "medarbetare",
        "U1",
        "tillit",
        "Mod",
        "ansvar",
        "Byrakrati",
        "Kostnadsjakt",
        "forvirring",
        "tillit",
        "Openness",
        "delaktighet",
        "Bra",
    ]


def test_a_valid_file_is_stored_whole(
    client: Any, admin_a: Any, make_mapping: Any, organisation_a: Any
) -> None:
    Unit.objects.create(organisation=organisation_a, code="U1", name="Enhet 1", level="forvaltning")
    mapping = make_mapping(("medarbetare",))
    client.force_login(admin_a)
    rows = [header(mapping), good_row(), good_row()]
    response = client.post(
        reverse("mappings:paper_import", args=["ystad", mapping.pk]), {"file": csv_file(rows)}
    )
    assert response.status_code == 302
    assert Response.objects.count() == 2
    assert OpenAnswer.objects.count() == 2


def test_one_bad_row_stores_nothing_and_names_the_line(
    client: Any, admin_a: Any, make_mapping: Any, organisation_a: Any
) -> None:
    Unit.objects.create(organisation=organisation_a, code="U1", name="Enhet 1", level="forvaltning")
    mapping = make_mapping(("medarbetare",))
    client.force_login(admin_a)
    bad = good_row()
    bad[2] = "okänt ord"
    short = good_row()[:-2] + ["", ""]
    rows = [header(mapping), good_row(), bad, short, ["medborgare"] + good_row()[1:]]
    response = client.post(
        reverse("mappings:paper_import", args=["ystad", mapping.pk]), {"file": csv_file(rows)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rad 3" in page and "okänt ord" in page
    assert "Rad 4" in page and "välj exakt 3 värden (nu 2)" in page
    assert "Rad 5" in page and "ingår inte i kartläggningen" in page
    assert Response.objects.count() == 0


def test_an_xlsx_file_is_read_too(
    client: Any, admin_a: Any, make_mapping: Any, organisation_a: Any
) -> None:
    Unit.objects.create(organisation=organisation_a, code="U1", name="Enhet 1", level="forvaltning")
    mapping = make_mapping(("medarbetare",))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header(mapping))
    sheet.append(good_row())
    data = io.BytesIO()
    workbook.save(data)
    client.force_login(admin_a)
    upload = SimpleUploadedFile("svar.xlsx", data.getvalue())
    response = client.post(
        reverse("mappings:paper_import", args=["ystad", mapping.pk]), {"file": upload}
    )
    assert response.status_code == 302
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "tom.csv", "tom"),
        (b"\x00\x01\x02garbage", "svar.csv", "inte en textfil"),
        (b"PK\x03\x04broken", "svar.xlsx", "Excel-fil"),
        (b"enhet;personal 1\nU1;tillit\n", "svar.csv", "perspektiv saknas"),
        (b'perspektiv\n"unterminated\n', "svar.csv", "Rad"),
    ],
)
def test_a_malformed_file_gets_a_swedish_message(
    client: Any, admin_a: Any, make_mapping: Any, content: bytes, name: str, message: str
) -> None:
    mapping = make_mapping(("medarbetare",))
    client.force_login(admin_a)
    response = client.post(
        reverse("mappings:paper_import", args=["ystad", mapping.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Response.objects.count() == 0


def test_a_closed_mapping_takes_no_paper_answers(
    client: Any, admin_a: Any, make_mapping: Any
) -> None:
    from kartbild.mappings import actions

    mapping = make_mapping(("medarbetare",))
    actions.close_mapping(mapping)
    client.force_login(admin_a)
    rows = [header(mapping), good_row()]
    response = client.post(
        reverse("mappings:paper_import", args=["ystad", mapping.pk]), {"file": csv_file(rows)}
    )
    assert "bara läsas in medan kartläggningen är öppen" in response.content.decode()
    assert Response.objects.count() == 0


def test_the_analyst_and_other_organisations_cannot_import(
    client: Any, analyst_a: Any, admin_b: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare",))
    url = reverse("mappings:paper_import", args=["ystad", mapping.pk])
    client.force_login(analyst_a)
    assert client.get(url).status_code == 403
    client.force_login(admin_b)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("mappings:paper_import", args=["strangnas", mapping.pk])).status_code
        == 404
    )
