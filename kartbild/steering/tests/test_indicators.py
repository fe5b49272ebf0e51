"""Indicators and their values: typed by hand (Swedish decimal comma, clear messages for what is
not a number), imported from CSV all or nothing with line numbers, shown as a chart and a
table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kartbild.steering import actions
from kartbild.steering.models import Indicator, IndicatorValue, Source
from kartbild.steering.tests.conftest import signed_in
from kartbild.workshops.actions import Rejected

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        (" 1 234,75 ", "1234.75"),
        ("1\u00a0000", "1000"),
        ("-3", "-3"),
        (",5", "0.5"),
        ("7", "7"),
    ],
)
def test_numbers_are_read_the_swedish_way(text: str, number: str) -> None:
    assert actions.parse_number(text) == Decimal(number)


@pytest.mark.parametrize("text", ["abc", "12,5,3", "1.234,5", "", "  ", "1e5", "12 %", "NaN"])
def test_what_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(Rejected):
        actions.parse_number(text)


def test_numbers_are_shown_the_swedish_way() -> None:
    assert actions.format_number(Decimal("12.5000")) == "12,5"
    assert actions.format_number(Decimal("40.0000")) == "40"
    assert actions.format_number(Decimal("-0.2500")) == "\u22120,25"
    assert actions.format_number(None) == "–"


def test_a_value_for_the_same_year_replaces_the_old_one(indicator_a: Indicator) -> None:
    actions.record_value(indicator_a, "2024", "7,1")
    actions.record_value(indicator_a, "2024", "6,9")
    actions.record_value(indicator_a, "2024", "6,5", period="T1")
    assert sorted((v.period, v.value) for v in indicator_a.values.all()) == [
        ("", Decimal("6.9")),
        ("T1", Decimal("6.5")),
    ]


@pytest.mark.parametrize("year", ["20", "tjugo", "3000"])
def test_a_year_that_is_not_a_year_is_refused(indicator_a: Indicator, year: str) -> None:
    with pytest.raises(Rejected, match="årtal"):
        actions.record_value(indicator_a, year, "7")
    assert not indicator_a.values.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "”abc” är inte ett tal"), ("12,5,3", "”12,5,3” är inte ett tal"), ("", "Detta fält")],
)
def test_the_value_form_explains_what_is_wrong(
    admin_a: Any, indicator_a: Indicator, value: str, message: str
) -> None:
    response = signed_in(admin_a).post(
        f"/o/ystad/styrning/indikator/{indicator_a.pk}/",
        {"form": "value", "value-year": "2024", "value-value": value},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not indicator_a.values.exists()


def test_the_admin_types_a_value_with_a_decimal_comma(admin_a: Any, indicator_a: Indicator) -> None:
    client = signed_in(admin_a)
    response = client.post(
        f"/o/ystad/styrning/indikator/{indicator_a.pk}/",
        {"form": "value", "value-year": "2024", "value-value": "5,8"},
    )
    assert response.status_code == 302
    stored = indicator_a.values.get()
    assert (stored.year, stored.value, stored.source) == (2024, Decimal("5.8"), Source.MANUAL)
    page = client.get(f"/o/ystad/styrning/indikator/{indicator_a.pk}/").content.decode()
    # The chart, and the same number in the table, with the decimal comma.
    assert '<svg role="img" aria-labelledby="trend-caption"' in page
    # Lower is better and the target is 6: 5,8 reaches it.
    assert "5,8 %" in page and "Når målet" in page and "Når inte målet" not in page


def test_the_indicator_form_takes_a_target_with_a_decimal_comma(
    admin_a: Any, tree_a: dict[str, Any]
) -> None:
    client = signed_in(admin_a)
    url = f"/o/ystad/styrning/mal/{tree_a['goal'].pk}/ny-indikator/"
    refused = client.post(url, {"name": "Nöjdhet", "direction": "higher", "target_value": "7,5,1"})
    assert refused.status_code == 400
    assert not Indicator.objects.exists()
    bad_kpi = client.post(url, {"name": "Nöjdhet", "direction": "higher", "kolada_kpi": "45"})
    assert "en bokstav och fem siffror" in bad_kpi.content.decode()
    response = client.post(
        url,
        {
            "name": "Nöjdhet",
            "unit": "index",
            "direction": "higher",
            "target_value": "72,5",
            "target_year": "2028",
            "kolada_kpi": "u00001",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.target_value, indicator.kolada_kpi) == (Decimal("72.5"), "U00001")


# -- CSV ---------------------------------------------------------------------------------------


def upload(text: str, name: str = "varden.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_csv_file_is_imported(indicator_a: Indicator) -> None:
    count = actions.import_values(
        indicator_a, "varden.csv", "år;värde;period\n2022;7,4;\n2023;6,9;\n2023;7,2;T1\n".encode()
    )
    assert count == 3
    assert sorted((v.year, v.period, v.value, v.source) for v in indicator_a.values.all()) == [
        (2022, "", Decimal("7.4"), Source.CSV),
        (2023, "", Decimal("6.9"), Source.CSV),
        (2023, "T1", Decimal("7.2"), Source.CSV),
    ]


def test_a_csv_file_with_errors_imports_nothing_and_names_the_lines(
    indicator_a: Indicator,
) -> None:
    actions.record_value(indicator_a, 2021, "8")
    data = "år;värde\n2022;7,4\n2023;abc\ntjugo;7\n2022;7,1\n".encode()
    with pytest.raises(actions.ImportRejected) as refused:
        actions.import_values(indicator_a, "varden.csv", data)
    errors = refused.value.errors
    assert len(errors) == 3
    assert errors[0].startswith("Rad 3:") and "abc" in errors[0]
    assert errors[1].startswith("Rad 4:")
    assert errors[2].startswith("Rad 5:") and "rad 2" in errors[2]
    assert list(IndicatorValue.objects.values_list("year", flat=True)) == [2021]


def test_a_csv_file_without_the_columns_is_refused(indicator_a: Indicator) -> None:
    with pytest.raises(actions.ImportRejected) as refused:
        actions.import_values(indicator_a, "varden.csv", b"year,value\n2022,7\n")
    assert "år, värde" in refused.value.errors[0]


def test_the_import_form_shows_the_errors(admin_a: Any, indicator_a: Indicator) -> None:
    response = signed_in(admin_a).post(
        f"/o/ystad/styrning/indikator/{indicator_a.pk}/",
        {"form": "import", "import-file": upload("år;värde\n2022;12,5,3\n")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ingenting har sparats" in page and "Rad 2:" in page
    assert not indicator_a.values.exists()


def test_the_import_form_imports(admin_a: Any, indicator_a: Indicator) -> None:
    response = signed_in(admin_a).post(
        f"/o/ystad/styrning/indikator/{indicator_a.pk}/",
        {"form": "import", "import-file": upload("år,värde\n2022,7.4\n2023,6.9\n")},
        follow=True,
    )
    assert "2 värden är importerade" in response.content.decode()
    assert indicator_a.values.count() == 2


def test_an_analyst_reads_an_indicator_but_cannot_add_values(
    analyst_a: Any, indicator_a: Indicator
) -> None:
    client = signed_in(analyst_a)
    page = client.get(f"/o/ystad/styrning/indikator/{indicator_a.pk}/")
    assert page.status_code == 200
    assert "Lägg in ett värde" not in page.content.decode()
    refused = client.post(
        f"/o/ystad/styrning/indikator/{indicator_a.pk}/",
        {"form": "value", "value-year": "2024", "value-value": "6"},
    )
    assert refused.status_code == 403
    assert not indicator_a.values.exists()


def test_another_organisations_indicator_is_not_found(admin_b: Any, indicator_a: Indicator) -> None:
    client = signed_in(admin_b)
    assert client.get(f"/o/strangnas/styrning/indikator/{indicator_a.pk}/").status_code == 404
    assert (
        client.post(f"/o/strangnas/styrning/indikator/{indicator_a.pk}/ta-bort/").status_code == 404
    )
    assert Indicator.objects.filter(pk=indicator_a.pk).exists()


def test_deleting_an_indicator(admin_a: Any, indicator_a: Indicator) -> None:
    client = signed_in(admin_a)
    url = f"/o/ystad/styrning/indikator/{indicator_a.pk}/ta-bort/"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Indicator.objects.exists()


def test_the_goal_page_shows_each_indicators_latest_value(
    analyst_a: Any, indicator_a: Indicator
) -> None:
    actions.record_value(indicator_a, 2022, "7,4")
    actions.record_value(indicator_a, 2023, "6,9")
    page = signed_in(analyst_a).get(f"/o/ystad/styrning/mal/{indicator_a.goal_id}/")
    assert page.status_code == 200
    assert "6,9 % (2023)" in page.content.decode()
