"""Open links, QR codes and invitation codes: generating batches, the CSV for mail merge, the
printable letters, and who may see any of it. Personas come from the project's conftest.py."""

from __future__ import annotations

import csv
import io
import re
import struct
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
import segno
from django.urls import reverse

from kartbild.mappings import actions, codes, letters
from kartbild.mappings.models import CodeBatch, InvitationCode, Mapping
from kartbild.organisations.models import Organisation, Unit

pytestmark = pytest.mark.django_db

CODE_FORMAT = re.compile(
    rf"^[{codes.ALPHABET}]{{4}}-[{codes.ALPHABET}]{{4}}-[{codes.ALPHABET}]{{4}}$"
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def mapping(make_mapping: Callable[..., Mapping]) -> Mapping:
    """An open mapping of organisation A for employees and citizens."""
    return make_mapping(("medarbetare", "medborgare"))


@pytest.fixture
def make_unit(organisation_a: Organisation) -> Callable[..., Unit]:
    def make(name: str = "Socialförvaltningen", code: str = "SOC") -> Unit:
        return Unit.objects.create(
            organisation=organisation_a, name=name, level="forvaltning", code=code, headcount=40
        )

    return make


@pytest.fixture
def make_batch(mapping: Mapping) -> Callable[..., CodeBatch]:
    def make(
        count: int = 5, used: int = 0, unit: Unit | None = None, on: Mapping | None = None
    ) -> CodeBatch:
        target = on or mapping
        batch = actions.generate_codes(
            target.perspectives.get(perspective="medarbetare"), unit, count
        )
        spent = list(batch.codes.order_by("pk").values_list("pk", flat=True)[:used])
        InvitationCode.objects.filter(pk__in=spent).update(used=True)
        return batch

    return make


def batches_url(mapping: Mapping, org: str = "ystad") -> str:
    return reverse("mappings:batches", args=[org, mapping.pk])


def csv_url(batch: CodeBatch, mapping: Mapping | None = None, org: str = "ystad") -> str:
    mapping_id = (mapping or batch.mapping_perspective.mapping).pk
    return reverse("mappings:batch_csv", args=[org, mapping_id, batch.pk])


def pdf_url(batch: CodeBatch, mapping: Mapping | None = None, org: str = "ystad") -> str:
    mapping_id = (mapping or batch.mapping_perspective.mapping).pk
    return reverse("mappings:batch_pdf", args=[org, mapping_id, batch.pk])


def qr_url(mapping: Mapping, fmt: str, perspective: str = "medarbetare", org: str = "ystad") -> str:
    return reverse("mappings:qr", args=[org, mapping.pk, perspective, fmt])


def every_url(mapping: Mapping, batch: CodeBatch, org: str = "ystad") -> list[str]:
    return [
        batches_url(mapping, org),
        csv_url(batch, org=org),
        pdf_url(batch, org=org),
        qr_url(mapping, "svg", org=org),
        qr_url(mapping, "png", org=org),
    ]


def pdf_pages(content: bytes, tmp_path: Any) -> int:
    path = tmp_path / "letters.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))  # type: ignore[union-attr]


def pdf_text(content: bytes, tmp_path: Any) -> str:
    path = tmp_path / "letters.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


# The page


def test_an_admin_sees_the_open_link_and_qr_code_of_each_perspective(
    client: Any, admin_a: Any, mapping: Mapping
) -> None:
    client.force_login(admin_a)
    response = client.get(batches_url(mapping))
    assert response.status_code == 200
    page = response.content.decode()
    for mp in mapping.perspectives.all():
        assert letters.open_answer_link(mp) in page
        assert qr_url(mapping, "svg", mp.perspective) in page
        assert qr_url(mapping, "png", mp.perspective) in page
    assert 'alt="QR-kod till den öppna svarslänken för Medarbetare"' in page
    assert 'src="data:image/svg+xml' in page


def test_a_perspective_without_an_open_link_shows_no_link_and_has_no_qr_code(
    client: Any, admin_a: Any, mapping: Mapping
) -> None:
    mapping.perspectives.filter(perspective="medarbetare").update(open_link=False)
    client.force_login(admin_a)
    page = client.get(batches_url(mapping)).content.decode()
    assert "Den öppna länken används inte för det här perspektivet" in page
    assert client.get(qr_url(mapping, "png")).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client: Any, mapping: Mapping) -> None:
    response = client.get(batches_url(mapping))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# Generating batches


