"""Värdegrund objects for the authorisation matrix (kartbild/accounts/tests/authorisation_rules.py):
a draft of organisation A with one value and one behaviour, and a published version of it for
the public page."""

from __future__ import annotations

import datetime
from typing import Any

from kartbild.corevalues import actions
from kartbild.corevalues.models import Behaviour, CoreValue, CoreValueFramework


def draft(world: Any) -> CoreValueFramework:
    found = CoreValueFramework.objects.filter(organisation=world.organisation, status="draft")
    if found.exists():
        return found.get()
    framework = actions.create_draft(world.organisation, "Bättre tillsammans", "", world.catalogue)
    value = actions.add_value(framework, "Tillit", "Vi litar på varandra.")
    actions.add_behaviour(value, "Jag håller det jag lovar.")
    return framework


def value(world: Any) -> CoreValue:
    found = draft(world).values.first()
    assert found is not None
    return found


def behaviour(world: Any) -> Behaviour:
    found = value(world).behaviours.first()
    assert found is not None
    return found


def published(world: Any) -> CoreValueFramework:
    """A published version of organisation A (for the public page and for "Ny version")."""
    found = CoreValueFramework.objects.current(world.organisation)
    if found is not None:
        return found
    framework = actions.create_draft(world.organisation, "Gällande", "", world.catalogue)
    actions.add_behaviour(actions.add_value(framework, "Mod", "Vi vågar."), "Jag säger ifrån.")
    return actions.publish(framework, datetime.date(2025, 5, 20))
