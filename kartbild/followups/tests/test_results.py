"""Results through the anonymity gate: the organisation, shown and withheld units, the trend
across rounds and värdegrund versions, and the mapping beside each value."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.test import Client

from kartbild.analysis import likert
from kartbild.catalogue.models import Value
from kartbild.followups import actions, results
from kartbild.followups.tests import factories
from kartbild.mappings import actions as mapping_actions
from kartbild.reports.tests.helpers import answer as answer_mapping

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation_a: Any) -> dict[str, Any]:
    """A förvaltning with a unit of 6 and one of 2 (withheld, and so the 6 is derivable from
    the förvaltning's 8), beside a unit of 7. Everyone answers every statement alike in a unit:
    the small unit 1 (0 points), its sibling 3 (50), the other unit 5 (100)."""
    social = factories.unit(organisation_a, "Socialförvaltningen", code="SOC")
    elderly = factories.unit(organisation_a, "Äldreomsorg", social, code="ALD")
    small = factories.unit(organisation_a, "Familjerätt", social, code="FAM")
    school = factories.unit(organisation_a, "Skolan", code="SKO")
    round_ = factories.follow_up(organisation_a)
    factories.answer(round_, [3, 3, 3, 3], elderly, times=6)
    factories.answer(round_, [1, 1, 1, 1], small, times=2)
    factories.answer(round_, [5, 5, 5, 5], school, times=7)
    return {
        "round": round_,
        "social": social,
        "elderly": elderly,
        "small": small,
        "school": school,
    }


def test_the_organisation_index_is_the_mean_of_everyone(world: dict[str, Any]) -> None:
    report = results.follow_up_report(world["round"])
    assert report.respondents == 15
    tillit = report.values[0]
    # (6 · 50 + 2 · 0 + 7 · 100) / 15 = 1000 / 15
    assert tillit.name == "Tillit"
    assert tillit.index.estimate is not None
    assert tillit.index.estimate.index == pytest.approx(1000 / 15)
    assert [s.text for s in tillit.statements] == [
        "Jag litar på mina kollegor.",
        "Chefen litar på att jag gör mitt jobb.",
    ]


def test_a_small_unit_and_the_unit_it_would_reveal_are_withheld(world: dict[str, Any]) -> None:
    report = results.follow_up_report(world["round"])
    rows = {row.label: row for row in report.units}
    assert rows["Familjerätt"].respondents is None
    assert rows["Familjerätt"].reason == "för få svar"
    # 8 − 6 = 2: showing Äldreomsorg would reveal Familjerätt by subtraction.
    assert rows["Äldreomsorg"].respondents is None
    assert rows["Äldreomsorg"].values == ()
    assert rows["Äldreomsorg"].reason.startswith("för få svar")
    # The förvaltning as a whole (8) and the school (7) are shown: (6 · 50 + 2 · 0) / 8 = 37.5.
    social = rows["Socialförvaltningen"]
    assert social.respondents == 8
    assert social.values[0].estimate is not None
    assert social.values[0].estimate.index == pytest.approx(37.5)
    assert rows["Skolan"].respondents == 7


def test_a_withheld_unit_has_no_page_of_numbers(
    world: dict[str, Any], admin_a: Any, client: Client
) -> None:
    client.force_login(admin_a)
    response = client.get(
        f"/o/ystad/uppfoljning/{world['round'].pk}/resultat/enhet/{world['small'].pk}/"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "för få svar" in text
    assert "Index per värde" not in text
    report = results.follow_up_report(world["round"], world["small"])
    assert not report.shown and report.values == ()


def test_an_index_answered_by_fewer_than_k_is_not_shown(organisation_a: Any) -> None:
    round_ = factories.follow_up(organisation_a)
    # Six respondents, but only three answer the first statement; the rest say "vet ej".
    factories.answer(round_, [4, 4, 4, 4], times=3)
    factories.answer(round_, [6, 4, 4, 4], times=3)
    report = results.follow_up_report(round_)
    first = report.values[0].statements[0]
    assert first.index.estimate is None and first.index.reason == "för få svar"
    assert report.values[0].statements[1].index.estimate is not None


def test_the_trend_follows_values_across_versions_and_marks_significance(
    organisation_a: Any,
) -> None:
    first_version = factories.framework(organisation_a)
    earlier = factories.follow_up(organisation_a, first_version, name="2025")
    # The earlier round: Tillit's per-respondent indices 50, 50, 75, 75, 50, 75 (mean 62.5).
    for code in [3, 3, 4, 4, 3, 4]:
        factories.answer(earlier, [code, code, 3, 3])
    actions.close_follow_up(earlier)
    second_version = factories.framework(organisation_a, previous=first_version, version=2)
    later = factories.follow_up(organisation_a, second_version, name="2026", previous_round=earlier)
    for code in [5, 5, 4, 4, 5, 4]:
        factories.answer(later, [code, code, 3, 3])
    report = results.follow_up_report(later)
    tillit, mod = report.values
    assert [p.name for p in tillit.trend] == ["2025", "2026"]
    change = tillit.trend[1].change
    expected = likert.compare([50, 50, 75, 75, 50, 75], [100, 100, 75, 75, 100, 75])
    assert change is not None
    assert change.difference == pytest.approx(25.0)
    assert change.p_value == pytest.approx(expected.p_value)
    assert change.significant
    # Mod did not move: everyone answered 3 twice.
    assert mod.trend[1].change is not None and not mod.trend[1].change.significant
    # Statements are matched through their behaviours too.
    assert tillit.statements[0].change is not None
    assert tillit.statements[0].change.difference == pytest.approx(25.0)


def test_the_mapping_shows_how_often_the_linked_words_are_chosen(
    organisation_a: Any, make_mapping: Any, catalogue: Any
) -> None:
    round_ = factories.follow_up(organisation_a)
    tillit = round_.statements.first().core_value  # type: ignore[union-attr]
    tillit.catalogue_values.add(Value.objects.get(catalogue=catalogue, slug="tillit"))
    mapping = make_mapping(("medarbetare",))
    employees = mapping.perspectives.get(perspective="medarbetare")
    # 6 choose tillit as current culture, all 10 as desired.
    with_trust = {
        "personal": ["ansvar", "mod", "tillit"],
        "current": ["byrakrati", "kostnadsjakt", "tillit"],
        "desired": ["tillit", "oppenhet", "delaktighet"],
    }
    without = {**with_trust, "current": ["byrakrati", "kostnadsjakt", "forvirring"]}
    answer_mapping(employees, with_trust, 6)
    answer_mapping(employees, without, 4)
    mapping_actions.close_mapping(mapping)
    factories.answer(round_, [4, 4, 4, 4], times=5)
    report = results.follow_up_report(round_)
    signal = report.values[0].signal
    assert signal is not None and signal.mapping_name == mapping.name
    (share,) = signal.shares
    assert share.current == pytest.approx(0.6)
    assert share.desired == pytest.approx(1.0)
    assert report.values[1].signal is None  # Mod is linked to no catalogue word


def test_load_round_reads_answers_as_one_byte_per_statement(organisation_a: Any) -> None:
    round_ = factories.follow_up(organisation_a)
    factories.answer(round_, [1, 6, 0, 5])
    data = results.load_round(round_)
    assert data.answers.tolist() == [[1, 6, 0, 5]]
    assert np.array_equal(data.statement_values, [0, 0, 1, 1])
