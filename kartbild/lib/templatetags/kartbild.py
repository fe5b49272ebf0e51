from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kartbild.analysis.gate import AnonymityPolicy

register = template.Library()
POLICY = AnonymityPolicy()


@register.filter
def count_shown(count: int) -> bool:
    """Whether a head count may be shown: zero says nothing about anyone, 1–4 might."""
    return count == 0 or count >= POLICY.min_group


@register.filter
def gated_count(count: int) -> str:
    if count_shown(count):
        return str(count)
    return _("färre än %(k)s") % {"k": POLICY.min_group}


@register.filter
def percent(share: float | None, digits: int = 0) -> str:
    if share is None:
        return "–"
    return f"{number_format(100 * share, int(digits))} %"
