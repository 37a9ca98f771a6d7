"""Pay-run lines from recorded holidays: the holiday pay and bonus of the holidays within a
run's period, the kept salary lowered by its part, and the holiday compensation of an
employment ending within the run (vuosilomalaki 17 §, 27 § 4 mom.), and the 16 § holiday
compensation of a credit year without a full month under the 35-hour rule in an employment
that goes on (8 § 1 mom., 19 § 1 mom.).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from tase.core import audit
from tase.rules import absences as calendar
from tase.rules import holidays as rules
from tase.rules.payroll import cents

from ...models import Absence, Employee, Employment, HolidayRecord, PayItem, PayRun, Payslip
from ..absences import LOCKED
from ..calculation import HOLIDAY_COMPENSATION, holiday_basis_of_run
from ..common import require
from ..employees import employment_on, salary_on
from ..pay_runs import _check_draft
from .balance_days import unused
from .earnings import chain, continues, earning, family_leave_lost_pay
from .free_time import free_time_lines, season_end_compensation
from .ledger import (
    DATED,
    HOLIDAY_SOURCE,
    ZERO,
    Ledger,
    compensation_cents,
    credit_year_end,
    load,
    year_used_by,
)
from .not_given import lines_for_run as not_given_lines


def _line(run: PayRun, employee: Employee, code: str, euros, source: str) -> PayItem:
    """A pay-run line of ``euros`` (a Decimal of whole cents) for ``employee``."""
    return PayItem(
        pay_run=run, employee=employee, wage_type=code, amount_cents=int(euros * 100), source=source
    )


def _ending_within(book: Ledger, employee: Employee, run: PayRun) -> Employment | None:
    """The employee's employment that ends within the run's period, if one does; one that
    another employment continues from the next day (a changed contract,
    :func:`.earnings.chain`) has not ended."""
    return next(
        (
            e
            for e in book.employments.get(employee.pk, [])
            if e.end_date is not None
            and run.period_start <= e.end_date <= run.period_end
            and not continues(book, employee, e)
        ),
        None,
    )


def earned_nothing_compensation(
    book: Ledger, employee: Employee, employment: Employment, end: dt.date, run: PayRun
) -> Decimal:
    """17 § 4 mom.: an employment that earned no holiday day in any of its credit years is
    compensated at its end by 16 §, 9 or 11.5 % of each credit year's wages for time at work
    (:func:`tase.rules.holidays.no_holiday_compensation`); zero when a day was earned.

    Vuosilomalaki 16 § 1 mom. (read in TEM's guide quoting the Act,
    http://www.vuosilomaopas.fi/fi/lomakorvaus-2; https://finlex.fi/fi/laki/ajantasa/2005/20050162):
    "... oikeus saada lomakorvauksena 9 prosenttia tai, jos työsuhde on jatkunut lomakautta
    edeltävän lomanmääräytymisvuoden loppuun mennessä vähintään vuoden, 11,5 prosenttia
    hänelle lomanmääräytymisvuoden aikana työssäolon ajalta maksetusta tai maksettavaksi
    erääntyneestä palkasta lukuun ottamatta hätätyöstä tai lain tai sopimuksen mukaisesta
    ylityöstä maksettavaa korotusta." 17 § 1 mom.: the compensation is "siltä ajalta, jolta
    hän siihen mennessä ei ole saanut lomaa tai lomakorvausta".

    The wages are those of every credit year of the employment, read in one query: the
    approved payslips paid from its first day (until a later employment of the employee
    begins; one paid after the last day counts in the last day's credit year), each its
    gross pay less the overtime increments and less its holiday compensation lines (not pay
    for time at work), and the final ``run``'s own lines of the employee the same way
    (:func:`.calculation.holiday_basis_of_run`; its payslips are not approved yet). The
    holiday compensation those payslips and the run's lines already pay (by 16 §, monthly
    with the wages for example) is taken off what is due (17 § 1 mom.)."""
    start = chain(book, employee, employment)[0].start_date  # the contracts before it too
    first = credit_year_end(start)
    last = credit_year_end(end)
    _read_earlier_absences(book, employee, employment, start)
    year_end = last
    while year_end >= first:
        if earning(book, employee, year_end, end, days_only=True).days:
            return ZERO
        year_end = dt.date(year_end.year - 1, 3, 31)
    basis, paid = _employment_pay(book, employee, start, end)
    items = [
        item
        for item in PayItem.objects.filter(pay_run=run, employee=employee)
        if not item.source.startswith(HOLIDAY_SOURCE)
    ]
    wages, compensation = holiday_basis_of_run(run, employee, employment, items)
    basis[credit_year_end(min(run.payment_date, end))] += wages
    years, year_end = [], first
    while year_end <= last:
        # 16 § 1 mom., second sentence: the pay lost in family leave joins the basis
        basis[year_end] += family_leave_lost_pay(
            book, employee, employment, year_end, min(end, year_end)
        )
        years.append((year_end, Decimal(basis[year_end]) / 100))
        year_end = dt.date(year_end.year + 1, 3, 31)
    pay = rules.no_holiday_compensation(
        start, end, tuple(years), Decimal(paid + compensation) / 100
    )
    return pay.amount


def _read_earlier_absences(
    book: Ledger, employee: Employee, employment: Employment, start: dt.date
) -> None:
    """Add to ``book`` the employee's absences within the employment (from ``start``, its
    first contract's first day) that ended before the ledger's first day, so its earlier
    credit years' earning counts them too."""
    if start >= book.since:
        return
    book.absences[employee.pk] += Absence.objects.filter(
        employee=employee, end_date__gte=start, end_date__lt=book.since
    )


def _employment_pay(
    book: Ledger, employee: Employee, start: dt.date, end: dt.date
) -> tuple[defaultdict, int]:
    """The employment's approved payslips in one query (paid from ``start`` until a later
    employment of the employee begins after ``end``): the wages for time at work by credit
    year (cents; gross pay less the overtime increments and the holiday compensation), and
    the holiday compensation paid on them (cents)."""
    slips = Payslip.objects.filter(
        company=book.company,
        employee=employee,
        pay_run__status__in=LOCKED,
        payment_date__gte=start,
    )
    later = [e.start_date for e in book.employments.get(employee.pk, []) if e.start_date > end]
    if later:
        slips = slips.filter(payment_date__lt=min(later))
    basis: defaultdict[dt.date, int] = defaultdict(int)
    paid = 0
    for day, gross, increments, lines in slips.order_by().values_list(
        "payment_date", "gross_cents", "overtime_increment_cents", "lines"
    ):
        compensation = compensation_cents(lines)
        basis[credit_year_end(min(day, end))] += gross - increments - compensation
        paid += compensation
    return basis, paid


def _compensation(run: PayRun, book: Ledger, employee: Employee, employment: Employment) -> list:
    """The holiday compensation of an employment ending within the run (17 §): the days not
    used by its last day at their day pay (:func:`unused`), or, when the employment earned no
    day at all, the percentage of its wages (:func:`earned_nothing_compensation`); and the
    holiday bonus on it when the company's rule pays the bonus on compensation."""
    end = employment.end_date
    left = unused(book, employee, end)
    pay = (
        left.pay if left.days else earned_nothing_compensation(book, employee, employment, end, run)
    )
    if not pay:
        return []
    source = f"{HOLIDAY_SOURCE}compensation"
    items = [_line(run, employee, HOLIDAY_COMPENSATION, pay, source)]
    bonus = cents(pay * Decimal(book.policy.holiday_bonus_percent) / 100)
    if book.policy.bonus_on_compensation and bonus:
        items.append(_line(run, employee, "holiday_bonus", bonus, source))
    return items


def _pay_year(record: HolidayRecord) -> dt.date:
    """The credit year whose day pay a holiday is paid at: its own; for saved leave the one
    before the leave begins (27 § 4 mom.: by 11 and 12 § the pay of the credit year preceding
    the start of the saved leave; by 10 § the salary, whose day is 1/25 of it)."""
    return year_used_by(record.start_date) if record.from_saved else record.credit_year_end


def _bonus_on_return(run: PayRun, book: Ledger, employee: Employee) -> list[PayItem]:
    """The holiday bonus by the company's rule ``bonus_after_return`` (not in the Act: many
    collective agreements pay the bonus after the holiday, on condition that the employee
    returns to work when it ends): for each planned or taken holiday whose following day
    falls within the run's period, the bonus percentage of the holiday's whole pay (its
    holiday days at its credit year's day pay, rounded to the cent, half up, and the bonus
    likewise), when an employment of the employee goes on to that day; when the employment
    ended with the holiday the bonus is lost."""
    items = []
    percent = Decimal(book.policy.holiday_bonus_percent)
    for record in book.records.get(employee.pk, []):
        back = record.end_date + dt.timedelta(days=1)
        if record.kind not in DATED or not run.period_start <= back <= run.period_end:
            continue
        if not any(
            e.start_date <= back and (e.end_date is None or e.end_date >= back)
            for e in book.employments.get(employee.pk, [])
        ):
            continue  # did not return: the rule makes the bonus lost
        days = calendar.holiday_days(record.start_date, record.end_date)
        pay = cents(earning(book, employee, _pay_year(record)).day_pay * days)
        bonus = cents(pay * percent / 100)
        if bonus:
            items.append(
                _line(run, employee, "holiday_bonus", bonus, f"{HOLIDAY_SOURCE}{record.pk}")
            )
    return items


@transaction.atomic
def holiday_lines(actor, run: PayRun) -> int:
    """Replace the run's lines generated from holidays: for each planned or taken holiday of
    the run's employees within its period, the holiday pay of its days in the period (a day
    at the credit year's day pay: 1/25 of a monthly salary, or the holiday pay by 11 §
    divided by the days earned), and the holiday bonus at the company's rule (with the
    holiday, or after it on the employee's return, :func:`_bonus_on_return`). A monthly
    salary is kept: the salary line is lowered by the salary's part of the month's holiday
    pay; the share of other pay besides the salary (10 § 1 mom., second sentence) is paid on
    top of it, in the holiday pay line. When an
    employment ends within the period, the days not used by its last day (saved leave
    included) are paid as holiday compensation (vuosilomalaki 17 §, 27 § 4 mom.). The run
    whose period holds 31 December pays the days of the credit year ended 21 months before
    that the continuing incapacity kept from being given (26 § 1 mom., :mod:`.not_given`)."""
    require(actor, run.company, "payroll.manage")
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    PayItem.objects.filter(pay_run=run, source__startswith=HOLIDAY_SOURCE).delete()
    book = load(run.company, run.period_end, run.employees.all())
    items = []
    for employee in book.employees:
        records = [
            r
            for r in book.records.get(employee.pk, [])
            if r.kind in DATED and r.start_date <= run.period_end and r.end_date >= run.period_start
        ]
        ending = _ending_within(book, employee, run)
        if ending is not None:
            items += _compensation(run, book, employee, ending)
        employment = employment_on(employee, run.payment_date) or ending
        if employment is not None and (ending is None or employment.pk != ending.pk):
            free_time = season_end_compensation(book, employee, employment, run)
            if free_time:
                items.append(
                    _line(
                        run, employee, HOLIDAY_COMPENSATION, free_time, f"{HOLIDAY_SOURCE}free_time"
                    )
                )
        for source, amount in free_time_lines(book, employee, run):  # 19 § 1 mom.
            items.append(_line(run, employee, HOLIDAY_COMPENSATION, amount, source))
        for source, amount in not_given_lines(book, employee, run):  # 26 § 1 mom.
            items.append(_line(run, employee, HOLIDAY_COMPENSATION, amount, source))
            bonus = cents(amount * Decimal(book.policy.holiday_bonus_percent) / 100)
            if book.policy.bonus_on_compensation and bonus:
                items.append(_line(run, employee, "holiday_bonus", bonus, source))
        if book.policy.bonus_after_return:
            items += _bonus_on_return(run, book, employee)
        if not records or employment is None:
            continue
        month_kept = ZERO  # the salary's part of the month's holiday pay
        for record in records:
            days = calendar.holiday_days(
                max(record.start_date, run.period_start), min(record.end_date, run.period_end)
            )
            earned = earning(book, employee, _pay_year(record))
            pay = cents(earned.day_pay * days)
            bonus = (
                ZERO  # paid on the return instead (_bonus_on_return)
                if book.policy.bonus_after_return
                else cents(pay * Decimal(book.policy.holiday_bonus_percent) / 100)
            )
            month_kept += cents((earned.day_pay - earned.other_day_pay) * days)
            source = f"{HOLIDAY_SOURCE}{record.pk}"
            for code, amount in (("holiday_pay", pay), ("holiday_bonus", bonus)):
                if amount:
                    items.append(_line(run, employee, code, amount, source))
        salary = salary_on(employment, run.payment_date) or 0
        if employment.pay_basis == Employment.Basis.MONTHLY and salary and month_kept:
            items.append(
                PayItem(
                    pay_run=run,
                    employee=employee,
                    wage_type="monthly_salary",
                    amount_cents=max(salary - int(month_kept * 100), 0),
                    source=f"{HOLIDAY_SOURCE}salary",
                )
            )
    PayItem.objects.bulk_create(items)
    PayRun.objects.filter(pk=run.pk).update(stale=True, revision=F("revision") + 1)
    audit.record(
        actor.user, "holiday_lines", run, company=run.company, changes={"lines": [None, len(items)]}
    )
    return len(items)