def test_generating_a_batch_makes_that_many_distinct_codes_of_the_right_format(
    client: Any, admin_a: Any, mapping: Mapping, make_unit: Callable[..., Unit]
) -> None:
    unit = make_unit()
    client.force_login(admin_a)
    response = client.post(
        batches_url(mapping), {"perspective": "medarbetare", "unit": unit.pk, "count": 37}
    )
    assert response.status_code == 302
    batch = CodeBatch.objects.get()
    assert (batch.mapping_perspective.perspective, batch.unit, batch.size) == (
        "medarbetare",
        unit,
        37,
    )
    generated = list(batch.codes.values_list("code", flat=True))
    assert len(set(generated)) == 37
    assert all(CODE_FORMAT.match(code) for code in generated)
    assert not batch.codes.filter(used=True).exists()
    page = client.get(response["Location"]).content.decode()
    assert "37 inbjudningskoder är skapade" in page


def test_a_batch_without_a_unit_is_allowed(client: Any, admin_a: Any, mapping: Mapping) -> None:
    client.force_login(admin_a)
    client.post(batches_url(mapping), {"perspective": "medborgare", "unit": "", "count": 3})
    batch = CodeBatch.objects.get()
    assert batch.unit is None
    assert batch.mapping_perspective.perspective == "medborgare"


@pytest.mark.parametrize("count", ["0", "50001", "abc", "", "-3", "2.5"])
def test_a_bad_count_is_named_in_swedish_and_creates_nothing(
    client: Any, admin_a: Any, mapping: Mapping, count: str
) -> None:
    client.force_login(admin_a)
    response = client.post(batches_url(mapping), {"perspective": "medarbetare", "count": count})
    assert response.status_code == 200
    assert "Skriv ett heltal mellan 1 och 50\xa0000." in response.content.decode()
    assert not CodeBatch.objects.exists()
    assert not InvitationCode.objects.exists()


def test_a_perspective_outside_the_mapping_or_a_unit_of_another_organisation_is_refused(
    client: Any, admin_a: Any, mapping: Mapping, organisation_b: Organisation
) -> None:
    other_unit = Unit.objects.create(
        organisation=organisation_b, name="Annan", level="forvaltning", code="X"
    )
    client.force_login(admin_a)
    for data in (
        {"perspective": "fortroendevalda", "count": 5},
        {"perspective": "medarbetare", "unit": other_unit.pk, "count": 5},
    ):
        response = client.post(batches_url(mapping), data)
        assert response.status_code == 200
        assert "Något behöver rättas" in response.content.decode()
    assert not CodeBatch.objects.exists()


def test_a_closed_mapping_refuses_new_codes(client: Any, admin_a: Any, mapping: Mapping) -> None:
    actions.close_mapping(mapping)
    client.force_login(admin_a)
    page = client.get(batches_url(mapping)).content.decode()
    assert "Nya koder kan inte skapas" in page
    response = client.post(batches_url(mapping), {"perspective": "medarbetare", "count": 5})
    assert response.status_code == 200
    assert "Kartläggningen är stängd." in response.content.decode()
    assert not CodeBatch.objects.exists()


def test_a_draft_mapping_can_have_codes_so_letters_go_out_before_it_opens(
    client: Any, admin_a: Any, make_mapping: Callable[..., Mapping]
) -> None:
    draft = make_mapping(("medarbetare",), open=False)
    client.force_login(admin_a)
    client.post(batches_url(draft), {"perspective": "medarbetare", "count": 2})
    assert CodeBatch.objects.get().size == 2


# The table of batches


@pytest.mark.parametrize(
    ("used", "shown"), [(0, "0"), (1, "färre än 5"), (4, "färre än 5"), (5, "5")]
)
def test_the_used_count_of_a_batch_passes_the_anonymity_rule(
    client: Any,
    admin_a: Any,
    mapping: Mapping,
    make_batch: Callable[..., CodeBatch],
    used: int,
    shown: str,
) -> None:
    batch = make_batch(count=8, used=used)
    client.force_login(admin_a)
    page = client.get(batches_url(mapping)).content.decode()
    [row] = [row for row in page.split("<tr>") if csv_url(batch) in row]
    size, used_count = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert (size, used_count) == ("8", shown)
    assert "även de som redan är använda" in page


def test_every_batch_has_csv_and_pdf_downloads(
    client: Any, admin_a: Any, mapping: Mapping, make_batch: Callable[..., CodeBatch]
) -> None:
    batch = make_batch()
    client.force_login(admin_a)
    page = client.get(batches_url(mapping)).content.decode()
    assert csv_url(batch) in page
    assert pdf_url(batch) in page


# The CSV for mail merge


def test_the_csv_has_a_bom_the_header_and_every_code_used_or_not(
    client: Any,
    admin_a: Any,
    make_batch: Callable[..., CodeBatch],
    make_unit: Callable[..., Unit],
) -> None:
    batch = make_batch(count=6, used=2, unit=make_unit("Fritid & kultur"))
    client.force_login(admin_a)
    response = client.get(csv_url(batch))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="inbjudningskoder-{batch.mapping_perspective.mapping_id}-{batch.pk}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = csv_rows(response.content)
    assert header == ["kod", "perspektiv", "enhet", "svarslänk", "kodsida"]
    every = set(batch.codes.values_list("code", flat=True))
    assert len(rows) == 6
    assert {row[0] for row in rows} == every
    code_page = letters.code_page_link()
    for code, perspective, unit, link, page in rows:
        assert (perspective, unit, page) == ("Medarbetare", "Fritid & kultur", code_page)
        assert link == f"{code_page}?kod={code}"


