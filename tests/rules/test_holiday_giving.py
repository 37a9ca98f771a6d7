"""Giving the holiday (tase.rules.holidays.giving): the 26 § deadline and the days the
continuing incapacity kept from being given, and the 8 § 1 mom. free time and its share of
the 16 § compensation (19 § 1 mom.)."""

import datetime as dt
from decimal import Decimal

from tase.rules.holidays import giving

YEAR = dt.date(2025, 3, 31)
DEADLINE = dt.date(2026, 12, 31)


def test_the_deadline_is_the_end_of_the_calendar_year_after_the_holiday_season():
    assert giving.giving_deadline(YEAR) == DEADLINE
    assert giving.giving_deadline(dt.date(2026, 3, 31)) == dt.date(2027, 12, 31)


def test_days_not_given():
    assert giving.days_not_given(24, dt.date(2027, 2, 1), DEADLINE) == 24
    assert giving.days_not_given(24, DEADLINE, DEADLINE) == 24
    # 18.-31.12.2026: 9 holiday days (Christmas Eve, Christmas Day, Boxing Day are none)
    assert giving.days_not_given(24, dt.date(2026, 12, 17), DEADLINE) == 15
    assert giving.days_not_given(5, dt.date(2026, 12, 17), DEADLINE) == 0
    assert giving.days_not_given(24, dt.date(2026, 3, 1), DEADLINE) == 0
    assert giving.days_not_given(24, dt.date(2025, 12, 1), DEADLINE) == 0
    assert giving.days_not_given(24, None, DEADLINE) == 0
    assert giving.days_not_given(0, dt.date(2027, 2, 1), DEADLINE) == 0


def test_free_time_days_and_share():
    assert giving.free_time_days(12, YEAR) == 24
    assert giving.free_time_days(3, YEAR) == 6
    assert giving.free_time_share(Decimal("414.00"), 6, 12) == Decimal("207.00")
    assert giving.free_time_share(Decimal("414.00"), 5, 12) == Decimal("172.50")
    assert giving.free_time_share(Decimal("100.00"), 1, 3) == Decimal("33.33")
    assert giving.free_time_share(Decimal("66.67"), 2, 2) == Decimal("66.67")  # the rest
    assert giving.free_time_share(Decimal("0"), 2, 2) == Decimal("0.00")
