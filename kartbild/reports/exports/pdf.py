"""The kartbild as a printable report (PDF, WeasyPrint): cover, summary, method, one chapter per
perspective with its charts and their numbers, comparisons, and what is not shown and why.

The charts are the SVGs of `reports.charts`, the same drawings as on the pages. Every text that
users typed (organisation, mapping and unit names, local catalogue words) goes through Django's
template auto-escaping; chart SVGs are made by matplotlib, which escapes the text it draws."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from html import escape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from kartbild.reports import charts
from kartbild.reports.exports import messages
from kartbild.reports.exports.content import ExportContent, ExportFile, Progress, filename
from kartbild.reports.report import FrameReport, PerspectiveReport, QuestionReport


@dataclass(frozen=True)
class Figure:
    """A chart placed in the report: its SVG, caption and text alternative."""

    element_id: str
    title: str
    description: str
    svg: SafeString


@dataclass(frozen=True)
class FrameChapter:
    frame: FrameReport
    questions: tuple[QuestionReport, ...]
    match: str
    jumps: str
    drops: str


@dataclass(frozen=True)
class Chapter:
    """One perspective's pages."""

    perspective: PerspectiveReport
    messages: tuple[str, ...]
    limiting: str
    limiting_detail: str
    values: Figure
    levels: Figure
    frames: tuple[FrameChapter, ...]


def _figure(chart: charts.Chart, element_id: str) -> Figure:
    """The chart as an <img> of its SVG: each chart keeps its own ids (matplotlib numbers them
    per drawing, so inline charts would clash), and WeasyPrint lays out an image once."""
    data = base64.b64encode(chart.svg.encode()).decode("ascii")
    alt = escape(f"{chart.title}. {chart.description}")
    # Safe: base64 of an SVG drawn here, and an escaped text alternative.
    image = mark_safe(f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}">')
    return Figure(element_id, chart.title, chart.description, image)


# The heat map prints a number in every cell: as SVG it is about 480 text elements, which cost
# WeasyPrint as much as all the other charts of the report together. It goes in as PNG at print
# resolution (150 dpi: sharp at the printed size, a third of the bytes of 200 dpi) instead; its
# numbers are in the table below it.
HEATMAP_DPI = 150


def _raster_figure(chart: charts.Chart, element_id: str) -> Figure:
    data = base64.b64encode(charts.chart_png(chart, dpi=HEATMAP_DPI)).decode("ascii")
    alt = escape(f"{chart.title}. {chart.description}")
    # Safe: base64 of a PNG drawn here, and an escaped text alternative.
    image = mark_safe(f'<img src="data:image/png;base64,{data}" alt="{alt}">')
    return Figure(element_id, chart.title, chart.description, image)


def summary_messages(perspective: PerspectiveReport) -> tuple[str, ...]:
    """The sentences a summary gives for one shown perspective, most telling first."""
    lines = []
    current = perspective.main_current
    if current is not None and current.top:
        lines.append(messages.current_message(perspective, current))
        if current.limiting is not None:
            lines.append(messages.limiting_message(current))
    frame = perspective.main_frame
    desired = next(
        (
            q
            for q in perspective.questions
            if q.key.kind.value == "desired" and (frame is None or q.key.frame == frame.frame)
        ),
        None,
    )
    if desired is not None and desired.top:
        lines.append(messages.desired_message(perspective, desired))
    if frame is not None:
        lines += [messages.jumps_message(perspective, frame)]
        lines += [messages.match_message(frame, len(current.top) if current else 10)]
    return tuple(line for line in lines if line)


def chapters(content: ExportContent) -> tuple[Chapter, ...]:
    """One chapter per shown perspective: the values plot and the level distribution as charts
    with their numbers, jumps and drops and the type distribution as tables only. Their numbers
    read as well without a chart, and each chart costs the PDF about a tenth of a second to paint
    (bench/bench_reports.py); the pages and the slides have those charts."""
    report = content.report
    result = []
    for perspective in report.shown:
        slug = perspective.perspective
        current = perspective.main_current
        frames = []
        for frame in perspective.frames:
            frames.append(
                FrameChapter(
                    frame,
                    tuple(
                        q
                        for q in perspective.questions
                        if q.key.frame == frame.frame or q.key.kind.value == "personal"
                    ),
                    messages.match_message(frame, report.top),
                    messages.jumps_message(perspective, frame),
                    messages.drops_message(perspective, frame),
                )
            )
        result.append(
            Chapter(
                perspective,
                summary_messages(perspective),
                messages.limiting_message(current) if current else "",
                messages.limiting_detail(current) if current else "",
                _figure(charts.values_chart(report, perspective), f"values-{slug}"),
                _figure(charts.levels_chart(report, perspective), f"levels-{slug}"),
                tuple(frames),
            )
        )
    return tuple(result)


# The report names the largest significant differences of each compared pair; the workbook and
# the CSV files list all of them.
DIFFERENCES_PER_PAIR = 3
# The summary names the largest few over all pairs.
DIFFERENCES_IN_SUMMARY = 5


@dataclass(frozen=True)
class PairSection:
    title: str
    agreement: str
    differences: tuple[str, ...]
    more: int


def differences(content: ExportContent) -> list[PairSection]:
    """Per compared pair of perspectives and question: its agreement and its largest
    significant differences, as sentences."""
    if content.perspectives is None:
        return []
    return [
        PairSection(
            f"{pair.first} – {pair.second.lower()}: {pair.title.lower()}",
            messages.agreement_message(pair),
            tuple(
                messages.difference_message(pair, d)
                for d in pair.differences[:DIFFERENCES_PER_PAIR]
            ),
            max(0, len(pair.differences) - DIFFERENCES_PER_PAIR),
        )
        for pair in content.perspectives.pairs
    ]


def summary_differences(content: ExportContent) -> list[str]:
    """The largest significant differences between perspectives, over every compared pair."""
    if content.perspectives is None:
        return []
    found = [
        (abs(d.difference), f"{pair.title}: {messages.difference_message(pair, d)}")
        for pair in content.perspectives.pairs
        for d in pair.differences
    ]
    found.sort(key=lambda item: -item[0])
    return [text for _size, text in found[:DIFFERENCES_IN_SUMMARY]]


def html(content: ExportContent, progress: Progress) -> str:
    chapter_list = chapters(content)
    progress(60)
    heatmap = None
    if content.report.unit_id is None and content.unit_rows:
        heatmap = _raster_figure(
            charts.heatmap_chart(content.units, content.report.fingerprint), "heatmap"
        )
    return render_to_string(
        "reports/exports/report.html",
        {
            "content": content,
            "report": content.report,
            "chapters": chapter_list,
            "differences": differences(content),
            "summary_differences": summary_differences(content),
            "heatmap": heatmap,
            "unit_rows": content.unit_rows,
            "organisation_row": content.units.organisation
            if content.report.unit_id is None
            else None,
            "withheld": content.withheld,
        },
    )


def render_pdf(content: ExportContent, progress: Progress) -> ExportFile:
    # Imported here: WeasyPrint loads Pango and fonts, which only a runner needs.
    from weasyprint import HTML

    document = html(content, progress)
    progress(70)
    pdf = HTML(string=document).write_pdf()
    assert pdf is not None
    return ExportFile(pdf, filename(content, "pdf"), "application/pdf")
