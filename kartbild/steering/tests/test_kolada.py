"""The Kolada client against recorded answers (tests/kolada/), and fetching into an indicator:
a good answer is stored, anything else gives a clear message and changes nothing. No test here
touches the network: every fetch is injected."""

from __future__ import annotations

import urllib.error
from decimal import Decimal
from email.message import Message
from typing import Any

import pytest

from kartbild.steering import actions, kolada
from kartbild.steering.models import IndicatorValue, Source
from kartbild.steering.tests.conftest import recorded
from kartbild.workshops.actions import Rejected


def failing(error: Exception) -> kolada.Fetch:
    def fetch(url: str, timeout: float) -> bytes:
        raise error

    return fetch


def test_it_reads_the_yearly_totals_of_a_recorded_answer() -> None:
    fetch = recorded("N00090_1286.json")
    result = kolada.fetch_values("n00090", "1286", fetch=fetch)
    assert [(v.year, v.value) for v in result.values] == [
        (2021, Decimal("7.9")),
        (2022, Decimal("7.4")),
        (2023, Decimal("6.85")),
    ]
    assert result.missing_years == (2024,)
    assert fetch.urls == [  # type: ignore[attr-defined]
        "https://api.kolada.se/v2/data/kpi/N00090/municipality/1286"
    ]


@pytest.mark.parametrize(
    "name", ["truncated.json", "wrong_shape.json", "not_a_number.json", "other_municipality.json"]
)
def test_it_refuses_a_malformed_answer(name: str) -> None:
    with pytest.raises(kolada.KoladaError, match="inte det väntade formatet"):
        kolada.fetch_values("N00090", "1286", fetch=recorded(name))


@pytest.mark.parametrize("name", ["only_missing.json", "empty.json"])
def test_it_says_when_kolada_has_no_values(name: str) -> None:
    with pytest.raises(kolada.KoladaError, match="inga värden"):
        kolada.fetch_values("N00090", "1286", fetch=recorded(name))


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            urllib.error.HTTPError("https://api.kolada.se", 503, "Unavailable", Message(), None),
            "HTTP 503",
        ),
        (TimeoutError("timed out"), "inte i tid"),
        (urllib.error.URLError(TimeoutError("timed out")), "inte i tid"),
        (urllib.error.URLError("Name or service not known"), "nå Kolada"),
    ],
)
def test_it_explains_a_failed_request(error: Exception, message: str) -> None:
    with pytest.raises(kolada.KoladaError, match=message):
        kolada.fetch_values("N00090", "1286", fetch=failing(error))


@pytest.mark.parametrize(("kpi", "code"), [("45", "1286"), ("N00090", "12a6"), ("N00090", "")])
def test_it_refuses_bad_ids_before_asking(kpi: str, code: str) -> None:
    fetch = recorded("N00090_1286.json")
    with pytest.raises(kolada.KoladaError):
        kolada.fetch_values(kpi, code, fetch=fetch)
    assert fetch.urls == []  # type: ignore[attr-defined]


def test_fetching_stores_every_year_as_from_kolada(db: None, indicator_a: Any) -> None:
    actions.record_value(indicator_a, 2022, "9,9")
    count = actions.fetch_from_kolada(indicator_a, fetch=recorded("N00090_1286.json"))
    assert count == 3
    stored = {(v.year, v.value, v.source) for v in indicator_a.values.all()}
    # Kolada's 2022 replaces the hand-typed one.
    assert stored == {
        (2021, Decimal("7.9"), Source.KOLADA),
        (2022, Decimal("7.4"), Source.KOLADA),
        (2023, Decimal("6.85"), Source.KOLADA),
    }


@pytest.mark.parametrize("name", ["truncated.json", "only_missing.json", "not_a_number.json"])
def test_a_bad_answer_changes_nothing(db: None, indicator_a: Any, name: str) -> None:
    actions.record_value(indicator_a, 2022, "9,9")
    with pytest.raises(Rejected):
        actions.fetch_from_kolada(indicator_a, fetch=recorded(name))
    assert list(IndicatorValue.objects.values_list("year", "value")) == [(2022, Decimal("9.9"))]


def test_an_indicator_without_a_key_figure_is_not_fetched(db: None, indicator_a: Any) -> None:
    indicator_a.kolada_kpi = ""
    fetch = recorded("N00090_1286.json")
    with pytest.raises(Rejected, match="nyckeltalets id"):
        actions.fetch_from_kolada(indicator_a, fetch=fetch)
    assert fetch.urls == []  # type: ignore[attr-defined]


def test_the_page_shows_kolada_failure_and_keeps_the_values(
    db: None, indicator_a: Any, admin_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kartbild.steering.tests.conftest import signed_in

    monkeypatch.setattr(kolada, "fetch_url", failing(TimeoutError("timed out")))
    actions.record_value(indicator_a, 2022, "9,9")
    response = signed_in(admin_a).post(
        f"/o/ystad/styrning/indikator/{indicator_a.pk}/", {"form": "kolada"}
    )
    assert response.status_code == 400
    assert "Kolada svarade inte i tid" in response.content.decode()
    assert indicator_a.values.count() == 1


def test_the_page_fetches_from_kolada(
    db: None, indicator_a: Any, admin_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kartbild.steering.tests.conftest import signed_in

    monkeypatch.setattr(kolada, "fetch_url", recorded("N00090_1286.json"))
    response = signed_in(admin_a).post(
        f"/o/ystad/styrning/indikator/{indicator_a.pk}/", {"form": "kolada"}, follow=True
    )
    assert "3 värden är hämtade från Kolada" in response.content.decode()
    assert indicator_a.values.filter(source=Source.KOLADA).count() == 3
