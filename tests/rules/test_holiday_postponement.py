"""Postponing the holiday for incapacity for work (tase.rules.holidays.postponement,
vuosilomalaki 162/2005 25 §): the ground of the request, the six deductible days of 2 mom. per
credit year and the four-week guarantee, as examples and as invariants."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.rules.absences import holiday_days
from tase.rules.holidays import postponement as rule

YEAR = dt.date(2026, 3, 31)
HOLIDAY = (dt.date(2026, 7, 6), dt.date(2026, 7, 31))  # Mon-Fri, 23 holiday days


def _postpone(start, end, asked, earned=30, used=0, holiday=HOLIDAY):
    return rule.postponement(
        *holiday, start, end, asked, year_end=YEAR, earned=earned, deductible_used=used
    )


def test_incapacity_during_the_holiday_keeps_six_deductible_days():
    result = _postpone(dt.date(2026, 7, 13), dt.date(2026, 7, 24), dt.date(2026, 7, 13))
    assert result.ground == rule.DURING and result.source.endswith("25 § 2 mom.")
    assert (result.incapacity_days, result.deductible_days, result.postponed_days) == (11, 6, 5)
    assert result.postponed_from == dt.date(2026, 7, 20)  # Mon after the six (13.-18.7.)


def test_incapacity_at_the_start_or_known_beforehand_postpones_every_day():
    at_start = _postpone(dt.date(2026, 7, 1), dt.date(2026, 7, 10), dt.date(2026, 7, 6))
    assert (at_start.ground, at_start.deductible_days, at_start.postponed_days) == (
        rule.AT_START,
        0,
        5,  # 6.-10.7.
    )
    assert at_start.first_day == dt.date(2026, 7, 6)
    known = _postpone(dt.date(2026, 7, 13), dt.date(2026, 7, 24), dt.date(2026, 6, 15))
    assert (known.ground, known.deductible_days, known.postponed_days) == (
        rule.KNOWN_BEFOREHAND,
        0,
        11,
    )


@pytest.mark.parametrize(
    ("earned", "used", "allowance"),
    [
        (30, 0, 6),
        (36, 0, 6),
        (27, 0, 3),
        (24, 0, 0),
        (20, 0, 0),
        (30, 4, 2),
        (30, 6, 0),
        (27, 5, 0),
    ],
)
def test_the_allowance_keeps_four_weeks(earned, used, allowance):
    assert rule.deductible_allowance(earned, used, YEAR) == allowance


def test_before_the_amendment_no_deductible_days():
    # the amendment 182/2016 applies first to the credit year ended 31.3.2016
    assert rule.deductible_allowance(30, 0, dt.date(2015, 3, 31)) == 0
    assert rule.deductible_allowance(30, 0, dt.date(2016, 3, 31)) == 6


def test_the_deductible_days_used_earlier_in_the_year_count():
    result = _postpone(dt.date(2026, 7, 13), dt.date(2026, 7, 24), dt.date(2026, 7, 14), used=4)
    assert (result.deductible_days, result.postponed_days) == (2, 9)
    assert result.postponed_from == dt.date(2026, 7, 15)


def test_all_days_deductible_postpones_none():
    result = _postpone(dt.date(2026, 7, 13), dt.date(2026, 7, 15), dt.date(2026, 7, 13))
    assert (result.deductible_days, result.postponed_days, result.postponed_from) == (3, 0, None)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 8, 3), dt.date(2026, 8, 7)),  # after the holiday
        (dt.date(2026, 6, 1), dt.date(2026, 7, 5)),  # ends the day before (a Sunday)
    ],
)
def test_incapacity_outside_the_holiday_is_refused(start, end):
    with pytest.raises(rule.PostponementError) as error:
        _postpone(start, end, start)
    assert error.value.field == "absence"


def test_a_sunday_alone_holds_no_holiday_day():
    with pytest.raises(rule.PostponementError):
        _postpone(dt.date(2026, 7, 12), dt.date(2026, 7, 12), dt.date(2026, 7, 12))


DAYS = st.integers(min_value=0, max_value=120)


@given(
    holiday_from=st.integers(min_value=0, max_value=300),
    holiday_len=st.integers(min_value=0, max_value=40),
    sick_from=st.integers(min_value=-30, max_value=340),
    sick_len=st.integers(min_value=0, max_value=60),
    asked=st.integers(min_value=-40, max_value=40),
    earned=st.integers(min_value=0, max_value=40),
    used=st.integers(min_value=0, max_value=8),
)
def test_postponed_and_deductible_make_the_incapacity_days(
    holiday_from, holiday_len, sick_from, sick_len, asked, earned, used
):
    base = dt.date(2026, 4, 1)
    start = base + dt.timedelta(days=holiday_from)
    end = start + dt.timedelta(days=holiday_len)
    sick_start = base + dt.timedelta(days=sick_from)
    sick_end = sick_start + dt.timedelta(days=sick_len)
    try:
        result = rule.postponement(
            start,
            end,
            sick_start,
            sick_end,
            start + dt.timedelta(days=asked),
            year_end=YEAR,
            earned=earned,
            deductible_used=used,
        )
    except rule.PostponementError:
        first, last = max(start, sick_start), min(end, sick_end)
        assert first > last or holiday_days(first, last) == 0
        return
    assert result.postponed_days + result.deductible_days == result.incapacity_days
    assert result.incapacity_days == holiday_days(result.first_day, result.last_day)
    assert result.deductible_days <= 6
    if result.ground != rule.DURING:
        assert result.deductible_days == 0
    # the deductible days of the year never leave fewer than four weeks of what it earned
    assert used + result.deductible_days <= max(earned - 24, used)
    if result.postponed_days:
        assert holiday_days(result.postponed_from, result.last_day) == result.postponed_days


@given(st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=6), DAYS)
def test_a_years_deductible_days_never_take_from_four_weeks(incapacities, earned):
    """However the year's holiday is split and however often the employee falls ill in it,
    the deductible days summed stay within six and within the days earned beyond 24."""
    used = 0
    for days in incapacities:
        used += min(rule.deductible_allowance(earned, used, YEAR), days)
    assert used <= 6
    assert earned - used >= min(earned, 24)
