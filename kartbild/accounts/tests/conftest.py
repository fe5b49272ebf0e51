from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from kartbild.accounts.models import Membership, Role


@pytest.fixture
def facilitator_a(organisation_a: Any) -> Any:
    user = get_user_model().objects.create_user(
        "facilitator_a", email="ledare@ystad.example.se", password="a-long-password-1"
    )
    Membership.objects.create(user=user, organisation=organisation_a, role=Role.FACILITATOR)
    return user
