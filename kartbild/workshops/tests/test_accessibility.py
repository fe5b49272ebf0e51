"""axe-core's WCAG 2.1 A and AA rules on every workshop page, at a laptop width and at 320 px
(reflow), in Debian's Chromium: planning, the console, the projector in each step, the
participant's pages and the summary."""

from __future__ import annotations

from typing import Any

import pytest

from kartbild.lib.tests.axe import VIEWPORTS, audit, horizontal_overflow, report
from kartbild.workshops import actions
from kartbild.workshops.tests.test_browser import signed_in_context
from kartbild.workshops.tests.test_outcomes import two_camps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_workshop_pages_pass_axe(
    browser: Any,
    live_server: Any,
    admin_a: Any,
    leader_a: Any,
    live_session: Any,
    join: Any,
    units: Any,
) -> None:
    actions.invite(live_session, "Anna Berg", "anna@ystad.se", units["north"])
    two_camps(live_session, join, (6, 5))
    for participant in live_session.participants.all():
        actions.give_word(participant, "tillit" if participant.pk % 2 else "mod")
        actions.reflect(participant, "Vi behöver prata mer med varandra.")
    base = f"{live_server.url}/o/ystad/dialog"
    session = f"{base}/tillfalle/{live_session.pk}"
    staff_pages = [
        ("series", f"{base}/", None),
        ("new series", f"{base}/ny/", None),
        ("series detail", f"{base}/{live_session.workshop.pk}/", None),
        ("session", f"{session}/", None),
        ("coverage", f"{base}/tackning/", None),
        ("console", f"{session}/live/", "statements"),
        ("projector lobby", f"{session}/projektor/", "lobby"),
        ("projector statements", f"{session}/projektor/", "statements"),
        ("projector words", f"{session}/projektor/", "words"),
        ("projector reflections", f"{session}/projektor/", "reflection"),
        ("projector groups", f"{session}/projektor/", "groups"),
        ("summary", f"{session}/sammanfattning/", None),
    ]
    problems: list[Any] = []
    for viewport, options in VIEWPORTS.items():
        if viewport == "zoom200":
            continue
        staff = signed_in_context(browser, live_server, admin_a, **options)
        page = staff.new_page()
        for name, url, step in staff_pages:
            if step:
                actions.set_step(live_session, step)
            page.goto(url)
            where = f"{name} ({viewport})"
            problems += audit(page, where)
            if not name.startswith("projector"):
                problems += horizontal_overflow(page, where)
        staff.close()
        phone_context = browser.new_context(**options)
        phone = phone_context.new_page()
        phone.goto(f"{live_server.url}/w/")
        problems += audit(phone, f"enter code ({viewport})")
        phone.goto(f"{live_server.url}/w/{live_session.join_code}/")
        problems += audit(phone, f"join ({viewport})")
        phone.get_by_role("button", name="Gå med").click()
        for step in ("statements", "reflection", "words", "lobby"):
            actions.set_step(live_session, step)
            phone.goto(f"{live_server.url}/w/{live_session.join_code}/")
            problems += audit(phone, f"participant {step} ({viewport})")
            problems += horizontal_overflow(phone, f"participant {step} ({viewport})")
        phone_context.close()
    assert not problems, report(problems)
