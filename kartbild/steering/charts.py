"""The trend of an indicator as a small SVG chart: actual values over the years, the target as
a dashed line. The page shows the same numbers in a table beside it.

Drawn with matplotlib on its own Agg canvas (never through pyplot's figure registry), made
CSP-safe by kartbild.reports.charts.presentational (no inline styles), and cached under a hash of
what it shows, so a new value draws a new chart."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from html import escape

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kartbild.reports.charts import BLUE, GREY, INK, VERMILLION, presentational
from kartbild.steering.actions import format_number
from kartbild.steering.models import Indicator, IndicatorValue

# Bump when the drawing changes, so that cached charts of the old look are not served.
CHART_VERSION = 1
# A day: the key changes with every new value, so this only bounds what the cache keeps.
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class TrendChart:
    title: str
    description: str
    svg: str

    def inline(self, element_id: str) -> str:
        """The SVG for a page: scalable, one image labelled by `<element_id>-caption`, its ids
        prefixed so that they cannot clash with the page's."""
        body = self.svg[self.svg.find("<svg") :]
        end = body.find(">")
        head = re.sub(r'\s(width|height)="[^"]*"', "", body[:end])
        body = head + body[end:]
        prefix = escape(element_id)
        body = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', body)
        body = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", body)
        body = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', body)
        return body.replace(
            "<svg", f'<svg role="img" aria-labelledby="{prefix}-caption" focusable="false"', 1
        )


def trend_chart(indicator: Indicator, values: list[IndicatorValue]) -> TrendChart:
    """The indicator's values in the order given (oldest first) against its target."""
    points = [(item.label, float(item.value)) for item in values]
    target = float(indicator.target_value) if indicator.target_value is not None else None
    title = _("Utveckling: %(name)s") % {"name": indicator.name}
    if values:
        description = _("Värden från %(first)s till %(last)s, senast %(value)s %(unit)s.") % {
            "first": points[0][0],
            "last": points[-1][0],
            "value": format_number(values[-1].value),
            "unit": indicator.unit,
        }
    else:
        description = _("Inga värden ännu.")
    if target is not None:
        description += " " + _("Målvärde %(target)s %(unit)s.") % {
            "target": format_number(indicator.target_value),
            "unit": indicator.unit,
        }
    key = repr((points, target, indicator.unit, get_language() or "sv"))
    digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    cache_key = f"steering:trend:{CHART_VERSION}:{digest}"
    svg = cache.get(cache_key)
    if not isinstance(svg, str):
        svg = _draw(points, target, indicator.unit)
        cache.set(cache_key, svg, CACHE_SECONDS)
    return TrendChart(title, description, svg)


def _draw(points: list[tuple[str, float]], target: float | None, unit: str) -> str:
    figure = Figure(figsize=(6.4, 2.6))
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    positions = list(range(len(points)))
    # Circles on a solid line for what happened, a dashed line for the target: told by shape
    # and line style as well as by colour.
    axes.plot(
        positions,
        [value for _label, value in points],
        color=BLUE,
        marker="o",
        linewidth=2,
        label=_("Utfall"),
    )
    if target is not None:
        axes.axhline(target, color=VERMILLION, linestyle="--", linewidth=1.5, label=_("Mål"))
    axes.set_xticks(positions, [label for label, _value in points])
    axes.tick_params(colors=INK, labelsize=9)
    axes.set_ylabel(unit, color=GREY)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="best", frameon=False, fontsize=9)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return presentational(buffer.getvalue())
