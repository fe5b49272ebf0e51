"""Handing out invitation codes: printable letters (PDF), a list for mail merge (CSV) and the QR
codes of the open links.

Exports carry every code of a batch, used or not. An admin who mail-merged codes to named people
knows which code went to whom; an export of only the unused codes would tell them who has
answered, and its length would reveal the used count that the batch table withholds."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from kartbild.mappings.models import CodeBatch, MappingPerspective

if TYPE_CHECKING:
    from weasyprint import Document

# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"): = + - @, and tab
# and carriage return, which some programs skip before looking for one of the others.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Measured on a two-core machine: 500 letters in about 5 s of CPU, 1,000 in 11 s and 2,000 in 23 s
# (WeasyPrint grows a little faster than linearly). A part of 1,000 stays well inside a web
# request's time limit (gunicorn's default is 30 s) and is still a pile one can print; a larger
# batch is downloaded in several parts.
LETTERS_PER_PDF = 1000

# Medium error correction survives a smudge or a fold in a printed letter without making the
# symbol much denser than low correction would.
QR_ERROR = "m"
# 25 pixels a module: the open link's QR (version 3 or 4, 37–41 modules with its border) becomes
# about 1,000 pixels square, sharp at 8 cm on a 300 dpi print.
QR_PNG_SCALE = 25
QR_SVG_SCALE = 10

CSV_HEADER = ["kod", "perspektiv", "enhet", "svarslänk", "kodsida"]


def spreadsheet_safe(text: str) -> str:
    """The text as a spreadsheet cell that is never evaluated as a formula: a cell that starts
    like a formula gets a leading apostrophe, which spreadsheets read as "this is text"."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def open_answer_link(mapping_perspective: MappingPerspective) -> str:
    """The public address anyone can answer a perspective at, without a code."""
    return settings.SITE_URL + reverse("mappings:start", args=[mapping_perspective.token])


def code_page_link() -> str:
    """The public address where a respondent types their code."""
    return settings.SITE_URL + reverse("mappings:code")


def code_answer_link(code: str) -> str:
    """The code page with the code already filled in: what a letter's QR code leads to."""
    return f"{code_page_link()}?{urlencode({'kod': code})}"


def open_link_qr(mapping_perspective: MappingPerspective, kind: str) -> bytes:
    """The QR code of a perspective's open link as SVG or PNG bytes."""
    qr = segno.make(open_answer_link(mapping_perspective), error=QR_ERROR, micro=False)
    buffer = io.BytesIO()
    if kind == "svg":
        qr.save(buffer, kind="svg", scale=QR_SVG_SCALE, border=4)
    else:
        qr.save(buffer, kind="png", scale=QR_PNG_SCALE, border=4)
    return buffer.getvalue()


def open_link_qr_data_uri(mapping_perspective: MappingPerspective) -> str:
    """The open link's QR code as an SVG data URI, for an <img> on a page."""
    qr = segno.make(open_answer_link(mapping_perspective), error=QR_ERROR, micro=False)
    return qr.svg_data_uri(scale=4, border=4)


def batch_codes(batch: CodeBatch) -> list[str]:
    return list(batch.codes.order_by("pk").values_list("code", flat=True))


def codes_csv(batch: CodeBatch) -> str:
    """The batch's codes for mail merge: semicolons and a byte order mark, which is what
    Swedish Excel needs to open the file right with a double click."""
    with translation.override("sv"):
        perspective = batch.mapping_perspective.get_perspective_display()
    unit = batch.unit.name if batch.unit else ""
    code_page = code_page_link()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for code in batch_codes(batch):
        row = [code, perspective, unit, code_answer_link(code), code_page]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


def letter_parts(batch: CodeBatch) -> int:
    """How many PDF downloads the batch's letters are split into."""
    return max(1, math.ceil(batch.size / LETTERS_PER_PDF))


def part_codes(batch: CodeBatch, part: int) -> list[str]:
    """The codes of one part, cut from the batch's codes in a fixed order."""
    start = (part - 1) * LETTERS_PER_PDF
    return list(
        batch.codes.order_by("pk").values_list("code", flat=True)[start : start + LETTERS_PER_PDF]
    )


@dataclass(frozen=True)
class Letter:
    code: str
    qr: SafeString


def _letter_qr(code: str) -> SafeString:
    """The QR code of a letter as an <img> with a PNG of one pixel a module. The PDF marks the
    image as not to be smoothed, so it prints as sharp as a vector drawing; WeasyPrint draws it
    several times faster than the same symbol as inline SVG, which matters for a pile of letters.

    The mask pattern is fixed instead of searched for: any of the eight masks gives a valid code
    that phones read, and the search is most of the time segno spends on a symbol."""
    qr = segno.make(code_answer_link(code), error=QR_ERROR, micro=False, mask=0)
    # Safe: the data URI is base64 of a PNG made here; no user text goes into it.
    return mark_safe(f'<img class="qr" src="{qr.png_data_uri(scale=1, border=4)}" alt="">')


def letters_pdf(batch: CodeBatch, part: int = 1) -> bytes:
    """Printable invitation letters, one A4 page per code of the given part."""
    # Imported here: WeasyPrint loads Pango and fonts, which only letter downloads need.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    batch = CodeBatch.objects.select_related(
        "mapping_perspective__mapping__organisation", "unit"
    ).get(pk=batch.pk)
    mapping_perspective = batch.mapping_perspective
    mapping = mapping_perspective.mapping
    letters = [Letter(code, _letter_qr(code)) for code in part_codes(batch, part)]
    fonts = FontConfiguration()
    with translation.override("sv"):
        letter = render_to_string(
            "mappings/access/letter.html",
            {
                "mapping": mapping,
                "organisation": mapping.organisation,
                "perspective": mapping_perspective.perspective,
                "perspective_label": mapping_perspective.get_perspective_display(),
                "unit_name": batch.unit.name if batch.unit else "",
                "code_page": code_page_link(),
                "opens_later": bool(mapping.opens_on and mapping.opens_on > timezone.localdate()),
            },
        )
        codes = render_to_string("mappings/access/letter_codes.html", {"letters": letters})
    return _stamp(
        HTML(string=letter).render(font_config=fonts),
        HTML(string=codes).render(font_config=fonts),
    ).write_pdf()


def _stamp(letter: Document, codes: Document) -> Document:
    """One page per page of `codes`: the letter, with that page's slot drawn into the letter's.

    WeasyPrint needs about 20 ms to lay out and draw a letter, so 500 letters laid out one by one
    took 11.5 s of CPU. The text is the same in every letter: it is laid out once, and per code
    only the code and its QR code are, which brought the 500 letters down to about 5 s.
    This reaches into WeasyPrint's page boxes; the version is pinned, and the tests print letters
    and read every code back from the PDF."""
    from weasyprint.document import Page

    if len(letter.pages) != 1:
        raise RuntimeError("the invitation letter must fit on one A4 page")
    letter_box = letter.pages[0]._page_box
    target = _slot(letter_box)
    pages = []
    for page in codes.pages:
        page_box = page._page_box
        slot = _slot(page_box)
        for child in page_box.children:
            child.translate(
                target.position_x - slot.position_x, target.position_y - slot.position_y
            )
        pages.append(Page(page_box.copy_with_children([*letter_box.children, *page_box.children])))
    return codes.copy(pages)


def _slot(page_box: Any) -> Any:
    for box in page_box.descendants():
        element = getattr(box, "element", None)
        if element is not None and element.get("class") == "slot":
            return box
    raise RuntimeError("a letter page has no slot for the code")
