"""The pages of this part, audited with axe-core in Debian's Chromium (WCAG 2.1 A and AA) at the
three viewports of kartbild/lib/tests/axe.py, without sideways scrolling: the privacy notice,
the privacy settings, export and deletion (with its error state), the 429 page, and a mapping's
page with burst reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kartbild.lib.tests.axe import VIEWPORTS, audit, horizontal_overflow, report
from kartbild.mappings import protection
from kartbild.mappings.models import BurstEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_privacy_pages_pass_wcag_21_aa(
    browser: Any,
    live_server: Any,
    admin_a: Any,
    make_mapping: Any,
    monkeypatch: Any,
    viewport: str,
) -> None:
    mapping = make_mapping(("medborgare",))
    mp = mapping.perspectives.get()
    start = timezone.now().replace(second=0, microsecond=0)
    BurstEvent.objects.create(
        mapping_perspective=mp,
        kind="submitted",
        window_start=start,
        window_end=start + timedelta(minutes=10),
        count=140,
    )
    client = Client()
    client.force_login(admin_a)
    context = browser.new_context(**VIEWPORTS[viewport])
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    problems: list[Any] = []

    def visit(name: str, url: str, status: int = 200) -> None:
        response = page.goto(live_server.url + url)
        if response.status != status:
            problems.append(f"  {name}: HTTP {response.status}, expected {status}")
        problems.extend(audit(page, f"{name} ({viewport})"))
        problems.extend(horizontal_overflow(page, f"{name} ({viewport})"))

    visit("privacy notice", reverse("privacy:notice", args=["ystad"]))
    visit("privacy settings", reverse("privacy:settings", args=["ystad"]))
    visit("export", reverse("privacy:export", args=["ystad"]))
    visit("delete", reverse("privacy:delete", args=["ystad"]))
    page.fill("input[name=name]", "Fel namn")
    page.click("main button.danger")
    assert "Namnet stämmer inte" in page.content()
    problems.extend(audit(page, f"delete with errors ({viewport})"))
    visit("mapping with bursts", reverse("mappings:detail", args=["ystad", mapping.pk]))
    assert "Misstänkt många svar" in page.content()
    monkeypatch.setattr(protection, "CODE_FAILURES", protection.Limit("code-failures", 0, 600))
    page.goto(live_server.url + reverse("mappings:code"))
    page.fill("input[name=code]", "AAAA-BBBB-CCCC")
    page.click("main button[type=submit]")
    assert "För många försök just nu" in page.content()
    problems.extend(audit(page, f"429 ({viewport})"))
    problems.extend(horizontal_overflow(page, f"429 ({viewport})"))
    context.close()
    assert problems == [], report(problems)