def test_formula_like_unit_names_are_neutralised_in_the_csv(
    client: Any,
    admin_a: Any,
    make_batch: Callable[..., CodeBatch],
    make_unit: Callable[..., Unit],
) -> None:
    batch = make_batch(count=1, unit=make_unit('=HYPERLINK("http://evil.example","x")'))
    client.force_login(admin_a)
    _header, row = csv_rows(client.get(csv_url(batch)).content)
    assert row[2] == '\'=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+46 411 57 70 00", "'+46 411 57 70 00"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Socialförvaltningen", "Socialförvaltningen"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_spreadsheet_safe_puts_an_apostrophe_before_what_starts_like_a_formula(
    text: str, safe: str
) -> None:
    assert letters.spreadsheet_safe(text) == safe


# The letters


def test_the_pdf_has_one_page_per_code_used_or_not_and_shows_each_code(
    client: Any,
    admin_a: Any,
    mapping: Mapping,
    make_batch: Callable[..., CodeBatch],
    tmp_path: Any,
) -> None:
    mapping.closes_on = mapping.opens_on.replace(year=mapping.opens_on.year + 1)  # type: ignore[union-attr]
    mapping.save()
    batch = make_batch(count=4, used=1)
    client.force_login(admin_a)
    response = client.get(pdf_url(batch))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    # Used codes are printed too: leaving them out would tell who has answered.
    assert pdf_pages(response.content, tmp_path) == 4
    text = pdf_text(response.content, tmp_path)
    for code in batch.codes.values_list("code", flat=True):
        assert code in text
    assert "Ystad" in text
    assert mapping.name in text
    assert letters.code_page_link() in text
    assert "anonymt" in text
    assert "Svara senast den" in text


def test_user_text_in_the_letters_is_escaped(
    client: Any, admin_a: Any, make_batch: Callable[..., CodeBatch], tmp_path: Any
) -> None:
    batch = make_batch(count=1)
    Mapping.objects.filter(pk=batch.mapping_perspective.mapping_id).update(
        name="Kartläggning <b>fet</b> & <i>mer</i>"
    )
    client.force_login(admin_a)
    text = pdf_text(client.get(pdf_url(batch)).content, tmp_path)
    assert "Kartläggning <b>fet</b> & <i>mer</i>" in text


def test_the_qr_code_of_a_letter_opens_the_code_page_with_the_code_filled_in(
    client: Any, admin_a: Any, make_batch: Callable[..., CodeBatch], tmp_path: Any
) -> None:
    from PIL import Image

    batch = make_batch(count=1)
    code = batch.codes.get().code
    client.force_login(admin_a)
    path = tmp_path / "letter.pdf"
    path.write_bytes(client.get(pdf_url(batch)).content)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    # One image, and the PDF tells viewers and printers not to smooth it.
    [image_line] = listing.stdout.splitlines()[2:]
    assert image_line.split()[9] == "no"
    subprocess.run(["pdfimages", "-png", str(path), str(tmp_path / "qr")], check=True)
    image = Image.open(tmp_path / "qr-000.png").convert("1")
    drawn = [[image.getpixel((x, y)) == 0 for x in range(image.width)] for y in range(image.height)]
    expected_link = f"{letters.code_page_link()}?kod={code}"
    # There is no QR decoder here: compare with the symbol segno draws for the expected link, under
    # whichever of the eight mask patterns the letter uses.
    candidates = []
    for mask in range(8):
        qr = segno.make(expected_link, error="m", micro=False, mask=mask)
        candidates.append([[bool(module) for module in row] for row in qr.matrix_iter(border=4)])
    assert drawn in candidates


def test_the_longest_names_still_fit_the_letter_on_one_page(
    client: Any,
    admin_a: Any,
    organisation_a: Organisation,
    mapping: Mapping,
    make_batch: Callable[..., CodeBatch],
    make_unit: Callable[..., Unit],
    tmp_path: Any,
) -> None:
    def longest(word: str, length: int) -> str:
        return (word * length)[:length]

    Organisation.objects.filter(pk=organisation_a.pk).update(
        name=longest("Samhällsbyggnadsförvaltningen ", 100)
    )
    mapping.name = longest("Värderingskartläggning för medarbetare ", 120)
    mapping.opens_on = mapping.opens_on.replace(year=mapping.opens_on.year + 1)  # type: ignore[union-attr]
    mapping.closes_on = mapping.opens_on.replace(month=12, day=31)
    mapping.save()
    batch = make_batch(count=2, unit=make_unit(longest("Äldreomsorgens hemtjänstområde ", 120)))
    client.force_login(admin_a)
    response = client.get(pdf_url(batch))
    assert pdf_pages(response.content, tmp_path) == 2
    text = pdf_text(response.content, tmp_path)
    assert "Du kan svara från och med den" in text


