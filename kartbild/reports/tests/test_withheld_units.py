"""Every kartbild page, tried with a unit below the threshold (Arbetsmiljö, 3 answers) and a unit
whose size could be worked out by subtraction (Lön och pension: 8 answers, but HR-avdelningen
shows 11, and 11 - 8 would reveal Arbetsmiljö): neither shows a number anywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from kartbild.reports import report
from kartbild.reports.models import ReferenceSet
from kartbild.reports.tests.helpers import withheld_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation_a: Any, make_mapping: Any) -> dict[str, Any]:
    world = withheld_world(organisation_a, make_mapping)
    ReferenceSet.objects.create(
        organisation=organisation_a,
        name="Nationellt",
        csv="question,value,share,n\ncurrent:workplace,mod,0.3,2000\n"
        "current:workplace,byrakrati,0.4,2000\npersonal,mod,0.2,2000\n",
    )
    return world


def test_the_report_withholds_both_units_with_their_reasons(world: dict[str, Any]) -> None:
    data = report.load_mapping(world["mapping"])
    units = {row.label: row for row in report.compare_units(data).rows}
    assert units["Arbetsmiljö"].withheld is not None
    assert units["Arbetsmiljö"].withheld.explanation == "för få svar för att visa"
    assert units["Lön och pension"].withheld is not None
    assert "räknas ut" in units["Lön och pension"].withheld.explanation
    for label in ("Arbetsmiljö", "Lön och pension"):
        row = units[label]
        assert row.respondents is None and row.limiting is None
        assert row.cells == () and row.top == ()
    assert units["HR-avdelningen"].respondents == 11
    for found in (world["small"], world["derivable"]):
        subtree = report.kartbild_report(data, unit=found).perspectives[0]
        assert not subtree.shown and subtree.respondents is None and subtree.questions == ()


def pages(world: dict[str, Any]) -> dict[str, str]:
    args = ["ystad", world["mapping"].pk]
    names = {
        "overview": reverse("reports:overview", args=args),
        "employees": reverse("reports:perspective", args=[*args, "medarbetare"]),
        "citizens": reverse("reports:perspective", args=[*args, "medborgare"]),
        "perspectives": reverse("reports:compare_perspectives", args=args),
        "units": reverse("reports:compare_units", args=args),
        "rounds": reverse("reports:compare_rounds", args=args),
        "reference": reverse("reports:compare_reference", args=args),
    }
    for key in ("hr", "small", "derivable", "school"):
        names[f"unit {key}"] = reverse("reports:unit", args=[*args, world[key].pk])
    return names


def main_text(html: str) -> str:
    """The page's content below its heading as text, with only the words of its SVG."""
    main = html.split("</h1>", 1)[1].split("</main>", 1)[0]
    main = re.sub(
        r"<svg.*?</svg>",
        lambda m: " ".join(re.findall(r">([^<>]+)</text>", m[0])),
        main,
        flags=re.S,
    )
    return re.sub(r"<[^>]+>", " ", main)


def test_no_page_shows_a_number_for_either_unit(
    client: Any, admin_a: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_a)
    seen = 0
    for name, url in pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        if name == "units":
            rows = {
                re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip(" \n>"): row
                for row in html.split("<tr")
                if 'scope="row"' in row
            }
            for label in ("Arbetsmiljö", "Lön och pension"):
                cells = re.sub(r"<[^>]+>", " ", rows[label].split("</th>", 1)[1])
                assert not re.search(r"\d", cells), (label, cells)
                seen += 1
            assert re.search(r">11<", rows["HR-avdelningen"])
            # In the heat map the two rows are empty: a dash for the limiting share and for
            # each of the employees' top values (8 values were picked at all).
            svg = re.search(r"<svg.*?</svg>", html, flags=re.S)
            assert svg is not None
            assert svg[0].count(">–</text>") == 2 * (1 + 8)
        if name in ("unit small", "unit derivable"):
            text = main_text(html)
            assert "för få svar för att visa" in text
            # The only figure on the page is the threshold in the explanation.
            assert re.findall(r"\d+", text) == ["5"], text
            seen += 1
        if name not in ("units", "unit small", "unit derivable", "unit hr"):
            assert "Arbetsmiljö" not in html and "Lön och pension" not in html, name
    assert seen == 4


def test_the_unit_page_of_a_shown_parent_shows_its_total_only(
    client: Any, admin_a: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_a)
    html = client.get(pages(world)["unit hr"]).content.decode()
    text = main_text(html)
    assert "11 svarande" in text
    assert not re.search(r"\b[38] svarande", text)
