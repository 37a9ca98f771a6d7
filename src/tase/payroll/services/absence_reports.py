"""The absence data (poissaolotiedot) of an earnings payment report, from the absences the
holiday and absence records keep (:class:`~tase.payroll.models.Absence`).

Reporting absences is voluntary but recommended (vero.fi, "Poissaolotietojen
ilmoittaminen"): the reporting period (AbsenceRepStartDate - AbsenceRepEndDate) says that
every absence in it is given. So a report carries the block only when Tase can give them
all: for an employee with at least one recorded absence in the pay period, the pay period is
the reporting period, and each absence is cut to it:

- sick leave: the days the employer pays (TSL 2:11, :func:`tase.rules.absences.sick_pay`)
  a paid absence with the pay for them, the days after it an unpaid absence, split where the
  employer's pay period ends (a Saturday or the employee's day off too); cause 1, sickness.
  A part without a working day of the employee's is no absence from work, and left out. The pay of a monthly or weekly-paid employee is the salary that ran on: the working days'
  pay (:func:`.absences.day_pay`) times the paid share. An hourly-paid employee is paid for
  sick days only by the sick pay lines of the payslip (:func:`.absences.absence_lines`), so
  the report gives what those lines paid, to the cent (several paid periods share it in
  proportion to their days' pay, the last taking the rounding); without such a line the
  payslip paid nothing for the days, and the report leaves the block out rather than claim
  pay the payslip does not have;
- a lay-off: an unpaid absence, cause 16; one on none of the employee's working days is no
  absence from work, and left out.

An employee who in the pay period also has an absence of a kind whose cause code could not
be confirmed (family leave, unpaid leave, another absence, one the employer pays) or a
recorded annual holiday gets no absence block at all, rather than a reporting period that
leaves one out (codes and sources: :mod:`tase.formats.incomes_register`). AbsenceDays counts
the employee's working days (their schedule, Monday to Friday without one; public holidays
not counted), the days the payslip's absence lines count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from django.db.models import Q

from tase.formats import incomes_register as irf
from tase.rules import absences as rules

from ..models import Absence, Employee, Employment, HolidayRecord, PayRun, Payslip
from .absence_view import as_changed, changes_in_view
from .absences import SICK_PAY, day_pay, policy_for, schedule, sick_employment_start, to_rule
from .employees import employment_on, salary_on

CENT = Decimal("0.01")
HOLIDAY_DATED = (HolidayRecord.Kind.PLANNED, HolidayRecord.Kind.TAKEN)


def _sick_periods(absence, employment, salary_cents, start, end, policy, began):
    """The paid and unpaid parts of a sick leave within ``start`` - ``end``: the paid one, to
    the end of the employer's pay period (TSL 2:11, a weekend or a public holiday included),
    with the pay the salary gives for its days (for an hourly-paid employee replaced by the
    payslip's sick pay in :func:`absence_data`), the unpaid one from the day after it. A part
    without a working day of the employee's schedule is no absence from work: left out. The
    rights follow the length of the employment in force when the employee fell ill, which
    began on ``began`` (:func:`.absences.sick_employment_start`)."""
    days_of = schedule(employment)
    sick = rules.sick_pay(to_rule(absence), began, policy.sick_pay_weekdays, days_of)
    first, last = max(absence.start_date, start), min(absence.end_date, end)
    periods = []
    span_end = min(sick.paid_until, last)
    days = rules.schedule_days(first, span_end, days_of)
    if days:
        pay = sum((day_pay(employment, salary_cents, day) for day in days), Decimal(0))
        periods.append(
            irf.AbsencePeriod(
                first,
                span_end,
                irf.ABSENCE_SICKNESS,
                days=len(days),
                amount=(pay * sick.share_percent / rules.HUNDRED).quantize(CENT),
            )
        )
    unpaid_from = max(first, sick.paid_until + dt.timedelta(days=1))
    days = rules.schedule_day_count(unpaid_from, last, days_of) if unpaid_from <= last else 0
    if days:
        periods.append(irf.AbsencePeriod(unpaid_from, last, irf.ABSENCE_SICKNESS, days=days))
    return periods


def _periods(absence, employee, employment, salary_cents, start, end, policy):
    """The absence's periods within ``start`` - ``end``, or None when its cause has no
    confirmed code. A lay-off on none of the employee's working days (a weekend, their days
    off) is no absence from work, like a sick-leave part without one: no period (the
    Register's absence period is time away from work, vero.fi "Poissaolotietojen
    ilmoittaminen": "Poissaolojakso: Ajanjakso, jonka työntekijä on ollut pois työstä")."""
    if absence.kind == Absence.Kind.SICK:
        if employment is None or not salary_cents:
            return None
        began = sick_employment_start(employee, absence, employment)
        return _sick_periods(absence, employment, salary_cents, start, end, policy, began)
    if absence.kind == Absence.Kind.LAYOFF and not absence.paid:
        first, last = max(absence.start_date, start), min(absence.end_date, end)
        days_of = schedule(employment) if employment else rules.FIVE_DAY_WEEK
        days = rules.schedule_day_count(first, last, days_of)
        if not days:
            return []
        return [irf.AbsencePeriod(first, last, irf.ABSENCE_LAYOFF, days=days)]
    return None


def _sick_pay_on_payslips(runs, employee_ids) -> dict[int, Decimal]:
    """The sick pay of the payslips of ``runs`` of ``employee_ids`` (the lines of the sick pay
    wage type paid for the run's own pay period), by employee id: one query. A correction
    payslip holds differences, so summed with its original's it gives the corrected pay."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    rows = Payslip.objects.filter(pay_run__in=runs, employee_id__in=employee_ids).values_list(
        "employee_id", "lines"
    )
    for employee_id, lines in rows:
        for line in lines:
            if line["code"] == SICK_PAY and not line.get("earning_period"):
                totals[employee_id] += Decimal(line["amount"])
    return totals


def _paid_as_on_payslip(periods, paid: Decimal):
    """``periods`` with the pay of the paid ones replaced by ``paid`` (what the payslip paid),
    shared in proportion to their computed pay, the last taking what rounding leaves; None
    when the payslip paid nothing for them."""
    computed = [p.amount for p in periods if p.paid]
    if not computed:
        return periods
    if paid <= 0:
        return None
    whole, left, result = sum(computed), paid, []
    for period in periods:
        if period.paid:
            computed.pop()
            share = (paid * period.amount / whole).quantize(CENT) if computed and whole else left
            share = min(share, left)
            left -= share
            period = replace(period, amount=share)
        result.append(period)
    return result


def _found(run, employees, by_employee, on_holiday, policy):
    """The absence periods of each of ``employees`` (with their prefetched employments) in
    ``run``'s pay period, by employee id, and the hourly-paid among them."""
    start, end = run.period_start, run.period_end
    found: dict[int, list[irf.AbsencePeriod]] = {}
    hourly: set[int] = set()
    for employee in employees:
        if employee.pk in on_holiday:
            continue
        absences = by_employee[employee.pk]
        employment = employment_on(employee, run.payment_date)
        salary = salary_on(employment, run.payment_date) if employment else None
        periods = []
        for absence in absences:
            parts = _periods(absence, employee, employment, salary, start, end, policy)
            if parts is None:
                break
            periods.extend(parts)
        else:
            if not periods:  # absent on no working day: nothing to report
                continue
            found[employee.pk] = periods
            if employment.pay_basis not in Employment.Basis.salaried():  # sick pay: own line
                hourly.add(employee.pk)
    return found, hourly


def _let_go(employees) -> None:
    """Drop the prefetched employments and salaries of ``employees``. Django links a
    prefetched row back to its parent (an employment to its employee, a salary to its
    employment), so each employee is a reference cycle that only the cyclic garbage
    collector frees, and rarely: the reports of a large run, which read the absence data a
    chunk of employees at a time, gathered some 4 MiB of such garbage at 10,000 employees.
    Without the caches the rows are freed as soon as they are no longer used."""
    for employee in employees:
        for employment in getattr(employee, "_prefetched_objects_cache", {}).get("employments", ()):
            getattr(employment, "_prefetched_objects_cache", {}).clear()
        getattr(employee, "_prefetched_objects_cache", {}).clear()


def absence_data(
    run: PayRun,
    employee_ids=None,
    recorded_by: dt.datetime | None = None,
    paid_in=None,
    correcting: PayRun | None = None,
) -> dict[int, irf.Absences]:
    """The absence block of each employee of ``run`` who has one (see the module's rule),
    by employee id; only of ``employee_ids`` when given, and from the absences and holidays
    recorded by ``recorded_by`` when given (what a report produced then carried). The sick
    pay of an hourly-paid employee is read from the payslips of ``paid_in`` (runs) when given:
    a correction's replacement report gives what the original and its corrections paid
    together (:func:`.corrections.produce_replacement_reports`), else ``run``'s. The absences
    are as the correction run ``correcting`` and the settled corrections of ``run`` change or
    remove them (:func:`.absence_view.changes_in_view`). Reads only
    the absences and holidays that overlap the pay period, and the employments of those
    employees: a few queries whatever the size of the run."""
    start, end = run.period_start, run.period_end
    overlap = {"start_date__lte": end, "end_date__gte": start}
    if recorded_by is not None:
        overlap["created_at__lte"] = recorded_by
    by_employee: dict[int, list[Absence]] = defaultdict(list)
    changes = changes_in_view(run, correcting)
    rows = Absence.objects.filter(company=run.company, employee__pay_runs=run).filter(
        Q(**overlap) | Q(pk__in=changes)
    )
    if employee_ids is not None:
        rows = rows.filter(employee_id__in=employee_ids)
    for absence in as_changed(rows.order_by("start_date", "pk"), changes):
        if absence.start_date <= end and absence.end_date >= start:
            by_employee[absence.employee_id].append(absence)
    for absences in by_employee.values():
        absences.sort(key=lambda a: (a.start_date, a.pk))
    if not by_employee:
        return {}
    on_holiday = set(
        HolidayRecord.objects.filter(
            employee_id__in=by_employee, kind__in=HOLIDAY_DATED, **overlap
        ).values_list("employee_id", flat=True)
    )
    policy = policy_for(run.company)
    # Their employments and salaries at once (no queries per employee).
    employees = list(
        Employee.objects.filter(pk__in=by_employee).prefetch_related("employments__salaries")
    )
    try:
        found, hourly = _found(run, employees, by_employee, on_holiday, policy)
    finally:
        _let_go(employees)
    paid_in = [run] if paid_in is None else paid_in
    sick_pay = _sick_pay_on_payslips(paid_in, hourly) if hourly else {}
    blocks: dict[int, irf.Absences] = {}
    for employee_id, periods in found.items():
        if employee_id in hourly:
            periods = _paid_as_on_payslip(periods, sick_pay.get(employee_id, Decimal(0)))
            if periods is None:
                continue
        blocks[employee_id] = irf.Absences(start, end, tuple(periods))
    return blocks
