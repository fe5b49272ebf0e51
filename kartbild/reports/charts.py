"""The charts of a kartbild, drawn once with matplotlib and reused by the pages, the PDF and the
slides.

    chart = values_chart(report, perspective)   # Chart: title, text alternative, SVG text
    chart.svg                                   # standalone SVG document
    chart.inline("values-medarbetare")          # <svg role="img" aria-labelledby=...> for a page
    chart_png(chart, dpi=150)                   # the same chart as PNG bytes (slides)

Every chart takes only report dataclasses (already through the anonymity gate) and is cached in
Django's cache under the report's fingerprint (a hash of the answers, the catalogue version and
the policy), the chart, its subject and the language; a new answer changes the fingerprint, so a
stale chart is never served. Drawing a chart costs 30-150 ms; a cached one is a dictionary
lookup (docs/reports.md has the figures).

Accessibility: the Okabe-Ito palette (distinguishable with every common colour vision
deficiency), and nothing is told by colour alone: limiting values are triangles and hatched bars,
positive values circles and solid bars, matches have a frame, significant differences an arrow.
Each chart has a text alternative (`description`); the pages put the chart's numbers in a table
beside it.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import matplotlib

matplotlib.use("Agg")

from django.core.cache import cache  # noqa: E402
from django.utils.translation import get_language  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from kartbild.analysis.ballots import QuestionKind  # noqa: E402
from kartbild.reports.report import (  # noqa: E402
    FrameReport,
    KartbildReport,
    PerspectiveReport,
    UnitComparison,
    level_names,
)

# Bump when a drawing changes, so that cached charts of the old look are not served.
CHART_VERSION = 5
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
TYPE_STYLE = {
    "I": (BLUE, ""),
    "R": (ORANGE, "--"),
    "O": (GREEN, "//"),
    "S": (PURPLE, "xx"),
}
LIMITING_HATCH = "////"

plt.rcParams.update(
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
    _draw: Callable[[], Figure] = field(repr=False, compare=False)

    @property
    def svg(self) -> str:
        """The standalone SVG document, drawn once and then taken from the cache."""
        svg = cache.get(self.cache_key)
        if not isinstance(svg, str):
            figure = self._draw()
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
            plt.close(figure)
            svg = presentational(buffer.getvalue())
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
    figure = chart._draw()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(figure)
    data = buffer.getvalue()
    cache.set(key, data, CACHE_SECONDS)
    return data


def _chart(name: str, key: str, title: str, description: str, draw: Callable[[], Figure]) -> Chart:
    subject = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    cache_key = f"chart:{CHART_VERSION}:{get_language() or 'sv'}:{name}:{subject}"
    return Chart(name, title, description, cache_key, draw)


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

    def draw() -> Figure:
        # Inches: room for three columns of the longest value names at 9 pt.
        WIDTH = 11.0  # noqa: N806
        names = level_names()
        per_level = [
            max([sum(1 for line in q.top if line.value.level == level) for q in columns] + [1])
            for level in range(1, 8)
        ]
        line_height = 0.26
        heights = [count * line_height + 0.18 for count in per_level]
        total = sum(heights)
        figure = plt.figure(figsize=(WIDTH, total + 1.1))
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_xlim(0, WIDTH)
        axes.set_ylim(0, total + 1.1)
        axes.axis("off")
        left = 2.2
        width = (WIDTH - left - 0.1) / max(len(columns), 1)
        y = 0.1
        for level in range(1, 8):
            height = heights[level - 1]
            if level % 2:
                axes.add_patch(Rectangle((0, y), WIDTH, height, color=LIGHT, zorder=0))
            axes.text(
                0.1,
                y + height / 2,
                f"{level} {names[level - 1]}",
                va="center",
                fontsize=8.5,
                color=INK,
                wrap=True,
            )
            for c, q in enumerate(columns):
                lines = [line for line in q.top if line.value.level == level]
                for i, line in enumerate(lines):
                    ly = y + height - 0.13 - (i + 0.5) * line_height
                    x = left + c * width + 0.15
                    axes.plot(
                        [x],
                        [ly],
                        marker="^" if line.value.limiting else "o",
                        markersize=7,
                        color=VERMILLION if line.value.limiting else BLUE,
                        markeredgecolor=INK,
                        markeredgewidth=0.6,
                    )
                    box = (
                        {
                            "boxstyle": "round,pad=0.15",
                            "fc": "white",
                            "ec": INK,
                            "lw": 1.2,
                        }
                        if line.matched
                        else None
                    )
                    axes.text(
                        x + 0.15,
                        ly,
                        f"{line.value.name} ({line.votes})",
                        va="center",
                        fontsize=9,
                        color=INK,
                        fontstyle="italic" if line.value.limiting else "normal",
                        fontweight="bold" if line.matched else "normal",
                        bbox=box,
                    )
            y += height
        legend = [
            ("o", BLUE, _("positivt värde")),
            ("^", VERMILLION, _("potentiellt begränsande")),
        ]
        for i, (marker, colour, text) in enumerate(legend):
            axes.plot(
                [left + 0.15 + i * 2.6],
                [total + 0.75],
                marker=marker,
                markersize=7,
                color=colour,
                markeredgecolor=INK,
                markeredgewidth=0.6,
            )
            axes.text(left + 0.3 + i * 2.6, total + 0.75, text, va="center", fontsize=8.5)
        axes.text(
            left + 0.15 + 2 * 2.6,
            total + 0.75,
            _("inramat: finns i flera kolumner"),
            va="center",
            fontsize=8.5,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": INK, "lw": 1.2},
        )
        for c, q in enumerate(columns):
            axes.text(
                left + c * width + 0.15,
                total + 0.35,
                _column_name(q.key.kind),
                fontsize=11,
                fontweight="bold",
                color=INK,
                va="center",
            )
        return figure

    key = f"{report.fingerprint}:{perspective.perspective}:{perspective.label}:{frame}"
    return _chart("values", key, title, description, draw)


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

    def draw() -> Figure:
        count = max(len(questions), 1)
        figure, axes_list = plt.subplots(
            1, count, figsize=(3.2 * count + 0.8, 3.4), sharey=True, squeeze=False
        )
        levels = list(range(1, 8))
        for axes, q in zip(axes_list[0], questions, strict=False):
            positive = [line.positive * 100 for line in q.levels]
            limiting = [line.limiting * 100 for line in q.levels]
            axes.barh(levels, positive, color=BLUE, edgecolor=INK, linewidth=0.5)
            axes.barh(
                levels,
                limiting,
                left=positive,
                color=VERMILLION,
                edgecolor=INK,
                hatch=LIMITING_HATCH,
                linewidth=0.5,
            )
            top = max([p + lim for p, lim in zip(positive, limiting, strict=True)] + [1])
            for level, p, lim in zip(levels, positive, limiting, strict=True):
                axes.text(
                    p + lim + top * 0.02, level, f"{round(p + lim)} %", va="center", fontsize=8
                )
            axes.set_xlim(0, top * 1.3)
            axes.set_title(_column_name(q.key.kind), fontsize=10, fontweight="bold")
            axes.set_xlabel(_("andel av rösterna, %"), fontsize=8)
            axes.spines[["top", "right"]].set_visible(False)
        axes_list[0][0].set_yticks(levels)
        axes_list[0][0].set_yticklabels([str(level) for level in levels])
        axes_list[0][0].set_ylabel(_("nivå"))
        figure.legend(
            handles=[
                Patch(facecolor=BLUE, edgecolor=INK, label=_("positiva")),
                Patch(
                    facecolor=VERMILLION,
                    edgecolor=INK,
                    hatch=LIMITING_HATCH,
                    label=_("potentiellt begränsande"),
                ),
            ],
            loc="lower center",
            ncol=2,
            frameon=False,
            fontsize=9,
        )
        figure.tight_layout(rect=(0, 0.08, 1, 1))
        return figure

    return _chart(
        "levels", f"{report.fingerprint}:{perspective.perspective}", title, description, draw
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

    def draw() -> Figure:
        lines = list(frame.jumps) + list(reversed(frame.drops))
        figure, axes = plt.subplots(figsize=(7.5, 0.3 * len(lines) + 1.0))
        positions = list(range(len(lines)))[::-1]
        for y, change in zip(positions, lines, strict=True):
            up = change.change >= 0
            axes.barh(
                y,
                change.change,
                color=BLUE if up else VERMILLION,
                hatch="" if up else LIMITING_HATCH,
                edgecolor=INK,
                linewidth=0.5,
            )
            axes.text(
                change.change + (0.5 if up else -0.5),
                y,
                f"{'+' if up else '−'}{abs(change.change)}",
                va="center",
                ha="left" if up else "right",
                fontsize=8,
            )
        axes.set_yticks(positions)
        axes.set_yticklabels(
            [c.value.name + (" ▲" if c.value.limiting else "") for c in lines], fontsize=8.5
        )
        axes.axvline(0, color=INK, linewidth=0.8)
        extent = max([abs(c.change) for c in lines] + [1]) * 1.25
        axes.set_xlim(-extent, extent)
        axes.set_xlabel(_("röster i önskad minus röster i rådande kultur"), fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        return figure

    key = f"{report.fingerprint}:{perspective.perspective}:{frame.frame}"
    return _chart("changes", key, title, description, draw)


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

    def draw() -> Figure:
        figure, axes = plt.subplots(figsize=(7.5, 0.55 * len(questions) + 1.3))
        rows = list(range(len(questions)))[::-1]
        for y, q in zip(rows, questions, strict=True):
            left = 0
            for t in q.types:
                if not t.count:
                    continue
                colour, hatch = TYPE_STYLE[t.type]
                axes.barh(
                    y, t.count, left=left, color=colour, hatch=hatch, edgecolor=INK, linewidth=0.6
                )
                axes.text(
                    left + t.count / 2,
                    y,
                    f"{t.type} {t.count}",
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
                )
                left += t.count
        axes.set_yticks(rows)
        axes.set_yticklabels([_column_name(q.key.kind) for q in questions])
        axes.set_xlabel(_("antal bland de mest valda värdena"), fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        names = questions[0].types if questions else ()
        figure.legend(
            handles=[
                Patch(
                    facecolor=TYPE_STYLE[t.type][0],
                    hatch=TYPE_STYLE[t.type][1],
                    edgecolor=INK,
                    label=f"{t.type} {t.name}",
                )
                for t in names
            ],
            loc="lower center",
            ncol=4,
            frameon=False,
            fontsize=8.5,
        )
        figure.tight_layout(rect=(0, 0.12, 1, 1))
        return figure

    return _chart(
        "types", f"{report.fingerprint}:{perspective.perspective}", title, description, draw
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

    def draw() -> Figure:
        from matplotlib import colormaps

        colour_map = colormaps["cividis_r"]
        rows = ([units.organisation] if units.organisation else []) + list(units.rows)
        headers = [_("Begränsande andel")] + [v.name for v in units.columns]
        figure, axes = plt.subplots(figsize=(2.6 + 0.8 * len(headers), 0.32 * len(rows) + 1.9))
        axes.set_xlim(0, len(headers))
        axes.set_ylim(len(rows), 0)
        for r, row in enumerate(rows):
            values: list[tuple[float | None, int]] = []
            if row.withheld is None:
                values.append(
                    (row.limiting.share if row.limiting else None, row.limiting_direction)
                )
                values += [(cell.share, cell.direction) for cell in row.cells]
            else:
                values = [(None, 0)] * len(headers)
            for c, (share, direction) in enumerate(values):
                if share is None:
                    axes.add_patch(Rectangle((c, r), 1, 1, facecolor=LIGHT, edgecolor="white"))
                    axes.text(
                        c + 0.5, r + 0.5, "–", ha="center", va="center", fontsize=8, color=GREY
                    )
                    continue
                colour = colour_map(min(share, 1.0))
                axes.add_patch(
                    Rectangle(
                        (c, r),
                        1,
                        1,
                        facecolor=colour,
                        edgecolor=INK if direction else "white",
                        linewidth=2 if direction else 0.5,
                    )
                )
                light = sum(matplotlib.colors.to_rgb(colour)) / 3 > 0.5
                arrow = " ▲" if direction > 0 else " ▼" if direction < 0 else ""
                axes.text(
                    c + 0.5,
                    r + 0.5,
                    f"{round(share * 100)}{arrow}",
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color=INK if light else "white",
                    fontweight="bold" if direction else "normal",
                )
        axes.axvline(1, color=INK, linewidth=1.2)
        if units.organisation:
            axes.axhline(1, color=INK, linewidth=1.2)
        axes.set_yticks([r + 0.5 for r in range(len(rows))])
        axes.set_yticklabels(
            [
                ("   " * row.depth) + row.label + ("" if row.withheld is None else " *")
                for row in rows
            ],
            fontsize=8,
        )
        axes.set_xticks([c + 0.5 for c in range(len(headers))])
        axes.set_xticklabels(headers, rotation=40, ha="left", fontsize=8)
        axes.xaxis.tick_top()
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.set_xlabel(
            _("procent av enhetens svarande; ▲▼ skiljer sig från övriga; * för få svar"),
            fontsize=8,
        )
        figure.tight_layout()
        return figure

    key = f"{fingerprint}:{units.question}"
    return _chart("heatmap", key, title, description, draw)


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
