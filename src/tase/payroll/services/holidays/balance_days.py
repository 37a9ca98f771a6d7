"""Balances: a credit year's days earned, carried over, taken, planned and saved, saved leave
left, and the days not used at a date with their pay (the holiday-pay liability and the
compensation at the end of an employment alike).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from tase.core.models import Company
from tase.rules import absences as calendar
from tase.rules import holidays as rules
from tase.rules.parameters import value_at
from tase.rules.payroll import cents

from ...models import Employee, Employment, HolidayRecord
from .earnings import _employment_for, _salary_on, earning
from .ledger import DATED, Ledger, chunks, credit_year_end, load, postponed_days
from .not_given import not_given

KINDS = (*HolidayRecord.Kind.values, "from_saved")


@dataclass(frozen=True, slots=True)
class Balance:
    employee: Employee
    year_end: dt.date
    earned: int
    carried_over: int
    taken: int
    planned: int
    saved: int
    day_pay: Decimal
    saved_used: int = 0  # the year's saved days planned or taken as saved leave since
    # days the continuing incapacity kept from being given by the deadline, paid as holiday
    # compensation (vuosilomalaki 26 § 1 mom., :mod:`.not_given`)
    compensated: int = 0
    # days of the year's planned and taken holidays postponed for incapacity (vuosilomalaki
    # 25 §): off ``taken`` and ``planned``, so in ``left`` until given (26 §)
    postponed: int = 0

    @property
    def left(self) -> int:
        return (
            self.earned
            + self.carried_over
            - self.taken
            - self.planned
            - self.saved
            - self.compensated
        )

    @property
    def saved_left(self) -> int:
        return self.saved - self.saved_used


def _used(book: Ledger, records, year_end: dt.date) -> dict[str, int]:
    """The credit year's days by kind; holidays taken from its saved leave under "from_saved"
    (they use the saved days, not the ordinary balance); the days postponed for incapacity
    (25 §) off their holiday's kind and under "postponed"."""
    used = dict.fromkeys((*KINDS, "postponed"), 0)
    for record in records:
        if record.credit_year_end == year_end:
            postponed = postponed_days(book, record)
            used["from_saved" if record.from_saved else record.kind] += record.days - postponed
            used["postponed"] += postponed
    return used


def saved_left(book: Ledger, employee_id: int, on: dt.date | None = None) -> dict[dt.date, int]:
    """Saved leave not yet used, per credit year it was saved from (27 §: kept over several
    years). ``on``: count only the holiday days of saved leave up to that date (for the
    liability); none: every planned or taken day of saved leave."""
    left: dict[dt.date, int] = defaultdict(int)
    for record in book.records.get(employee_id, []):
        if record.kind == HolidayRecord.Kind.SAVED:
            left[record.credit_year_end] += record.days
        elif record.from_saved and (on is None or record.start_date <= on):
            used = (
                record.days
                if on is None
                else calendar.holiday_days(record.start_date, min(record.end_date, on))
            )
            left[record.credit_year_end] -= used
    return {year: days for year, days in sorted(left.items()) if days > 0}


def balance(book: Ledger, employee: Employee, year_end: dt.date) -> Balance:
    """The credit year's days: earned, carried over from the year before (what it left
    unused; one year back), taken, planned, saved and (the property) left. Computed once per
    employee and year for the ledger (the month end asks for it again with the liability)."""
    records = book.records.get(employee.pk, [])
    key = (employee.pk, year_end, "balance", len(records))
    found = book.earnings.get(key)
    if found is None:
        found = book.earnings[key] = _balance(book, employee, year_end, records)
    return found


def _balance(book: Ledger, employee: Employee, year_end: dt.date, records) -> Balance:
    now = earning(book, employee, year_end)
    previous_end = dt.date(year_end.year - 1, 3, 31)
    before = earning(book, employee, previous_end, days_only=True)
    used_before = _used(book, records, previous_end)
    carried = max(
        before.days
        - sum(used_before.values())
        + used_before["from_saved"]
        + used_before["postponed"]
        - not_given(book, employee, previous_end, book.on),
        0,
    )
    used = _used(book, records, year_end)
    return Balance(
        employee,
        year_end,
        now.days,
        carried,
        used[HolidayRecord.Kind.TAKEN],
        used[HolidayRecord.Kind.PLANNED],
        used[HolidayRecord.Kind.SAVED],
        now.day_pay,
        used["from_saved"],
        not_given(book, employee, year_end, book.on),
        used["postponed"],
    )


def balances(
    company: Company, year_end: dt.date, on: dt.date | None = None, employees=None
) -> list[Balance]:
    """Every employee's (or the given employees') balance of the credit year ending
    ``year_end``, at ``on``: every employee's read a chunk at a time (:func:`.ledger.chunks`),
    the given ones (a page of them) at once."""
    on = on or dt.date.today()
    if employees is None:
        return [
            balance(book, employee, year_end)
            for book in chunks(company, on)
            for employee in book.employees
        ]
    book = load(company, on, Employee.objects.filter(pk__in=[e.pk for e in employees]))
    return [balance(book, employee, year_end) for employee in book.employees]


