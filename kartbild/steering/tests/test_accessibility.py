"""axe-core's WCAG 2.1 A and AA rules on every steering page, at a laptop width, at 320 px
(reflow) and zoomed to 200 %, in Debian's Chromium; with error states of the value, import and
goal forms, and no page may scroll sideways."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kartbild.lib.tests.axe import VIEWPORTS, audit, horizontal_overflow, report
from kartbild.reports.tests.helpers import answer
from kartbild.steering import actions
from kartbild.steering.tests.test_follow_up import PICKS
from kartbild.workshops import actions as workshop_actions
from kartbild.workshops.tests.test_browser import signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(form_value: str) -> Any:
    """Submit one of the indicator page's forms as it is, to audit its error state."""

    def then(page: Any) -> None:
        with page.expect_navigation():
            page.locator(f'form:has(input[name="form"][value="{form_value}"]) button').click()

    return then


def type_bad_value(page: Any) -> None:
    page.locator("#id_value-year").fill("2024")
    page.locator("#id_value-value").fill("12,5,3")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara värdet").click()


def submit_empty(page: Any) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def test_steering_pages_pass_axe(
    browser: Any,
    live_server: Any,
    admin_a: Any,
    organisation_a: Any,
    indicator_a: Any,
    framework_a: Any,
    catalogue: Any,
    make_mapping: Any,
) -> None:
    framework_a.values.get(name="Tillit").catalogue_values.add(catalogue.values.get(slug="tillit"))
    mapping = make_mapping(("medarbetare",))
    answer(mapping.perspectives.get(), PICKS, times=6)
    for year, value in ((2022, "7,4"), (2023, "6,9"), (2024, "6,2")):
        actions.record_value(indicator_a, year, value)
    workshop_actions.save_action(
        organisation_a,
        None,
        what="Chefsforum om sjukfrånvaro",
        owner="HR-chefen",
        due_on=datetime.date(2020, 5, 1),
        indicator=indicator_a,
        core_values=[framework_a.values.get(name="Tillit")],
    )
    loose = workshop_actions.save_action(
        organisation_a, None, what="Omätt", owner="HR", due_on=datetime.date(2030, 1, 1)
    )
    goal = indicator_a.goal
    base = f"{live_server.url}/o/ystad"
    pages: list[tuple[str, str, Any]] = [
        ("goal tree", f"{base}/styrning/", None),
        ("goal", f"{base}/styrning/mal/{goal.pk}/", None),
        ("new goal", f"{base}/styrning/mal/nytt/", None),
        ("new goal, errors", f"{base}/styrning/mal/nytt/", submit_empty),
        ("edit goal", f"{base}/styrning/mal/{goal.pk}/andra/", None),
        ("delete goal", f"{base}/styrning/mal/{goal.parent_id}/ta-bort/", None),
        ("new indicator", f"{base}/styrning/mal/{goal.pk}/ny-indikator/", None),
        ("indicator", f"{base}/styrning/indikator/{indicator_a.pk}/", None),
        ("indicator, bad value", f"{base}/styrning/indikator/{indicator_a.pk}/", type_bad_value),
        ("indicator, no file", f"{base}/styrning/indikator/{indicator_a.pk}/", submit("import")),
        ("edit indicator", f"{base}/styrning/indikator/{indicator_a.pk}/andra/", None),
        ("delete indicator", f"{base}/styrning/indikator/{indicator_a.pk}/ta-bort/", None),
        ("actions", f"{base}/styrning/atgarder/?visa=all", None),
        ("new action", f"{base}/styrning/atgarder/ny/", None),
        ("new action, errors", f"{base}/styrning/atgarder/ny/", submit_empty),
        ("edit action", f"{base}/styrning/atgarder/{loose.pk}/", None),
        ("follow-up", f"{base}/styrning/uppfoljning/", None),
        ("compass", f"{base}/kompass/", None),
    ]
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
    assert not problems, report(problems)
