"""In Debian's Chromium: an admin signs in and creates an account, the account, log, network
and system pages pass axe-core's WCAG 2.1 AA rules, and the content security policy blocks
nothing that Kartbild's own pages need."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from kartbild.accounts.models import Membership, Network, Role
from kartbild.accounts.views import invitation_link
from kartbild.lib.tests.axe import VIEWPORTS, audit, horizontal_overflow, report
from kartbild.mappings import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_policy(page: Any) -> list[str]:
    """Messages of everything the browser refused because of the content security policy."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("a-long-password-1")
    page.get_by_role("button", name="Logga in").click()


def test_an_admin_creates_an_account_in_the_browser(
    page: Any, live_server: Any, admin_a: Any, organisation_a: Any
) -> None:
    refused = watch_policy(page)
    sign_in(page, live_server, "admin_a")
    page.get_by_role("link", name="Konton").click()
    page.get_by_role("link", name="Nytt konto").click()
    page.get_by_label("Användarnamn").fill("nora")
    page.get_by_label("E-postadress").fill("nora@ystad.example.se")
    page.get_by_label("Roll").select_option(Role.ANALYST)
    page.locator("#id_password1").fill("kort")
    page.get_by_label("Lösenord igen").fill("kort")
    page.get_by_role("button", name="Skapa kontot").click()
    assert page.get_by_role("alert").is_visible()
    assert "för kort" in page.get_by_role("alert").inner_text()
    page.screenshot(path="/tmp/kartbild-account-error.png", full_page=True)
    page.locator("#id_password1").fill("en-lagom-lång-fras-2026")
    page.get_by_label("Lösenord igen").fill("en-lagom-lång-fras-2026")
    page.get_by_role("button", name="Skapa kontot").click()
    assert page.get_by_text("Kontot nora är skapat.").is_visible()
    page.screenshot(path="/tmp/kartbild-accounts.png", full_page=True)
    assert Membership.objects.get(user__username="nora").role == Role.ANALYST
    assert refused == []


def test_a_new_colleague_chooses_their_password_from_the_invitation_link(
    browser: Any, live_server: Any, admin_a: Any, organisation_a: Any
) -> None:
    admin = open_as(browser, live_server, admin_a, "desktop")
    admin.goto(live_server.url + reverse("accounts:member_add", args=["ystad"]))
    admin.get_by_label("Användarnamn").fill("nora")
    admin.get_by_label("E-postadress").fill("nora@ystad.example.se")
    admin.get_by_label("Roll").select_option(Role.FACILITATOR)
    admin.get_by_role("button", name="Skapa kontot").click()
    link = admin.get_by_label("Länk för att välja lösenord").input_value()
    admin.screenshot(path="/tmp/kartbild-invitation.png", full_page=True)
    admin.context.close()
    # The link is built on SITE_URL; the test server listens elsewhere.
    path = link.split("/konto/", 1)[1]
    person = browser.new_context().new_page()
    person.goto(f"{live_server.url}/konto/{path}")
    person.get_by_label("Nytt lösenord", exact=False).first.fill("en-lagom-lång-fras-2026")
    person.locator("#id_new_password2").fill("en-lagom-lång-fras-2026")
    person.screenshot(path="/tmp/kartbild-set-password.png", full_page=True)
    person.get_by_role("button", name="Spara lösenordet").click()
    assert person.get_by_text("Ditt lösenord är valt.").is_visible()
    person.get_by_label("Användarnamn").fill("nora")
    person.get_by_label("Lösenord").fill("en-lagom-lång-fras-2026")
    person.get_by_role("button", name="Logga in").click()
    assert person.get_by_role("heading", name="Ystad").is_visible()
    person.context.close()


def test_the_policy_lets_scripts_and_qr_codes_of_our_own_through(
    page: Any, live_server: Any, admin_a: Any, make_mapping: Any
) -> None:
    refused = watch_policy(page)
    mapping = make_mapping(("medarbetare",))
    mp = mapping.perspectives.get()
    sign_in(page, live_server, "admin_a")
    page.goto(live_server.url + reverse("mappings:batches", args=["ystad", mapping.pk]))
    qr = page.locator(".qr img").first
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    draft = actions.start_draft(mp, code=None)
    page.goto(live_server.url + reverse("mappings:step", args=[draft.key, 1]))
    page.locator("ul.values input[type=checkbox]").first.check()
    # The counter is written by kartbild/static/kartbild/pick-counter.js.
    assert page.locator("#counter").inner_text().startswith("1 av 3")
    assert refused == []


def open_as(browser: Any, live_server: Any, user: Any, viewport: str) -> Any:
    """A page signed in as `user` (None: a visitor who is not signed in)."""
    context = browser.new_context(**VIEWPORTS[viewport])
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return context.new_page()


@pytest.mark.parametrize("viewport", ["desktop", "reflow"])
def test_the_account_pages_pass_wcag_21_aa(
    browser: Any, live_server: Any, admin_a: Any, analyst_a: Any, viewport: str
) -> None:
    membership = Membership.objects.get(user=analyst_a)
    network = Network.objects.create(name="Kulturnätverket", slug="kultur")
    network.organisations.add(membership.organisation)
    coordinator = get_user_model().objects.create_user("samordnare")
    network.coordinators.add(coordinator)
    root = get_user_model().objects.create_superuser("root", "root@example.se")
    invited = Membership.objects.create(
        user=get_user_model().objects.create_user("nora"),
        organisation=membership.organisation,
        role=Role.FACILITATOR,
    )
    link = invitation_link(invited).removeprefix(settings.SITE_URL)
    pages = [
        (admin_a, reverse("accounts:member_edit", args=["ystad", invited.pk]), False),
        (None, link, False),
        (None, link, True),
        (None, reverse("accounts:set_password", args=["MQ", "fel"]), False),
        (admin_a, reverse("accounts:members", args=["ystad"]), False),
        (admin_a, reverse("accounts:member_add", args=["ystad"]), False),
        (admin_a, reverse("accounts:member_add", args=["ystad"]), True),
        (admin_a, reverse("accounts:member_edit", args=["ystad", membership.pk]), False),
        (admin_a, reverse("accounts:audit_log", args=["ystad"]), False),
        (admin_a, reverse("accounts:password_change"), True),
        (coordinator, reverse("accounts:network", args=["kultur"]), False),
        (root, reverse("accounts:system"), False),
        (root, reverse("accounts:system"), True),
        (root, reverse("accounts:system_networks"), False),
        (root, reverse("accounts:system_networks"), True),
    ]
    problems: list[Any] = []
    for user, url, submit_empty in pages:
        page = open_as(browser, live_server, user, viewport)
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        if submit_empty:
            # Wait for the re-rendered form: is_visible() does not wait, and on a loaded
            # machine the old page would still be there.
            with page.expect_navigation():
                page.locator("main form button[type=submit]").last.click()
            expect(page.get_by_role("alert").first).to_be_visible()
        where = f"{url}{' (errors)' if submit_empty else ''} ({viewport})"
        problems.extend(audit(page, where))
        if viewport != "desktop":
            problems.extend(horizontal_overflow(page, where))
        page.context.close()
    assert problems == [], report(problems)
