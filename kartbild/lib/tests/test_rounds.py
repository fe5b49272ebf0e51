from datetime import date

import pytest

from kartbild.lib.rounds import within_dates

OPENS = date(2026, 3, 1)
CLOSES = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 2, 28), False),
        (OPENS, True),
        (CLOSES, True),
        (date(2026, 4, 1), False),
    ],
)
def test_a_round_takes_answers_from_its_first_day_to_its_last(today: date, expected: bool) -> None:
    assert within_dates(OPENS, CLOSES, today) is expected


def test_a_missing_date_leaves_that_side_open() -> None:
    assert within_dates(None, CLOSES, date(2000, 1, 1))
    assert within_dates(OPENS, None, date(2099, 1, 1))
    assert within_dates(None, None, date(2026, 1, 1))
