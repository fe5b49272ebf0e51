"""Wrong input raises a clear error: nothing is silently dropped or zero-filled."""

from __future__ import annotations

import numpy as np
import pytest

from kartbild.analysis.ballots import Ballots, QuestionKey, QuestionPicks
from kartbild.analysis.ballots_csv import read_ballots_csv
from kartbild.analysis.catalogue import (
    Catalogue,
    CatalogueValue,
    Polarity,
    ValueType,
    read_catalogue_csv,
)
from kartbild.analysis.engine import compute_kartbild
from kartbild.analysis.errors import AnalysisError, InputError
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.groups import GroupTree
from kartbild.analysis.metrics import limiting_share, value_table
from kartbild.analysis.tests.examples import (
    CURRENT,
    ballots_csv,
    catalogue_csv,
    worked_ballots,
    worked_catalogue,
)


def test_a_value_missing_from_the_catalogue_is_an_error() -> None:
    catalogue = worked_catalogue()
    with pytest.raises(AnalysisError, match="unknown value 'fika'"):
        catalogue.index("fika")
    text = ballots_csv().replace("r2,alla,current,kostnadsjakt", "r2,alla,current,fika")
    with pytest.raises(InputError) as raised:
        read_ballots_csv(text, catalogue, "b.csv")
    assert raised.value.messages() == ["b.csv, line 9: unknown value 'fika': not in the catalogue"]


def test_a_pick_outside_the_catalogue_is_an_error() -> None:
    catalogue = worked_catalogue()
    picks = np.array([[0, 1, 99]] * 5, dtype=np.int16)
    with pytest.raises(AnalysisError, match="not a value of the catalogue"):
        value_table(catalogue, picks)
    ballots = Ballots.of({CURRENT: picks})
    with pytest.raises(AnalysisError, match="outside the catalogue"):
        compute_kartbild(
            catalogue, ballots, GroupTree.flat(["a"], np.zeros(5, int)), AnonymityPolicy()
        )


def test_a_respondent_with_the_wrong_number_of_picks_is_an_error() -> None:
    catalogue = worked_catalogue()
    text = ballots_csv().replace("r3,alla,current,osakerhet-om-framtiden\n", "")
    with pytest.raises(InputError) as raised:
        read_ballots_csv(text, catalogue, "b.csv")
    assert raised.value.messages() == [
        "b.csv, line 14: respondent 'r3' has 2 picks for 'current'; every respondent needs 3 "
        "(the most common number)"
    ]
    with pytest.raises(AnalysisError, match="rows for 5 respondents"):
        Ballots(5, (QuestionPicks(CURRENT, np.zeros((4, 3), np.int16)),))


def test_the_same_value_twice_is_an_error() -> None:
    catalogue = worked_catalogue()
    with pytest.raises(AnalysisError, match="same value twice"):
        Ballots.of({CURRENT: np.array([[0, 1, 1], [0, 1, 2]], dtype=np.int16)})
    with pytest.raises(AnalysisError, match="same value twice"):
        value_table(catalogue, np.array([[2, 2, 1]], dtype=np.int16))
    text = ballots_csv().replace("r1,alla,current,lagarbete", "r1,alla,current,byrakrati")
    with pytest.raises(InputError, match="picked 'byrakrati' twice for 'current'"):
        read_ballots_csv(text, catalogue, "b.csv")


def test_an_empty_group_is_an_error() -> None:
    catalogue = worked_catalogue()
    with pytest.raises(AnalysisError, match="empty group"):
        value_table(catalogue, np.zeros((0, 3), np.int16))
    with pytest.raises(AnalysisError, match="no respondents"):
        limiting_share(catalogue, np.zeros((0, 3), np.int16))
    with pytest.raises(AnalysisError, match="empty group name"):
        GroupTree.flat(["a", " "], np.zeros(3, int))
    text = ballots_csv().replace("r2,alla,", "r2,,")
    with pytest.raises(InputError, match="line 8: empty group"):
        read_ballots_csv(text, catalogue, "b.csv")


def test_a_group_in_the_tree_without_answers_is_withheld_not_dropped() -> None:
    catalogue = worked_catalogue()
    groups = GroupTree(("alla", "tom"), np.array([-1, 0]), np.zeros(4, int))
    kartbild = compute_kartbild(
        catalogue, worked_ballots(catalogue), groups, AnonymityPolicy(min_group=3)
    )
    assert [(w.group, w.reason.value) for w in kartbild.withheld] == [("tom", "no_answers")]


