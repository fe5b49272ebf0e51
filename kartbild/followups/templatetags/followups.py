"""How an index, its interval and a change between rounds read on a page."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kartbild.analysis.likert import Difference
from kartbild.followups.results import Shown

register = template.Library()


def _number(value: float) -> str:
    # A typographic minus: a hyphen before a number is easy to miss and read wrongly aloud.
    return str(number_format(value, 1)).replace("-", "\u2212")


@register.filter
def index_text(shown: Shown) -> str:
    if shown.estimate is None or shown.estimate.index is None:
        return shown.reason or "–"
    return _number(shown.estimate.index)


@register.filter
def interval_text(shown: Shown) -> str:
    estimate = shown.estimate
    if estimate is None or estimate.low is None or estimate.high is None:
        return "–"
    return f"{_number(estimate.low)}–{_number(estimate.high)}"


@register.filter
def change_text(change: Difference | None) -> str:
    """E.g. "+5,0 (2,1 till 7,9), säker förändring" or "−1,2, ingen säker förändring"."""
    if change is None or change.difference is None:
        return "–"
    sign = "+" if change.difference > 0 else ("−" if change.difference < 0 else "±")
    text = sign + _number(abs(change.difference))
    if change.low is not None and change.high is not None:
        text += " " + _("(%(low)s till %(high)s)") % {
            "low": _number(change.low),
            "high": _number(change.high),
        }
    if change.p_value is None:
        return text
    return (
        text + ", " + (_("säker förändring") if change.significant else _("ingen säker förändring"))
    )
