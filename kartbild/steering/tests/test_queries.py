"""The steering pages read a fixed number of queries, however many goals, indicators, values
and actions there are (no query per row)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kartbild.steering import actions
from kartbild.steering.models import Indicator, Level
from kartbild.steering.tests.conftest import signed_in
from kartbild.workshops import actions as workshop_actions

pytestmark = pytest.mark.django_db
PAGES = [
    "/o/ystad/styrning/",
    "/o/ystad/styrning/atgarder/?visa=all",
    "/o/ystad/styrning/uppfoljning/",
    "/o/ystad/kompass/",
]


def grow(organisation: Any, framework: Any, count: int) -> None:
    values = list(framework.values.all())
    for n in range(count):
        goal = actions.save_goal(
            organisation, None, name=f"Mål {n}", level=Level.GOAL, core_values=values
        )
        indicator = Indicator.objects.create(goal=goal, name=f"Indikator {n}", unit="%")
        for year in (2023, 2024):
            actions.record_value(indicator, year, str(n + year % 10))
        workshop_actions.save_action(
            organisation,
            None,
            what=f"Åtgärd {n}",
            owner="HR",
            due_on=datetime.date(2030, 1, 1),
            goal=goal,
            indicator=indicator,
            core_values=values,
        )


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", PAGES)
def test_a_page_reads_as_many_queries_for_many_rows_as_for_few(
    admin_a: Any, organisation_a: Any, framework_a: Any, url: str
) -> None:
    client = signed_in(admin_a)
    grow(organisation_a, framework_a, 2)
    few = queries(client, url)
    grow(organisation_a, framework_a, 6)
    assert queries(client, url) == few
