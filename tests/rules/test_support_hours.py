"""Support hours: weekdays 08-16 Europe/Helsinki, Finnish public holidays excluded."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tase.rules import support_hours as sh

TZ = sh.TZ


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_open_on_a_weekday_between_eight_and_four():
    assert sh.is_open(at(2026, 11, 30, 8, 0))  # Monday
    assert sh.is_open(at(2026, 11, 30, 15, 59))
    assert not sh.is_open(at(2026, 11, 30, 16, 0))
    assert not sh.is_open(at(2026, 11, 30, 7, 59))


def test_closed_on_weekends_and_finnish_holidays():
    assert not sh.is_open(at(2026, 11, 28, 10))  # Saturday
    assert not sh.is_open(at(2026, 12, 6, 10))  # Independence Day (a Sunday in 2026)
    assert not sh.is_open(at(2025, 12, 25, 10))  # Christmas Day, Thursday
    assert not sh.is_open(at(2025, 12, 24, 10))  # Christmas Eve
    assert not sh.is_open(at(2026, 4, 3, 10))  # Good Friday
    assert not sh.is_open(at(2026, 5, 14, 10))  # Ascension Day


def test_is_open_reads_helsinki_time_from_utc():
    # 06:30 UTC on a winter Monday is 08:30 in Helsinki.
    assert sh.is_open(dt.datetime(2026, 11, 30, 6, 30, tzinfo=dt.UTC))
    # 05:30 UTC in summer (UTC+3) is 08:30 in Helsinki.
    assert sh.is_open(dt.datetime(2026, 6, 1, 5, 30, tzinfo=dt.UTC))
    assert not sh.is_open(dt.datetime(2026, 6, 1, 13, 0, tzinfo=dt.UTC))  # 16:00 local


def test_naive_datetime_refused():
    with pytest.raises(sh.NaiveDatetime):
        sh.is_open(dt.datetime(2026, 11, 30, 10))


def test_next_opening():
    assert sh.next_opening(at(2026, 11, 30, 10)) == at(2026, 11, 30, 10)
    assert sh.next_opening(at(2026, 11, 30, 6)) == at(2026, 11, 30, 8)
    assert sh.next_opening(at(2026, 11, 27, 16)) == at(2026, 11, 30, 8)  # Fri 16:00 → Mon
    # Thursday 24.12.2026 → Christmas Eve, Christmas Day, St Stephen's, weekend → Mon 28.12.
    assert sh.next_opening(at(2026, 12, 23, 17)) == at(2026, 12, 28, 8)


def test_add_support_hours_over_a_weekend_and_holiday():
    assert sh.add_support_hours(at(2026, 11, 27, 15), 8) == at(2026, 11, 30, 15)
    assert sh.add_support_hours(at(2026, 11, 30, 8), 8) == at(2026, 11, 30, 16)
    assert sh.add_support_hours(at(2026, 11, 30, 20), 1) == at(2026, 12, 1, 9)
    # Friday 4.12.2026 15:00 + 2 h: Monday 7.12. (6.12. is a Sunday anyway) 09:00.
    assert sh.add_support_hours(at(2026, 12, 4, 15), 2) == at(2026, 12, 7, 9)
    # Wednesday 23.12.2026 15:00 + 2 h → Monday 28.12. 09:00.
    assert sh.add_support_hours(at(2026, 12, 23, 15), 2) == at(2026, 12, 28, 9)
    assert sh.add_support_hours(at(2026, 11, 30, 10), 0) == at(2026, 11, 30, 10)


def test_add_across_daylight_saving_change():
    # Friday 27.3.2026 15:00 + 2 h: clocks go forward on Sunday 29.3.; due Mon 09:00 local.
    due = sh.add_support_hours(at(2026, 3, 27, 15), 2)
    assert due == at(2026, 3, 30, 9)
    assert due.utcoffset() == dt.timedelta(hours=3)


def test_between_is_signed_and_counts_only_open_time():
    assert sh.support_hours_between(at(2026, 11, 27, 15), at(2026, 11, 30, 9)) == dt.timedelta(
        hours=2
    )
    assert sh.support_hours_between(at(2026, 11, 30, 9), at(2026, 11, 27, 15)) == -dt.timedelta(
        hours=2
    )
    assert sh.support_hours_between(at(2026, 11, 28), at(2026, 11, 29, 23)) == dt.timedelta(0)


def test_targets_per_urgency():
    first, resolution = sh.targets_for("normal", at(2026, 11, 30, 8))
    assert first == at(2026, 11, 30, 16)
    assert resolution == at(2026, 12, 4, 16)


def test_format_hours():
    assert sh.format_hours(dt.timedelta(hours=3, minutes=5)) == "3 h 05 min"
    assert sh.format_hours(-dt.timedelta(minutes=90)) == "1 h 30 min"


moments = st.datetimes(
    min_value=dt.datetime(2023, 1, 1), max_value=dt.datetime(2028, 12, 31), timezones=st.just(TZ)
)
spans = st.integers(min_value=0, max_value=200 * 60).map(lambda m: dt.timedelta(minutes=m))


@settings(max_examples=200, deadline=None)
@given(moments, spans)
def test_between_undoes_add(start, span):
    due = sh.add_support_hours(start, span)
    assert due >= start
    assert sh.support_hours_between(start, due) == span


@settings(max_examples=200, deadline=None)
@given(moments)
def test_next_opening_is_open_and_not_earlier(moment):
    opening = sh.next_opening(moment)
    assert opening >= moment
    assert sh.is_open(opening)
    # nothing open in between
    assert sh.support_hours_between(moment, opening) == dt.timedelta(0)


@settings(max_examples=200, deadline=None)
@given(moments, moments, moments)
def test_between_is_additive(a, b, c):
    a, b, c = sorted([a, b, c])
    assert sh.support_hours_between(a, c) == sh.support_hours_between(
        a, b
    ) + sh.support_hours_between(b, c)


@settings(max_examples=100, deadline=None)
@given(moments, spans, spans)
def test_add_is_monotonic(start, x, y):
    low, high = sorted([x, y])
    assert sh.add_support_hours(start, low) <= sh.add_support_hours(start, high)
