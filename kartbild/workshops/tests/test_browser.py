"""A workshop in Debian's Chromium: a facilitator with the console and the projector, and
participants on phones who join by code, vote and propose a statement. The projector and the
console update by themselves; the participants' pages follow the facilitator."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from kartbild.workshops.models import Statement, Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
PARTICIPANTS = 3


def signed_in_context(browser: Any, live_server: Any, user: Any, **options: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_a_workshop_with_a_facilitator_and_participants_on_phones(
    browser: Any, live_server: Any, session: Any, leader_a: Any
) -> None:
    staff = signed_in_context(
        browser, live_server, leader_a, viewport={"width": 1280, "height": 900}
    )
    console = staff.new_page()
    console.goto(f"{live_server.url}/o/ystad/dialog/tillfalle/{session.pk}/live/")
    console.get_by_role("button", name="Öppna tillfället").click()
    code = console.locator("#join-code").inner_text().strip()
    assert len(code) == 6
    for text in ("Byråkrati präglar vår arbetsplats idag", "Vi litar på varandra"):
        console.get_by_label("Nytt påstående").fill(text)
        console.get_by_role("button", name="Lägg till påståendet").click()
    console.get_by_role("button", name="Påståenden").click()
    expect(console.locator("button[aria-current=step]")).to_contain_text("Påståenden")

    projector = staff.new_page()
    projector.goto(f"{live_server.url}/o/ystad/dialog/tillfalle/{session.pk}/projektor/")
    expect(projector.locator("#join-code")).to_have_text(code)
    expect(projector.locator("#vote-count")).to_have_text("0 röster")
    projector.screenshot(path="/tmp/workshop-projector-statements.png")

    phones = []
    for number in range(PARTICIPANTS):
        context = browser.new_context(**PHONE)
        phone = context.new_page()
        phone.goto(f"{live_server.url}/w/")
        phone.get_by_label("Kod").fill(code.lower())
        phone.get_by_role("button", name="Gå med").click()
        phone.get_by_role("button", name="Gå med").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text(
            "Byråkrati präglar vår arbetsplats idag"
        )
        phone.get_by_role("button", name="Håller med", exact=True).click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Vi litar på varandra")
        if number == 0:
            phone.screenshot(path="/tmp/workshop-phone-vote.png")
        # The projector shows each vote without being reloaded.
        votes = number + 1
        expect(projector.locator("#vote-count")).to_have_text(
            f"{votes} röst" if votes == 1 else f"{votes} röster"
        )
        phones.append((context, phone))
    assert Vote.objects.count() == PARTICIPANTS

    # A participant proposes a statement; it reaches the console by itself.
    first = phones[0][1]
    first.get_by_text("Föreslå ett eget påstående").click()
    first.get_by_label("Ditt påstående").fill("<b>Mod</b> behövs hos oss")
    first.get_by_role("button", name="Skicka förslaget").click()
    expect(first.get_by_role("status")).to_contain_text("när samtalsledaren har godkänt")
    pending = console.locator("#console-live")
    expect(pending).to_contain_text("<b>Mod</b> behövs hos oss")
    console.screenshot(path="/tmp/workshop-console.png", full_page=True)
    pending.get_by_role("button", name="Godkänn").click()
    assert Statement.objects.get(text__startswith="<b>").status == "shown"
    # Every phone that is waiting picks the new statement up by itself.
    last = phones[-1][1]
    last.get_by_role("button", name="Pass").click()
    expect(last.get_by_role("heading", level=1)).to_have_text("<b>Mod</b> behövs hos oss")
    expect(projector.locator("ol.statements")).to_contain_text("<b>Mod</b> behövs hos oss")
    projector.screenshot(path="/tmp/workshop-projector-after.png")
    for context, _phone in phones:
        context.close()
    staff.close()


def test_a_participant_takes_part_with_javascript_off(
    browser: Any, live_server: Any, live_session: Any
) -> None:
    from kartbild.workshops import actions

    statement = actions.add_statement(live_session, "Vi vågar säga ifrån")
    actions.set_step(live_session, "statements")
    context = browser.new_context(java_script_enabled=False, **PHONE)
    phone = context.new_page()
    phone.goto(f"{live_server.url}/w/")
    phone.get_by_label("Kod").fill("QQQQQQ")
    phone.get_by_role("button", name="Gå med").click()
    expect(phone.get_by_role("alert")).to_contain_text("Vi hittar ingen workshop med den koden")
    phone.get_by_label("Kod").fill(live_session.join_code)
    phone.get_by_role("button", name="Gå med").click()
    phone.get_by_role("button", name="Gå med").click()
    phone.get_by_role("button", name="Håller inte med").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Du har tagit ställning till alla påståenden"
    )
    # A waiting page refreshes itself without JavaScript.
    assert phone.locator("noscript").count() == 1
    assert Vote.objects.get().statement == statement
    assert Vote.objects.get().choice == -1
    actions.set_step(live_session, "words")
    phone.reload()
    phone.get_by_label("Ett ord för den kultur vi vill ha").fill("Tillit")
    phone.get_by_role("button", name="Skicka").click()
    expect(phone.get_by_role("status")).to_contain_text("Tack för ditt ord.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
