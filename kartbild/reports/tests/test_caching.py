"""Computed kartbild reports kept in the database (report.cached_kartbild_report): the pages
need the same number of queries however many units and answers there are, a stored report is
read rather than computed again, and everything a report depends on makes a new one."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kartbild.catalogue.models import Value
from kartbild.mappings import actions, purge
from kartbild.mappings.models import Mapping, Response
from kartbild.organisations.models import Unit
from kartbild.reports import report
from kartbild.reports.models import CachedReport
from kartbild.reports.tests.helpers import SAME, answer, unit

pytestmark = pytest.mark.django_db

OTHER = {
    "personal": ["lagarbete", "oppenhet", "delaktighet"],
    "current": ["tillit", "oppenhet", "delaktighet"],
    "desired": ["tillit", "mod", "ansvar"],
}


def _bulk_answers(mp: Any, picks: dict[str, list[str]], times: int, where: Unit | None) -> None:
    """`times` responses stored at once (the same validation and encoding as a respondent's)."""
    context = actions.AnswerContext.of(mp)
    answers = actions.Answers(
        picks={q.pk: list(picks[q.kind]) for q in context.questions},
        unit_id=where.pk if where else None,
    )
    assert not actions.answer_errors(mp, answers, context)
    encoded = actions.encode_picks(context, answers)
    Response.objects.bulk_create(
        Response(
            mapping_perspective=mp,
            unit=where,
            submitted_on=timezone.localdate(),
            picks=encoded,
        )
        for _ in range(times)
    )


def _grow(organisation: Any, mapping: Mapping, departments: int) -> Unit:
    """`departments` departments of two units each, every unit with answers; returns the first
    department."""
    employees = mapping.perspectives.get(perspective="medarbetare")
    first = None
    start = Unit.objects.filter(organisation=organisation).count()
    for d in range(start, start + departments):
        department = unit(organisation, f"D{d}", f"Förvaltning {d}")
        first = first or department
        for u in range(2):
            below = unit(organisation, f"D{d}-{u}", f"Enhet {d}.{u}", department)
            _bulk_answers(employees, SAME if u else OTHER, 6, below)
    _bulk_answers(mapping.perspectives.get(perspective="medborgare"), OTHER, 7, None)
    assert first is not None
    return first


def _url(mapping: Mapping, page: str, department: Unit) -> str:
    base = ["ystad", mapping.pk]
    if page == "unit":
        return reverse("reports:unit", args=[*base, department.pk])
    if page == "perspective":
        return reverse("reports:perspective", args=[*base, "medarbetare"])
    return reverse("reports:overview", args=base)


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["overview", "perspective", "unit"])
def test_a_page_needs_as_many_queries_for_thirty_units_as_for_three(
    page: str, client: Any, analyst_a: Any, organisation_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    department = _grow(organisation_a, mapping, 1)  # 3 units
    client.force_login(analyst_a)
    path = _url(mapping, page, department)
    small = (_queries(client, path), _queries(client, path))

    _grow(organisation_a, mapping, 9)  # 30 units, five times the answers
    large = (_queries(client, path), _queries(client, path))

    # (computed after a change, read from the database): nothing per unit, value or answer.
    assert small == large
    assert small[1] < small[0]


def test_a_stored_report_is_read_without_reading_the_answers(
    organisation_a: Any, make_mapping: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    department = _grow(organisation_a, mapping, 1)
    state = report.answers_state(mapping)
    computed = report.cached_kartbild_report(mapping, state, unit=department)

    def no_reading(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the answers were read again")

    # As in another web process: only the database is shared.
    monkeypatch.setattr(report, "load_mapping", no_reading)
    stored = report.cached_kartbild_report(mapping, report.answers_state(mapping), unit=department)
    organisation = report.cached_kartbild_report(mapping, state)

    assert stored == computed
    assert organisation.unit_id is None and stored.unit_id == department.pk
    # Every unit of the tree was stored along with the one asked for.
    scopes = set(CachedReport.objects.values_list("scope", flat=True))
    assert scopes == {
        0,
        *Unit.objects.filter(organisation=organisation_a).values_list("pk", flat=True),
    }


def test_the_report_follows_the_answers_and_old_versions_are_deleted(
    organisation_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    _grow(organisation_a, mapping, 1)
    before = report.cached_kartbild_report(mapping, report.answers_state(mapping))
    employees = mapping.perspectives.get(perspective="medarbetare")
    answer(employees, OTHER, 1, Unit.objects.get(code="D0-0"))

    after = report.cached_kartbild_report(mapping, report.answers_state(mapping))

    assert after == report.kartbild_report(report.load_mapping(mapping))
    shown = [p.respondents for p in after.perspectives]
    assert shown != [p.respondents for p in before.perspectives]
    assert set(CachedReport.objects.values_list("version", flat=True)) == {
        report.answers_state(mapping).version
    }


def _rename_unit(organisation: Any, mapping: Mapping) -> None:
    Unit.objects.filter(organisation=organisation, code="D0").update(name="Nytt namn")


def _rename_value(organisation: Any, mapping: Mapping) -> None:
    Value.objects.filter(catalogue=mapping.catalogue, slug="tillit").update(name_sv="Förtroende")


def _headcount(organisation: Any, mapping: Mapping) -> None:
    Unit.objects.filter(organisation=organisation, code="D0-0").update(headcount=40)


def _close(organisation: Any, mapping: Mapping) -> None:
    actions.close_mapping(mapping)


def _purge(organisation: Any, mapping: Mapping) -> None:
    actions.close_mapping(mapping)
    purge.purge_mapping(mapping, today=timezone.localdate() + datetime.timedelta(days=1))


def _paper(organisation: Any, mapping: Mapping) -> None:
    _bulk_answers(mapping.perspectives.get(perspective="medborgare"), SAME, 2, None)


@pytest.mark.parametrize(
    "change", [_rename_unit, _rename_value, _headcount, _close, _purge, _paper]
)
def test_a_change_of_what_the_report_shows_computes_it_again(
    change: Any, organisation_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    department = _grow(organisation_a, mapping, 1)
    state = report.answers_state(mapping)
    report.cached_kartbild_report(mapping, state, unit=department)

    change(organisation_a, mapping)
    mapping = Mapping.objects.select_related("organisation", "catalogue").get(pk=mapping.pk)
    department.refresh_from_db()
    changed = report.answers_state(mapping)
    served = report.cached_kartbild_report(mapping, changed, unit=department)

    assert changed.version != state.version
    assert served == report.kartbild_report(report.load_mapping(mapping), unit=department)


def test_a_stored_report_that_cannot_be_read_is_computed_again(
    organisation_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    _grow(organisation_a, mapping, 1)
    state = report.answers_state(mapping)
    computed = report.cached_kartbild_report(mapping, state)
    CachedReport.objects.update(document=b"not a pickle")

    assert report.cached_kartbild_report(mapping, state) == computed


def test_each_language_has_its_own_report(organisation_a: Any, make_mapping: Any) -> None:
    from django.utils import translation

    mapping = make_mapping(("medarbetare", "medborgare"))
    _grow(organisation_a, mapping, 1)
    state = report.answers_state(mapping)
    swedish = report.cached_kartbild_report(mapping, state)
    with translation.override("en"):
        english = report.cached_kartbild_report(mapping, state)

    assert swedish.perspectives[0].label != english.perspectives[0].label
    assert set(CachedReport.objects.values_list("language", flat=True)) == {"sv", "en"}


def test_a_report_that_cannot_be_stored_is_shown_all_the_same(
    organisation_a: Any, make_mapping: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    mapping = make_mapping(("medarbetare", "medborgare"))
    _grow(organisation_a, mapping, 1)

    def locked(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(CachedReport.objects, "bulk_create", locked)
    served = report.cached_kartbild_report(mapping, report.answers_state(mapping))

    assert served == report.kartbild_report(report.load_mapping(mapping))
    assert not CachedReport.objects.exists()


def _claim_of_another_process(mapping: Mapping, state: report.AnswersState, age: float) -> None:
    CachedReport.objects.create(
        mapping=mapping,
        version=state.version,
        language=report.CLAIM + "sv",
        scope=0,
        document=b"",
        created_at=timezone.now() - datetime.timedelta(seconds=age),
    )


def test_a_request_waits_for_the_report_another_process_is_computing(
    organisation_a: Any, make_mapping: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    _grow(organisation_a, mapping, 1)
    state = report.answers_state(mapping)
    expected = report.kartbild_report(report.load_mapping(mapping))
    _claim_of_another_process(mapping, state, age=1)
    waited: list[float] = []

    def other_process_stores(seconds: float) -> None:
        # While this request waits, the process holding the claim stores the report.
        waited.append(seconds)
        if len(waited) == 2:
            CachedReport.objects.filter(language=report.CLAIM + "sv").delete()
            report._store_reports(mapping, state.version, "sv", {0: expected})

    def no_reading(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the answers were read by a second request")

    monkeypatch.setattr(report.time, "sleep", other_process_stores)
    monkeypatch.setattr(report, "load_mapping", no_reading)
    served = report.cached_kartbild_report(mapping, state)

    assert served == expected
    assert len(waited) == 2


def test_a_stale_claim_is_not_waited_for(
    organisation_a: Any, make_mapping: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    _grow(organisation_a, mapping, 1)
    state = report.answers_state(mapping)
    _claim_of_another_process(mapping, state, age=report.CLAIM_PATIENCE + 1)

    def no_waiting(seconds: float) -> None:
        raise AssertionError("waited for a claim whose process is gone")

    monkeypatch.setattr(report.time, "sleep", no_waiting)
    served = report.cached_kartbild_report(mapping, state)

    assert served == report.kartbild_report(report.load_mapping(mapping))
    assert not CachedReport.objects.filter(language__startswith=report.CLAIM).exists()


def test_a_claim_is_released_when_the_computation_fails(
    organisation_a: Any, make_mapping: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    _grow(organisation_a, mapping, 1)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the engine failed")

    monkeypatch.setattr(report, "load_mapping", broken)
    with pytest.raises(RuntimeError):
        report.cached_kartbild_report(mapping, report.answers_state(mapping))

    # The next request (here or in another process) computes rather than waits.
    assert not CachedReport.objects.exists()


def test_a_waiting_request_computes_when_the_claim_goes_without_a_report(
    organisation_a: Any, make_mapping: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    _grow(organisation_a, mapping, 1)
    state = report.answers_state(mapping)
    _claim_of_another_process(mapping, state, age=1)

    def other_process_fails(seconds: float) -> None:
        CachedReport.objects.filter(language=report.CLAIM + "sv").delete()

    monkeypatch.setattr(report.time, "sleep", other_process_fails)
    served = report.cached_kartbild_report(mapping, state)

    assert served == report.kartbild_report(report.load_mapping(mapping))


@pytest.mark.parametrize("page", ["overview", "perspective", "unit"])
def test_a_page_shows_a_new_response_at_once(
    page: str, client: Any, analyst_a: Any, organisation_a: Any, make_mapping: Any
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    department = _grow(organisation_a, mapping, 1)
    client.force_login(analyst_a)
    path = _url(mapping, page, department)
    client.get(path)
    client.get(path)  # the report and the page's body are kept now

    answer(mapping.perspectives.get(perspective="medarbetare"), OTHER, 1, department)
    html = client.get(path).content.decode()

    data = report.load_mapping(mapping)
    shown = report.kartbild_report(data, unit=department if page == "unit" else None)
    respondents = shown.perspectives[0].respondents
    assert respondents is not None
    assert f"{respondents} svarande." in html
    assert f"{respondents - 1} svarande." not in html
