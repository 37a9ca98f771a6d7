"""Absences: recording them, the company's sick-pay and holiday-bonus rule, the pay-run lines
they make (a negative line for unpaid days, sick pay for hourly paid) and the Kela
sickness-allowance reimbursement application (tase.rules.absences holds the rules)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.rules import absences as rules
from tase.rules.parameters import ParameterError
from tase.rules.payroll import cents

from ..models import (
    Absence,
    Employee,
    Employment,
    HolidayPolicy,
    HolidayPostponement,
    HolidayRecord,
    PayItem,
    PayRun,
    Payslip,
)
from .common import require, to_cents, to_date
from .employees import employment_on, salary_on
from .pay_runs import _check_draft

ABSENCE_SOURCE = "absence:"
# The wage type of the sick pay lines of an hourly-paid employee (the Incomes Register's
# absence data reports what they paid).
SICK_PAY = "sick_pay"
LOCKED = (PayRun.Status.APPROVED, PayRun.Status.PAID)
HOLIDAY_DATED = (HolidayRecord.Kind.PLANNED, HolidayRecord.Kind.TAKEN)


def policy_for(company: Company) -> HolidayPolicy:
    policy, _created = HolidayPolicy.objects.get_or_create(company=company)
    return policy


POLICY_FIELDS = (
    "sick_pay_weekdays",
    "holiday_bonus_percent",
    "bonus_on_compensation",
    "bonus_after_return",
    "average_hourly_earnings_hours",
)
# The most hours a holiday day can be paid: a day has no more (a sanity bound on input).
MAX_HOURS_PER_DAY = Decimal(24)


@transaction.atomic
def update_policy(
    actor,
    company: Company,
    *,
    sick_pay_weekdays,
    holiday_bonus_percent,
    bonus_on_compensation=False,
    bonus_after_return=False,
    average_hourly_earnings_hours=None,
) -> HolidayPolicy:
    """Replace the company's rule whole (the page's form, ``PUT``): a field not given takes
    its default (``bonus_on_compensation`` and ``bonus_after_return`` off, no
    average-hourly-earnings method)."""
    return patch_policy(
        actor,
        company,
        sick_pay_weekdays=sick_pay_weekdays,
        holiday_bonus_percent=holiday_bonus_percent,
        bonus_on_compensation=bonus_on_compensation,
        bonus_after_return=bonus_after_return,
        average_hourly_earnings_hours=average_hourly_earnings_hours,
    )


def _hours_per_holiday_day(value) -> Decimal | None:
    """The agreement's hours per holiday day of the average-hourly-earnings method: empty
    (the Act's 11 §), or more than 0 and at most 24, to the hundredth."""
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value))
        bounded = hours.is_finite() and 0 < hours <= MAX_HOURS_PER_DAY
    except ArithmeticError:
        bounded = False
    if not bounded:
        raise ValidationError(
            {"average_hourly_earnings_hours": _("Enter more than 0 and at most 24 hours.")}
        )
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError(
            {"average_hourly_earnings_hours": _("Enter hours with at most two decimals.")}
        )
    return hours


