"""Which months owe the employer's separate report (rules.incomes_register)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tase.rules.incomes_register import owed_separate_months

D = dt.date
EMPLOYED = (D(2025, 1, 1), None)


def test_wage_months_and_ended_months_without_wages_after_the_first_wages():
    owed = owed_separate_months(
        [D(2026, 2, 27), D(2026, 5, 31), D(2026, 7, 15)],
        [D(2026, 2, 1)],
        D(2026, 5, 10),
        employed=EMPLOYED,
    )
    # February reported; March and April without wages, ended; May paid (begun); July not begun.
    assert owed == [D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1)]


def test_the_current_month_without_wages_and_months_without_employment_owe_nothing():
    assert owed_separate_months([D(2026, 1, 31)], [D(2026, 1, 1)], D(2026, 2, 10)) == []
    ended = (D(2025, 1, 1), D(2026, 2, 15))
    assert owed_separate_months([D(2026, 1, 31)], [], D(2026, 6, 1), employed=ended) == [
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]
    assert owed_separate_months([], [], D(2026, 6, 1), employed=EMPLOYED) == []


months = st.dates(D(2024, 1, 1), D(2027, 12, 31)).map(lambda day: day.replace(day=1))


@given(st.sets(months, max_size=12), st.sets(months, max_size=12), months)
def test_owed_months_are_unreported_begun_and_include_every_unreported_wage_month(
    paid, reported, today
):
    owed = owed_separate_months(paid, reported, today, employed=EMPLOYED)
    assert owed == sorted(set(owed))
    assert not set(owed) & reported
    assert all(min(paid) <= month <= today for month in owed)
    assert {month for month in paid if month <= today} - reported <= set(owed)
