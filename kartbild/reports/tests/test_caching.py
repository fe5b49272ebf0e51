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
