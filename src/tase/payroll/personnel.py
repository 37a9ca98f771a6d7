"""The average number of a company's personnel in a period, for the notes to the financial
statements (the small company's note on the average personnel, PMA 1753/2015 3 luku).

The average is of the headcounts on the last day of each calendar month in the period: the
employments that cover that day, each counted once whatever its hours (a headcount, not
full-time equivalents), rounded to one decimal. One query: the employments that overlap the
period."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from .models import Employment


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        days.append(dt.date(year, month, monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [min(day, end) for day in days]


def average_personnel(company, start: dt.date, end: dt.date) -> Decimal | None:
    """The average headcount of ``company`` in ``start`` … ``end``; None without employments."""
    spans = list(
        Employment.objects.filter(company=company, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values_list("start_date", "end_date")
    )
    if not spans:
        return None
    days = month_ends(start, end)
    total = sum(
        1 for day in days for first, last in spans if first <= day and (last is None or day <= last)
    )
    return (Decimal(total) / len(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