@transaction.atomic
def patch_policy(actor, company: Company, **given) -> HolidayPolicy:
    """Change the given fields of the company's rule (``PATCH``), the others kept, checked as
    a whole rule is; the change is audited field by field. ``average_hourly_earnings_hours``
    empty (``None``) is the Act's method, so it alone may be given as null."""
    require(actor, company, "payroll.manage")
    for name in given:
        if name not in POLICY_FIELDS:
            raise ValidationError({name: _("Unknown field.")})
    policy = HolidayPolicy.objects.select_for_update().get(pk=policy_for(company).pk)
    before = {
        "sick_pay_weekdays": policy.sick_pay_weekdays,
        "holiday_bonus_percent": str(policy.holiday_bonus_percent),
        "bonus_on_compensation": policy.bonus_on_compensation,
        "bonus_after_return": policy.bonus_after_return,
        "average_hourly_earnings_hours": _text(policy.average_hourly_earnings_hours),
    }
    data = {name: getattr(policy, name) for name in POLICY_FIELDS} | given
    try:
        weekdays = int(data["sick_pay_weekdays"])
    except (TypeError, ValueError):
        raise ValidationError({"sick_pay_weekdays": _("Enter a whole number.")}) from None
    if not 0 <= weekdays <= 365:
        raise ValidationError({"sick_pay_weekdays": _("Enter a number from 0 to 365.")})
    if data["holiday_bonus_percent"] is None:
        raise ValidationError({"holiday_bonus_percent": _("Enter a number.")})
    bonus = Decimal(to_cents(data["holiday_bonus_percent"], "holiday_bonus_percent")) / 100
    if not 0 <= bonus <= 100:
        raise ValidationError({"holiday_bonus_percent": _("The rate must be between 0 and 100.")})
    for name in ("bonus_on_compensation", "bonus_after_return"):
        if not isinstance(data[name], bool):
            raise ValidationError({name: _("Expected true or false.")})
    on_compensation, after_return = data["bonus_on_compensation"], data["bonus_after_return"]
    hours = _hours_per_holiday_day(data["average_hourly_earnings_hours"])
    policy.sick_pay_weekdays, policy.holiday_bonus_percent = weekdays, bonus
    policy.bonus_on_compensation = on_compensation
    policy.bonus_after_return = after_return
    policy.average_hourly_earnings_hours = hours
    policy.save()
    after = {
        "sick_pay_weekdays": weekdays,
        "holiday_bonus_percent": str(bonus),
        "bonus_on_compensation": on_compensation,
        "bonus_after_return": after_return,
        "average_hourly_earnings_hours": _text(hours),
    }
    audit.record(
        actor.user,
        "update",
        policy,
        company=company,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return policy


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value).normalize():f}"


# -- recording -----------------------------------------------------------------------------


def _range_text(start: dt.date, end: dt.date) -> str:
    return f"{date_format(start, 'SHORT_DATE_FORMAT')} - {date_format(end, 'SHORT_DATE_FORMAT')}"


def check_free(
    employee: Employee,
    start: dt.date,
    end: dt.date,
    field: str,
    exclude: int | None = None,
    holidays: bool = True,
) -> None:
    """Refuse ``start`` - ``end`` when an absence (other than ``exclude``, the one being
    changed) or, with ``holidays``, a recorded holiday of the employee shares a day with it,
    naming ``field`` and the other record. A sick leave is checked without ``holidays``: an
    incapacity for work may fall on a holiday, and the employee may then ask for the holiday
    to be postponed (vuosilomalaki 25 §, :mod:`.holidays.postponement`); until then its days
    stay holiday (:func:`held_holiday_days`)."""
    other = (
        Absence.objects.filter(employee=employee, start_date__lte=end, end_date__gte=start)
        .exclude(pk=exclude)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                field: _("Overlaps the employee's %(kind)s %(dates)s.")
                % {
                    "kind": other.get_kind_display().lower(),
                    "dates": _range_text(other.start_date, other.end_date),
                }
            }
        )
    if not holidays:
        return
    holiday = HolidayRecord.objects.filter(
        employee=employee,
        kind__in=HOLIDAY_DATED,
        start_date__lte=end,
        end_date__gte=start,
    ).first()
    if holiday is not None:
        raise ValidationError(
            {
                field: _("Overlaps the employee's holiday %(dates)s.")
                % {"dates": _range_text(holiday.start_date, holiday.end_date)}
            }
        )


def check_dates(employee: Employee, start, end) -> tuple[dt.date, dt.date]:
    """Both dates given, in order, and within one of the employee's employments."""
    start, end = to_date(start, "start_date"), to_date(end, "end_date")
    if end < start:
        raise ValidationError({"end_date": _("The last day is before the first day.")})
    if not any(e.covers(start) and e.covers(end) for e in employee.employments.all()):
        raise ValidationError(
            {"start_date": _("The dates are not within one of the employee's employments.")}
        )
    return start, end


