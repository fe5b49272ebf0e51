from __future__ import annotations

from decimal import Decimal

from django import template

from kartbild.steering.actions import format_number
from kartbild.steering.models import Indicator

register = template.Library()


@register.filter
def number(value: Decimal | None) -> str:
    return format_number(value)


@register.filter
def meets(value: Decimal, indicator: Indicator) -> bool:
    return indicator.meets(value) is True