def employee_balances(employee: Employee, on: dt.date) -> list[Balance]:
    """An employee's balances of the last ended credit year and the current one."""
    book = load(employee.company, on, Employee.objects.filter(pk=employee.pk))
    current = credit_year_end(on)
    return [
        balance(book, book.employees[0], dt.date(current.year - 1, 3, 31)),
        balance(book, book.employees[0], current),
    ]


def used_by(book: Ledger, employee_id: int, year_end: dt.date, on: dt.date) -> int:
    """Holiday days of the credit year's planned and taken holidays on or before ``on`` (less
    those postponed for incapacity, 25 §), and its days saved as saved leave (those are in
    the saved leave, :func:`saved_left`)."""
    used = 0
    for record in book.records.get(employee_id, []):
        if record.credit_year_end != year_end or record.from_saved:
            continue
        if record.kind in DATED and record.start_date <= on:
            used += calendar.holiday_days(
                record.start_date, min(record.end_date, on)
            ) - postponed_days(book, record, end=on)
        elif record.kind not in DATED:
            used += record.days
    return used


@dataclass(frozen=True, slots=True)
class Unused:
    """Holiday days not used at the end of a day, and their pay."""

    ended_days: int  # of the last ended credit year, with the days carried over into it
    current_days: int  # earned so far in the current credit year
    saved_days: int  # saved leave of any year, not yet taken
    pay: Decimal
    carried_days: int = 0  # of ``ended_days``: those carried over from the year before

    @property
    def days(self) -> int:
        return self.ended_days + self.current_days + self.saved_days


def day_pay_on(book: Ledger, employee: Employee, year_end: dt.date, on: dt.date) -> Decimal:
    """The pay of one holiday day of the credit year ending ``year_end`` not yet used at
    ``on``, by the method of that year: by 11 or 12 § (average daily wage, percentage) the
    year's own holiday pay per day earned (:func:`.earnings.earning`); by 10 § 1 mom. the
    salary is kept, so a day is 1/25 of the monthly (1/6 of the weekly) salary in force on
    ``on`` (17 § 3 mom.)
    with the year's own share of other pay (10 § 1 mom., second sentence), as long as the
    contract of the year's end is still in force (10 § 4 mom.: a working time changed after
    the year is paid by the year's own salary, so a changed contract keeps the year's day
    pay)."""
    earned = earning(book, employee, year_end)
    if earned.method != "salary_kept":
        return earned.day_pay
    then = _employment_for(book, employee, year_end, year_end)
    now = _employment_for(book, employee, on, on)
    if then is None or now is None or then.pk != now.pk:
        return earned.day_pay
    if now.pay_basis not in Employment.Basis.salaried():
        return earned.day_pay
    # 17 § 3 mom.: a day of a monthly salary is 1/25, of a weekly salary 1/6
    divisor = value_at(rules.P_DAY_DIVISORS, year_end)[now.pay_basis]
    salary = Decimal(_salary_on(book, now, on)) / 100
    return cents(salary / divisor) + earned.other_day_pay


def unused(book: Ledger, employee: Employee, on: dt.date) -> Unused:
    """The days not used at the end of ``on`` and their pay, each credit year's days at that
    year's day pay (:func:`day_pay_on`): the last ended credit year's days (earned and
    carried over, less those used and saved by then; the days carried over from the year
    before are used first, as the oldest, and those left are priced at their own year's day
    pay), the saved leave at the last ended year's (27 § 4 mom.: saved leave is paid by the
    credit year before it is taken, or by 10 § the salary), the current year's days earned
    by then at its day pay. The holiday-pay liability and the holiday compensation at the
    end of an employment (17 §) alike."""
    current = credit_year_end(on)
    ended = dt.date(current.year - 1, 3, 31)
    last = balance(book, employee, ended)
    used = used_by(book, employee.pk, ended, on)
    ended_days = max(last.earned + last.carried_over - used, 0)
    carried_days = min(max(last.carried_over - used, 0), ended_days)
    now = earning(book, employee, current, on)
    current_days = max(now.days - used_by(book, employee.pk, current, on), 0)
    saved_days = sum(saved_left(book, employee.pk, on).values())
    pay = day_pay_on(book, employee, ended, on) * (ended_days - carried_days + saved_days)
    if carried_days:
        previous = dt.date(ended.year - 1, 3, 31)
        pay += day_pay_on(book, employee, previous, on) * carried_days
    pay = cents(pay + now.day_pay * current_days)
    return Unused(ended_days, current_days, saved_days, pay, carried_days)
