"""Reference sets: reading a national or network table with line-numbered errors, and
comparing a mapping with it."""

from __future__ import annotations

import numpy as np
import pytest

from kartbild.analysis.ballots import QuestionKey
from kartbild.analysis.compare import compare_with_reference
from kartbild.analysis.errors import InputError
from kartbild.analysis.gate import AnonymityPolicy
from kartbild.analysis.reference import ReferenceQuestion, read_reference_csv
from kartbild.analysis.tests.examples import random_catalogue, random_picks, worked_catalogue

SVERIGE = """question,value,share,n
current:sweden,byrakrati,0.41,2000
current:sweden,kostnadsjakt,0.30,2000
desired:sweden,tillit,0.52,2000
personal,ansvar,0.6,1990
"""


def test_a_reference_table_is_read_per_question() -> None:
    reference = read_reference_csv(SVERIGE, worked_catalogue(), name="Sverigestudien 2024")
    current = reference.question(QuestionKey.parse("current:sweden"))
    assert current.values.tolist() == [0, 3]
    assert current.shares.tolist() == [0.41, 0.30]
    assert current.respondents.tolist() == [2000, 2000]
    assert current.name == "Sverigestudien 2024"
    assert reference.question(QuestionKey.parse("personal")).respondents.tolist() == [1990]


def test_percent_semicolons_and_decimal_commas_are_understood() -> None:
    text = "question;value;percent;n\ncurrent;tillit;41,5;300\n"
    reference = read_reference_csv(text, worked_catalogue())
    assert reference.question(QuestionKey.parse("current")).shares.tolist() == [0.415]


def test_every_problem_is_reported_with_its_line() -> None:
    text = """question,value,share,n
current,byrakrati,0.4,100
nu,byrakrati,0.4,100
current,fika,0.4,100
current,tillit,41,100
current,ansvar,0.2,noll
current,byrakrati,0.3,100
current,lagarbete,x,100
"""
    with pytest.raises(InputError) as raised:
        read_reference_csv(text, worked_catalogue(), source="ref.csv")
    assert raised.value.messages() == [
        "ref.csv, line 3: unknown question 'nu': expected personal, current or desired, "
        "optionally followed by ':' and a frame",
        "ref.csv, line 4: unknown value 'fika': not in the catalogue",
        "ref.csv, line 5: share 41 is outside 0-1",
        "ref.csv, line 6: n 'noll' is not a positive whole number",
        "ref.csv, line 7: current:workplace / byrakrati already given on line 2",
        "ref.csv, line 8: share 'x' is not a number",
    ]


def test_a_missing_share_column_is_named() -> None:
    with pytest.raises(InputError, match="ref.csv, line 1: missing column 'share'"):
        read_reference_csv(
            "question,value,n\ncurrent,tillit,3\n", worked_catalogue(), source="ref.csv"
        )
    with pytest.raises(InputError, match="missing column 'n'"):
        read_reference_csv("question,value,share\n", worked_catalogue(), source="ref.csv")


def test_a_mapping_like_its_reference_agrees_with_it() -> None:
    rng = np.random.default_rng(8)
    catalogue = random_catalogue(rng, 30)
    population = random_picks(rng, 20000, 10, 30)
    shares = np.bincount(population.ravel(), minlength=30) / 20000
    reference = ReferenceQuestion(
        QuestionKey.parse("current"),
        np.arange(30),
        shares,
        np.full(30, 20000, np.int64),
        "national",
    )
    mapping = random_picks(rng, 400, 10, 30)
    comparison = compare_with_reference(
        catalogue,
        mapping,
        reference,
        AnonymityPolicy(),
        rng=np.random.default_rng(1),
        resamples=300,
    )
    assert comparison.second == "national"
    assert comparison.agreement > 0.9
    assert comparison.agreement_interval[0] < comparison.agreement_interval[1]
    assert len(comparison.significant) <= 1
    shifted = (mapping + 5) % 30
    different = compare_with_reference(
        catalogue,
        shifted,
        reference,
        AnonymityPolicy(),
        rng=np.random.default_rng(1),
        resamples=300,
    )
    assert different.agreement < comparison.agreement
    assert len(different.significant) > 5


def test_a_partial_reference_compares_on_the_values_it_lists() -> None:
    rng = np.random.default_rng(9)
    catalogue = random_catalogue(rng, 30)
    mapping = random_picks(rng, 200, 10, 30)
    shares = np.bincount(mapping.ravel(), minlength=30) / 200
    top = np.argsort(-shares)[:10]
    reference = ReferenceQuestion(
        QuestionKey.parse("current"), top, shares[top], np.full(10, 200, np.int64)
    )
    comparison = compare_with_reference(
        catalogue,
        mapping,
        reference,
        AnonymityPolicy(),
        rng=np.random.default_rng(2),
        resamples=200,
    )
    assert comparison.agreement == pytest.approx(1.0)
    assert {d.value for d in comparison.differences} == set(top.tolist())
    assert not comparison.significant
