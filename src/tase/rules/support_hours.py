"""Support hours: weekdays 08:00-16:00 Finnish time, Finnish public holidays excluded.

Phone support is open in these hours, and the targets of a service request
(first response, resolution) are counted in them: a target of 8 support hours set
on Friday at 15:00 falls due on Monday at 15:00 (or Tuesday, if Monday is a
holiday). Everything here takes and gives timezone-aware datetimes; results are in
Europe/Helsinki. Pure Python: no Django.

Holidays come from the ``holidays`` package (country FI): New Year's Day,
Epiphany, Good Friday, Easter Monday, May Day, Ascension Day, Midsummer Eve and
Day, All Saints' Day, Independence Day, Christmas Eve, Christmas Day and St
Stephen's Day. Midsummer Eve and Christmas Eve are not public holidays in law but
are in the package's default list, and support is closed on them too.

The window 08:00-16:00 never contains a daylight-saving change (Finland changes at
03:00/04:00 on a Sunday), so wall-clock arithmetic inside one day is exact.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import holidays

TZ = ZoneInfo("Europe/Helsinki")
OPENS = dt.time(8, 0)
CLOSES = dt.time(16, 0)
DAY_LENGTH = dt.timedelta(hours=8)

# Targets per urgency in support hours: (first response, resolution). The vendor's
# service levels, not a statute; shown in docs/support.md.
TARGETS: dict[str, tuple[int, int]] = {
    "critical": (1, 8),
    "high": (4, 16),
    "normal": (8, 40),
    "low": (16, 80),
}


class NaiveDatetime(ValueError):
    pass


@cache
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("FI", years=year).keys())


def holiday_name(day: dt.date) -> str | None:
    return holidays.country_holidays("FI", years=day.year).get(day)


def is_support_day(day: dt.date) -> bool:
    """A weekday that is no Finnish public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def _local(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetime("Support hours need a timezone-aware datetime.")
    return at.astimezone(TZ)


def _opening(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, OPENS, tzinfo=TZ)


def _closing(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, CLOSES, tzinfo=TZ)


def is_open(at: dt.datetime) -> bool:
    """Is support open at ``at``? (08:00 is open, 16:00 is closed.)"""
    local = _local(at)
    return is_support_day(local.date()) and OPENS <= local.time() < CLOSES


def _next_support_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_support_day(day):
        day += dt.timedelta(days=1)
    return day


def next_opening(at: dt.datetime) -> dt.datetime:
    """The first moment at or after ``at`` when support is open (``at`` itself if open)."""
    local = _local(at)
    day = local.date()
    if is_support_day(day):
        if local.time() < OPENS:
            return _opening(day)
        if local.time() < CLOSES:
            return local
    return _opening(_next_support_day(day))


def add_support_hours(
    start: dt.datetime, hours: int | float | Decimal | dt.timedelta
) -> dt.datetime:
    """The moment when ``hours`` support hours have passed since ``start``.

    Counting starts at the next opening; a target that uses up a day exactly falls
    due at 16:00 that day, not at 08:00 the next.
    """
    remaining = hours if isinstance(hours, dt.timedelta) else dt.timedelta(hours=float(hours))
    if remaining < dt.timedelta(0):
        raise ValueError("Support hours to add must not be negative.")
    current = next_opening(start)
    while True:
        closing = _closing(current.date())
        available = closing - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = _opening(_next_support_day(current.date()))


def support_hours_between(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Support time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
    a, b = _local(a), _local(b)
    if b < a:
        return -support_hours_between(b, a)
    total = dt.timedelta(0)
    day = a.date()
    last = b.date()
    while day <= last:
        if is_support_day(day):
            start = max(a, _opening(day))
            end = min(b, _closing(day))
            if end > start:
                total += end - start
        day += dt.timedelta(days=1)
    return total


def targets_for(urgency: str, created: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(first response due, resolution due) for a request of ``urgency`` made at ``created``."""
    first, resolution = TARGETS[urgency]
    return add_support_hours(created, first), add_support_hours(created, resolution)


def format_hours(delta: dt.timedelta) -> str:
    """'3 h 05 min' for a support-time span (its absolute value)."""
    minutes = int(abs(delta).total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def resume_target(due: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime) -> dt.datetime:
    """A target after a pause (waiting for the customer): the support time that was left at
    the pause is counted again from the resumption. A target already missed when the pause
    began stays where it was."""
    left = support_hours_between(paused_at, due)
    if left <= dt.timedelta(0):
        return due
    return add_support_hours(resumed_at, left)
