"""The charts of a kartbild, drawn once and reused by the pages, the PDF and the slides.

    chart = values_chart(report, perspective)   # Chart: title, text alternative, SVG text
    chart.svg                                   # standalone SVG document
    chart.inline("values-medarbetare")          # <svg role="img" aria-labelledby=...> for a page
    chart_png(chart, dpi=150)                   # the same chart as PNG bytes (slides)

Every chart takes only report dataclasses (already through the anonymity gate) and is cached in
Django's cache under the report's fingerprint (a hash of the answers, the catalogue version and
the policy), the chart, its subject and the language; a new answer changes the fingerprint, so a
stale chart is never served.

How they are drawn: every chart (the values plot, the level distribution, jumps and drops, the
type distribution, the unit heat map) is boxes, marks and texts laid out here in points and
written as SVG or painted as PNG by `reports.drawing`, in a few milliseconds each. Matplotlib
drew them in 50-600 ms each (it measures and renders every text as an object of its own), which
was most of the time of a cold export and of a page's first visit after a new response.
docs/reports.md has the figures. Matplotlib is still imported for the heat map's colour map, and
its settings below are those of the other apps' matplotlib charts (steering's trend chart),
which use `presentational` from here.

Accessibility: the Okabe-Ito palette (distinguishable with every common colour vision
deficiency), and nothing is told by colour alone: limiting values are triangles and hatched bars,
positive values circles and solid bars, matches have a frame, significant differences an arrow.
Each chart has a text alternative (`description`); the pages put the chart's numbers in a table
beside it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import matplotlib

matplotlib.use("Agg")

from django.core.cache import cache  # noqa: E402
from django.utils.translation import get_language  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from kartbild.analysis.ballots import QuestionKind  # noqa: E402
from kartbild.reports import drawing  # noqa: E402
from kartbild.reports.report import (  # noqa: E402
    FrameReport,
    KartbildReport,
    PerspectiveReport,
    UnitComparison,
    level_names,
)

# Points in an inch: the charts drawn by `drawing` are laid out in points, their sizes chosen in
# inches like the matplotlib ones.
INCH = 72.0
# Bump when a drawing changes, so that cached charts of the old look are not served.
CHART_VERSION = 7
# Charts of a mapping change only when answers arrive (which changes the key); a day keeps the
# cache from holding charts of mappings nobody looks at any more.
CACHE_SECONDS = 24 * 3600

# Okabe & Ito (2008), the palette designed to stay distinct under protanopia, deuteranopia and
# tritanopia; with different lightness, so that it also survives grey-scale printing.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
PURPLE = "#CC79A7"
INK = "#1b1f24"
GREY = "#6b7280"
LIGHT = "#eef0f3"
# The four value types: a colour and a hatching each (none, level lines, rising lines,
# crossed lines), so that the type distribution does not rely on colour alone.
TYPE_STYLE: dict[str, tuple[str, drawing.Pattern | None]] = {
    "I": (BLUE, None),
    "R": (ORANGE, "level"),
    "O": (GREEN, "rising"),
    "S": (PURPLE, "crossed"),
}
LIMITING_HATCH = "////"

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 10,
        # Text stays text in the SVG: it scales, can be selected and read by assistive tools.
        "svg.fonttype": "none",
        # Same drawing, same file: ids in the SVG do not change between draws.
        "svg.hashsalt": "kartbild",
        "hatch.linewidth": 0.8,
        # Value names are organisations' own words: a "$" must be a dollar sign, not TeX.
        "text.parse_math": False,
    }
)


@dataclass(frozen=True)
class Chart:
    """A chart and what it says. Nothing is drawn until the SVG or a PNG is asked for: the
    slides need only PNGs, and drawing is most of what a cold export costs."""

    name: str
    title: str
    description: str
    cache_key: str
    # Draw the chart as an SVG document, and as PNG bytes at a resolution in dots per inch.
    _draw_svg: Callable[[], str] = field(repr=False, compare=False)
    _draw_png: Callable[[int], bytes] = field(repr=False, compare=False)

    @property
    def svg(self) -> str:
        """The standalone SVG document, drawn once and then taken from the cache."""
        svg = cache.get(self.cache_key)
        if not isinstance(svg, str):
            svg = self._draw_svg()
            cache.set(self.cache_key, svg, CACHE_SECONDS)
        return svg

    def inline(self, element_id: str) -> str:
        """The SVG for a page: no XML prolog, scalable, announced as one image labelled by the
        element `<element_id>-caption` (the figure's caption), its ids prefixed with
        `element_id` so that several charts on one page do not share ids."""
        body = self.svg[self.svg.find("<svg") :]
        head, rest = body[: body.find(">")], body[body.find(">") :]
        body = re.sub(r'\s(width|height)="[^"]*"', "", head, count=2) + rest
        prefix = escape(element_id)
        body = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', body)
        body = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", body)
        body = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', body)
        return body.replace(
            "<svg",
            f'<svg role="img" aria-labelledby="{prefix}-caption" focusable="false"',
            1,
        )


def presentational(svg: str) -> str:
    """Matplotlib's SVG with its inline `style` attributes written as presentation attributes
    (`fill="#fff"`), without its <style> element and metadata, and with shorter numbers: the
    site's content security policy forbids inline styles, which would leave every shape black. Every property
    matplotlib writes (fill, stroke, font-size, text-anchor, ...) exists as an attribute."""

    def attributes(match: re.Match[str]) -> str:
        pairs = []
        for declaration in match[1].split(";"):
            name, _sep, value = declaration.partition(":")
            if name.strip() and value.strip():
                pairs.append(f'{name.strip()}="{value.strip()}"')
        return " ".join(pairs)

    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    # Coordinates to a hundredth of a point (matplotlib writes millionths): a third smaller.
    svg = re.sub(r"(\d\.\d\d)\d+", r"\1", svg)
    return re.sub(r'style="([^"]*)"', attributes, svg)


def chart_png(chart: Chart, dpi: int = 150) -> bytes:
    """The chart as PNG, for slides; cached like the SVG."""
    key = f"{chart.cache_key}:png:{dpi}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    data = chart._draw_png(dpi)
    cache.set(key, data, CACHE_SECONDS)
    return data


def _cache_key(name: str, key: str) -> str:
    subject = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return f"chart:{CHART_VERSION}:{get_language() or 'sv'}:{name}:{subject}"


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def _column_name(kind: QuestionKind) -> str:
    return {
        QuestionKind.PERSONAL: _("Personliga"),
        QuestionKind.CURRENT: _("Rådande"),
        QuestionKind.DESIRED: _("Önskade"),
    }[kind]


# -- values plot ---------------------------------------------------------------------------------


def values_chart(report: KartbildReport, perspective: PerspectiveReport, frame: str = "") -> Chart:
    """The top values of personal values, current and desired culture (of one frame, the main
    one by default) placed on their level 1-7 in three columns, with votes; limiting values are
    triangles, matches (a value in the top list of another column) are framed."""
    frame = frame or (perspective.main_frame.frame if perspective.main_frame else "")
    columns = [
        q
        for q in perspective.questions
        if q.key.kind is QuestionKind.PERSONAL or q.key.frame == frame
    ]
    columns.sort(key=lambda q: list(QuestionKind).index(q.key.kind))
    title = _("Värdekarta: %(group)s") % {"group": perspective.label}
    parts = []
    for q in columns:
        limiting = sum(1 for line in q.top if line.value.limiting)
        matched = sum(1 for line in q.top if line.matched)
        parts.append(
            _(
                "%(column)s: %(count)s värden, %(limiting)s potentiellt begränsande, "
                "%(matched)s finns även i en annan kolumn"
            )
            % {
                "column": _column_name(q.key.kind),
                "count": len(q.top),
                "limiting": limiting,
                "matched": matched,
            }
        )
    description = (
        _(
            "De mest valda värdena placerade på sin nivå, från 1 Trygghet och överlevnad längst "
            "ner till 7 Samhällsansvar och framtid högst upp."
        )
        + " "
        + "; ".join(parts)
        + "."
    )

    def scene() -> drawing.Scene:
        # Points: a band per level, level 1 at the bottom, as tall as its longest column; room
        # for three columns of the longest value names at 9 pt; legend and headings on top.
        names = level_names()
        per_level = [
            max([sum(1 for line in q.top if line.value.level == level) for q in columns] + [1])
            for level in range(1, 8)
        ]
        line_height = 0.26 * INCH
        heights = [count * line_height + 0.18 * INCH for count in per_level]
        result = drawing.Scene(11 * INCH, sum(heights) + 1.2 * INCH)
        left = 2.2 * INCH
        width = (result.width - left - 0.1 * INCH) / max(len(columns), 1)
        bottom = result.height - 0.1 * INCH
        frames: list[drawing.Box] = []
        for level in range(1, 8):
            height = heights[level - 1]
            top = bottom - height
            if level % 2:
                result.boxes.append(drawing.Box(0, top, result.width, height, LIGHT))
            result.texts.append(
                drawing.Text(0.1 * INCH, top + height / 2, f"{level} {names[level - 1]}", 8.5)
            )
            for c, q in enumerate(columns):
                lines = [line for line in q.top if line.value.level == level]
                for i, line in enumerate(lines):
                    y = top + 0.13 * INCH + (i + 0.5) * line_height
                    x = left + c * width + 0.15 * INCH
                    limiting = line.value.limiting
                    result.markers.append(
                        drawing.Marker(
                            x,
                            y,
                            "triangle" if limiting else "circle",
                            7,
                            VERMILLION if limiting else BLUE,
                        )
                    )
                    text = f"{line.value.name} ({line.votes})"
                    result.texts.append(
                        drawing.Text(
                            x + 0.15 * INCH, y, text, 9, bold=bool(line.matched), italic=limiting
                        )
                    )
                    if line.matched:
                        frames.append(_text_frame(x + 0.15 * INCH, y, text, 9, limiting))
            bottom = top
        result.frames.extend(frames)
        legend_y = bottom - 0.75 * INCH
        legend = [
            drawing.Marker(0, legend_y, "circle", 7, BLUE),
            drawing.Marker(0, legend_y, "triangle", 7, VERMILLION),
        ]
        for i, (marker, text) in enumerate(
            zip(legend, [_("positivt värde"), _("potentiellt begränsande")], strict=True)
        ):
            x = left + 0.15 * INCH + i * 2.6 * INCH
            result.markers.append(dataclasses.replace(marker, x=x))
            result.texts.append(drawing.Text(x + 0.15 * INCH, legend_y, text, 8.5))
        note = _("inramat: finns i flera kolumner")
        x = left + 0.15 * INCH + 2 * 2.6 * INCH
        result.frames.append(_text_frame(x, legend_y, note, 8.5, False))
        result.texts.append(drawing.Text(x, legend_y, note, 8.5, bold=True))
        for c, q in enumerate(columns):
            result.texts.append(
                drawing.Text(
                    left + c * width + 0.15 * INCH,
                    bottom - 0.35 * INCH,
                    _column_name(q.key.kind),
                    11,
                    bold=True,
                )
            )
        return result

    key = f"{report.fingerprint}:{perspective.perspective}:{perspective.label}:{frame}"
    return Chart(
        "values",
        title,
        description,
        _cache_key("values", key),
        lambda: drawing.svg(scene()),
        lambda dpi: drawing.png(scene(), dpi),
    )


def _text_frame(x: float, y: float, text: str, size: float, italic: bool) -> drawing.Box:
    """A rounded frame around a bold text that starts at x and is centred on y."""
    pad = 0.15 * size
    width = drawing.text_width(text, size, bold=True, italic=italic)
    return drawing.Box(
        x - pad,
        y - 0.6 * size - pad,
        width + 2 * pad,
        1.2 * size + 2 * pad,
        "#ffffff",
        INK,
        1.2,
        radius=pad,
    )


# -- level distribution --------------------------------------------------------------------------


def levels_chart(report: KartbildReport, perspective: PerspectiveReport) -> Chart:
    """Share of votes per level 1-7 for each question, positive solid and limiting hatched."""
    questions = perspective.questions
    title = _("Nivåfördelning: %(group)s") % {"group": perspective.label}
    parts = [
        _("%(question)s: nivå 1–3 %(self)s, nivå 4 %(transformation)s, nivå 5–7 %(common)s")
        % {
            "question": q.title,
            "self": _percent(q.self_interest),
            "transformation": _percent(q.transformation),
            "common": _percent(q.common_good),
        }
        for q in questions
    ]
    description = (
        _(
            "Andel av rösterna på varje nivå, positiva och potentiellt begränsande värden var för sig."
        )
        + " "
        + "; ".join(parts)
        + "."
    )

    def scene() -> drawing.Scene:
        # Points: a panel per question side by side, levels 1-7 from the bottom up, the bars'
        # totals beside them, the legend below.
        count = max(len(questions), 1)
        left, right, top, bottom, gap = 40.0, 14.0, 27.0, 60.0, 16.0
        result = drawing.Scene((3.2 * count + 0.8) * INCH, 3.4 * INCH)
        panel = (result.width - left - right - gap * (count - 1)) / count
        height = result.height - top - bottom
        row = height / 7.2
        result.texts.append(
            drawing.Text(left - 22, top - 6, _("nivå"), 9, anchor="middle", baseline="alphabetic")
        )
        for i, q in enumerate(questions):
            x0 = left + i * (panel + gap)
            positive = [line.positive * 100 for line in q.levels]
            limiting = [line.limiting * 100 for line in q.levels]
            most = max([p + lim for p, lim in zip(positive, limiting, strict=True)] + [1]) * 1.3
            scale = panel / most
            for level, p, lim in zip(range(1, 8), positive, limiting, strict=True):
                middle = top + (7.6 - level) * row
                y, bar = middle - 0.4 * row, 0.8 * row
                result.boxes.append(drawing.Box(x0, y, p * scale, bar, BLUE, INK, 0.5))
                if lim:
                    result.boxes.append(
                        drawing.Box(x0 + p * scale, y, lim * scale, bar, VERMILLION, INK, 0.5, True)
                    )
                result.texts.append(
                    drawing.Text(
                        x0 + (p + lim + most / 1.3 * 0.02) * scale, middle, f"{round(p + lim)} %", 8
                    )
                )
                if i == 0:
                    result.texts.append(drawing.Text(x0 - 7, middle, str(level), 10, anchor="end"))
                    result.lines.append(drawing.Line(x0 - 3.5, middle, x0, middle, INK, 0.8))
            base = top + height
            result.lines.append(drawing.Line(x0, top, x0, base, INK, 0.8))
            result.lines.append(drawing.Line(x0, base, x0 + panel, base, INK, 0.8))
            for tick in drawing.ticks(most):
                x = x0 + tick * scale
                result.lines.append(drawing.Line(x, base, x, base + 3.5, INK, 0.8))
                result.texts.append(
                    drawing.Text(
                        x, base + 14, f"{tick:g}", 10, anchor="middle", baseline="alphabetic"
                    )
                )
            result.texts.append(
                drawing.Text(
                    x0 + panel / 2,
                    top - 7,
                    _column_name(q.key.kind),
                    10,
                    anchor="middle",
                    baseline="alphabetic",
                    bold=True,
                )
            )
            result.texts.append(
                drawing.Text(
                    x0 + panel / 2,
                    base + 28,
                    _("andel av rösterna, %"),
                    8,
                    anchor="middle",
                    baseline="alphabetic",
                )
            )
        # The legend, centred under the panels.
        entries = [(BLUE, False, _("positiva")), (VERMILLION, True, _("potentiellt begränsande"))]
        widths = [20 + 6 + drawing.text_width(text, 9) for _colour, _hatch, text in entries]
        x = (result.width - sum(widths) - 20 * (len(entries) - 1)) / 2
        y = result.height - 14
        for (colour, hatch, text), width in zip(entries, widths, strict=True):
            result.boxes.append(drawing.Box(x, y - 4.5, 20, 9, colour, INK, 0.5, hatch))
            result.texts.append(drawing.Text(x + 26, y, text, 9))
            x += width + 20
        return result

    key = f"{report.fingerprint}:{perspective.perspective}"
    return Chart(
        "levels",
        title,
        description,
        _cache_key("levels", key),
        lambda: drawing.svg(scene()),
        lambda dpi: drawing.png(scene(), dpi),
    )


# -- jumps and drops -----------------------------------------------------------------------------


def changes_chart(
    report: KartbildReport, perspective: PerspectiveReport, frame: FrameReport
) -> Chart:
    """Value jumps (more votes in the desired than the current culture) and drops."""
    title = _("Värdesprång: %(group)s, %(frame)s") % {
        "group": perspective.label,
        "frame": frame.title,
    }
    jumps = ", ".join(f"{c.value.name} +{c.change}" for c in frame.jumps[:5])
    drops = ", ".join(f"{c.value.name} {c.change}" for c in frame.drops[:5])
    description = _(
        "Störst ökning från rådande till önskad kultur: %(jumps)s. Störst minskning: %(drops)s."
    ) % {
        "jumps": jumps or "–",
        "drops": drops or "–",
    }

    def scene() -> drawing.Scene:
        # Points: one bar per value, jumps above drops, growing right or left from zero.
        lines = list(frame.jumps) + list(reversed(frame.drops))
        names = [c.value.name + (" ▲" if c.value.limiting else "") for c in lines]
        result = drawing.Scene(7.5 * INCH, (0.3 * len(lines) + 1.0) * INCH)
        left = max([drawing.text_width(name, 8.5) for name in names] + [0]) + 18
        right, top, bottom = 11.0, 11.0, 41.0
        width, height = result.width - left - right, result.height - top - bottom
        row = height / (len(lines) + 0.2) if lines else height
        extent = max([abs(c.change) for c in lines] + [1]) * 1.25
        scale = width / (2 * extent)
        zero = left + width / 2
        for i, (change, name) in enumerate(zip(lines, names, strict=True)):
            middle = top + (i + 0.6) * row
            up = change.change >= 0
            length = abs(change.change) * scale
            result.boxes.append(
                drawing.Box(
                    zero if up else zero - length,
                    middle - 0.4 * row,
                    length,
                    0.8 * row,
                    BLUE if up else VERMILLION,
                    INK,
                    0.5,
                    hatch=not up,
                )
            )
            result.texts.append(
                drawing.Text(
                    zero + (length + 0.5 * scale) * (1 if up else -1),
                    middle,
                    f"{'+' if up else '−'}{abs(change.change)}",
                    8,
                    anchor="start" if up else "end",
                )
            )
            result.texts.append(drawing.Text(left - 7, middle, name, 8.5, anchor="end"))
            result.lines.append(drawing.Line(left - 3.5, middle, left, middle, INK, 0.8))
        base = top + height
        result.lines.append(drawing.Line(zero, top, zero, base, INK, 0.8))
        result.lines.append(drawing.Line(left, top, left, base, INK, 0.8))
        result.lines.append(drawing.Line(left, base, left + width, base, INK, 0.8))
        marks = drawing.ticks(extent)
        for tick in sorted({-mark for mark in marks} | set(marks)):
            x = zero + tick * scale
            result.lines.append(drawing.Line(x, base, x, base + 3.5, INK, 0.8))
            label = f"{tick:g}".replace("-", "−")
            result.texts.append(
                drawing.Text(x, base + 14, label, 10, anchor="middle", baseline="alphabetic")
            )
        result.texts.append(
            drawing.Text(
                zero,
                base + 27,
                _("röster i önskad minus röster i rådande kultur"),
                8,
                anchor="middle",
                baseline="alphabetic",
            )
        )
        return result

    key = f"{report.fingerprint}:{perspective.perspective}:{frame.frame}"
    return Chart(
        "changes",
        title,
        description,
        _cache_key("changes", key),
        lambda: drawing.svg(scene()),
        lambda dpi: drawing.png(scene(), dpi),
    )


# -- types ---------------------------------------------------------------------------------------


def types_chart(report: KartbildReport, perspective: PerspectiveReport) -> Chart:
    """How many of each question's top values are individual, relationship, organisational and
    societal values."""
    questions = perspective.questions
    title = _("Typer av värden: %(group)s") % {"group": perspective.label}
    description = (
        _("Antal värden av varje typ bland de mest valda.")
        + " "
        + "; ".join(
            f"{q.title}: " + ", ".join(f"{t.name} {t.count}" for t in q.types) for q in questions
        )
        + "."
    )

    def scene() -> drawing.Scene:
        # Points: a stacked bar per question, the first on top, each type's part labelled with
        # its letter and count on a white ground; the count axis below, the legend at the foot.
        labels = [_column_name(q.key.kind) for q in questions]
        result = drawing.Scene(7.5 * INCH, (0.55 * len(questions) + 1.3) * INCH)
        left = max([drawing.text_width(label, 10) for label in labels] + [0]) + 18
        right, top, bottom = 11.0, 11.0, 65.5
        width, height = result.width - left - right, result.height - top - bottom
        row = height / (len(questions) + 0.2) if questions else height
        most = max([sum(t.count for t in q.types) for q in questions] + [1]) * 1.05
        scale = width / most
        for i, (q, label) in enumerate(zip(questions, labels, strict=True)):
            middle = top + (i + 0.6) * row
            start = 0
            for t in q.types:
                if not t.count:
                    continue
                colour, pattern = TYPE_STYLE[t.type]
                result.boxes.append(
                    drawing.Box(
                        left + start * scale,
                        middle - 0.4 * row,
                        t.count * scale,
                        0.8 * row,
                        colour,
                        INK,
                        0.6,
                        hatch=pattern is not None,
                        pattern=pattern or "rising",
                    )
                )
                text = f"{t.type} {t.count}"
                centre = left + (start + t.count / 2) * scale
                half = drawing.text_width(text, 8.5) / 2 + 1.5
                result.frames.append(
                    drawing.Box(centre - half, middle - 6.5, 2 * half, 13, "#ffffff", radius=2)
                )
                result.texts.append(drawing.Text(centre, middle, text, 8.5, anchor="middle"))
                start += t.count
            result.texts.append(drawing.Text(left - 7, middle, label, 10, anchor="end"))
            result.lines.append(drawing.Line(left - 3.5, middle, left, middle, INK, 0.8))
        base = top + height
        result.lines.append(drawing.Line(left, top, left, base, INK, 0.8))
        result.lines.append(drawing.Line(left, base, left + width, base, INK, 0.8))
        for tick in drawing.ticks(most):
            x = left + tick * scale
            result.lines.append(drawing.Line(x, base, x, base + 3.5, INK, 0.8))
            result.texts.append(
                drawing.Text(x, base + 14, f"{tick:g}", 10, anchor="middle", baseline="alphabetic")
            )
        result.texts.append(
            drawing.Text(
                left + width / 2,
                base + 27,
                _("antal bland de mest valda värdena"),
                8,
                anchor="middle",
                baseline="alphabetic",
            )
        )
        # The legend, centred under the axis: each type's colour and hatching, letter and name.
        names = questions[0].types if questions else ()
        entries = [(TYPE_STYLE[t.type], f"{t.type} {t.name}") for t in names]
        widths = [20 + 6 + drawing.text_width(text, 8.5) for _style, text in entries]
        x = (result.width - sum(widths) - 20 * max(len(entries) - 1, 0)) / 2
        y = result.height - 14
        for ((colour, pattern), text), entry_width in zip(entries, widths, strict=True):
            result.boxes.append(
                drawing.Box(
                    x,
                    y - 4.5,
                    20,
                    9,
                    colour,
                    INK,
                    0.6,
                    hatch=pattern is not None,
                    pattern=pattern or "rising",
                )
            )
            result.texts.append(drawing.Text(x + 26, y, text, 8.5))
            x += entry_width + 20
        return result

    key = f"{report.fingerprint}:{perspective.perspective}"
    return Chart(
        "types",
        title,
        description,
        _cache_key("types", key),
        lambda: drawing.svg(scene()),
        lambda dpi: drawing.png(scene(), dpi),
    )


# -- unit heat map -------------------------------------------------------------------------------


def heatmap_chart(units: UnitComparison, fingerprint: str) -> Chart:
    """Units (rows) by the limiting share and the employees' top values (columns): the share of
    the unit's respondents, darker for more; ▲/▼ where the unit differs significantly from the
    rest of the employees; withheld units as an empty grey row."""
    title = _("Enheter: %(question)s") % {"question": units.title}
    higher = [r.label for r in units.rows if r.limiting_direction > 0]
    description = _(
        "Värmekarta med en rad per enhet och en kolumn för begränsande andel och för var och "
        "ett av medarbetarnas mest valda värden. Pilar visar skillnader mot övriga medarbetare "
        "som håller efter korrigering för många jämförelser. Enheter med för få svar visas utan "
        "siffror."
    )
    if higher:
        description += " " + _("Högre begränsande andel än övriga: %(units)s.") % {
            "units": ", ".join(higher)
        }

    def scene() -> drawing.Scene:
        from matplotlib import colormaps

        colour_map = colormaps["cividis_r"]
        rows = ([units.organisation] if units.organisation else []) + list(units.rows)
        headers = [_("Begränsande andel")] + [v.name for v in units.columns]
        labels = [
            ("   " * row.depth) + row.label + ("" if row.withheld is None else " *") for row in rows
        ]
        note = _("procent av enhetens svarande; ▲▼ skiljer sig från övriga; * för få svar")
        # Points. The headings lean so that long value names fit above narrow columns; the
        # widest decides the top margin, the last ones how far they reach past the grid.
        size, row_height, column_width, gap, margin, lean = (
            8.0,
            0.32 * INCH,
            0.8 * INCH,
            4.0,
            8.0,
            40.0,
        )
        widths = [drawing.text_width(header, size) for header in headers]
        left = margin + max(drawing.text_width(label, size) for label in labels) + gap
        top = margin + max(widths) * math.sin(math.radians(lean)) + size + gap
        reach = max(
            w * math.cos(math.radians(lean))
            + size * math.sin(math.radians(lean))
            - (len(headers) - c - 0.5) * column_width
            for c, w in enumerate(widths)
        )
        grid_width, grid_height = column_width * len(headers), row_height * len(rows)
        result = drawing.Scene(
            max(
                left + grid_width + max(reach, 0) + margin,
                2 * margin + drawing.text_width(note, size),
            ),
            top + grid_height + gap + 1.5 * size + margin,
        )
        framed: list[drawing.Box] = []
        for r, row in enumerate(rows):
            values: list[tuple[float | None, int]] = [(None, 0)] * len(headers)
            if row.withheld is None:
                values = [(row.limiting.share if row.limiting else None, row.limiting_direction)]
                values += [(cell.share, cell.direction) for cell in row.cells]
            y = top + r * row_height
            result.texts.append(
                drawing.Text(left - gap, y + row_height / 2, labels[r], size, anchor="end")
            )
            for c, (share, direction) in enumerate(values):
                x = left + c * column_width
                middle = (x + column_width / 2, y + row_height / 2)
                if share is None:
                    result.boxes.append(
                        drawing.Box(x, y, column_width, row_height, LIGHT, "#ffffff", 0.5)
                    )
                    result.texts.append(drawing.Text(*middle, "–", 8, GREY, anchor="middle"))
                    continue
                colour = matplotlib.colors.to_hex(colour_map(min(share, 1.0)))
                light = sum(matplotlib.colors.to_rgb(colour)) / 3 > 0.5
                arrow = " ▲" if direction > 0 else " ▼" if direction < 0 else ""
                if direction:
                    framed.append(drawing.Box(x, y, column_width, row_height, colour, INK, 2))
                else:
                    result.boxes.append(
                        drawing.Box(x, y, column_width, row_height, colour, "#ffffff", 0.5)
                    )
                result.texts.append(
                    drawing.Text(
                        *middle,
                        f"{round(share * 100)}{arrow}",
                        7.5,
                        INK if light else "#ffffff",
                        anchor="middle",
                        bold=bool(direction),
                    )
                )
        # Framed cells last, so that no neighbour's edge covers their frame.
        result.boxes.extend(framed)
        for c, header in enumerate(headers):
            result.texts.append(
                drawing.Text(
                    left + (c + 0.5) * column_width,
                    top - gap,
                    header,
                    size,
                    baseline="alphabetic",
                    lean=lean,
                )
            )
        result.lines.append(
            drawing.Line(left + column_width, top, left + column_width, top + grid_height, INK, 1.2)
        )
        if units.organisation:
            result.lines.append(
                drawing.Line(left, top + row_height, left + grid_width, top + row_height, INK, 1.2)
            )
        result.texts.append(
            drawing.Text(
                left + grid_width / 2,
                top + grid_height + gap + size,
                note,
                size,
                anchor="middle",
                baseline="alphabetic",
            )
        )
        return result

    key = f"{fingerprint}:{units.question}"
    return Chart(
        "heatmap",
        title,
        description,
        _cache_key("heatmap", key),
        lambda: drawing.svg(scene()),
        lambda dpi: drawing.png(scene(), dpi),
    )


def perspective_charts(report: KartbildReport, perspective: PerspectiveReport) -> dict[str, Chart]:
    """Every chart of one perspective's page, by name (changes per frame: `changes:<frame>`)."""
    charts = {
        "values": values_chart(report, perspective),
        "levels": levels_chart(report, perspective),
        "types": types_chart(report, perspective),
    }
    for frame in perspective.frames:
        if frame.jumps or frame.drops:
            charts[f"changes:{frame.frame}"] = changes_chart(report, perspective, frame)
    return charts
