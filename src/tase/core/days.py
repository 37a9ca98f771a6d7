"""The dates Tase accepts from a person or a program: ISO 8601 days (``YYYY-MM-DD``) in the
years FIRST_YEAR-LAST_YEAR. Books, pay and projects live well inside them, and date arithmetic
on a day inside them (a year on, a month back) cannot leave what Python's dates hold: a page or
an API call given 9999-12-31 would otherwise reach such arithmetic and answer a server error.
Pure Python."""

import datetime as dt

FIRST_YEAR, LAST_YEAR = 1900, 2999


def within_years(day: dt.date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def iso_day(text: str | None) -> dt.date | None:
    """The day ``text`` names (surrounding spaces ignored), or None when it names no day or a
    day outside the years."""
    try:
        day = dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if within_years(day) else None