def test_a_large_batch_prints_in_parts_that_keep_their_codes(
    client: Any,
    admin_a: Any,
    mapping: Mapping,
    make_batch: Callable[..., CodeBatch],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    monkeypatch.setattr(letters, "LETTERS_PER_PDF", 2)
    batch = make_batch(count=5, used=1)
    client.force_login(admin_a)
    page = client.get(batches_url(mapping)).content.decode()
    assert f"{pdf_url(batch)}?del=3" in page
    assert "Del 2: kod 3–4" in page
    assert "Del 3: kod 5<" in page
    ordered = list(batch.codes.order_by("pk").values_list("code", flat=True))
    first = client.get(pdf_url(batch) + "?del=1")
    # Every code is printed, used or not, so a part always holds the same codes.
    assert pdf_pages(first.content, tmp_path) == 2
    assert ordered[0] in pdf_text(first.content, tmp_path)
    assert ordered[1] in pdf_text(first.content, tmp_path)
    last = client.get(pdf_url(batch) + "?del=3")
    assert ordered[4] in pdf_text(last.content, tmp_path)
    assert 'filename="inbjudningsbrev-' in last["Content-Disposition"]
    assert '-del-3.pdf"' in last["Content-Disposition"]
    for part in ("0", "4", "abc", "-1"):
        assert client.get(pdf_url(batch) + f"?del={part}").status_code == 404


# QR codes of the open links


def test_the_qr_svg_is_a_download_of_the_open_link(
    client: Any, admin_a: Any, mapping: Mapping
) -> None:
    client.force_login(admin_a)
    response = client.get(qr_url(mapping, "svg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == (
        f'attachment; filename="qr-medarbetare-{mapping.pk}.svg"'
    )
    assert b"<svg" in response.content


def test_the_qr_png_is_a_printable_download(client: Any, admin_a: Any, mapping: Mapping) -> None:
    client.force_login(admin_a)
    response = client.get(qr_url(mapping, "png", "medborgare"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f'attachment; filename="qr-medborgare-{mapping.pk}.png"'
    )
    content = response.content
    assert content.startswith(PNG_SIGNATURE)
    assert content[12:16] == b"IHDR"
    width, height = struct.unpack(">II", content[16:24])
    assert width == height
    # Sharp at 7–8 cm on a 300 dpi printer.
    assert width >= 800


@pytest.mark.parametrize(
    ("perspective", "fmt"),
    [("medarbetare", "gif"), ("medarbetare", "SVG"), ("fortroendevalda", "png"), ("okand", "svg")],
)
def test_a_qr_code_of_another_format_or_a_perspective_outside_the_mapping_is_not_found(
    client: Any, admin_a: Any, mapping: Mapping, perspective: str, fmt: str
) -> None:
    client.force_login(admin_a)
    assert client.get(qr_url(mapping, fmt, perspective)).status_code == 404


# Who may


def test_an_analyst_is_forbidden_everything_here(
    client: Any, analyst_a: Any, mapping: Mapping, make_batch: Callable[..., CodeBatch]
) -> None:
    batch = make_batch()
    client.force_login(analyst_a)
    for url in every_url(mapping, batch):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(batches_url(mapping), {"perspective": "medarbetare", "count": 5}).status_code
        == 403
    )
    assert CodeBatch.objects.count() == 1


def test_another_organisations_admin_finds_nothing(
    client: Any, admin_b: Any, mapping: Mapping, make_batch: Callable[..., CodeBatch]
) -> None:
    batch = make_batch()
    client.force_login(admin_b)
    for org in ("ystad", "strangnas"):
        for url in every_url(mapping, batch, org):
            assert client.get(url).status_code == 404, url
        response = client.post(
            batches_url(mapping, org), {"perspective": "medarbetare", "count": 5}
        )
        assert response.status_code == 404
    assert CodeBatch.objects.count() == 1


def test_a_batch_of_another_mapping_is_not_found(
    client: Any,
    admin_a: Any,
    mapping: Mapping,
    make_mapping: Callable[..., Mapping],
    make_batch: Callable[..., CodeBatch],
) -> None:
    other = make_mapping(("medarbetare",))
    batch = make_batch(on=other)
    client.force_login(admin_a)
    assert client.get(csv_url(batch, mapping)).status_code == 404
    assert client.get(pdf_url(batch, mapping)).status_code == 404
    assert client.get(csv_url(batch, other)).status_code == 200
