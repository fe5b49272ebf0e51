"""The demo rounds: simulated answers from the generative model, two rounds a year apart."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from kartbild.followups import demo, results
from kartbild.followups.models import FollowUp
from kartbild.followups.tests import factories

pytestmark = pytest.mark.django_db


def test_two_closed_rounds_whose_trend_shows(organisation_a: Any) -> None:
    made = factories.framework(organisation_a)
    units = {
        "SKO": factories.unit(organisation_a, "Skolan", code="SKO", headcount=40),
        "SOC": factories.unit(organisation_a, "Socialtjänsten", code="SOC", headcount=30),
        "LIT": factories.unit(organisation_a, "Liten enhet", code="LIT", headcount=5),
    }
    rounds = demo.seed_demo(
        organisation_a, made, units, date(2026, 11, 23), np.random.default_rng(1)
    )
    first, second = rounds
    assert second.previous_round == first
    assert {r.status for r in rounds} == {FollowUp.Status.CLOSED}
    assert first.closes_on is not None and first.closes_on.year == 2025
    # 0.6 of each headcount answers: 24 + 18 + 3.
    assert first.responses.count() == 45
    report = results.follow_up_report(second)
    assert report.respondents == 45
    assert len(report.values[0].trend) == 2
    rows = {row.label: row for row in report.units}
    assert rows["Liten enhet"].respondents is None
    # The first value gains 0.45 steps (about 11 index points) between rounds.
    change = report.values[0].trend[1].change
    assert change is not None and change.difference is not None and change.difference > 0
