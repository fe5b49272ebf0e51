"""The kartbild of the demo municipality in Debian's Chromium: the overview on a computer, the
comparison of perspectives and the unit heat map, and a unit manager's page on a 390 px phone.
Screenshots go to /tmp/kartbild-reports-*.png for people to look at."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SCREENSHOTS = "/tmp/kartbild-reports-{}.png"


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("kartbild-demo")
    page.get_by_role("button", name="Logga in").click()


def test_the_demo_kartbild_reads_on_a_computer_and_a_phone(browser: Any, live_server: Any) -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    mapping = Mapping.objects.get(organisation__slug="exempelkommun", status="open")
    args = [mapping.organisation.slug, mapping.pk]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, "analytiker")

    page.goto(live_server.url + reverse("reports:overview", args=args))
    expect(page.get_by_role("heading", name="Sammanfattning")).to_be_visible()
    summary = page.locator("table.summary")
    assert "Medarbetare" in summary.inner_text() and "312" in summary.inner_text()
    page.screenshot(path=SCREENSHOTS.format("overview"), full_page=True)

    page.get_by_role("link", name="Medarbetare", exact=True).first.click()
    values = page.get_by_role("img", name="Värdekarta: Medarbetare")
    expect(values).to_be_visible()
    page.screenshot(path=SCREENSHOTS.format("employees"), full_page=True)
    values.screenshot(path=SCREENSHOTS.format("values-chart"))
    page.locator("figure.chart").nth(1).screenshot(path=SCREENSHOTS.format("levels-chart"))

    page.get_by_role("link", name="Jämför perspektiv").click()
    expect(page.get_by_role("heading", name="Skillnader som håller")).to_be_visible()
    page.screenshot(path=SCREENSHOTS.format("perspectives"), full_page=True)

    page.get_by_role("link", name="Enheter", exact=True).click()
    heatmap = page.get_by_role("img", name="Enheter: Rådande kultur – arbetsplatsen")
    expect(heatmap).to_be_visible()
    small = page.locator("tr", has_text="Arbetsmiljö")
    assert "för få svar för att visa" in small.inner_text()
    page.screenshot(path=SCREENSHOTS.format("units"), full_page=True)
    context.close()

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    sign_in(page, live_server.url, "chef")
    social = Unit.objects.get(organisation=mapping.organisation, code="SOC")
    page.goto(live_server.url + reverse("reports:unit", args=[*args, social.pk]))
    expect(page.get_by_role("heading", name="Kartbild: Socialförvaltningen")).to_be_visible()
    assert page.get_by_role("img", name="Värdekarta: Socialförvaltningen").count() == 1
    # The page itself never scrolls sideways; wide charts and tables scroll in their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS.format("unit-phone"), full_page=True)
    phone.close()
