"""A role is never shown a link it may not follow: every link on the demo dashboard, for every
demo login, opens."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a [^>]*href="(/[^"#]*)"')


@pytest.mark.parametrize("username", ["admin", "analytiker", "chef", "ledare"])
def test_every_dashboard_link_opens_for_the_role_that_sees_it(client: Any, username: str) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username=username))
    page = client.get(reverse("organisations:dashboard", args=["exempelkommun"]))
    links = sorted(set(LINK.findall(page.content.decode())))
    assert len(links) >= 4
    refused = [
        (link, status)
        for link in links
        if (status := client.get(link, follow=True).status_code) != 200
    ]
    assert refused == []
