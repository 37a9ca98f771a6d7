"""Deadlines on a day off move to the next weekday (Act 150/1930 5 §)."""

import datetime as dt

import pytest

from tase.rules import deadlines


@pytest.mark.parametrize(
    ("day", "moved"),
    [
        (dt.date(2026, 3, 12), dt.date(2026, 3, 12)),  # a Thursday stays
        (dt.date(2026, 9, 12), dt.date(2026, 9, 14)),  # Saturday → Monday
        (dt.date(2026, 12, 6), dt.date(2026, 12, 7)),  # Independence Day on a Sunday
        (
            dt.date(2026, 12, 24),
            dt.date(2026, 12, 28),
        ),  # Christmas Eve, Christmas, Boxing Day, Sunday
        (dt.date(2026, 6, 19), dt.date(2026, 6, 22)),  # Midsummer Eve
        (dt.date(2026, 5, 1), dt.date(2026, 5, 4)),  # May Day on a Friday
    ],
)
def test_moved_to_weekday(day, moved):
    assert deadlines.moved_to_weekday(day) == moved


@pytest.mark.parametrize(
    ("day", "count", "after"),
    [
        (dt.date(2026, 3, 24), 2, dt.date(2026, 3, 26)),  # Tuesday → Thursday
        (dt.date(2026, 3, 26), 2, dt.date(2026, 3, 30)),  # over a weekend
        (dt.date(2026, 4, 2), 2, dt.date(2026, 4, 8)),  # Good Friday, Easter Monday off
        (dt.date(2026, 12, 23), 1, dt.date(2026, 12, 28)),  # Christmas Eve, Day, Boxing Day
        (dt.date(2026, 3, 24), 0, dt.date(2026, 3, 24)),
    ],
)
def test_weekdays_after(day, count, after):
    assert deadlines.weekdays_after(day, count) == after
