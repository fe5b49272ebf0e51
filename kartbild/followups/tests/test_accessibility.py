"""WCAG 2.1 A and AA on the follow-up pages: axe-core in Debian's Chromium at the project's
three viewports (desktop, 320 px reflow, 200 % zoom), no sideways scrolling of the page, and
the survey completed with the keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kartbild.accounts.models import Membership, Role
from kartbild.followups import actions
from kartbild.followups.models import FollowUpResponse
from kartbild.followups.tests import factories
from kartbild.lib.tests.axe import VIEWPORTS, audit, horizontal_overflow, report
from kartbild.organisations.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


def _world() -> dict[str, Any]:
    organisation = Organisation.objects.create(
        name="Ystad", slug="ystad", kind="kommun", code="1286"
    )
    social = factories.unit(organisation, "Socialförvaltningen", code="SOC")
    elderly = factories.unit(organisation, "Äldreomsorg", social, code="ALD")
    small = factories.unit(organisation, "Familjerätt", social, code="FAM")
    school = factories.unit(organisation, "Skolan", code="SKO")
    made = factories.framework(organisation)
    earlier = factories.follow_up(organisation, made, name="Uppföljning 2025")
    factories.answer(earlier, [3, 4, 3, 2], school, times=6)
    actions.close_follow_up(earlier)
    round_ = factories.follow_up(organisation, made, previous_round=earlier)
    factories.answer(round_, [4, 4, 3, 6], elderly, times=6)
    factories.answer(round_, [2, 1, 1, 1], small, times=2)
    factories.answer(round_, [5, 4, 5, 4], school, times=7)
    draft_round = factories.follow_up(organisation, made, open=False, name="Hösten 2027")
    for name, role, unit in [("admin", Role.ADMIN, None), ("chef", Role.UNIT_MANAGER, social)]:
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=user, organisation=organisation, role=role, unit=unit)
    code = actions.generate_codes(round_, school, 1).codes.get()
    return {
        "round": round_,
        "draft_round": draft_round,
        "social": social,
        "small": small,
        "school": school,
        "code": code.code,
    }


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()


def test_the_follow_up_pages_pass_axe_at_every_viewport(browser: Any, live_server: Any) -> None:
    world = _world()
    round_ = world["round"]
    staff = {
        "admin": [
            ("list", reverse("followups:index", args=["ystad"])),
            ("create", reverse("followups:create", args=["ystad"])),
            ("draft round", reverse("followups:detail", args=["ystad", world["draft_round"].pk])),
            ("open round", reverse("followups:detail", args=["ystad", round_.pk])),
            ("codes", reverse("followups:codes", args=["ystad", round_.pk])),
            ("paper", reverse("followups:paper_import", args=["ystad", round_.pk])),
            ("results", reverse("followups:results", args=["ystad", round_.pk])),
            (
                "withheld unit",
                reverse("followups:unit_results", args=["ystad", round_.pk, world["small"].pk]),
            ),
        ],
        "chef": [
            (
                "unit results",
                reverse("followups:unit_results", args=["ystad", round_.pk, world["social"].pk]),
            )
        ],
    }
    problems: list[Any] = []
    for viewport in VIEWPORTS:
        for username, visits in staff.items():
            context = browser.new_context(**VIEWPORTS[viewport])
            page = context.new_page()
            _sign_in(page, live_server.url, username)
            for name, url in visits:
                page.goto(live_server.url + url)
                where = f"{name} ({viewport})"
                problems += audit(page, where)
                problems += horizontal_overflow(page, where)
            if username == "admin":
                page.goto(live_server.url + reverse("followups:create", args=["ystad"]))
                with page.expect_navigation():
                    page.get_by_role("button", name="Skapa").click()
                problems += audit(page, f"create, errors ({viewport})")
            context.close()
        # The respondent flow, without an account.
        context = browser.new_context(**VIEWPORTS[viewport])
        page = context.new_page()
        page.goto(live_server.url + reverse("followups:start", args=[round_.token]))
        problems += audit(page, f"start ({viewport})")
        with page.expect_navigation():
            page.get_by_role("button", name="Börja svara").click()
        problems += audit(page, f"survey ({viewport})")
        problems += horizontal_overflow(page, f"survey ({viewport})")
        with page.expect_navigation():
            page.get_by_role("button", name="Skicka svaren").click()
        problems += audit(page, f"survey, errors ({viewport})")
        page.goto(live_server.url + reverse("followups:code"))
        problems += audit(page, f"code ({viewport})")
        page.goto(live_server.url + reverse("followups:thanks"))
        problems += audit(page, f"thanks ({viewport})")
        context.close()
    assert not problems, report(problems)


def test_the_survey_can_be_completed_with_the_keyboard(browser: Any, live_server: Any) -> None:
    world = _world()
    context = browser.new_context(**VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(live_server.url + reverse("followups:code") + f"?kod={world['code']}")
    page.get_by_label("Din kod").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    before = FollowUpResponse.objects.count()
    # The first radio group: Tab into it (its first option), arrows move and select.
    first = page.get_by_role("group").first
    first.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert first.get_by_role("radio", name="Stämmer ganska bra").is_checked()
    # Tab moves to the next statement; Space picks its focused option.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    while page.evaluate("document.activeElement.type") != "submit":
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Tack för ditt svar!").is_visible()
    assert FollowUpResponse.objects.count() == before + 1
    stored = FollowUpResponse.objects.filter(unit=world["school"]).order_by("pk")
    assert any(bytes(r.answers)[:2] == bytes([4, 1]) for r in stored)
    context.close()
