from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def points(share: float) -> str:
    """A difference of two shares in whole percentage points, without a unit."""
    return number_format(round(100 * share), 0)
