"""A live workshop taken part in with the keyboard alone (WCAG 2.1.1), every focus stop visible
(2.4.7): join by code, take a stand on a statement, give a word."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from kartbild.lib.tests.test_keyboard import button, focused, tab_to
from kartbild.workshops import actions
from kartbild.workshops.models import Vote, Word

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_takes_part_with_the_keyboard_alone(
    browser: Any, live_server: Any, live_session: Any
) -> None:
    statement = actions.add_statement(live_session, "Vi vågar säga ifrån")
    actions.set_step(live_session, "statements")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/w/")

    tab_to(page, lambda state: state["tag"] == "input" and state["type"] != "hidden")
    page.keyboard.type(live_session.join_code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, button("Gå med"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, button("Håller inte med"))
    with page.expect_navigation():
        page.keyboard.press("Space")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Du har tagit ställning till alla påståenden"
    )
    vote = Vote.objects.get()
    assert (vote.statement, vote.choice) == (statement, -1)

    actions.set_step(live_session, "words")
    page.reload()
    tab_to(page, lambda state: state["tag"] == "input" and state["type"] == "text")
    page.keyboard.type("Tillit")
    assert focused(page)["value"] == "Tillit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Tack för ditt ord.")
    assert Word.objects.get().word.lower() == "tillit"
    context.close()
