"""axe-core's WCAG 2.1 A and AA rules on every värdegrund page, in Debian's Chromium, at a
laptop width, at 320 px (reflow) and at 200 % zoom: the authoring pages with their error states,
and the public page; and the authoring flow by keyboard-free clicks without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from kartbild.corevalues import actions
from kartbild.corevalues.models import CoreValueFramework
from kartbild.lib.tests.axe import VIEWPORTS, audit, horizontal_overflow, report
from kartbild.lib.tests.test_accessibility import UNMARKED_SWEDISH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def submit_last(page: Any) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def empty_and_submit(page: Any) -> None:
    page.locator("textarea, input[type=text]").first.fill("")
    submit_last(page)


def search(page: Any) -> None:
    page.get_by_label("Sök värdeord").fill("till")
    with page.expect_navigation():
        page.get_by_role("button", name="Sök").click()


def test_authoring_and_public_pages_pass_axe(
    browser: Any,
    live_server: Any,
    admin_a: Any,
    analyst_a: Any,
    published: CoreValueFramework,
) -> None:
    draft = actions.copy_to_new_version(published)
    value = draft.values.get(name="Tillit")
    behaviour = value.behaviours.first()
    assert behaviour is not None
    base = f"{live_server.url}/o/ystad/vardegrund"
    pages: list[tuple[str, str, Callable[[Any], None] | None]] = [
        ("versions", f"{base}/", None),
        ("new framework", f"{base}/ny/", None),
        ("new framework, errors", f"{base}/ny/", empty_and_submit),
        ("draft", f"{base}/{draft.pk}/", None),
        ("published", f"{base}/{published.pk}/", None),
        ("name and introduction", f"{base}/{draft.pk}/andra/", None),
        ("new value", f"{base}/{draft.pk}/varden/ny/", None),
        ("new value, errors", f"{base}/{draft.pk}/varden/ny/", submit_last),
        ("edit value, searched", f"{base}/{draft.pk}/varden/{value.pk}/", search),
        ("new behaviour", f"{base}/{draft.pk}/varden/{value.pk}/beteenden/ny/", None),
        ("new behaviour, errors", f"{base}/{draft.pk}/varden/{value.pk}/beteenden/ny/", submit_last),
        ("edit behaviour", f"{base}/{draft.pk}/beteenden/{behaviour.pk}/", None),
    ]  # fmt: skip
    problems: list[Any] = []
    for viewport, options in VIEWPORTS.items():
        context = signed_in_context(browser, live_server, admin_a, **options)
        page = context.new_page()
        for name, url, then in pages:
            page.goto(url)
            if then is not None:
                then(page)
            where = f"{name} ({viewport})"
            problems += audit(page, where)
            problems += horizontal_overflow(page, where)
        context.close()
        reader = signed_in_context(browser, live_server, analyst_a, **options)
        page = reader.new_page()
        page.goto(f"{base}/{draft.pk}/")
        problems += audit(page, f"draft, analyst ({viewport})")
        reader.close()
        visitor = browser.new_context(**options)
        page = visitor.new_page()
        response = page.goto(f"{live_server.url}/vardegrund/ystad/")
        assert response is not None and response.status == 200
        problems += audit(page, f"public page ({viewport})")
        problems += horizontal_overflow(page, f"public page ({viewport})")
        visitor.close()
    assert not problems, report(problems)


def test_in_english_the_swedish_text_is_marked(
    browser: Any, live_server: Any, admin_a: Any, published: CoreValueFramework
) -> None:
    """The organisation's text stays Swedish in an English interface and says so (WCAG 3.1.2),
    on the public page and on the authoring pages."""
    draft = actions.copy_to_new_version(published)
    value = draft.values.get(name="Tillit")
    visitor = browser.new_context(**VIEWPORTS["desktop"])
    page = visitor.new_page()
    page.goto(f"{live_server.url}/vardegrund/ystad/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("[lang=sv]", has_text="Jag håller det jag lovar.").count() == 1
    problems: list[Any] = [*audit(page, "public page, English")]
    problems += [f"  public page: unmarked {text!r}" for text in page.evaluate(UNMARKED_SWEDISH)]
    visitor.close()
    staff = signed_in_context(browser, live_server, admin_a, **VIEWPORTS["desktop"])
    staff.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page = staff.new_page()
    base = f"{live_server.url}/o/ystad/vardegrund"
    for name, url in [
        ("versions", f"{base}/"),
        ("draft", f"{base}/{draft.pk}/"),
        ("edit value", f"{base}/{draft.pk}/varden/{value.pk}/"),
        ("new behaviour", f"{base}/{draft.pk}/varden/{value.pk}/beteenden/ny/"),
    ]:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "en"
        problems += audit(page, f"{name}, English")
        problems += [f"  {name}: unmarked {text!r}" for text in page.evaluate(UNMARKED_SWEDISH)]
    staff.close()
    assert not problems, report(problems)
