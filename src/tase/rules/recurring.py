"""Billing periods of a recurring invoice (sopimuslaskutus). Pure Python.

A period is ``interval`` calendar months from its first day; an agreement starting mid-month
has its periods start on that day of the month (clamped to the month's last day: a 31st
start bills 28.2. to 30.3. in February). An agreement billed **in advance** is invoiced on its
period's first day, one billed **in arrears** on its period's last day. The last period ends on
the agreement's end date (a partial period is billed as a whole; the lines say what is billed).
Price changes apply by the period's first day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    invoice_date: dt.date


def add_months(day: dt.date, months: int, *, anchor: int | None = None) -> dt.date:
    """``day`` moved by ``months``; the day of month is ``anchor`` (default: ``day``'s),
    clamped to the last day of the target month."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(anchor or day.day, last))


def periods(
    next_start: dt.date,
    *,
    interval: int,
    in_advance: bool,
    until: dt.date,
    anchor: int,
    end: dt.date | None = None,
) -> Iterator[Period]:
    """The periods from ``next_start`` whose invoice date is on or before ``until``."""
    start = next_start
    while end is None or start <= end:
        following = add_months(start, interval, anchor=anchor)
        last = following - dt.timedelta(days=1)
        if end is not None and last > end:
            last = end
        invoice_date = start if in_advance else last
        if invoice_date > until:
            return
        yield Period(start, last, invoice_date)
        start = following


def raised(price: Decimal, percent: Decimal) -> Decimal:
    """A unit price raised by ``percent`` (an index increase), half up to the cent."""
    return (price * (100 + percent) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
