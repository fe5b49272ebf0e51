"""What survey rounds share, mappings and follow-ups alike."""

from __future__ import annotations

from datetime import date


def within_dates(opens_on: date | None, closes_on: date | None, today: date) -> bool:
    """Whether `today` lies in a round's dates; a missing date leaves that side open."""
    if opens_on and today < opens_on:
        return False
    return not (closes_on and today > closes_on)
