"""Statutory deadlines that fall on a day off move to the next weekday.

Rule: Laki säädettyjen määräaikain laskemisesta (150/1930) 5 §: when the last day of a
time limit is a public holiday (pyhäpäivä), Independence Day, May Day, Christmas Eve,
Midsummer Eve or a Saturday, the next weekday (arkipäivä) is the last day. Sundays are
holidays by the same law. https://www.finlex.fi/fi/laki/ajantasa/1930/19300150

The Tax Administration applies it to the self-assessed taxes: "Jos 12. päivä on lauantai
tai pyhäpäivä, määräpäivä on seuraava arkipäivä"
(https://www.vero.fi/yritykset-ja-yhteisot/ilmoittaminen-ja-maksaminen/omaaloitteiset-verot/m%C3%A4%C3%A4r%C3%A4p%C3%A4iv%C3%A4t/).

Pure Python, no Django. Public holidays come from the ``holidays`` package (country FI),
which lists Midsummer Eve and Christmas Eve as well; Independence Day and May Day are
public holidays there too.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays


@cache
def _holidays(year: int) -> frozenset[dt.date]:
    """Finland's public holidays of ``year``, computed once (the start page asks for the
    deadlines of every company it shows)."""
    return frozenset(holidays.country_holidays("FI", years=year))


def is_day_off(day: dt.date) -> bool:
    """Saturday, Sunday or a day the law of time limits treats as a holiday."""
    return day.weekday() >= 5 or day in _holidays(day.year)


def moved_to_weekday(day: dt.date) -> dt.date:
    """The deadline ``day``, or the next weekday when it falls on a day off."""
    while is_day_off(day):
        day += dt.timedelta(days=1)
    return day


def weekdays_after(day: dt.date, count: int) -> dt.date:
    """The ``count``-th weekday (not a Saturday, Sunday or holiday of :func:`is_day_off`, the
    days Finnish banks do not book payments on) after ``day``."""
    while count > 0:
        day += dt.timedelta(days=1)
        count -= not is_day_off(day)
    return day
