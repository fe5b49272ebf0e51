"""WCAG 2.1 A and AA, proven in Debian's Chromium: axe-core on every page a person can reach —
the respondent flow, the public pages and the main pages of each role — at three viewports
(desktop, 320 px reflow, 200 % zoom), and no sideways scrolling at the narrow ones.

The apps built alongside (accounts, privacy, reports, workshops) audit their own pages with the
same helpers (kartbild/lib/tests/axe.py) in their own tests; this file covers the foundation's
pages, the respondent flow and the public pages.

To audit a new page, add a `Visit` to the persona's list in STAFF_PAGES (or to PUBLIC_PAGES):
a name and a function from the `World` to the page's URL. If the page needs data, add it to
`World` (built once per test by `build_world`). A `then` step can fill in a form first, to audit
an error state. Everything else — logging in, the three viewports, the report — is done here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kartbild.accounts.models import Membership, Role
from kartbild.lib.tests.axe import VIEWPORTS, Violation, audit, horizontal_overflow, report
from kartbild.mappings import actions
from kartbild.mappings.models import Mapping, MappingPerspective
from kartbild.organisations.models import Organisation, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class World:
    """An organisation with a unit tree, every role, an open, a draft and a closed mapping, a
    batch of codes and enough answers for results to show."""

    organisation: Organisation
    units: list[Unit]
    users: dict[str, Any]
    mapping: Mapping
    draft_mapping: Mapping
    closed_mapping: Mapping
    codes: list[str]

    @property
    def org(self) -> str:
        return self.organisation.slug

    def perspective(self, perspective: str, mapping: Mapping | None = None) -> MappingPerspective:
        return (mapping or self.mapping).perspectives.get(perspective=perspective)


def _user(username: str, organisation: Organisation, role: str, unit: Unit | None = None) -> Any:
    user = get_user_model().objects.create_user(username=username, password="a-long-password-1")
    Membership.objects.create(user=user, organisation=organisation, role=role, unit=unit)
    return user


def build_world(organisation: Organisation, other: Organisation, make_mapping: Any) -> World:
    administration = Unit.objects.create(
        organisation=organisation, name="Barn- och utbildningsförvaltningen",
        level="forvaltning", code="BUF", headcount=0,
    )  # fmt: skip
    units = [administration] + [
        Unit.objects.create(
            organisation=organisation,
            parent=administration,
            name=name,
            level="avdelning",
            code=code,
            headcount=40,
        )  # fmt: skip
        for name, code in [("Norrskolan", "NS"), ("Söderskolan", "SS")]
    ]
    users = {
        "admin": _user("admin", organisation, Role.ADMIN),
        "analyst": _user("analytiker", organisation, Role.ANALYST),
        "unit_manager": _user("chef", organisation, Role.UNIT_MANAGER, units[1]),
        "facilitator": _user("ledare", organisation, Role.FACILITATOR),
    }
    users["two_organisations"] = _user("konsult", organisation, Role.ANALYST)
    Membership.objects.create(user=users["two_organisations"], organisation=other, role="analyst")
    mapping = make_mapping(
        ("medarbetare", "medborgare", "fortroendevalda"),
        ask_age=True,
        ask_tenure=True,
        districts="Centrum\nÖsterstad",
        open_question="Vad behöver förändras för att vi ska nå den önskade kulturen?",
    )
    employees = mapping.perspectives.get(perspective="medarbetare")
    batch = actions.generate_codes(employees, units[1], 5)
    for _respondent in range(6):
        answers = actions.Answers(unit_id=units[1].pk)
        for question in employees.questions.all():
            offered = actions.offered_values(mapping.catalogue, question)
            answers.picks[question.pk] = [v.slug for v in offered[: mapping.picks]]
        actions.record_response(employees, answers)
    draft_mapping = make_mapping(("medarbetare",), open=False)
    closed_mapping = make_mapping(("medborgare",))
    actions.close_mapping(closed_mapping)
    return World(
        organisation=organisation,
        units=units,
        users=users,
        mapping=mapping,
        draft_mapping=draft_mapping,
        closed_mapping=closed_mapping,
        codes=list(batch.codes.values_list("code", flat=True)),
    )


@pytest.fixture
def world(organisation_a: Organisation, organisation_b: Organisation, make_mapping: Any) -> World:
    return build_world(organisation_a, organisation_b, make_mapping)


@dataclass(frozen=True)
class Visit:
    name: str
    url: Callable[[World], str]
    # Something to do on the page before it is audited, e.g. send a form to show its errors.
    then: Callable[[Any], None] | None = None
    status: int = 200


def org_url(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    """The URL of a named organisation page: `org_url("mappings:detail", mapping_id)`."""
    return lambda world: reverse(name, args=[world.org, *(arg(world) for arg in args)])


def mapping_id(world: World) -> int:
    return world.mapping.pk


def draft_mapping_id(world: World) -> int:
    return world.draft_mapping.pk


def unit_id(world: World) -> int:
    return world.units[1].pk


def catalogue_id(world: World) -> int:
    return world.mapping.catalogue_id


def submit_empty(page: Any) -> None:
    """Send the page's main form as it is, to audit its error state."""
    page.locator("main form button[type=submit]").last.click()


