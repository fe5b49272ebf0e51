"""Report assembly against a small case computed by hand.

Five employees, three picks per question.
Current culture: [byråkrati, kostnadsjakt, tillit], [byråkrati, förvirring, mod],
[byråkrati, kostnadsjakt, lagarbete], [tillit, mod, ansvar], [byråkrati, tillit, öppenhet]:
byråkrati 4, tillit 3, kostnadsjakt 2, mod 2, and 1 each for förvirring, lagarbete, ansvar,
öppenhet (T = 15). Limiting: byråkrati 4 + kostnadsjakt 2 + förvirring 1 = 7 of 15 = 46.7 %.
Desired: four times [tillit, öppenhet, delaktighet] and once [tillit, mod, lagarbete]: tillit 5,
öppenhet 4, delaktighet 4, mod 1, lagarbete 1. Jumps: delaktighet +4, öppenhet +3, tillit +2;
drops: byråkrati -4, kostnadsjakt -2. Personal: five times [ansvar, mod, tillit].
Matches: current-desired {tillit, mod, lagarbete, öppenhet} = 4 (good), personal-current
{ansvar, mod, tillit} = 3 (fair), personal-desired {mod, tillit} = 2 (fair)."""

from __future__ import annotations

from typing import Any

import pytest

from kartbild.analysis.metrics import LimitingBand, MatchReading
from kartbild.reports import report
from kartbild.reports.tests.helpers import answer

pytestmark = pytest.mark.django_db

CURRENT = [
    ["byrakrati", "kostnadsjakt", "tillit"],
    ["byrakrati", "forvirring", "mod"],
    ["byrakrati", "kostnadsjakt", "lagarbete"],
    ["tillit", "mod", "ansvar"],
    ["byrakrati", "tillit", "oppenhet"],
]
DESIRED = [["tillit", "oppenhet", "delaktighet"]] * 4 + [["tillit", "mod", "lagarbete"]]


@pytest.fixture
def employees(make_mapping: Any) -> report.PerspectiveReport:
    mapping = make_mapping(("medarbetare",))
    mp = mapping.perspectives.get()
    for current, desired in zip(CURRENT, DESIRED, strict=True):
        answer(
            mp, {"personal": ["ansvar", "mod", "tillit"], "current": current, "desired": desired}
        )
    kartbild = report.kartbild_report(mapping)
    found = kartbild.perspective("medarbetare")
    assert found is not None
    return found


def test_it_counts_votes_and_ranks_the_top_list(employees: report.PerspectiveReport) -> None:
    current = employees.question("current:workplace")
    assert current is not None
    assert employees.respondents == 5 and current.respondents == 5
    votes = {line.value.slug: line.votes for line in current.top}
    assert votes == {
        "byrakrati": 4,
        "tillit": 3,
        "kostnadsjakt": 2,
        "mod": 2,
        "forvirring": 1,
        "lagarbete": 1,
        "ansvar": 1,
        "oppenhet": 1,
    }
    assert [line.rank for line in current.top[:4]] == [1, 2, 3, 3]
    assert current.top[0].share == pytest.approx(4 / 5)
    assert current.top[0].value.name_sv == "Byrakrati" and current.top[0].value.limiting


def test_it_computes_the_limiting_share_and_its_band(employees: report.PerspectiveReport) -> None:
    limiting = employees.main_current.limiting if employees.main_current else None
    assert limiting is not None
    assert limiting.share == pytest.approx(7 / 15)
    assert (limiting.limiting_votes, limiting.total_votes) == (7, 15)
    assert limiting.band is LimitingBand.CRITICAL
    assert limiting.band_label == "kritiskt läge (över 40 %)"
    assert limiting.low is not None and limiting.low < 7 / 15 < (limiting.high or 0)
    personal = employees.question("personal")
    assert personal is not None and personal.limiting is None


def test_it_finds_matches_with_their_reading(employees: report.PerspectiveReport) -> None:
    frame = employees.main_frame
    assert frame is not None and frame.frame == "workplace"
    matches = {m.pair: (m.count, m.reading) for m in frame.matches}
    assert matches == {
        "personal_current": (3, MatchReading.FAIR),
        "current_desired": (4, MatchReading.GOOD),
        "personal_desired": (2, MatchReading.FAIR),
    }
    current = employees.question("current:workplace")
    assert current is not None
    matched = {line.value.slug: set(line.matched) for line in current.top}
    assert matched["tillit"] == {"personal", "desired"}
    assert matched["byrakrati"] == set()
    assert matched["oppenhet"] == {"desired"}


def test_it_lists_jumps_and_drops(employees: report.PerspectiveReport) -> None:
    frame = employees.main_frame
    assert frame is not None
    assert [(c.value.slug, c.change) for c in frame.jumps[:3]] == [
        ("delaktighet", 4),
        ("oppenhet", 3),
        ("tillit", 2),
    ]
    assert [(c.value.slug, c.change) for c in frame.drops[:2]] == [
        ("byrakrati", -4),
        ("kostnadsjakt", -2),
    ]


def test_it_gives_levels_and_types(employees: report.PerspectiveReport) -> None:
    current = employees.question("current:workplace")
    assert current is not None
    levels = {line.level: (line.positive, line.limiting) for line in current.levels}
    assert levels[1] == (0, pytest.approx(2 / 15))
    assert levels[3] == (0, pytest.approx(4 / 15))
    assert levels[5] == (pytest.approx(5 / 15), 0)
    assert current.self_interest == pytest.approx(7 / 15)
    assert current.common_good == pytest.approx(6 / 15)
    assert {t.type: t.count for t in current.types} == {"I": 2, "R": 3, "O": 3, "S": 0}
    assert (current.positive_in_top, current.limiting_in_top) == (5, 3)


def test_a_perspective_below_the_threshold_shows_nothing_but_its_reason(
    make_mapping: Any,
) -> None:
    mapping = make_mapping(("medarbetare", "medborgare"))
    employees = mapping.perspectives.get(perspective="medarbetare")
    citizens = mapping.perspectives.get(perspective="medborgare")
    answer(employees, {"personal": CURRENT[0], "current": CURRENT[0], "desired": DESIRED[0]}, 4)
    answer(citizens, {"personal": CURRENT[0], "current": CURRENT[0], "desired": DESIRED[0]}, 5)
    kartbild = report.kartbild_report(mapping)
    small = kartbild.perspective("medarbetare")
    assert small is not None and not small.shown
    assert small.respondents is None and small.questions == () and small.frames == ()
    assert small.withheld is not None and small.withheld.explanation == "för få svar för att visa"
    shown = kartbild.perspective("medborgare")
    assert shown is not None and shown.shown and shown.respondents == 5
