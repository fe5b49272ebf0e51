"""The kartbild as a slide deck for dialogue meetings (PowerPoint, python-pptx).

One message per slide: the title states what the slide shows ("Medarbetarna ser byråkrati,
prestige och ryktesspridning som en del av kulturen idag"), the body shows the numbers behind it.
Charts are the PNGs of `reports.charts` (the same drawings as the pages and the PDF), each with
its text alternative as the picture's description, which screen readers and PowerPoint's
accessibility checker read. Every slide has a real title placeholder, so the deck's outline and
reading order work.

Text is set through python-pptx's XML API, which escapes it; control characters that XML cannot
hold are removed from user texts first."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from kartbild.reports import charts
from kartbild.reports.exports import messages
from kartbild.reports.exports.content import ExportContent, ExportFile, Progress, filename
from kartbild.reports.report import PerspectiveReport, QuestionReport

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# 16:9, what projectors and meeting-room screens show today.
WIDTH = Inches(13.333)
HEIGHT = Inches(7.5)
MARGIN = Inches(0.6)
TITLE_HEIGHT = Inches(1.3)
BODY_TOP = MARGIN + TITLE_HEIGHT + Inches(0.15)
INK = RGBColor(0x1B, 0x1F, 0x24)
MUTED = RGBColor(0x4A, 0x53, 0x60)
ACCENT = RGBColor(0x0B, 0x3D, 0x6E)
# Charts are drawn at this resolution: sharp on a 1920 px wide projector at full slide width.
CHART_DPI = 110
# Title Only and Title Slide in python-pptx's default template.
TITLE_ONLY = 5
TITLE_SLIDE = 0
# A list on a slide stays readable from the back of the room with this many lines.
LIST_LINES = 10
# Differences between perspectives shown as slides of their own.
DIFFERENCE_SLIDES = 3
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Text as a slide can hold it: without control characters that XML forbids."""
    return _CONTROL.sub("", text)


def render_slides(content: ExportContent, progress: Progress) -> ExportFile:
    deck = Presentation()
    deck.slide_width = WIDTH
    deck.slide_height = HEIGHT
    report = content.report
    _title_slide(deck, content)
    _bullets_slide(
        deck,
        _("Så läser du kartbilden"),
        [
            _(
                "De som svarade valde värden för sina personliga värderingar, för kulturen som den "
                "är idag och för den kultur de önskar."
            ),
            _(
                "Begränsande andel: hur stor del av rösterna om kulturen idag som går till "
                "potentiellt begränsande värden (▲), som byråkrati eller förvirring."
            ),
            _("Bara skillnader som håller statistiskt kallas skillnader."),
            _(
                "En grupp visas bara om minst %(k)s personer har svarat. Ingen enskild persons "
                "svar går att se."
            )
            % {"k": report.min_group},
        ],
    )
    shown = report.shown
    for number, perspective in enumerate(shown):
        _perspective_slides(deck, content, perspective)
        progress(40 + 40 * (number + 1) // max(1, len(shown)))
    _difference_slides(deck, content)
    _unit_slide(deck, content)
    withheld = content.withheld
    if withheld:
        _bullets_slide(
            deck,
            _("Några grupper visas inte, för att skydda de svarandes anonymitet"),
            [f"{w.label}: {w.explanation}" for w in withheld],
        )
    _bullets_slide(
        deck,
        _("Frågor att samtala om"),
        [
            _("Stämmer bilden med hur det ser ut hos oss?"),
            _("Varför väljer vi vissa värderingar framför andra?"),
            _(
                "Vad innebär det för mig? För medarbetarna? För brukarna och medborgarna? "
                "För de förtroendevalda?"
            ),
            _("Vad vill vi se mer av – och vad kan vi göra redan i morgon?"),
        ],
    )
    progress(90)
    buffer = io.BytesIO()
    deck.save(buffer)
    return ExportFile(buffer.getvalue(), filename(content, "pptx"), PPTX)


# -- slides ---------------------------------------------------------------------------------------


def _title_slide(deck: Deck, content: ExportContent) -> None:
    report = content.report
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_SLIDE])
    title = slide.shapes.title
    assert title is not None
    title.left, title.top, title.width, title.height = (
        MARGIN,
        Inches(2.2),
        WIDTH - 2 * MARGIN,
        Inches(1.6),
    )
    title.text = clean(report.mapping_name)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        MARGIN,
        Inches(4.0),
        WIDTH - 2 * MARGIN,
        Inches(1.4),
    )
    scope = report.scope if report.unit_id is None else f"{report.scope} · {report.organisation}"
    subtitle.text = clean(
        _("Kartbild för %(scope)s, %(date)s")
        % {"scope": scope, "date": date_format(content.made_on, "j F Y")}
    )


def _slide(deck: Deck, title: str) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    shape = slide.shapes.title
    assert shape is not None
    shape.left, shape.top, shape.width, shape.height = (
        MARGIN,
        Inches(0.35),
        WIDTH - 2 * MARGIN,
        TITLE_HEIGHT,
    )
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.text = clean(title)
    paragraph = frame.paragraphs[0]
    paragraph.alignment = 1  # left
    for run in paragraph.runs:
        run.font.size = Pt(30 if len(title) < 70 else 26)
        run.font.bold = True
        run.font.color.rgb = ACCENT
    return slide


