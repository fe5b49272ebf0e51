"""Steering objects for the authorisation matrix (kartbild/accounts/tests/authorisation_rules.py):
a goal of organisation A with an indicator."""

from __future__ import annotations

from typing import Any

from kartbild.steering.models import Goal, Indicator, Level


def goal(world: Any) -> Goal:
    found, _created = Goal.objects.get_or_create(
        organisation=world.organisation, name="Nöjda invånare", defaults={"level": Level.GOAL}
    )
    return found


def indicator(world: Any) -> Indicator:
    found, _created = Indicator.objects.get_or_create(
        goal=goal(world), name="Nöjd-Medborgar-Index", defaults={"unit": "index"}
    )
    return found
