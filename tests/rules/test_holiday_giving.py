"""Giving the holiday (tase.rules.holidays.giving): the 26 § deadline and the days the
continuing incapacity kept from being given, and the 8 § 1 mom. free time and its share of
the 16 § compensation (19 § 1 mom.)."""

import datetime as dt
from decimal import Decimal

import pytest

from tase.rules.holidays import HolidayInputError, calculate, giving, input_from_dict
from tests.rules.holiday_example import example

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


# -- the calculator finds the 26 § days from sick leaves ------------------------------------
def example_with(**changes):
    return example(**changes)


def _sick(*leaves, **changes):
    body = example(
        sick_leaves=[{"start_date": start, "end_date": end} for start, end in leaves], **changes
    )
    return calculate(input_from_dict(body))


def test_incapacity_end_joins_sick_leaves_without_a_working_day_between():
    leaves = [(dt.date(2026, 9, 1), dt.date(2026, 12, 11)), (dt.date(2026, 12, 14), DEADLINE)]
    assert giving.incapacity_end(leaves, DEADLINE) == DEADLINE  # Fri 11.12. - Mon 14.12.
    assert giving.incapacity_end([], DEADLINE) is None
    assert giving.incapacity_end([(dt.date(2027, 1, 4), dt.date(2027, 2, 1))], DEADLINE) is None


def test_calculator_finds_the_days_not_given_from_sick_leaves():
    """The example (hourly, 30 days, holiday pay 4 031.00 €) of the credit year ending
    31.3.2026, whose deadline is 31.12.2027; 6 days used, 24 left. Sick 1.9.-17.12.2027:
    18.-31.12.2027 hold 10 holiday days (Christmas Eve, Christmas Day and Boxing Day are
    none), so 24 - 10 = 14 days are compensated: 4 031.00 x 14 / 30 = 1 881.13 €, holiday pay
    2 149.87 € (26 § 1 mom., 17 § 3 mom.)."""
    result = _sick(("2027-09-01", "2027-12-17"), days_used=6)
    assert (result.compensation, result.holiday_pay) == (Decimal("1881.13"), Decimal("2149.87"))
    line = next(
        line for line in result.lines if "26 § 1 mom." in line.section and line.amount == 14
    )
    assert line.basis == "24 \N{MINUS SIGN} 10"
    # as if days_not_given were given: the old input still works and agrees
    old = calculate(input_from_dict(example_with(days_not_given=14)))
    assert (old.compensation, old.holiday_pay) == (result.compensation, result.holiday_pay)


def test_calculator_sick_leave_over_the_deadline_or_ended_before_its_year():
    over = _sick(("2027-09-01", "2027-12-10"), ("2027-12-13", "2028-01-31"), days_used=6)
    assert over.compensation == Decimal("3224.80")  # all 24: 4 031.00 x 24 / 30
    before = _sick(("2026-05-01", "2026-12-31"))
    assert before.compensation == Decimal("0.00")  # back at work the whole of 2027
    ended = _sick(("2027-09-01", "2028-01-31"), employment_end="2027-06-30")
    assert ended.compensation == Decimal("0.00")  # 17 § at the end of the employment instead


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"days_not_given": 3}, "sick_leaves"),
        ({"days_used": -1}, "days_used"),
        ({"sick_leaves": [{"start_date": "2027-09-02", "end_date": "2027-09-01"}]},
         "sick_leaves[0].end_date"),
        ({"sick_leaves": [{"start_date": "2027-09-02"}]}, "sick_leaves[0].end_date"),
    ],
)  # fmt: skip
def test_calculator_sick_leave_input_names_the_field(changes, field):
    base = {"sick_leaves": [{"start_date": "2027-09-01", "end_date": "2027-12-17"}]}
    with pytest.raises(HolidayInputError) as caught:
        calculate(input_from_dict(example_with(**(base | changes))))
    assert caught.value.field == field
