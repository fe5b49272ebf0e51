from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def swedish() -> Iterator[None]:
    """Reports are translated when assembled: start every test in Swedish, whatever language an
    earlier request in the same thread left active."""
    with translation.override("sv"):
        yield