def test_a_respondent_in_two_groups_is_an_error() -> None:
    text = ballots_csv().replace("r4,alla,desired,tillit", "r4,annan,desired,tillit")
    with pytest.raises(InputError, match="line 24: respondent 'r4' is in group 'annan' here"):
        read_ballots_csv(text, worked_catalogue(), "b.csv")


def test_a_respondent_missing_a_question_their_group_answered_is_an_error() -> None:
    text = "\n".join(line for line in ballots_csv().splitlines() if "r2,alla,desired" not in line)
    with pytest.raises(InputError, match="respondent 'r2' has no picks for 'desired'"):
        read_ballots_csv(text + "\n", worked_catalogue(), "b.csv")


def test_groups_may_answer_different_questions() -> None:
    extra = "".join(f"c{i},medborgare,current:community,tillit\n" for i in range(3))
    text = ballots_csv() + extra.replace("tillit\n", "tillit\n")
    parsed = read_ballots_csv(text, worked_catalogue(), "b.csv")
    community = parsed.ballots.question(QuestionKey.parse("current:community"))
    assert community.picks.shape == (3, 1)
    assert community.respondents is not None and list(community.respondents) == [4, 5, 6]


def test_missing_columns_and_unknown_questions_are_named() -> None:
    catalogue = worked_catalogue()
    with pytest.raises(InputError) as raised:
        read_ballots_csv("respondent,question,value\nr1,current,tillit\n", catalogue, "b.csv")
    assert "b.csv, line 1: missing column 'group'" in raised.value.messages()[0]
    with pytest.raises(InputError, match="line 2: unknown question 'nuvarande'"):
        read_ballots_csv(
            "respondent,group,question,value\nr1,a,nuvarande,tillit\n", catalogue, "b.csv"
        )
    with pytest.raises(InputError, match="b.csv: the file is empty"):
        read_ballots_csv("", catalogue, "b.csv")


def test_catalogue_problems_are_line_numbered() -> None:
    text = catalogue_csv().splitlines()
    text[2] = text[2].replace(",1,limiting,", ",x,limiting,")
    text[3] = text[3].replace(",6,positive,R", ",6,positive,Q")
    text.append(text[1])
    with pytest.raises(InputError) as raised:
        read_catalogue_csv("\n".join(text), "c.csv")
    assert raised.value.messages() == [
        "c.csv, line 3: level 'x' is not a whole number",
        "c.csv, line 4: type 'Q' is not one of I, R, O, S",
        "c.csv, line 14: value 'byrakrati' already given on line 2",
    ]


def test_limiting_values_above_level_three_are_refused() -> None:
    with pytest.raises(AnalysisError, match="level 1-3"):
        Catalogue((CatalogueValue("x", 5, Polarity.LIMITING, ValueType.INDIVIDUAL),))
    with pytest.raises(InputError, match="line 2: a limiting value must be on level 1-3"):
        read_catalogue_csv("slug,name_sv,name_en,level,polarity,type\nx,X,X,6,limiting,O\n")


def test_catalogue_extra_columns_and_semicolons_are_accepted() -> None:
    catalogue = read_catalogue_csv(catalogue_csv(extra_columns=True))
    assert len(catalogue) == 12
    semicolons = "slug;name_sv;name_en;level;polarity;type\ntillit;Tillit;Trust;5;positive;R\n"
    assert read_catalogue_csv(semicolons).slugs == ("tillit",)


def test_groups_and_ballots_must_agree_on_respondents() -> None:
    catalogue = worked_catalogue()
    with pytest.raises(AnalysisError, match="place 3 respondents, the ballots have 4"):
        compute_kartbild(
            catalogue,
            worked_ballots(catalogue),
            GroupTree.flat(["a"], np.zeros(3, int)),
            AnonymityPolicy(),
        )


def test_a_group_tree_with_a_cycle_is_refused() -> None:
    with pytest.raises(AnalysisError, match="its own ancestor"):
        GroupTree(("a", "b"), np.array([1, 0]), np.zeros(2, int))


def test_question_keys_are_checked() -> None:
    with pytest.raises(AnalysisError, match="personal values have no frame"):
        QuestionKey.parse("personal:workplace")
    with pytest.raises(AnalysisError, match="empty frame"):
        QuestionKey.parse("current:")
    with pytest.raises(AnalysisError, match="not a lower-case word"):
        QuestionKey.parse("current:Hela Sverige")