@transaction.atomic
def record_absence(
    actor, employee: Employee, *, kind, start_date, end_date, paid=False, note=""
) -> Absence:
    require(actor, employee.company, "payroll.manage")
    if kind not in Absence.Kind.values:
        raise ValidationError(
            {"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Absence.Kind.values)}}
        )
    # One writer per employee at a time: the overlap check holds until the commit.
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    start, end = check_dates(employee, start_date, end_date)
    check_free(employee, start, end, "start_date", holidays=kind != Absence.Kind.SICK)
    absence = Absence.objects.create(
        company=employee.company,
        employee=employee,
        kind=kind,
        start_date=start,
        end_date=end,
        paid=bool(paid) and kind == Absence.Kind.OTHER,
        note=(note or "")[:200],
    )
    audit.record(
        actor.user,
        "create",
        absence,
        company=employee.company,
        changes={"kind": [None, kind], "dates": [None, f"{start}/{end}"]},
    )
    return absence


def held_holiday_days(employee_ids, start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
    """Per employee, the days within ``start`` - ``end`` of their planned and taken holidays
    that are still holiday: not postponed for incapacity (vuosilomalaki 25 §,
    :class:`HolidayPostponement`). A sick leave on those days is no sick pay and no
    deduction: the holiday pays them (its deductible days of 25 § 2 mom. too, and every day
    when no postponement was asked). Two queries."""
    held: dict[int, set[dt.date]] = defaultdict(set)
    records = list(
        HolidayRecord.objects.filter(
            employee_id__in=employee_ids,
            kind__in=HOLIDAY_DATED,
            start_date__lte=end,
            end_date__gte=start,
        )
    )
    if not records:
        return held
    for record in records:
        held[record.employee_id].update(
            rules.days(max(record.start_date, start), min(record.end_date, end))
        )
    for row in HolidayPostponement.objects.filter(
        holiday__in=records, postponed_from__isnull=False
    ):
        held[row.employee_id].difference_update(rules.days(row.postponed_from, row.last_day))
    return held


def to_rule(absence: Absence) -> rules.Absence:
    return rules.Absence(absence.kind, absence.start_date, absence.end_date, absence.paid)


# -- pay -----------------------------------------------------------------------------------
def schedule(employment: Employment) -> str:
    """The employment's weekdays of work (ISO numbers); Monday to Friday unless given."""
    return employment.working_weekdays or rules.FIVE_DAY_WEEK


def day_hours(employment: Employment) -> Decimal:
    """The hours of one working day: weekly hours / the schedule's days (five without one:
    a contract of other days a week with no schedule is spread over Monday to Friday, the
    same hours a week)."""
    return Decimal(employment.weekly_hours) / len(schedule(employment))


def hour_rate(employment: Employment, salary_cents: int) -> Decimal:
    """The pay of one hour in euros, unrounded, for the pay of days absent: the hourly rate
    (hourly pay, or a performance-paid employee's basic hourly rate), or a weekly salary
    divided by the weekly hours."""
    salary = Decimal(salary_cents) / 100
    if employment.pay_basis == Employment.Basis.WEEKLY:
        hours = Decimal(employment.weekly_hours)
        return salary / hours if hours else Decimal(0)
    return salary


def day_pay(employment: Employment, salary_cents: int, day: dt.date) -> Decimal:
    """One working day's pay in euros: a monthly salary divided by the month's working days
    of the employee's schedule (public holidays not counted); otherwise the pay of an hour
    (:func:`hour_rate`; a weekly salary / the weekly hours) times the hours of a working day,
    so a weekly salary's day is the salary / the schedule's days a week."""
    if employment.pay_basis == Employment.Basis.MONTHLY:
        salary = Decimal(salary_cents) / 100
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        working = rules.schedule_day_count(first, last, schedule(employment))
        return salary / working if working else Decimal(0)
    return hour_rate(employment, salary_cents) * day_hours(employment)


@dataclass(frozen=True, slots=True)
class AbsencePay:
    """What an absence does to the pay of ``start`` - ``end``: the amount taken away (euros,
    negative) and the sick pay of an hourly-paid employee (hours, hourly price)."""

    deduction: Decimal = Decimal(0)
    sick_hours: Decimal = Decimal(0)
    sick_price: Decimal = Decimal(0)


def sick_employment_start(employee: Employee, absence: Absence, employment: Employment) -> dt.date:
    """The start of the employment whose length gives the sick pay rights of ``absence``: the
    one in force on the day the employee fell ill (TSL 55/2001 2:11 1 mom.: "Jos työsuhde on
    jatkunut vähintään kuukauden", full pay for the days of the incapacity, else 50 %; the
    right arises when the incapacity begins, and :func:`tase.rules.absences.sick_pay` counts
    the length to that day), not the one paid on (``employment``: a change of terms since
    starts a new record). Reads the employee's prefetched employments."""
    at_start = employment_on(employee, absence.start_date)
    return (at_start or employment).start_date


def absence_pay(
    absence: Absence,
    employment: Employment,
    salary_cents: int,
    start: dt.date,
    end: dt.date,
    policy: HolidayPolicy,
    employee: Employee | None = None,
    held: set[dt.date] | frozenset[dt.date] = frozenset(),
) -> AbsencePay:
    """``held``: the employee's days of holiday not postponed (:func:`held_holiday_days`): a
    sick leave's days among them are paid as holiday, not as sick leave."""
    in_period = lambda day: start <= day <= end and day not in held  # noqa: E731
    # A monthly or weekly salary is paid by the pay run whether or not the employee worked
    # (calculation.salary_item): an absence takes its unpaid days off it. Hourly pay is
    # paid for the hours entered, so only sick pay is added.
    salaried = employment.pay_basis in Employment.Basis.salaried()
    if absence.kind != Absence.Kind.SICK:
        if absence.paid or not salaried:
            return AbsencePay()  # an hourly-paid employee is not paid for hours not worked
        away = rules.schedule_days(
            max(start, absence.start_date), min(end, absence.end_date), schedule(employment)
        )
        return AbsencePay(deduction=-sum((day_pay(employment, salary_cents, d) for d in away), 0))
    began = employment.start_date
    if employee is not None:
        began = sick_employment_start(employee, absence, employment)
    sick = rules.sick_pay(to_rule(absence), began, policy.sick_pay_weekdays, schedule(employment))
    paid = [d for d in sick.paid_days if in_period(d)]
    unpaid = [d for d in sick.unpaid_days if in_period(d)]
    unpaid_share = (rules.HUNDRED - sick.share_percent) / rules.HUNDRED
    if salaried:
        lost = sum((day_pay(employment, salary_cents, d) for d in unpaid), Decimal(0))
        lost += sum((day_pay(employment, salary_cents, d) for d in paid), Decimal(0)) * (
            unpaid_share
        )
        return AbsencePay(deduction=-lost)
    hours = day_hours(employment) * len(paid)
    price = hour_rate(employment, salary_cents) * sick.share_percent / rules.HUNDRED
    return AbsencePay(sick_hours=hours, sick_price=price)


def _absence_items(period, payment_date, employees, by_employee, policy) -> list[PayItem]:
    """The lines ``by_employee``'s absences make in the pay period ``period`` (first, last
    day) of ``employees`` paid on ``payment_date`` (unsaved, without a run): a negative pay
    correction for the unpaid working days of a monthly or weekly-paid employee (a day of a
    weekly salary: the salary / the schedule's days a week, :func:`day_pay`), sick pay (hours
    x the hourly wage x the TSL 2:11 share) for an hourly-paid one."""
    items = []
    sick = [
        pk
        for pk, absences in by_employee.items()
        if any(a.kind == Absence.Kind.SICK for a in absences)
    ]
    held = held_holiday_days(sick, *period) if sick else {}
    for employee in employees:
        employment = employment_on(employee, payment_date)
        salary = salary_on(employment, payment_date) if employment else None
        if not salary:
            continue
        for absence in by_employee.get(employee.pk, []):
            pay = absence_pay(
                absence,
                employment,
                salary,
                *period,
                policy,
                employee,
                held.get(employee.pk, frozenset()),
            )
            source = f"{ABSENCE_SOURCE}{absence.pk}"
            if pay.deduction:
                items.append(
                    PayItem(
                        employee=employee,
                        wage_type="pay_correction",
                        amount_cents=int(cents(pay.deduction) * 100),
                        source=source,
                    )
                )
            if pay.sick_hours:
                items.append(
                    PayItem(
                        employee=employee,
                        wage_type=SICK_PAY,
                        quantity=pay.sick_hours.quantize(Decimal("0.01")),
                        unit_price=pay.sick_price.quantize(Decimal("0.0001")),
                        source=source,
                    )
                )
    return items


def _item_key(item: PayItem) -> tuple:
    price = None if item.unit_price is None else Decimal(item.unit_price).normalize()
    return (item.employee_id, item.source, item.wage_type, price)


def _item_size(item: PayItem) -> Decimal:
    return Decimal(item.quantity) if item.quantity is not None else Decimal(item.amount_cents or 0)


def _differences(wanted: list[PayItem], existing) -> list[PayItem]:
    """Lines that bring ``existing`` (the lines already paid) to ``wanted``: for each employee,
    absence, wage type and unit price the difference in euros (a pay correction) or in hours
    (sick pay at the same hourly price; a price no longer wanted is taken back whole). Lines
    that are already right give none."""
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    hours: set[tuple] = set()
    for item in wanted:
        totals[_item_key(item)] += _item_size(item)
        if item.quantity is not None:
            hours.add(_item_key(item))
    for item in existing:
        totals[_item_key(item)] -= _item_size(item)
        if item.quantity is not None:
            hours.add(_item_key(item))
    items = []
    for key, size in totals.items():
        if not size:
            continue
        employee_id, source, wage_type, price = key
        if key in hours:
            item = PayItem(
                employee_id=employee_id,
                wage_type=wage_type,
                quantity=size,
                unit_price=price,
                source=source,
            )
        else:
            item = PayItem(
                employee_id=employee_id, wage_type=wage_type, amount_cents=int(size), source=source
            )
        items.append(item)
    return items


def _correction_items(run: PayRun, absence_ids) -> list[PayItem]:
    """The absence lines of the correction ``run``: the difference between the lines its
    employees' absences make in the original pay period (as this correction and the settled
    corrections before it change them, :mod:`.absence_view`; the original's payment date
    gives the salary) and the absence lines the original run and its settled corrections
    already paid. Only of ``absence_ids`` when given."""
    from .absence_view import SETTLED, as_changed, changes_in_view

    original = run.corrects
    start, end = original.period_start, original.period_end
    employees = list(run.employees.prefetch_related("employments__salaries"))
    changes = changes_in_view(original, run)
    rows = Absence.objects.filter(employee__in=employees).filter(
        Q(start_date__lte=end, end_date__gte=start) | Q(pk__in=changes)
    )
    existing = PayItem.objects.filter(
        Q(pay_run=original)
        | Q(
            pay_run__corrects=original,
            pay_run__kind=PayRun.Kind.CORRECTION,
            pay_run__status__in=SETTLED,
        ),
        employee__in=employees,
        source__startswith=ABSENCE_SOURCE,
    ).exclude(pay_run=run)
    if absence_ids is not None:
        rows = rows.filter(pk__in=absence_ids)
        existing = existing.filter(source__in=[f"{ABSENCE_SOURCE}{pk}" for pk in absence_ids])
    by_employee: dict[int, list[Absence]] = defaultdict(list)
    for absence in as_changed(rows.order_by("start_date", "pk"), changes):
        if absence.start_date <= end and absence.end_date >= start:
            by_employee[absence.employee_id].append(absence)
    for absences in by_employee.values():
        absences.sort(key=lambda a: (a.start_date, a.pk))
    wanted = _absence_items(
        (start, end), original.payment_date, employees, by_employee, policy_for(run.company)
    )
    return _differences(wanted, list(existing))


def replace_absence_lines(run: PayRun, absence_ids=None) -> int:
    """Replace the draft ``run``'s lines generated from absences (only those of
    ``absence_ids`` when given) with fresh ones, and leave it to be calculated again; the
    number of lines. No permission check and no audit event: :func:`absence_lines` and the
    services that refresh a draft as a consequence of their own change
    (:mod:`.absence_follow`) call it."""
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    _check_draft(run)
    old = PayItem.objects.filter(pay_run=run, source__startswith=ABSENCE_SOURCE)
    if absence_ids is not None:
        old = old.filter(source__in=[f"{ABSENCE_SOURCE}{pk}" for pk in absence_ids])
    old.delete()
    if run.kind == PayRun.Kind.CORRECTION:
        items = _correction_items(run, absence_ids)
    else:
        employees = run.employees.all()
        if absence_ids is not None:  # only the employees of those absences
            employees = employees.filter(
                pk__in=Absence.objects.filter(pk__in=absence_ids).values("employee_id")
            )
        employees = list(employees.prefetch_related("employments__salaries"))
        absences = Absence.objects.filter(
            employee__in=employees,
            start_date__lte=run.period_end,
            end_date__gte=run.period_start,
        ).order_by("start_date")
        if absence_ids is not None:
            absences = absences.filter(pk__in=absence_ids)
        by_employee: dict[int, list[Absence]] = {}
        for absence in absences:
            by_employee.setdefault(absence.employee_id, []).append(absence)
        items = _absence_items(
            (run.period_start, run.period_end),
            run.payment_date,
            employees,
            by_employee,
            policy_for(run.company),
        )
    for item in items:
        item.pay_run = run
    PayItem.objects.bulk_create(items)
    # The notices of absences changed since (services.absence_follow) are answered by it.
    notices = [
        notice
        for notice in run.absence_notices
        if absence_ids is not None and notice["absence"] not in absence_ids
    ]
    PayRun.objects.filter(pk=run.pk).update(
        stale=True, revision=F("revision") + 1, absence_notices=notices
    )
    return len(items)


@transaction.atomic
def absence_lines(actor, run: PayRun, absence_ids=None) -> int:
    """Replace the run's lines generated from absences with fresh ones: for each employee of
    the run and each absence within the run's period, a negative pay correction for the
    unpaid working days of a monthly or weekly-paid employee, and sick pay (hours x the hourly wage x
    the TSL 2:11 share) for an hourly-paid one. Returns the number of lines.

    On a correction run the lines are the differences from what the original run and its
    settled corrections already paid for the absences (:func:`_correction_items`): nothing
    is paid or deducted twice, and an absence changed or removed with the correction has its
    lines corrected. ``absence_ids``: only the lines of those absences are replaced. The
    run's notices of absences changed since its lines were made (:mod:`.absence_follow`)
    go with them."""
    require(actor, run.company, "payroll.manage")
    count = replace_absence_lines(run, absence_ids)
    audit.record(
        actor.user, "absence_lines", run, company=run.company, changes={"lines": [None, count]}
    )
    return count


# -- Kela ----------------------------------------------------------------------------------
def kela_application(actor, absence: Absence) -> dict:
    """The data of the employer's application for the sickness allowance of a sick leave:
    the period, the waiting period, the reimbursed weekdays, the wages paid for them, the
    annual income from the employee's approved payslips and the amount by Kela's formula
    (tase.rules.absences.reimbursement). Reads only."""
    require(actor, absence.company, "payroll.view")
    if absence.kind != Absence.Kind.SICK:
        raise ValidationError({"kind": _("Only a sick leave is reimbursed by Kela.")})
    employee = absence.employee
    employment = employment_on(employee, absence.start_date)
    salary = salary_on(employment, absence.start_date) if employment else None
    if not salary:
        raise ValidationError(
            {"start_date": _("The employee has no salary on the first day of the absence.")}
        )
    policy = policy_for(absence.company)
    sick = rules.sick_pay(
        to_rule(absence), employment.start_date, policy.sick_pay_weekdays, schedule(employment)
    )
    after_waiting = [d for d in sick.paid_days if d > sick.waiting_end]
    share = sick.share_percent / rules.HUNDRED
    wages_paid = cents(
        sum((day_pay(employment, salary, d) for d in after_waiting), Decimal(0)) * share
    )
    first, last = rules.income_months(absence.start_date)
    annual = Payslip.objects.filter(
        employee=employee,
        pay_run__status__in=LOCKED,
        payment_date__range=(first, last),
    ).aggregate(total=Sum("gross_cents"))["total"]
    try:
        result = rules.reimbursement(
            Decimal(annual or 0) / 100,
            absence.start_date,
            len(sick.reimbursed_weekdays),
            wages_paid,
        )
    except ParameterError as error:  # Kela's formula of that year is not entered (yet)
        raise ValidationError({"start_date": str(error)}) from None
    return {
        "absence_id": absence.pk,
        "employee_id": employee.pk,
        "employee": employee.name,
        "start_date": absence.start_date,
        "end_date": absence.end_date,
        "waiting_period_end": sick.waiting_end,
        "employer_paid_days": len(sick.paid_days),
        "pay_share_percent": sick.share_percent,
        "reimbursed_from": sick.reimbursed_weekdays[0] if sick.reimbursed_weekdays else None,
        "reimbursed_to": sick.reimbursed_weekdays[-1] if sick.reimbursed_weekdays else None,
        "reimbursed_weekdays": result.weekdays,
        "wages_paid": result.wages_paid,
        "income_from": first,
        "income_to": last,
        "annual_income": result.annual_income,
        "daily_allowance": result.daily_allowance,
        "amount": result.amount,
        "basis": result.basis,
        "source": f"{sick.source}; {result.source}",
    }