EVERY_ROLE = [
    Visit("dashboard", org_url("organisations:dashboard")),
    Visit("catalogues", org_url("catalogue:list")),
    Visit("catalogue", org_url("catalogue:detail", catalogue_id)),
]
READERS = [
    Visit("units", org_url("organisations:units")),
    Visit("mapping", org_url("mappings:detail", mapping_id)),
    Visit("results", org_url("mappings:results", mapping_id)),
]
STAFF_PAGES: dict[str, list[Visit]] = {
    "admin": [
        *EVERY_ROLE,
        *READERS,
        Visit("unit add", org_url("organisations:unit_add")),
        Visit("unit add, errors", org_url("organisations:unit_add"), then=submit_empty),
        Visit("unit edit", org_url("organisations:unit_edit", unit_id)),
        Visit("unit import", org_url("organisations:unit_import")),
        Visit("unit import, errors", org_url("organisations:unit_import"), then=submit_empty),
        Visit("catalogue add value", org_url("catalogue:add_value", catalogue_id)),
        Visit("mapping create", org_url("mappings:create")),
        Visit("follow-ups", org_url("followups:index")),
        Visit("follow-up create, errors", org_url("followups:create"), then=submit_empty),
        Visit("mapping create, errors", org_url("mappings:create"), then=submit_empty),
        Visit("mapping settings", org_url("mappings:configure", draft_mapping_id)),
        Visit("draft mapping", org_url("mappings:detail", draft_mapping_id)),
        Visit("response rates", org_url("mappings:rates", mapping_id)),
        Visit("paper answers", org_url("mappings:paper_import", mapping_id)),
        Visit("codes", org_url("mappings:batches", mapping_id)),
        Visit("accessibility contact", org_url("organisations:accessibility_edit")),
    ],
    "analyst": [*EVERY_ROLE, *READERS],
    "unit_manager": [*EVERY_ROLE],
    "facilitator": [*EVERY_ROLE],
    "two_organisations": [Visit("organisations", lambda world: reverse("organisations:home"))],
}


def fill_login_wrongly(page: Any) -> None:
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("main form button[type=submit]").last.click()


def enter_code(code: str) -> Callable[[Any], None]:
    def enter(page: Any) -> None:
        page.locator("input[name=code]").fill(code)
        page.locator("main form button[type=submit]").last.click()

    return enter


PUBLIC_PAGES: list[Visit] = [
    Visit("login", lambda world: reverse("accounts:login")),
    Visit("login, wrong password", lambda world: reverse("accounts:login"), fill_login_wrongly),
    Visit("code entry", lambda world: reverse("mappings:code")),
    Visit("code entry, empty", lambda world: reverse("mappings:code"), submit_empty),
    Visit("code entry, unknown", lambda world: reverse("mappings:code"), enter_code("AAAA-BBBB")),
    Visit(
        "closed mapping",
        lambda world: reverse(
            "mappings:start", args=[world.perspective("medborgare", world.closed_mapping).token]
        ),
        status=410,
    ),  # fmt: skip
    Visit("thanks", lambda world: reverse("mappings:thanks")),
    Visit("follow-up code entry", lambda world: reverse("followups:code")),
    Visit("follow-up code entry, empty", lambda world: reverse("followups:code"), submit_empty),
    Visit("follow-up thanks", lambda world: reverse("followups:thanks")),
    Visit("accessibility statement", org_url("organisations:accessibility")),
    Visit("service statement", lambda world: reverse("organisations:service_accessibility")),
    # Linked from every respondent page; privacy/tests audit it too, here it is also read in English.
    Visit("privacy notice", org_url("privacy:notice")),
]


def new_page(browser: Any, viewport: str, client: Client | None = None, base: str = "") -> Any:
    context = browser.new_context(**VIEWPORTS[viewport])
    if client is not None:
        session = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": session.value, "url": base}])
    return context.new_page()


def visit_all(page: Any, base: str, world: World, visits: list[Visit], viewport: str) -> list[Any]:
    """Open each page, check its status, audit it; every problem of every page in one list."""
    problems: list[Violation | str] = []
    for visit in visits:
        where = f"{visit.name} ({viewport})"
        response = page.goto(base + visit.url(world))
        if visit.then is not None:
            visit.then(page)
        elif response.status != visit.status:
            problems.append(f"  {where}: HTTP {response.status}, expected {visit.status}")
        check(page, visit.name, viewport, problems)
    return problems


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("persona", STAFF_PAGES)
def test_each_roles_pages_pass_wcag_21_aa(
    browser: Any, live_server: Any, world: World, persona: str, viewport: str
) -> None:
    client = Client()
    client.force_login(world.users[persona])
    page = new_page(browser, viewport, client, live_server.url)
    problems = visit_all(page, live_server.url, world, STAFF_PAGES[persona], viewport)
    page.context.close()
    assert problems == [], report(problems)


