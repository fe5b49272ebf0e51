"""Ordering an export and a dialogue guide in Debian's Chromium, with the thread runner the demo
uses: the progress page moves by itself and the download link appears without reloading by hand.
Screenshots go to /tmp/kartbild-exports-*.png for people to look at."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kartbild.lib.tests.axe import VIEWPORTS, audit, horizontal_overflow, report
from kartbild.reports import jobs
from kartbild.reports.models import ExportJob
from kartbild.reports.tests.helpers import SAME, answer, unit
from kartbild.reports.tests.test_access import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = "/tmp/kartbild-exports-{}.png"


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("a-long-password-1")
    page.get_by_role("button", name="Logga in").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_an_analyst_orders_a_workbook_and_downloads_it(
    browser: Any,
    live_server: Any,
    organisation_a: Any,
    make_mapping: Any,
    settings: Any,
    javascript: bool,
) -> None:
    settings.EXPORT_RUNNER = jobs.RUNNER_THREAD
    school = unit(organisation_a, "BUF", "Skolan")
    mapping = make_mapping(("medarbetare", "medborgare"))
    answer(mapping.perspectives.get(perspective="medarbetare"), SAME, 7, school)
    answer(mapping.perspectives.get(perspective="medborgare"), SAME, 6)
    member(organisation_a, "analytiker", "analyst")
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    sign_in(page, live_server.url, "analytiker")
    page.goto(live_server.url + reverse("reports:exports", args=["ystad", mapping.pk]))
    page.get_by_label("Tabeller (Excel)").check()
    page.get_by_role("button", name="Beställ exporten").click()
    expect(page.get_by_text("Exporten är beställd")).to_be_visible()
    page.screenshot(path=SCREENSHOTS.format(f"ordered-{'js' if javascript else 'nojs'}"))
    # The page refreshes itself (a meta refresh without a script, the status script with one)
    # until the link is there.
    link = page.get_by_role("link", name="Ladda ner")
    link.wait_for(timeout=30_000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert ExportJob.objects.get().status == ExportJob.Status.DONE
    page.screenshot(path=SCREENSHOTS.format(f"done-{'js' if javascript else 'nojs'}"))
    context.close()


def test_a_facilitator_reads_a_dialogue_guide_on_a_phone(
    browser: Any, live_server: Any, organisation_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    answer(mapping.perspectives.get(perspective="medarbetare"), SAME, 7)
    answer(mapping.perspectives.get(perspective="medborgare"), SAME, 6)
    member(organisation_a, "ledare", "facilitator")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, live_server.url, "ledare")
    page.goto(live_server.url + reverse("reports:guides", args=["ystad", mapping.pk]))
    page.get_by_role("link", name="Samtalsunderlag för Medarbetare").click()
    expect(page.get_by_role("heading", name="Samtalsunderlag: medarbetare")).to_be_visible()
    expect(page.get_by_role("heading", name="För samtalsledarna")).to_be_visible()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS.format("guide-phone"), full_page=True)
    context.close()


def test_the_export_and_guide_pages_pass_axe_at_every_viewport(
    browser: Any, live_server: Any, organisation_a: Any, make_mapping: Any, settings: Any
) -> None:
    settings.EXPORT_RUNNER = jobs.RUNNER_WORKER
    social = unit(organisation_a, "SOC", "Socialförvaltningen")
    mapping = make_mapping(("medarbetare", "medborgare"))
    answer(mapping.perspectives.get(perspective="medarbetare"), SAME, 7, social)
    answer(mapping.perspectives.get(perspective="medborgare"), SAME, 6)
    analyst = member(organisation_a, "analytiker", "analyst")
    member(organisation_a, "chef", "unit_manager", social)
    # One finished and one waiting job, so the list shows a download link and a progress bar.
    for status in ("done", "queued"):
        ExportJob.objects.create(
            organisation=organisation_a,
            mapping=mapping,
            kind="pdf",
            status=status,
            progress=100 if status == "done" else 0,
            filename="kartbild.pdf",
            created_by=analyst,
        )
    args = ["ystad", mapping.pk]
    pages = {
        "analytiker": [
            ("exports", reverse("reports:exports", args=args)),
            ("guides", reverse("reports:guides", args=args)),
            ("guide", reverse("reports:guide", args=[*args, "medborgare"])),
        ],
        "chef": [
            ("exports, unit manager", reverse("reports:exports", args=args)),
            ("guide, unit manager", reverse("reports:guide", args=[*args, "medarbetare"])),
        ],
    }
    problems: list[Any] = []
    for viewport in VIEWPORTS:
        for username, visits in pages.items():
            # With JavaScript: without it the list of an unfinished job reloads itself mid-audit.
            context = browser.new_context(**VIEWPORTS[viewport])
            page = context.new_page()
            sign_in(page, live_server.url, username)
            for name, url in visits:
                page.goto(live_server.url + url)
                where = f"{name} ({viewport})"
                problems += audit(page, where)
                problems += horizontal_overflow(page, where)
            if username == "analytiker":
                page.goto(live_server.url + reverse("reports:exports", args=args))
                page.get_by_role("button", name="Beställ exporten").click()
                problems += audit(page, f"exports, errors ({viewport})")
            context.close()
    assert not problems, report(problems)
