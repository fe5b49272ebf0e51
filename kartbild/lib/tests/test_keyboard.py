"""A whole survey with the keyboard alone — Tab, Shift+Tab, Space and Enter, never the mouse —
in Debian's Chromium, checking on the way that focus can always be seen, that the skip link
works, that the pick counter and the errors are in live regions, and that the page's structure
(landmarks, one h1, headings in order, labels, a fieldset with a legend for the values) holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kartbild.mappings.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Enough Tabs to cross any respondent page; a loop that needs more is a focus trap.
MAX_TABS = 80

FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    // A checkbox shows its focus on the label box around it (site.css).
    const box = element.type === "checkbox" ? element.closest("label") : element;
    const boxStyle = getComputedStyle(box);
    const rect = element.getBoundingClientRect();
    return {
        tag: element.tagName.toLowerCase(),
        type: element.type || "",
        name: element.name || "",
        value: element.value || "",
        text: (element.innerText || "").trim(),
        id: element.id,
        checked: !!element.checked,
        outline: parseFloat(boxStyle.outlineWidth) || 0,
        outlineStyle: boxStyle.outlineStyle,
        ring: boxStyle.boxShadow,
        visible: rect.width > 0 && rect.height > 0,
    };
}"""


def focused(page: Any) -> dict[str, Any]:
    state = page.evaluate(FOCUSED)
    assert state is not None, "focus fell to the page body"
    return dict(state)


def assert_focus_visible(state: dict[str, Any]) -> None:
    """WCAG 2.4.7: a 3 px ring (site.css) around whatever has keyboard focus."""
    assert state["visible"], f"the focused element is not on screen: {state}"
    assert state["outlineStyle"] != "none" and state["outline"] >= 2, (
        f"no visible focus ring on {state}"
    )


def tab_to(page: Any, matches: Any, backwards: bool = False) -> dict[str, Any]:
    """Press Tab until the focused element matches; check every stop on the way is visible."""
    for _press in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = focused(page)
        assert_focus_visible(state)
        if matches(state):
            return state
    raise AssertionError(f"Tab never reached the element; focus is on {focused(page)}")


def button(label: str) -> Any:
    return lambda state: state["tag"] == "button" and state["text"] == label


def checkbox(state: dict[str, Any]) -> bool:
    return bool(state["type"] == "checkbox")


def structure(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => ({
            lang: document.documentElement.lang,
            mains: document.querySelectorAll("main").length,
            headers: document.querySelectorAll("body > header").length,
            footers: document.querySelectorAll("body > footer").length,
            headings: Array.from(document.querySelectorAll("h1, h2, h3, h4")).map(
                (h) => Number(h.tagName[1])),
            unlabelled: Array.from(document.querySelectorAll(
                "input:not([type=hidden]), select, textarea")).filter(
                (field) => !field.closest("[hidden]") && field.labels.length === 0
                    && !field.getAttribute("aria-label")).map((field) => field.name),
        })"""
        )
    )


def assert_well_structured(page: Any) -> None:
    found = structure(page)
    assert found["lang"] == "sv"
    assert (found["mains"], found["headers"], found["footers"]) == (1, 1, 1)
    headings = found["headings"]
    assert headings.count(1) == 1 and headings[0] == 1, headings
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)), (
        f"a heading level is skipped: {headings}"
    )
    assert found["unlabelled"] == []


def test_a_survey_can_be_completed_with_the_keyboard_alone(
    browser: Any, live_server: Any, make_mapping: Any, organisation_a: Any
) -> None:
    from kartbild.organisations.models import Unit

    Unit.objects.create(
        organisation=organisation_a, name="Norrskolan", level="forvaltning", code="NS"
    )
    mapping = make_mapping(("medarbetare",), ask_age=True)
    mapping_perspective = mapping.perspectives.get()
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(live_server.url + reverse("mappings:start", args=[mapping_perspective.token]))
    assert_well_structured(page)

    # The first Tab reaches the skip link, which is then shown; Enter moves focus into main.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["tag"] == "a" and skip["text"] == "Hoppa till innehållet"
    assert_focus_visible(skip)
    assert page.locator("a.skip").bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    tab_to(page, button("Börja svara"))
    page.keyboard.press("Enter")

    questions = mapping_perspective.questions.count()
    for number in range(1, questions + 1):
        page.wait_for_url(lambda url, number=number: f"/{number}/" in url)
        assert_well_structured(page)
        assert page.locator("fieldset legend h1").count() == 1
        counter = page.locator("#counter")
        assert counter.get_attribute("aria-live") == "polite"
        picks = 2 if number == 1 else mapping.picks  # first once too few, to meet the error
        tab_to(page, checkbox)
        for pick in range(picks):
            if pick:
                tab_to(page, checkbox)
            page.keyboard.press("Space")
            assert focused(page)["checked"]
            assert counter.inner_text().startswith(f"{pick + 1} av {mapping.picks}")
        tab_to(page, button("Nästa"))
        page.keyboard.press("Enter")
        if number == 1:
            page.wait_for_load_state()
            error = page.locator("#question-error")
            assert error.get_attribute("role") == "alert"
            assert "Välj exakt 3 värden. Du har valt 2." in error.inner_text()
            assert page.title().startswith("Fel:")
            # The script starts focus at the error; the fieldset is described by it.
            assert focused(page)["id"] == "question-error"
            described = page.locator("fieldset").get_attribute("aria-describedby")
            assert "question-error" in described.split()
            assert counter.inner_text().startswith("2 av 3")
            tab_to(page, lambda state: checkbox(state) and not state["checked"])
            page.keyboard.press("Space")
            tab_to(page, button("Nästa"))
            page.keyboard.press("Enter")

    page.wait_for_url(lambda url: "/bakgrund/" in url)
    assert_well_structured(page)
    age = tab_to(page, lambda state: state["name"] == "age_band")
    assert age["tag"] == "select"
    page.keyboard.press("ArrowDown")  # a closed select changes value with the arrow keys
    assert page.locator("select[name=age_band]").input_value() == "-29"
    tab_to(page, button("Nästa"))
    page.keyboard.press("Enter")

    page.wait_for_url(lambda url: "/skicka/" in url)
    assert_well_structured(page)
    tab_to(page, button("Skicka svar"))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/tack/" in url)
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för ditt svar!"
    page.context.close()
    response = Response.objects.get()
    assert response.age_band == "-29"


def test_a_wrong_code_is_announced_and_linked_to_its_field(
    browser: Any, live_server: Any, db: None
) -> None:
    page = browser.new_context().new_page()
    page.goto(live_server.url + reverse("mappings:code"))
    tab_to(page, lambda state: state["name"] == "code")
    page.keyboard.type("AAAA-BBBB-CCCC")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    assert page.title().startswith("Fel:")
    field = page.locator("input[name=code]")
    assert field.get_attribute("aria-invalid") == "true"
    assert "code_error" in field.get_attribute("aria-describedby").split()
    # The summary's link leads to the field: follow it with the keyboard.
    tab_to(page, lambda state: state["tag"] == "a" and state["text"] == "Din kod")
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "code"
    page.context.close()
