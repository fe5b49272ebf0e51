"""The footer's link to the accessibility statement: the organisation's own when the page belongs
to one (staff pages have `organisation`, respondent pages `mapping`), else the service's."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def accessibility_statement_url(context: Any) -> str:
    organisation = context.get("organisation")
    mapping = context.get("mapping")
    if organisation is None and mapping is not None:
        organisation = getattr(mapping, "organisation", None)
    slug = getattr(organisation, "slug", None)
    if slug:
        return reverse("organisations:accessibility", args=[slug])
    return reverse("organisations:service_accessibility")


@register.filter
def described(field: BoundField) -> str:
    """The field's widget, described by its help text and its error (form_fields.html gives them
    the ids `<id>_helptext` and `<id>_error`), so a screen reader reads both with the field."""
    ids = [f"{field.auto_id}_helptext"] if field.help_text else []
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return field.as_widget(attrs={"aria-describedby": " ".join(ids)} if ids else None)
