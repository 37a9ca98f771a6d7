"""A company's holiday data read once into a :class:`Ledger` (employments with salaries, the
monthly wages of approved payslips, absences and holiday records), so balances of every
employee cost a handful of queries, not a few per employee; and the credit year's dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Q, Sum

from tase.core.models import Company
from tase.rules import absences as calendar
from tase.rules import holidays as rules

from ...models import (
    Absence,
    Employee,
    Employment,
    HolidayPolicy,
    HolidayPostponement,
    HolidayRecord,
    Payslip,
    SalaryChange,
)
from ..absences import LOCKED, policy_for
from ..calculation import HOLIDAY_COMPENSATION, HOLIDAY_LINE_CODES

if TYPE_CHECKING:
    from .earnings import Earning


class Salary(NamedTuple):
    """A salary change as the holiday rules read it (:class:`..models.SalaryChange`)."""

    valid_from: dt.date
    amount_cents: int


HOLIDAY_SOURCE = "holiday:"
DATED = (HolidayRecord.Kind.PLANNED, HolidayRecord.Kind.TAKEN)
P_SAVING = "payroll.holidays.saving.days_kept"
P_SAVING_AGREED = "payroll.holidays.saving.agreed_days_kept"
ZERO = Decimal(0)
NO_WAGES = (0, 0, 0, ZERO)
# The rules whose lines pay the 16 § compensation of a credit year (the season-end run, or
# with the free time of 8 § 1 mom.): each takes off what the other paid for the same year.
SECTION_16_RULES = ("16", "free_time")


def credit_year_end(day: dt.date) -> dt.date:
    """The last day (31 March) of the credit year 1.4.-31.3. that ``day`` is in."""
    return dt.date(day.year + (day.month >= 4), 3, 31)


def year_used_by(day: dt.date) -> dt.date:
    """The credit year whose days a holiday starting on ``day`` uses: the last one ended."""
    return dt.date(credit_year_end(day).year - 1, 3, 31)


# -- the company's data, read once ---------------------------------------------------------
@dataclass
class Ledger:
    """Everything the holiday rules need of a company's employees, up to ``on``."""

    company: Company
    on: dt.date
    policy: HolidayPolicy
    employees: list[Employee]
    # (employee, year, month) -> (wages: gross pay less its holiday pay, bonus and
    # compensation, which are not pay for time at work (11 § 2 mom., 12 § 1 mom.); overtime
    # increments in it, other pay besides a salary in it (10 § 1 mom.): cents; overtime hours)
    wages: dict[tuple[int, int, int], tuple[int, int, int, Decimal]] = field(default_factory=dict)
    absences: dict[int, list[Absence]] = field(default_factory=lambda: defaultdict(list))
    records: dict[int, list[HolidayRecord]] = field(default_factory=lambda: defaultdict(list))
    # The free time of 8 § 1 mom. (``HolidayRecord.free_time``): kept apart, it uses no days
    # of the holiday balance; its 16 § compensation is paid with it (:mod:`.free_time`).
    free_time: dict[int, list[HolidayRecord]] = field(default_factory=lambda: defaultdict(list))
    # Each holiday's postponements for incapacity (vuosilomalaki 25 §), by the holiday's pk:
    # their postponed days are not holiday (:func:`postponed_days`).
    postponed: dict[int, list[HolidayPostponement]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # Each employee's employments and each employment's salaries, listed once (a related
    # manager's .all() builds a new queryset on every call).
    employments: dict[int, list[Employment]] = field(default_factory=dict)
    salaries: dict[int, list] = field(default_factory=dict)
    # Earnings computed once per (employee, credit year, date): a balance, the year before's
    # carried-over days and the liability ask for the same year.
    earnings: dict[tuple, Earning] = field(default_factory=dict)
    # Batched per company: the months of an employment shape (dates, days a week, weekly
    # hours, absences) for a credit year, and the rules' result per distinct input.
    shapes: dict[tuple, tuple] = field(default_factory=dict)
    months: dict[tuple, tuple] = field(default_factory=dict)
    # The months of (employee, contracts, credit year, date), pointing into ``months``.
    employee_months: dict[tuple, tuple] = field(default_factory=dict)
    results: dict[rules.HolidayInput, rules.HolidayResult] = field(default_factory=dict)
    # The same by the fields the input is built from (earnings._earning): no input built.
    inputs: dict[tuple, object] = field(default_factory=dict)

    @property
    def since(self) -> dt.date:
        """The first day of the wages and absences read: two credit years before the one
        ``on`` is in."""
        return dt.date(credit_year_end(self.on).year - 3, 4, 1)


# Employees read into one ledger by :func:`chunks`: the memory a month-end job holds is that
# of one chunk's rows, however many employees the company has (issue 16, Scale).
CHUNK = 500
ORDER = ("last_name", "first_name", "pk")


def load(company: Company, on: dt.date, employees=None, policy=None) -> Ledger:
    """Read ``company``'s employees (or the given queryset of them) and their holiday data:
    two credit years back from ``on``. ``policy``: the company's holiday policy, when read
    already (:func:`chunks`)."""
    chosen = employees if employees is not None else Employee.objects.filter(company=company)
    rows = list(chosen.order_by(*ORDER))
    # One query per table for the whole company (a subquery picks the employees): no related
    # managers per employee, no list of ids as parameters.
    ids = chosen.filter(company=company).values("pk")
    book = Ledger(company, on, policy if policy is not None else policy_for(company), rows)
    since = book.since
    for row in rows:
        book.employments[row.pk] = []
    for employment in Employment.objects.filter(company=company, employee_id__in=ids):
        book.employments.setdefault(employment.employee_id, []).append(employment)
        book.salaries[employment.pk] = []
    # (valid_from, amount_cents) rows: the holiday rules read no other field of a salary.
    for employment_id, valid_from, amount in (
        SalaryChange.objects.filter(employment__company=company, employment__employee_id__in=ids)
        .order_by("valid_from", "pk")
        .values_list("employment_id", "valid_from", "amount_cents")
    ):
        book.salaries.setdefault(employment_id, []).append(Salary(valid_from, amount))
    # Summed per payment date in SQL and per month here: a month extracted in SQL costs a
    # function call per row on SQLite (two per row, in the select and the grouping).
    slips = (
        Payslip.objects.filter(
            company=company,
            employee_id__in=ids,
            pay_run__status__in=LOCKED,
            payment_date__range=(since, on),
        )
        .values("employee_id", "payment_date")
        .annotate(
            total=Sum("gross_cents"),
            holiday=Sum("holiday_pay_cents"),
            increments=Sum("overtime_increment_cents"),
            other=Sum("holiday_other_pay_cents"),
            hours=Sum("overtime_hours"),
        )
        .order_by()
        .values_list(
            "employee_id", "payment_date", "total", "holiday", "increments", "other", "hours"
        )
    )
    wages: dict[tuple[int, int, int], tuple[int, int, int, Decimal]] = {}
    for employee_id, day, total, holiday, increments, other, hours in slips.iterator(2000):
        key = (employee_id, day.year, day.month)
        row = (total - (holiday or 0), increments or 0, other or 0, Decimal(hours or 0))
        if key in wages:
            row = tuple(a + b for a, b in zip(wages[key], row, strict=True))
        wages[key] = row
    book.wages = wages
    for absence in Absence.objects.filter(employee_id__in=ids, end_date__gte=since):
        book.absences[absence.employee_id].append(absence)
    # Saved leave is kept over several years (27 §): its records are read whatever their age.
    for record in HolidayRecord.objects.filter(
        Q(credit_year_end__gte=dt.date(since.year + 1, 3, 31))
        | Q(kind=HolidayRecord.Kind.SAVED)
        | Q(from_saved=True),
        employee_id__in=ids,
    ):
        (book.free_time if record.free_time else book.records)[record.employee_id].append(record)
    for row in HolidayPostponement.objects.filter(
        employee_id__in=ids, postponed_from__isnull=False, holiday__credit_year_end__gte=since
    ):
        book.postponed[row.holiday_id].append(row)
    return book


def postponed_days(
    book: Ledger, record: HolidayRecord, start: dt.date | None = None, end: dt.date | None = None
) -> int:
    """The holiday days (3 § 2 mom.) of ``record`` postponed for incapacity (25 §), within
    ``start`` - ``end`` when given: they come off the holiday, are no holiday pay, and return
    to the credit year's balance to be given later (26 §)."""
    total = 0
    for row in book.postponed.get(record.pk, ()):
        first = row.postponed_from if start is None else max(row.postponed_from, start)
        last = row.last_day if end is None else min(row.last_day, end)
        if first <= last:
            total += calendar.holiday_days(first, last)
    return total


def chunks(company: Company, on: dt.date, employees=None, size: int = CHUNK) -> Iterator[Ledger]:
    """``company``'s employees (or the given queryset of them) in the order of :func:`load`,
    ``size`` at a time, each chunk read into a ledger of its own as it is asked for: the
    results are those of one ledger of them all (an employee's holiday data are their own),
    while the rows held are one chunk's. One query for the employees' ids, then
    :func:`load`'s handful per chunk."""
    chosen = employees if employees is not None else Employee.objects.filter(company=company)
    ids = list(chosen.filter(company=company).order_by(*ORDER).values_list("pk", flat=True))
    policy = policy_for(company)
    for start in range(0, len(ids), size):
        part = Employee.objects.filter(company=company, pk__in=ids[start : start + size])
        yield load(company, on, part, policy)


def compensation_cents(lines, rules=SECTION_16_RULES, years=None) -> int:
    """The holiday compensation a payslip's stored ``lines`` paid for the 16 § rule, in cents
    (17 § 1 mom.: what was paid during the employment for the same time is taken off what is
    owed later): the lines a generator marked with one of ``rules`` (and, when ``years`` is
    given, one of those credit years, each its 31 March), and the lines that record no rule
    (entered by hand, e.g. compensation paid monthly with the wages). A 17 § or 26 §
    compensation, or a 16 § one of another credit year, pays other time and is not taken
    off."""
    wanted = None if years is None else {year.isoformat() for year in years}
    return sum(
        int(Decimal(line["amount"]) * 100)
        for line in lines
        if line.get("code") == HOLIDAY_COMPENSATION
        and (
            not line.get("holiday_rule")
            or (
                line["holiday_rule"] in rules
                and (wanted is None or line.get("credit_year_end") in wanted)
            )
        )
    )


def holiday_cents(lines) -> int:
    """The holiday pay, holiday bonus and holiday compensation of a payslip's stored
    ``lines``, in cents: not wages for time at work (vuosilomalaki 11 § 2 mom., 12 § 1 mom.,
    16 § 1 mom.: "työssäolon ajalta maksetusta ... palkasta")."""
    return sum(
        int(Decimal(line["amount"]) * 100)
        for line in lines
        if line.get("code") in HOLIDAY_LINE_CODES
    )
