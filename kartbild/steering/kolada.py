"""A small client for Kolada's public API (RKA's database of key figures for Swedish
municipalities and regions): the values of one key figure (KPI) for one municipality or region.

    fetch_values("N00945", "1286")                 # -> list[KoladaValue], newest year last
    fetch_values("N00945", "1286", fetch=recorded)  # tests inject the fetch: no network

The data route of API v2 is `/v2/data/kpi/<kpi>/municipality/<code>`. It answers JSON:

    {"count": 2, "values": [
        {"kpi": "N00945", "municipality": "1286", "period": 2023,
         "values": [{"gender": "T", "count": 1, "status": "", "value": 12.5}, ...]},
        ...]}

Each period holds one value per gender where the key figure is divided by gender: "T" (total),
"K" (women) and "M" (men); we take the total. A value may be null (not reported); such a year
is skipped and counted. Anything else that is not of this shape is refused whole with a Swedish
message (`KoladaError`), so that a half-understood answer never reaches the indicator."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

BASE_URL = "https://api.kolada.se/v2"
# Kolada answers in well under a second; ten seconds leaves room for a slow day without making
# the person who pressed the button wait for ever.
TIMEOUT_SECONDS = 10
# A key-figure id is a letter and five digits (N00945, U28116); municipality codes have four
# digits, regions two (DESIGN.md: Organisation.code).
KPI_PATTERN = re.compile(r"^[A-Z]\d{5}$")
MUNICIPALITY_PATTERN = re.compile(r"^\d{2}(\d{2})?$")
# Answers larger than this are not what one key figure for one municipality looks like.
MAX_BYTES = 2_000_000
TOTAL = "T"

# fetch(url, timeout) -> the body of a successful answer; raises like urllib does.
Fetch = Callable[[str, float], bytes]


class KoladaError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class KoladaValue:
    year: int
    value: Decimal


@dataclass(frozen=True)
class KoladaResult:
    values: tuple[KoladaValue, ...]
    # Years Kolada lists without a value for the total (not reported yet, or withheld).
    missing_years: tuple[int, ...]


def data_url(kpi: str, municipality: str) -> str:
    return (
        f"{BASE_URL}/data/kpi/{urllib.parse.quote(kpi)}"
        f"/municipality/{urllib.parse.quote(municipality)}"
    )


def fetch_url(url: str, timeout: float) -> bytes:
    """GET the URL and return its body (the real fetch; tests inject their own)."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https only)
        body: bytes = response.read(MAX_BYTES + 1)
        return body


def fetch_values(kpi: str, municipality: str, fetch: Fetch | None = None) -> KoladaResult:
    """The yearly totals of a key figure for a municipality or region, oldest year first.
    Raises KoladaError (Swedish message) for a bad id, a failed request or a malformed answer."""
    kpi = kpi.strip().upper()
    municipality = municipality.strip()
    if not KPI_PATTERN.match(kpi):
        raise KoladaError(_("Nyckeltalets id ska vara en bokstav och fem siffror, t.ex. N00945."))
    if not MUNICIPALITY_PATTERN.match(municipality):
        raise KoladaError(
            _("Organisationens kommun- eller regionkod ska vara fyra eller två siffror.")
        )
    url = data_url(kpi, municipality)
    try:
        body = (fetch or fetch_url)(url, TIMEOUT_SECONDS)
    except urllib.error.HTTPError as error:
        raise KoladaError(
            _("Kolada svarade med ett fel (HTTP %(status)s). Försök igen senare.")
            % {"status": error.code}
        ) from error
    except TimeoutError as error:
        raise KoladaError(_("Kolada svarade inte i tid. Försök igen senare.")) from error
    except (urllib.error.URLError, OSError) as error:
        # urllib wraps a timeout while connecting in a URLError.
        if isinstance(getattr(error, "reason", None), TimeoutError):
            raise KoladaError(_("Kolada svarade inte i tid. Försök igen senare.")) from error
        raise KoladaError(_("Det gick inte att nå Kolada. Försök igen senare.")) from error
    if len(body) > MAX_BYTES:
        raise KoladaError(_("Svaret från Kolada var oväntat stort och lästes inte."))
    return parse_values(body, kpi, municipality)


def parse_values(body: bytes, kpi: str, municipality: str) -> KoladaResult:
    """Read an answer of the data route; see the module docstring for its shape."""
    malformed = KoladaError(_("Svaret från Kolada hade inte det väntade formatet."))
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise malformed from error
    if not isinstance(document, dict) or not isinstance(document.get("values"), list):
        raise malformed
    found: dict[int, Decimal] = {}
    missing: set[int] = set()
    for period in document["values"]:
        if not isinstance(period, dict):
            raise malformed
        if str(period.get("kpi", "")).upper() != kpi:
            raise malformed
        if str(period.get("municipality", "")) != municipality:
            raise malformed
        year = _year(period.get("period"))
        genders = period.get("values")
        if year is None or not isinstance(genders, list):
            raise malformed
        total = _total(genders)
        if total is None:
            missing.add(year)
        else:
            found[year] = total
    if not found:
        raise KoladaError(
            _("Kolada har inga värden för nyckeltalet %(kpi)s i %(code)s.")
            % {"kpi": kpi, "code": municipality}
        )
    return KoladaResult(
        tuple(KoladaValue(year, found[year]) for year in sorted(found)),
        tuple(sorted(missing - set(found))),
    )


def _year(period: Any) -> int | None:
    if isinstance(period, bool):
        return None
    if isinstance(period, int):
        year = period
    elif isinstance(period, str) and period.isdigit():
        year = int(period)
    else:
        return None
    return year if 1900 <= year <= 2200 else None


def _total(genders: list[Any]) -> Decimal | None:
    """The total ("T") of a period, or None when it is not reported. Raises on a bad entry."""
    malformed = KoladaError(_("Svaret från Kolada hade inte det väntade formatet."))
    for entry in genders:
        if not isinstance(entry, dict):
            raise malformed
        if entry.get("gender") != TOTAL:
            continue
        value = entry.get("value")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise malformed
        try:
            number = Decimal(str(value))
        except InvalidOperation as error:
            raise malformed from error
        if not number.is_finite():
            raise malformed
        return number
    return None
