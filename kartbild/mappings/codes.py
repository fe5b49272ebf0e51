"""Invitation codes: long enough that guessing one is hopeless, and easy to type from a letter."""

from __future__ import annotations

import secrets

# 32 characters without 0/O and 1/I, which are confused when a code is typed from paper.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# 12 characters of 5 bits: 60 bits. With a million codes issued, an attacker trying a thousand
# codes a second would need about 36 years to expect one hit.
LENGTH = 12
GROUP = 4


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(typed: str) -> str:
    """The stored form of what a respondent typed: case, spaces and dashes do not matter."""
    raw = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(raw) != LENGTH:
        return ""
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))
