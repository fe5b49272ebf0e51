"""WCAG 2.1 A and AA on the kartbild pages of the demo municipality: axe-core in Debian's
Chromium at the project's three viewports (desktop, 320 px reflow, 200 % zoom), and no sideways
scrolling of the page itself (wide charts and tables scroll inside their own box)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from kartbild.lib.tests.axe import VIEWPORTS, audit, horizontal_overflow, report
from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("kartbild-demo")
    page.get_by_role("button", name="Logga in").click()


def test_the_kartbild_pages_pass_axe_at_every_viewport(browser: Any, live_server: Any) -> None:
    # One seeded demo for the three viewports: seeding costs more than a viewport's audits.
    call_command("seed_demo", stdout=io.StringIO())
    mapping = Mapping.objects.get(organisation__slug="exempelkommun", status="open")
    args = [mapping.organisation.slug, mapping.pk]
    small = Unit.objects.get(organisation=mapping.organisation, name="Arbetsmiljö")
    social = Unit.objects.get(organisation=mapping.organisation, code="SOC")
    pages = {
        "analytiker": [
            ("overview", reverse("reports:overview", args=args)),
            ("perspective", reverse("reports:perspective", args=[*args, "medborgare"])),
            ("compare perspectives", reverse("reports:compare_perspectives", args=args)),
            ("units", reverse("reports:compare_units", args=args)),
            ("previous round", reverse("reports:compare_rounds", args=args)),
            ("reference", reverse("reports:compare_reference", args=args)),
            ("withheld unit", reverse("reports:unit", args=[*args, small.pk])),
        ],
        "chef": [("unit", reverse("reports:unit", args=[*args, social.pk]))],
    }
    problems: list[Any] = []
    for viewport, username in ((v, u) for v in VIEWPORTS for u in pages):
        visits = pages[username]
        context = browser.new_context(**VIEWPORTS[viewport])
        page = context.new_page()
        sign_in(page, live_server.url, username)
        for name, url in visits:
            page.goto(live_server.url + url)
            where = f"{name} ({viewport})"
            problems += audit(page, where)
            problems += horizontal_overflow(page, where)
        if username == "analytiker":
            # The error state of the reference upload.
            page.goto(live_server.url + reverse("reports:compare_reference", args=args))
            page.get_by_role("button", name="Läs in").click()
            problems += audit(page, f"reference, errors ({viewport})")
        context.close()
    assert not problems, report(problems)