def _text(
    slide: Slide,
    lines: Sequence[str],
    left: int,
    top: int,
    width: int,
    height: int,
    size: int = 20,
    bullets: bool = True,
) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = clean(("• " if bullets else "") + line)
        run.font.size = Pt(size)
        run.font.color.rgb = INK
        paragraph.space_after = Pt(8)


def _bullets_slide(deck: Deck, title: str, lines: Sequence[str]) -> None:
    slide = _slide(deck, title)
    _text(slide, lines, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, HEIGHT - BODY_TOP - MARGIN, 22)


def _picture(
    slide: Slide, chart: charts.Chart, left: int, top: int, width: int, height: int
) -> None:
    """A chart fitted into the box, keeping its proportions, with its text alternative."""
    from PIL import Image

    png = charts.chart_png(chart, dpi=CHART_DPI)
    with Image.open(io.BytesIO(png)) as image:
        pixels_wide, pixels_high = image.size
    scale = min(width / pixels_wide, height / pixels_high)
    shown_width, shown_height = int(pixels_wide * scale), int(pixels_high * scale)
    picture = slide.shapes.add_picture(
        io.BytesIO(png),
        Emu(left + (width - shown_width) // 2),
        Emu(top),
        Emu(shown_width),
        Emu(shown_height),
    )
    # The picture's non-visual properties hold its description (alt text) and title.
    properties = picture._element.nvPicPr.cNvPr  # type: ignore[union-attr]
    properties.set("descr", clean(f"{chart.title}. {chart.description}"))
    properties.set("title", clean(chart.title))


def _top_lines(question: QuestionReport) -> list[str]:
    return [
        f"{line.rank}. {line.value.name}{' ▲' if line.value.limiting else ''} – "
        f"{messages.percent(line.share)}"
        for line in question.top[:LIST_LINES]
    ]


def _perspective_slides(deck: Deck, content: ExportContent, perspective: PerspectiveReport) -> None:
    report = content.report
    body_height = HEIGHT - BODY_TOP - MARGIN
    half = (WIDTH - 2 * MARGIN) // 2
    current = perspective.main_current
    frame = perspective.main_frame
    if current is not None and current.top:
        slide = _slide(deck, messages.current_message(perspective, current))
        _text(slide, _top_lines(current), MARGIN, BODY_TOP, half, body_height, 20, bullets=False)
        notes = [current.title]
        if current.limiting is not None:
            notes += [
                messages.limiting_message(current) + ".",
                messages.limiting_detail(current),
            ]
        notes.append(_("▲ potentiellt begränsande värde. Andel = andel av de svarande."))
        _text(slide, notes, MARGIN + half, BODY_TOP, half, body_height, 18, bullets=False)
    if current is not None and current.limiting is not None:
        slide = _slide(deck, messages.limiting_message(current))
        _picture(
            slide,
            charts.levels_chart(report, perspective),
            MARGIN,
            BODY_TOP,
            WIDTH - 2 * MARGIN,
            body_height,
        )
    desired = next(
        (
            q
            for q in perspective.questions
            if q.key.kind.value == "desired" and (frame is None or q.key.frame == frame.frame)
        ),
        None,
    )
    if desired is not None and desired.top:
        slide = _slide(deck, messages.desired_message(perspective, desired))
        _text(slide, _top_lines(desired), MARGIN, BODY_TOP, half, body_height, 20, bullets=False)
        _text(
            slide,
            [desired.title, _("▲ potentiellt begränsande värde. Andel = andel av de svarande.")],
            MARGIN + half,
            BODY_TOP,
            half,
            body_height,
            18,
            bullets=False,
        )
    if frame is not None and frame.jumps:
        slide = _slide(deck, messages.jumps_message(perspective, frame))
        chart = charts.changes_chart(report, perspective, frame)
        _picture(slide, chart, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, body_height)
    if frame is not None and messages.match_message(frame, report.top):
        slide = _slide(deck, messages.match_message(frame, report.top))
        _picture(
            slide,
            charts.values_chart(report, perspective),
            MARGIN,
            BODY_TOP,
            WIDTH - 2 * MARGIN,
            body_height,
        )


def _difference_slides(deck: Deck, content: ExportContent) -> None:
    if content.perspectives is None:
        return
    pairs = [pair for pair in content.perspectives.pairs if pair.differences]
    pairs.sort(key=lambda pair: -abs(pair.differences[0].difference))
    for pair in pairs[:DIFFERENCE_SLIDES]:
        largest = pair.differences[0]
        slide = _slide(deck, messages.difference_message(pair, largest))
        lines = [pair.title, messages.agreement_message(pair) + "."]
        lines += [messages.difference_message(pair, d) for d in pair.differences[1:6]]
        _text(slide, lines, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, HEIGHT - BODY_TOP - MARGIN, 20)


def _unit_slide(deck: Deck, content: ExportContent) -> None:
    report = content.report
    if report.unit_id is not None or not any(row.withheld is None for row in content.unit_rows):
        return
    differing = [
        row.label
        for row in content.unit_rows
        if row.withheld is None and (row.limiting_direction or any(c.direction for c in row.cells))
    ]
    title = (
        _("Kulturen idag skiljer sig mellan enheterna")
        if differing
        else _("Enheterna ser kulturen idag på ungefär samma sätt")
    )
    slide = _slide(deck, title)
    chart = charts.heatmap_chart(content.units, report.fingerprint)
    _picture(slide, chart, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, HEIGHT - BODY_TOP - MARGIN)
