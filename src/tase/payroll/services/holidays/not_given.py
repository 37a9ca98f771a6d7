"""Holiday days that the continuing incapacity kept from being given, compensated in money
while the employment goes on (vuosilomalaki 162/2005 25-26 §, 17 §;
:mod:`tase.rules.holidays.giving` quotes the sections).

A credit year's days (the year ending 31 March of Y) still not given at the end of 31
December of Y + 1 (:func:`tase.rules.holidays.giving.giving_deadline`) are looked up from the
records: the days earned less the holidays planned or taken from the year up to that day and
its days saved. Of them, those the employee's incapacity kept from being given
(:func:`tase.rules.holidays.giving.days_not_given`: all when the sick leave goes on over the
deadline, otherwise those that did not fit into the holiday days between its end and the
deadline) are compensated by 17 §: at the year's holiday day pay, as the compensation at the
end of an employment. The incapacity is the employee's recorded sick leaves, those without a
working day between them counted as one (:func:`tase.rules.absences.incapacities`).

From the deadline the days are off the balance (the year's ``compensated``, and the next
year's days carried over), and the pay run whose period holds the deadline makes the
``holiday_compensation`` line (:func:`lines_for_run`). The holiday-pay liability owes the
money until an approved run has paid that line (:func:`owed`).

Assumptions, stated in docs/holidays.md: the records do not say whether a holiday was
postponed on the employee's request (25 §); any days of the year left at the deadline while
the employee was incapacitated count as such. An employment that ends by the deadline (no
employment on the day after it) is compensated by 17 § in its final pay instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tase.rules.holidays import giving
from tase.rules.payroll import cents

from ...models import Employee, PayItem, PayRun
from ..absences import LOCKED, schedule
from .ledger import HOLIDAY_SOURCE, ZERO, Ledger

SOURCE = f"{HOLIDAY_SOURCE}not_given:"


def source_for(year_end: dt.date) -> str:
    """The run line's source: one credit year's days not given."""
    return f"{SOURCE}{year_end.isoformat()}"


def incapacity_end(book: Ledger, employee: Employee, deadline: dt.date) -> dt.date | None:
    """The last day of the employee's latest incapacity that began by ``deadline`` (sick
    leaves without a working day between them are one), or None without a sick leave."""
    leaves = [
        (a.start_date, a.end_date) for a in book.absences.get(employee.pk, []) if a.kind == "sick"
    ]
    if not leaves:
        return None
    employments = book.employments.get(employee.pk) or []
    working = schedule(max(employments, key=lambda e: e.start_date)) if employments else "12345"
    return giving.incapacity_end(leaves, deadline, working)


def _goes_on_after(book: Ledger, employee: Employee, day: dt.date) -> bool:
    following = day + dt.timedelta(days=1)
    return any(
        e.start_date <= following and (e.end_date is None or e.end_date >= following)
        for e in book.employments.get(employee.pk, [])
    )


def not_given(book: Ledger, employee: Employee, year_end: dt.date, on: dt.date) -> int:
    """The days of the credit year ending ``year_end`` compensated by 26 § by the end of
    ``on``: none before the year's deadline, nor when no employment goes on after it."""
    deadline = giving.giving_deadline(year_end)
    if on < deadline or not _goes_on_after(book, employee, deadline):
        return 0
    key = (employee.pk, year_end, "not_given")
    if key not in book.earnings:
        from .balance_days import used_by  # balance_days imports this module
        from .earnings import earning

        end = incapacity_end(book, employee, deadline)
        days = 0
        if end is not None and end >= dt.date(deadline.year, 1, 1):  # else nothing kept
            earned = earning(book, employee, year_end, days_only=True).days
            left = earned - used_by(book, employee.pk, year_end, deadline)
            days = giving.days_not_given(left, end, deadline)
        book.earnings[key] = days
    return book.earnings[key]


def last_deadline_year(on: dt.date) -> dt.date:
    """The credit year whose deadline is the last one on or before ``on``."""
    deadline_year = on.year if (on.month, on.day) == (12, 31) else on.year - 1
    return dt.date(deadline_year - 1, 3, 31)


def compensation(book: Ledger, employee: Employee, year_end: dt.date, days: int) -> Decimal:
    """The 17 § compensation of ``days`` of the year: the year's holiday day pay x days,
    rounded to the cent, half up (as the compensation at the end of an employment)."""
    from .earnings import earning

    return cents(earning(book, employee, year_end).day_pay * days) if days else ZERO


def _paid(book: Ledger, on: dt.date) -> set[tuple[int, str]]:
    """(employee, source) of the 26 § lines approved runs paid by ``on``: read once per
    ledger, and only when some employee has such days."""
    key = ("not_given_paid", on)
    if key not in book.earnings:
        book.earnings[key] = set(
            PayItem.objects.filter(
                pay_run__company=book.company,
                pay_run__status__in=LOCKED,
                pay_run__payment_date__lte=on,
                source__startswith=SOURCE,
            ).values_list("employee_id", "source")
        )
    return book.earnings[key]


def owed(book: Ledger, employee: Employee, on: dt.date) -> Decimal:
    """The 26 § compensation owed at the end of ``on`` (the holiday-pay liability): of the
    year whose deadline passed last, from the deadline until an approved run pays its line
    (earlier years' are taken to be paid)."""
    year_end = last_deadline_year(on)
    days = not_given(book, employee, year_end, on)
    if not days or (employee.pk, source_for(year_end)) in _paid(book, on):
        return ZERO
    return compensation(book, employee, year_end, days)


def lines_for_run(
    book: Ledger, employee: Employee, run: PayRun
) -> list[tuple[str, dt.date, Decimal]]:
    """The run's 26 § compensation: for the deadline (31 December) within the run's period,
    (source, credit year, amount) of the days not given."""
    items = []
    for year in sorted({run.period_start.year, run.period_end.year}):
        deadline = dt.date(year, 12, 31)
        if not run.period_start <= deadline <= run.period_end:
            continue
        year_end = dt.date(year - 1, 3, 31)
        days = not_given(book, employee, year_end, deadline)
        amount = compensation(book, employee, year_end, days)
        if amount:
            items.append((source_for(year_end), year_end, amount))
    return items
