"""A respondent answers on a 390 px wide phone in Debian's Chromium: with a code and JavaScript on,
and through the open link with JavaScript off."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kartbild.mappings import actions
from kartbild.mappings.models import InvitationCode, Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def pick_and_continue(page: Any, count: int) -> None:
    boxes = page.locator("ul.values input[type=checkbox]")
    for i in range(count):
        boxes.nth(i).check()
    page.get_by_role("button", name="Nästa").click()


def test_a_respondent_answers_with_a_code_on_a_phone(
    browser: Any, live_server: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare",))
    mp = mapping.perspectives.get()
    code = actions.generate_codes(mp, None, 1).codes.get()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse("mappings:code") + f"?kod={code.code}")
    page.get_by_role("button", name="Fortsätt").click()
    for _question in range(3):
        counter = page.locator("#counter")
        assert counter.inner_text().startswith("0 av 3")
        boxes = page.locator("ul.values input[type=checkbox]")
        for i in range(4):
            boxes.nth(i).check()
        assert "ta bort 1" in counter.inner_text()
        boxes.nth(3).uncheck()
        assert counter.inner_text().startswith("3 av 3")
        page.get_by_role("button", name="Nästa").click()
    page.get_by_role("button", name="Nästa").click()  # background questions, all optional
    page.get_by_role("button", name="Skicka svar").click()
    expect(page.get_by_role("heading", name="Tack för ditt svar!")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
    assert Response.objects.count() == 1
    assert InvitationCode.objects.get().used


def test_a_respondent_answers_with_javascript_off(
    browser: Any, live_server: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medborgare",))
    mp = mapping.perspectives.get()
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse("mappings:start", args=[mp.token]))
    page.get_by_role("button", name="Börja svara").click()
    pick_and_continue(page, 2)
    assert "Välj exakt 3 värden. Du har valt 2." in page.locator("#question-error").inner_text()
    for _question in range(3):
        pick_and_continue(page, 3)
    page.get_by_role("button", name="Skicka svar").click()
    expect(page.get_by_role("heading", name="Tack för ditt svar!")).to_be_visible()
    context.close()
    assert Response.objects.count() == 1