@pytest.mark.parametrize(
    ("viewport", "language"), [*((viewport, "sv") for viewport in VIEWPORTS), ("desktop", "en")]
)
def test_public_pages_pass_wcag_21_aa(
    browser: Any, live_server: Any, world: World, viewport: str, language: str
) -> None:
    page = new_page(browser, viewport)
    if language == "en":
        choose_english(page, live_server.url)
    problems = visit_all(page, live_server.url, world, PUBLIC_PAGES, viewport)
    page.context.close()
    assert problems == [], report(problems)


# Text in a language other than the page's must say so (WCAG 3.1.2). On an English page, a
# Swedish letter outside an element marked lang="sv" is a string that was not translated or
# organisation text that is not marked.
UNMARKED_SWEDISH = """() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const parent = node.parentElement;
        if (!/[åäöÅÄÖ]/.test(node.textContent) || parent.closest("script, style, [hidden]")) continue;
        // Place names are proper names, which WCAG 3.1.2 exempts.
        if (parent.closest("select[name=district]")) continue;
        if (parent.closest("[lang]").getAttribute("lang") !== "sv") found.push(node.textContent.trim());
    }
    return found;
}"""


def check(page: Any, where: str, viewport: str, problems: list[Any]) -> None:
    problems.extend(audit(page, f"{where} ({viewport})"))
    if viewport != "desktop":
        problems.extend(horizontal_overflow(page, f"{where} ({viewport})"))
    if page.evaluate("document.documentElement.lang") == "en":
        problems.extend(
            f"  {where}: Swedish text not marked lang=sv: {text!r}"
            for text in page.evaluate(UNMARKED_SWEDISH)
        )


def choose_english(page: Any, base: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])


def pick(page: Any, count: int) -> None:
    boxes = page.locator("ul.values input[type=checkbox]")
    for i in range(count):
        boxes.nth(i).check()


@pytest.mark.parametrize(
    ("viewport", "perspective", "language"),
    [
        *((viewport, "medarbetare", "sv") for viewport in VIEWPORTS),
        ("reflow", "medborgare", "sv"),
        ("desktop", "medborgare", "en"),
    ],
)
def test_every_step_of_the_respondent_flow_passes_wcag_21_aa(
    browser: Any, live_server: Any, world: World, viewport: str, perspective: str, language: str
) -> None:
    """Start, the easy-to-read introduction, each question (once with the wrong number of picks),
    the background questions, the summary and the thank-you page, in the order a respondent
    meets them."""
    page = new_page(browser, viewport)
    if language == "en":
        choose_english(page, live_server.url)
    problems: list[Any] = []
    start = live_server.url + reverse("mappings:start", args=[world.perspective(perspective).token])
    page.goto(start + "?lattlast=1")
    check(page, "easy-to-read introduction", viewport, problems)
    page.goto(start)
    check(page, "start", viewport, problems)
    page.locator("main form button[type=submit]").click()
    questions = world.perspective(perspective).questions.count()
    for number in range(1, questions + 1):
        if number == 1:
            pick(page, 1)
            page.locator("button[name=next]").click()
            check(page, "question 1, too few picks", viewport, problems)
            pick(page, world.mapping.picks)
        else:
            check(page, f"question {number}", viewport, problems)
            pick(page, world.mapping.picks)
        page.locator("button[name=next]").click()
    check(page, "background questions", viewport, problems)
    page.locator("button[name=next]").click()
    check(page, "summary", viewport, problems)
    page.locator("button[name=send]").click()
    assert page.url.endswith(reverse("mappings:thanks"))
    check(page, "thanks", viewport, problems)
    page.context.close()
    assert problems == [], report(problems)


def test_the_audit_finds_violations_and_names_them(browser: Any) -> None:
    """The audit can fail: a page with an unlabelled field, an image without a text alternative,
    grey-on-white text and a too-wide block is caught, rule by rule."""
    page = browser.new_context(**VIEWPORTS["reflow"]).new_page()
    page.set_content(
        '<html lang="sv"><head><title>Fel</title><meta name="viewport" '
        'content="width=device-width"></head><body><main><h1>Prov</h1>'
        '<img src="data:,"><input type="text" name="namn">'
        '<p style="color:#bbb">Blek text</p><div style="width:500px">Bred</div></main></body></html>'
    )
    found = audit(page, "sample")
    assert {"image-alt", "label", "color-contrast"} <= {v.rule for v in found}
    overflow = horizontal_overflow(page, "sample")
    assert overflow and "in a 320 px viewport" in overflow[0]
    text = report([*found, *overflow])
    assert "sample: [critical] image-alt" in text and "dequeuniversity.com" in text
    page.context.close()


def test_a_missing_axe_core_fails_where_it_is_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from kartbild.lib.tests import axe

    monkeypatch.setattr(axe, "AXE_SCRIPT", tmp_path / "axe.min.js")
    monkeypatch.setenv("KARTBILD_REQUIRE_AXE", "1")
    axe.axe_source.cache_clear()
    try:
        with pytest.raises(pytest.fail.Exception, match="npm install"):
            axe.axe_source()
        monkeypatch.delenv("KARTBILD_REQUIRE_AXE")
        with pytest.raises(pytest.skip.Exception, match="npm install"):
            axe.axe_source()
    finally:
        axe.axe_source.cache_clear()
