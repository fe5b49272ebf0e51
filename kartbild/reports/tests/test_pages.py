"""The pages as a reader meets them: few queries, charts with their text alternative, the
previous round, reference data uploaded and compared, and bad uploads that change nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kartbild.mappings import actions
from kartbild.reports import charts, report
from kartbild.reports.models import ReferenceSet
from kartbild.reports.tests.helpers import SAME, answer, unit

pytestmark = pytest.mark.django_db

OTHER = {
    "personal": ["lagarbete", "oppenhet", "delaktighet"],
    "current": ["tillit", "oppenhet", "delaktighet"],
    "desired": ["tillit", "mod", "ansvar"],
}


@pytest.fixture
def mapping(organisation_a: Any, make_mapping: Any) -> Any:
    care = unit(organisation_a, "VO", "Vård och omsorg")
    school = unit(organisation_a, "SK", "Skolan")
    mapping = make_mapping(("medarbetare", "medborgare", "fortroendevalda"))
    employees = mapping.perspectives.get(perspective="medarbetare")
    answer(employees, SAME, 12, care)
    answer(employees, OTHER, 12, school)
    answer(mapping.perspectives.get(perspective="medborgare"), OTHER, 20)
    answer(mapping.perspectives.get(perspective="fortroendevalda"), SAME, 6)
    return mapping


def url(mapping: Any, name: str, *extra: Any) -> str:
    return reverse(f"reports:{name}", args=["ystad", mapping.pk, *extra])


def test_the_overview_needs_few_queries_however_many_units_and_answers(
    client: Any,
    admin_a: Any,
    organisation_a: Any,
    mapping: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(admin_a)
    client.get(url(mapping, "overview"))
    # Session, user and membership, the mapping, what the report depends on (perspectives and
    # questions, a count of responses per perspective, codes, units, catalogue values), the
    # stored report and the audit log's one insert: nothing per value, unit or answer. (The
    # request that computes the report again is counted in test_caching.py.)
    with django_assert_max_num_queries(16):
        response = client.get(url(mapping, "overview"))
    assert response.status_code == 200 and "Sammanfattning" in response.content.decode()
    more = [unit(organisation_a, f"U{i}", f"Enhet {i}") for i in range(5)]
    for where in more:
        answer(mapping.perspectives.get(perspective="medarbetare"), OTHER, 5, where)
    client.get(url(mapping, "overview"))
    with django_assert_max_num_queries(16):
        assert client.get(url(mapping, "overview")).status_code == 200


def test_the_perspective_page_has_charts_with_text_alternatives_and_tables(
    client: Any, admin_a: Any, mapping: Any
) -> None:
    client.force_login(admin_a)
    html = client.get(url(mapping, "perspective", "medarbetare")).content.decode()
    for name in ("values", "levels", "types", "changes-workplace"):
        assert f'aria-labelledby="medarbetare-{name}-caption"' in html
        assert f'id="medarbetare-{name}-caption"' in html
    # No inline style survives: the content security policy would black the charts out.
    svgs = html.split("<svg")[1:]
    assert len(svgs) == 4
    assert not any(re.search(r'\sstyle="', svg.split("</svg>")[0]) for svg in svgs)
    assert "Matchningar mellan topplistorna" in html
    assert "Andel av rösterna per nivå" in html


class DrewAgain(Exception):
    pass


def test_the_page_charts_are_drawn_without_matplotlib_and_hatch_each_type(
    client: Any, admin_a: Any, mapping: Any, monkeypatch: Any
) -> None:
    from matplotlib.figure import Figure

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise DrewAgain

    cache.clear()
    monkeypatch.setattr(Figure, "savefig", refuse)
    client.force_login(admin_a)
    html = client.get(url(mapping, "perspective", "medarbetare")).content.decode()
    types = html.split('id="medarbetare-types"')[1].split("</svg>")[0]
    # Not by colour alone: three hatchings and a plain fill, named in the legend by letter.
    for pattern in ("hatch", "hatch-level", "hatch-crossed"):
        assert f'fill="url(#medarbetare-types-{pattern})"' in types
    for letter in ("I", "R", "O", "S"):
        assert f">{letter} " in types


def test_a_chart_is_drawn_once_and_redrawn_when_answers_change(
    mapping: Any, monkeypatch: Any
) -> None:
    cache.clear()
    kartbild = report.kartbild_report(mapping)
    employees = kartbild.perspective("medarbetare")
    assert employees is not None
    first = charts.values_chart(kartbild, employees)
    assert first.title == "Värdekarta: Medarbetare"
    assert charts.chart_png(first, dpi=40).startswith(b"\x89PNG")
    drawn = first.svg

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise DrewAgain

    monkeypatch.setattr(charts.drawing, "svg", refuse)
    monkeypatch.setattr(charts.drawing, "png", refuse)
    assert charts.values_chart(kartbild, employees).svg == drawn
    assert charts.chart_png(charts.values_chart(kartbild, employees), dpi=40).startswith(b"\x89")
    answer(mapping.perspectives.get(perspective="medarbetare"), SAME)
    changed = report.kartbild_report(mapping)
    assert changed.fingerprint != kartbild.fingerprint
    with pytest.raises(DrewAgain):
        assert charts.values_chart(changed, changed.perspectives[0]).svg


def test_a_slide_picture_does_not_draw_the_svg(mapping: Any) -> None:
    cache.clear()
    kartbild = report.kartbild_report(mapping)
    employees = kartbild.perspective("medarbetare")
    assert employees is not None
    chart = charts.values_chart(kartbild, employees)
    charts.chart_png(chart, dpi=40)
    assert cache.get(chart.cache_key) is None


def test_the_previous_round_is_found_and_compared(
    client: Any, admin_a: Any, organisation_a: Any, catalogue: Any, mapping: Any
) -> None:
    later = actions.create_mapping(
        organisation_a,
        catalogue,
        "Kartläggning 2028",
        ("medarbetare", "medborgare", "fortroendevalda"),
        picks=3,
    )
    actions.open_mapping(later)
    # Employees now all answer OTHER: the current culture has moved.
    answer(later.perspectives.get(perspective="medarbetare"), OTHER, 24)
    later.opens_on = mapping.opens_on.replace(year=mapping.opens_on.year + 2)
    later.save()
    assert report.previous_round(later) == mapping
    assert report.previous_round(mapping) is None
    rounds = report.compare_rounds(later)
    assert rounds is not None and rounds.previous_name == "Kartläggning 2026"
    current = next(
        p
        for p in rounds.pairs
        if str(p.question) == "current:workplace" and "Medarbetare" in p.first
    )
    moved = {d.value.slug: d.difference for d in current.differences}
    # byråkrati: 12 of 24 picked it before, none now.
    assert moved["byrakrati"] == pytest.approx(-0.5)
    # Citizens and elected officials did not answer the second round: withheld, not compared.
    assert {w.label.split(",")[0] for w in rounds.withheld} == {"Medborgare", "Förtroendevalda"}
    client.force_login(admin_a)
    html = client.get(url(later, "compare_rounds")).content.decode()
    assert "Kartläggning 2026" in html and "Byrakrati" in html


def test_reference_data_is_uploaded_and_compared(client: Any, analyst_a: Any, mapping: Any) -> None:
    client.force_login(analyst_a)
    csv = (
        "question,value,percent,n\n"
        "current:workplace,byrakrati,10,2000\n"
        "current:workplace,tillit,50,2000\n"
        "current:workplace,kostnadsjakt,30,2000\n"
    )
    response = client.post(
        url(mapping, "compare_reference"),
        {"name": "Nationellt 2024", "file": SimpleUploadedFile("ref.csv", csv.encode())},
    )
    assert response.status_code == 302
    reference = ReferenceSet.objects.get()
    assert reference.name == "Nationellt 2024" and reference.organisation == mapping.organisation
    html = client.get(response["Location"]).content.decode()
    assert "Nationellt 2024" in html and "skillnader som håller" in html
    comparison = report.compare_reference(mapping, reference)
    employees = next(p for p in comparison.pairs if p.first == "Medarbetare")
    # Half the employees picked byråkrati, against 10 % in the reference.
    byrakrati = next(d for d in employees.differences if d.value.slug == "byrakrati")
    assert byrakrati.share_first == pytest.approx(0.5) and byrakrati.share_second == 0.1


def test_a_bad_reference_file_is_explained_and_nothing_is_stored(
    client: Any, admin_a: Any, mapping: Any
) -> None:
    client.force_login(admin_a)
    csv = "question,value,share,n\ncurrent:workplace,okant-varde,0.5,100\npersonal,mod,1.5,100\n"
    response = client.post(
        url(mapping, "compare_reference"),
        {"name": "Trasig", "file": SimpleUploadedFile("ref.csv", csv.encode())},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Filen har 2 fel. Ingenting har sparats." in html
    assert "Rad 2: okänt värde ”okant-varde”" in html
    assert "Rad 3: andelen 1.5 ligger inte mellan 0 och 1" in html
    assert not ReferenceSet.objects.exists()
    binary = client.post(
        url(mapping, "compare_reference"),
        {"name": "Binär", "file": SimpleUploadedFile("ref.csv", b"\xff\xfe\x00")},
    )
    assert binary.status_code == 200 and "UTF-8" in binary.content.decode()
    assert not ReferenceSet.objects.exists()


def test_a_facilitator_may_read_but_not_upload_reference_data(
    client: Any, organisation_a: Any, mapping: Any
) -> None:
    from kartbild.reports.tests.test_access import member

    client.force_login(member(organisation_a, "ledare", "facilitator"))
    assert client.get(url(mapping, "compare_reference")).status_code == 200
    response = client.post(
        url(mapping, "compare_reference"),
        {"name": "X", "file": SimpleUploadedFile("ref.csv", b"question,value,share,n\n")},
    )
    assert response.status_code == 403
    assert not ReferenceSet.objects.exists()


def test_the_pages_read_in_english(client: Any, admin_a: Any, mapping: Any) -> None:
    client.force_login(admin_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(url(mapping, "overview")).content.decode()
    assert "Summary" in html and "Trust" in html


def test_a_mapping_without_answers_shows_every_page_without_numbers(
    client: Any, admin_a: Any, organisation_a: Any, make_mapping: Any
) -> None:
    care = unit(organisation_a, "VO", "Vård och omsorg")
    empty = make_mapping(("medarbetare", "medborgare"), open=False)
    client.force_login(admin_a)
    for name, extra in [
        ("overview", ()),
        ("perspective", ("medarbetare",)),
        ("compare_perspectives", ()),
        ("compare_units", ()),
        ("compare_rounds", ()),
        ("compare_reference", ()),
        ("unit", (care.pk,)),
    ]:
        response = client.get(url(empty, name, *extra))
        assert response.status_code == 200, name
    html = client.get(url(empty, "overview")).content.decode()
    assert html.count("inga svar") >= 2


def test_an_organisations_own_words_are_drawn_as_written(
    client: Any, admin_a: Any, catalogue: Any, mapping: Any
) -> None:
    catalogue.values.filter(slug="byrakrati").update(name_sv='Kost$nad <b>"x"</b> $\\frac$')
    client.force_login(admin_a)
    response = client.get(url(mapping, "perspective", "medarbetare"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<b>" not in html
    assert "Kost$nad &lt;b&gt;" in html


def test_the_heat_map_marks_only_differences_that_hold(mapping: Any) -> None:
    units = report.compare_units(mapping)
    assert units.organisation is not None and units.organisation.respondents == 24
    rows = {row.label: row for row in units.rows}
    care = {cell.value.slug: cell for cell in rows["Vård och omsorg"].cells}
    # Everyone in Vård och omsorg picked byråkrati and nobody else did: it holds. Everyone in
    # both units picked tillit: no difference to mark.
    assert care["byrakrati"].share == 1.0 and care["byrakrati"].direction == 1
    assert care["oppenhet"].share == 0.0 and care["oppenhet"].direction == -1
    assert care["tillit"].share == 1.0 and care["tillit"].direction == 0
    limiting = rows["Vård och omsorg"].limiting
    assert limiting is not None and limiting.share == pytest.approx(2 / 3)
    assert rows["Vård och omsorg"].limiting_direction == 1
    assert rows["Skolan"].limiting_direction == -1
