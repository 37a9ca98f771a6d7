"""Recorded annual holidays: each employee's earning per credit year from their approved
payslips and absences (tase.rules.holidays and tase.rules.absences), balances, planning and
recording holidays (refused beyond the balance), saved leave, and the pay-run lines of the
holidays. The holiday-pay liability (services.liability) reads the same :class:`Ledger`.

A company's data is read once into a :class:`Ledger` (employments with salaries, the
monthly wages of approved payslips, absences and holiday records), so balances of every
employee cost a handful of queries, not a few per employee.

The credit-year computation is batched per company: the month-by-month days and hours of
an employment shape (its dates, days a week, weekly hours and absences) are counted once and
shared by every employee of that shape, and the holiday rules run once per distinct input
(employees with the same months, salary and wages share the result).

Assumptions, stated in docs/holidays.md: the days worked in a month are its working days
(Monday to Friday, public holidays not counted) of employment less the working days absent
plus those equated to work, times the contract's working days a week / 5 (rounded half up);
the earning rule follows the days a week (6 §: fewer than three and a half give the 35-hour
rule), and the average daily wage is adjusted by them (11 § 3 mom.); an hourly-paid
employee's wages of a month are the gross pay of the approved payslips paid in it, with the
overtime increments and hours the payslips recorded (11 § 2 mom.).

Two additions to the wages, as the holiday calculator takes them (its ``other_pay`` and
``absence_wages``): a monthly-paid employee's other pay besides the salary, which each
payslip records when calculated (the lines of wage types the catalogue marks
``holiday_other_pay``; vuosilomalaki 10 § 1 mom., second sentence: its share is added to the
holiday pay by 11 § 1-2 mom.); and the pay lost in absences equated to work (12 § 2 mom.:
sick leave after the employer's sick-pay period, unpaid family leave and lay-off, each
within the limits of 7 §; :func:`tase.rules.absences.lost_pay_days`), a working day at the
pay of that day (:func:`.absences.day_pay`: a monthly salary over the month's working days, an
hourly wage times a working day's hours, the salary in force on the day), each month's sum
rounded to the cent, half up, added to the basis of the percentage-based holiday pay.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.rules import absences as calendar
from tase.rules import holidays as rules
from tase.rules.parameters import value_at
from tase.rules.payroll import cents

from ..models import (
    Absence,
    Employee,
    Employment,
    HolidayPolicy,
    HolidayRecord,
    PayItem,
    PayRun,
    Payslip,
    SalaryChange,
)
from .absences import LOCKED, check_dates, check_free, day_pay, policy_for, schedule, to_rule
from .calculation import HOLIDAY_COMPENSATION, holiday_basis_of_run
from .common import require
from .employees import employment_on, salary_on
from .pay_runs import _check_draft

HOLIDAY_SOURCE = "holiday:"
DATED = (HolidayRecord.Kind.PLANNED, HolidayRecord.Kind.TAKEN)
P_SAVING = "payroll.holidays.saving.days_kept"
P_SAVING_AGREED = "payroll.holidays.saving.agreed_days_kept"
ZERO = Decimal(0)
NO_WAGES = (0, 0, 0, ZERO)


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
    # (employee, year, month) -> (gross pay, overtime increments in it, other pay besides a
    # salary in it (10 § 1 mom.): cents; overtime hours)
    wages: dict[tuple[int, int, int], tuple[int, int, int, Decimal]] = field(default_factory=dict)
    absences: dict[int, list[Absence]] = field(default_factory=lambda: defaultdict(list))
    records: dict[int, list[HolidayRecord]] = field(default_factory=lambda: defaultdict(list))
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
    results: dict[rules.HolidayInput, rules.HolidayResult] = field(default_factory=dict)

    @property
    def since(self) -> dt.date:
        """The first day of the wages and absences read: two credit years before the one
        ``on`` is in."""
        return dt.date(credit_year_end(self.on).year - 3, 4, 1)


def load(company: Company, on: dt.date, employees=None) -> Ledger:
    """Read ``company``'s employees (or the given queryset of them) and their holiday data:
    two credit years back from ``on``."""
    chosen = employees if employees is not None else Employee.objects.filter(company=company)
    rows = list(chosen.order_by("last_name", "first_name", "pk"))
    # One query per table for the whole company (a subquery picks the employees): no related
    # managers per employee, no list of ids as parameters.
    ids = chosen.filter(company=company).values("pk")
    book = Ledger(company, on, policy_for(company), rows)
    since = book.since
    for row in rows:
        book.employments[row.pk] = []
    for employment in Employment.objects.filter(company=company, employee_id__in=ids):
        book.employments.setdefault(employment.employee_id, []).append(employment)
        book.salaries[employment.pk] = []
    for salary in SalaryChange.objects.filter(
        employment__company=company, employment__employee_id__in=ids
    ).order_by("valid_from", "pk"):
        book.salaries.setdefault(salary.employment_id, []).append(salary)
    slips = (
        Payslip.objects.filter(
            company=company,
            employee_id__in=ids,
            pay_run__status__in=LOCKED,
            payment_date__range=(since, on),
        )
        .annotate(y=ExtractYear("payment_date"), m=ExtractMonth("payment_date"))
        .values("employee_id", "y", "m")
        .annotate(
            total=Sum("gross_cents"),
            increments=Sum("overtime_increment_cents"),
            other=Sum("holiday_other_pay_cents"),
            hours=Sum("overtime_hours"),
        )
    )
    book.wages = {
        (row["employee_id"], row["y"], row["m"]): (
            row["total"],
            row["increments"] or 0,
            row["other"] or 0,
            Decimal(row["hours"] or 0),
        )
        for row in slips
    }
    for absence in Absence.objects.filter(employee_id__in=ids, end_date__gte=since):
        book.absences[absence.employee_id].append(absence)
    # Saved leave is kept over several years (27 §): its records are read whatever their age.
    for record in HolidayRecord.objects.filter(
        Q(credit_year_end__gte=dt.date(since.year + 1, 3, 31))
        | Q(kind=HolidayRecord.Kind.SAVED)
        | Q(from_saved=True),
        employee_id__in=ids,
    ):
        book.records[record.employee_id].append(record)
    return book


# -- earning -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Earning:
    """One employee's credit year: days earned (by ``upto``) and a holiday day's pay;
    ``other_day_pay``: of the day's pay, the share of other pay besides a kept salary (10 §
    1 mom.), which a pay run adds on top of the salary rather than taking from it."""

    year_end: dt.date
    days: int
    day_pay: Decimal
    method: str
    result: rules.HolidayResult | None
    other_day_pay: Decimal = ZERO


def _salary_on(book: Ledger, employment: Employment, day: dt.date) -> int:
    rows = [s for s in book.salaries.get(employment.pk, []) if s.valid_from <= day]
    return rows[-1].amount_cents if rows else 0


def _employment_for(book: Ledger, employee: Employee, start, end) -> Employment | None:
    overlapping = [
        e
        for e in book.employments.get(employee.pk, [])
        if e.start_date <= end and (e.end_date is None or e.end_date >= start)
    ]
    return max(overlapping, key=lambda e: e.start_date, default=None)


def _shape(book: Ledger, employee: Employee, employment: Employment, year_end, upto):
    """The credit year's months of an employment as (year, month, days, hours, equated
    days, equated hours), up to ``upto``; counted once per shape and shared."""
    absences = book.absences.get(employee.pk) or ()
    key = (
        employment.start_date,
        employment.end_date,
        Decimal(employment.days_per_week),
        Decimal(employment.weekly_hours),
        employment.working_weekdays,
        tuple((a.kind, a.start_date, a.end_date, a.paid) for a in absences),
        year_end,
        upto,
    )
    if key in book.shapes:
        return book.shapes[key]
    start = dt.date(year_end.year - 1, 4, 1)
    # The employee's own working weekdays when the employment gives them: their days are
    # counted as such; otherwise Monday to Friday scaled by the days a week.
    schedule = employment.working_weekdays or calendar.FIVE_DAY_WEEK
    effects = (
        calendar.month_effects([to_rule(a) for a in absences], start, year_end, schedule)
        if absences
        else {}
    )
    per_week = Decimal(employment.days_per_week)
    hours_a_day = Decimal(employment.weekly_hours) / per_week
    scale = per_week / 5

    def scaled(days: int) -> int:
        if per_week == 5 or employment.working_weekdays:
            return days
        return int((days * scale).to_integral_value(rounding=ROUND_HALF_UP))

    months = []
    first = max(start, employment.start_date).replace(day=1)
    while first <= min(year_end, upto):
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if last > upto:
            break
        employed_from = max(first, employment.start_date)
        employed_to = min(last, employment.end_date or last)
        effect = effects.get((first.year, first.month), calendar.MonthEffect())
        scheduled = len(calendar.schedule_days(employed_from, employed_to, schedule))
        days = max(scheduled - effect.absent, 0)
        days = scaled(days + effect.equated)
        equated = min(scaled(effect.equated), days)
        months.append(
            (first.year, first.month, days, hours_a_day * days, equated, hours_a_day * equated)
        )
        first = last + dt.timedelta(days=1)
    book.shapes[key] = tuple(months)
    return book.shapes[key]


def _absence_wages(
    book: Ledger, employee: Employee, employment: Employment, year_end, upto
) -> dict[tuple[int, int], int]:
    """Per month: the pay lost in absences equated to work that the percentage-based
    holiday pay adds (12 § 2 mom., :func:`tase.rules.absences.lost_pay_days`), in cents:
    each lost working day at :func:`.absences.day_pay` of the salary in force on it (12 § 2
    mom.: the pay at the absence's start with the raises during it, by the average weekly
    working time), the month's sum rounded to the cent, half up."""
    absences = book.absences.get(employee.pk)
    if not absences:
        return {}
    start = dt.date(year_end.year - 1, 4, 1)
    last = min(year_end, upto, employment.end_date or year_end)
    days = calendar.lost_pay_days(
        [to_rule(a) for a in absences],
        start,
        year_end,
        employment.start_date,
        book.policy.sick_pay_weekdays,
        schedule(employment),
    )
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for day in days:
        if employment.start_date <= day <= last:
            pay = day_pay(employment, _salary_on(book, employment, day), day)
            totals[calendar.month_key(day)] += pay
    return {key: int(cents(amount) * 100) for key, amount in totals.items()}


def _months(book: Ledger, employee: Employee, employment: Employment, year_end, upto):
    """The rules' months: the shape's days and hours with the employee's wages, other pay
    (a monthly salary's only) and lost pay of absences (the same shape and pay give the same
    tuple, built once)."""
    shape = _shape(book, employee, employment, year_end, upto)
    monthly = employment.pay_basis == Employment.Basis.MONTHLY
    lost = _absence_wages(book, employee, employment, year_end, upto)
    wages = []
    for row in shape:
        gross, increments, other, hours = book.wages.get((employee.pk, row[0], row[1]), NO_WAGES)
        wages.append((gross, increments, hours, other if monthly else 0, lost.get(row[:2], 0)))
    wages = tuple(wages)
    key = (id(shape), wages)  # the shape is held in book.shapes: its id stays its own
    if key not in book.months:
        book.months[key] = tuple(
            rules.Month(
                year,
                month,
                days_worked=days,
                hours_worked=hours,
                wages=Decimal(gross) / 100,
                overtime_increments=Decimal(increments) / 100,
                overtime_hours=overtime_hours,
                equated_days=equated,
                equated_hours=equated_hours,
                other_pay=Decimal(other) / 100,
                absence_wages=Decimal(absent) / 100,
            )
            for (year, month, days, hours, equated, equated_hours), (
                gross,
                increments,
                overtime_hours,
                other,
                absent,
            ) in zip(shape, wages, strict=True)
        )
    return book.months[key]


def earning(
    book: Ledger, employee: Employee, year_end: dt.date, upto=None, *, days_only=False
) -> Earning:
    """Days earned in the credit year ending ``year_end`` by ``upto`` (its full months) and
    the pay of one holiday day: the holiday pay by the method the Act gives divided by the
    days, or for a monthly salary 1/25 of it (17 § 3 mom.) when no day was earned yet.
    ``days_only``: the days alone (6 §, 5 § 1 mom., 17 § 2 mom.), without the pay."""
    upto = min(upto or book.on, year_end)
    key = (employee.pk, year_end, upto)
    if key in book.earnings:
        return book.earnings[key]
    if days_only:
        days_key = (employee.pk, year_end, upto, "days")
        if days_key not in book.earnings:
            book.earnings[days_key] = _earning(book, employee, year_end, upto, days_only=True)
        return book.earnings[days_key]
    book.earnings[key] = _earning(book, employee, year_end, upto)
    return book.earnings[key]


def _earning(
    book: Ledger, employee: Employee, year_end: dt.date, upto: dt.date, days_only=False
) -> Earning:
    employment = _employment_for(book, employee, dt.date(year_end.year - 1, 4, 1), year_end)
    if employment is None:
        return Earning(year_end, 0, ZERO, "", None)
    salary = _salary_on(book, employment, min(upto, employment.end_date or upto))
    monthly = employment.pay_basis == Employment.Basis.MONTHLY
    months = _months(book, employee, employment, year_end, upto)
    divisor = value_at(rules.P_DAY_DIVISORS, year_end)["monthly"]
    fallback = (Decimal(salary) / 100 / divisor) if monthly else ZERO
    if not months:
        return Earning(year_end, 0, cents(fallback), "", None)
    per_week = Decimal(employment.days_per_week)
    data = rules.HolidayInput(
        credit_year_end=year_end,
        employment_start=employment.start_date,
        employment_end=employment.end_date,
        pay_basis="monthly" if monthly else "hourly",
        earning_rule=rules.earning_rule_for(per_week, year_end),
        days_per_week=per_week,
        months=months,
        monthly_salary=Decimal(salary) / 100 if monthly else None,
        holiday_bonus_percent=Decimal(book.policy.holiday_bonus_percent),
    )
    try:
        if days_only:  # the months are built here, within the year and the employment
            full, _joined = rules.full_months(data)
            days, _rate = rules.earned_days(full, rules.long_employment(data), year_end)
            return Earning(year_end, days, ZERO, "", None)
        result = book.results.get(data)
        if result is None:  # the rules once per distinct input
            result = book.results[data] = rules.calculate(data, check=False)
    except rules.HolidayInputError as error:
        raise ValidationError(
            {"employee": f"{employee.name}: {error.field}: {error.text}"}
        ) from None
    total = result.holiday_pay + result.compensation
    if not result.earned_days:
        return Earning(year_end, 0, cents(fallback), result.method, result)
    return Earning(
        year_end,
        result.earned_days,
        cents(total / result.earned_days),
        result.method,
        result,
        cents(result.other_pay_share / result.earned_days),
    )


# -- balances ------------------------------------------------------------------------------
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

    @property
    def left(self) -> int:
        return self.earned + self.carried_over - self.taken - self.planned - self.saved

    @property
    def saved_left(self) -> int:
        return self.saved - self.saved_used


def _used(records, year_end: dt.date) -> dict[str, int]:
    """The credit year's days by kind; holidays taken from its saved leave under "from_saved"
    (they use the saved days, not the ordinary balance)."""
    used = {kind: 0 for kind in HolidayRecord.Kind.values} | {"from_saved": 0}
    for record in records:
        if record.credit_year_end == year_end:
            used["from_saved" if record.from_saved else record.kind] += record.days
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
    unused; one year back), taken, planned, saved and (the property) left."""
    records = book.records.get(employee.pk, [])
    now = earning(book, employee, year_end)
    previous_end = dt.date(year_end.year - 1, 3, 31)
    before = earning(book, employee, previous_end, days_only=True)
    used_before = _used(records, previous_end)
    carried = max(before.days - sum(used_before.values()) + used_before["from_saved"], 0)
    used = _used(records, year_end)
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
    )


def balances(
    company: Company, year_end: dt.date, on: dt.date | None = None, employees=None
) -> list[Balance]:
    """Every employee's (or the given employees') balance of the credit year ending
    ``year_end``, at ``on``."""
    chosen = (
        None if employees is None else Employee.objects.filter(pk__in=[e.pk for e in employees])
    )
    book = load(company, on or dt.date.today(), chosen)
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
    """Holiday days of the credit year's planned and taken holidays on or before ``on``, and
    its days saved as saved leave (those are in the saved leave, :func:`saved_left`)."""
    used = 0
    for record in book.records.get(employee_id, []):
        if record.credit_year_end != year_end or record.from_saved:
            continue
        if record.kind in DATED and record.start_date <= on:
            used += calendar.holiday_days(record.start_date, min(record.end_date, on))
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

    @property
    def days(self) -> int:
        return self.ended_days + self.current_days + self.saved_days


def unused(book: Ledger, employee: Employee, on: dt.date) -> Unused:
    """The days not used at the end of ``on`` and their pay: the last ended credit year's
    days (earned and carried over, less those used and saved by then) and the saved leave
    at that year's day pay (27 § 4 mom.: saved leave is paid by the credit year before it
    is taken), the current year's days earned by then at its day pay. The holiday-pay
    liability and the holiday compensation at the end of an employment (17 §) alike."""
    current = credit_year_end(on)
    ended = dt.date(current.year - 1, 3, 31)
    last = balance(book, employee, ended)
    ended_days = max(last.earned + last.carried_over - used_by(book, employee.pk, ended, on), 0)
    now = earning(book, employee, current, on)
    current_days = max(now.days - used_by(book, employee.pk, current, on), 0)
    saved_days = sum(saved_left(book, employee.pk, on).values())
    pay = cents(last.day_pay * (ended_days + saved_days) + now.day_pay * current_days)
    return Unused(ended_days, current_days, saved_days, pay)


# -- recording -----------------------------------------------------------------------------
def _year_end(value, start: dt.date | None) -> dt.date:
    if value in (None, ""):
        if start is None:
            raise ValidationError({"credit_year_end": _("Give the credit year.")})
        return year_used_by(start)
    day = value if isinstance(value, dt.date) else None
    if day is None:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError({"credit_year_end": _("Enter a date.")}) from None
    if (day.month, day.day) != (3, 31):
        raise ValidationError({"credit_year_end": _("A credit year ends on 31 March.")})
    return day


def _refuse_beyond(left: int, days: int, year_end: dt.date, field_name: str) -> None:
    if days > left:
        raise ValidationError(
            {
                field_name: _(
                    "%(days)s holiday days asked, but only %(left)s are left of the credit "
                    "year ending %(end)s."
                )
                % {
                    "days": days,
                    "left": max(left, 0),
                    "end": date_format(year_end, "SHORT_DATE_FORMAT"),
                }
            }
        )


@transaction.atomic
def record_holiday(
    actor,
    employee: Employee,
    *,
    start_date,
    end_date,
    kind="planned",
    credit_year_end=None,
    note="",
    from_saved=False,
) -> HolidayRecord:
    """Plan or record a holiday: its holiday days (vuosilomalaki 3 § 2 mom.) from the credit
    year given (by default the last one ended before it starts). Refused beyond the balance,
    over another holiday or absence, or outside the employment. ``from_saved``: saved leave
    taken (27 § 3 mom.), from the saved days of the year given (by default the oldest year
    with saved days left), refused beyond them."""
    require(actor, employee.company, "payroll.manage")
    if kind not in DATED:
        raise ValidationError({"kind": _("Choose planned or taken.")})
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    start, end = check_dates(employee, start_date, end_date)
    days = calendar.holiday_days(start, end)
    if days == 0:
        raise ValidationError({"end_date": _("The dates hold no holiday days.")})
    check_free(employee, start, end, "start_date")
    if from_saved:
        year_end = _saved_year(employee, credit_year_end, days)
    else:
        year_end = _year_end(credit_year_end, start)
        book = load(
            employee.company,
            max(dt.date.today(), year_end),
            Employee.objects.filter(pk=employee.pk),
        )
        _refuse_beyond(balance(book, book.employees[0], year_end).left, days, year_end, "end_date")
    record = HolidayRecord.objects.create(
        company=employee.company,
        employee=employee,
        credit_year_end=year_end,
        kind=kind,
        start_date=start,
        end_date=end,
        days=days,
        from_saved=bool(from_saved),
        note=(note or "")[:200],
    )
    audit.record(
        actor.user,
        "create",
        record,
        company=employee.company,
        changes={
            "kind": [None, kind],
            "dates": [None, f"{start}/{end}"],
            "days": [None, days],
            "from_saved": [None, bool(from_saved)],
        },
    )
    return record


def _saved_year(employee: Employee, credit_year_end, days: int) -> dt.date:
    """The credit year whose saved days a saved leave of ``days`` uses: the one given, or
    the oldest with saved days left; refused (naming ``end_date``) beyond its saved days."""
    book = load(employee.company, dt.date.today(), Employee.objects.filter(pk=employee.pk))
    pool = saved_left(book, employee.pk)
    if credit_year_end in (None, ""):
        if not pool:
            raise ValidationError({"end_date": _("The employee has no saved leave left.")})
        year_end = next(iter(pool))
    else:
        year_end = _year_end(credit_year_end, None)
    _refuse_beyond(pool.get(year_end, 0), days, year_end, "end_date")
    return year_end


@transaction.atomic
def save_leave(
    actor, employee: Employee, *, credit_year_end, days, note="", agreed=True
) -> HolidayRecord:
    """Saved leave (säästövapaa, vuosilomalaki 27 § 1 mom.): by agreement with the employer
    the days beyond the first 18 of the credit year may be saved; without one, the employee's
    own right covers the days beyond 24. The days are kept for the credit year they were
    saved from and taken later (:func:`record_holiday` with ``from_saved``)."""
    require(actor, employee.company, "payroll.manage")
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    year_end = _year_end(credit_year_end, None)
    try:
        count = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Enter a whole number.")}) from None
    if count <= 0:
        raise ValidationError({"days": _("Enter a number above zero.")})
    book = load(
        employee.company, max(dt.date.today(), year_end), Employee.objects.filter(pk=employee.pk)
    )
    current = balance(book, book.employees[0], year_end)
    kept = int(value_at(P_SAVING_AGREED if agreed else P_SAVING, year_end))
    savable = current.earned - kept - current.saved
    _refuse_beyond(min(current.left, savable), count, year_end, "days")
    record = HolidayRecord.objects.create(
        company=employee.company,
        employee=employee,
        credit_year_end=year_end,
        kind=HolidayRecord.Kind.SAVED,
        days=count,
        note=(note or "")[:200],
    )
    audit.record(
        actor.user,
        "create",
        record,
        company=employee.company,
        changes={"days": [None, count], "agreed": [None, bool(agreed)]},
    )
    return record


@transaction.atomic
def mark_taken(actor, record: HolidayRecord) -> HolidayRecord:
    require(actor, record.company, "payroll.manage")
    if record.kind != HolidayRecord.Kind.PLANNED:
        raise ValidationError({"kind": _("Only a planned holiday can be marked taken.")})
    record.kind = HolidayRecord.Kind.TAKEN
    record.save(update_fields=["kind"])
    audit.record(
        actor.user, "update", record, company=record.company, changes={"kind": ["planned", "taken"]}
    )
    return record


@transaction.atomic
def delete_holiday(actor, record: HolidayRecord) -> None:
    require(actor, record.company, "payroll.manage")
    audit.record(
        actor.user, "delete", record, company=record.company, changes={"days": [record.days, None]}
    )
    record.delete()


# -- pay-run lines -------------------------------------------------------------------------
def _ending_within(book: Ledger, employee: Employee, run: PayRun) -> Employment | None:
    """The employee's employment that ends within the run's period, if one does."""
    return next(
        (
            e
            for e in book.employments.get(employee.pk, [])
            if e.end_date is not None and run.period_start <= e.end_date <= run.period_end
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
    first = credit_year_end(employment.start_date)
    last = credit_year_end(end)
    _read_earlier_absences(book, employee, employment)
    year_end = last
    while year_end >= first:
        if earning(book, employee, year_end, end, days_only=True).days:
            return ZERO
        year_end = dt.date(year_end.year - 1, 3, 31)
    basis, paid = _employment_pay(book, employee, employment, end)
    items = [
        item
        for item in PayItem.objects.filter(pay_run=run, employee=employee)
        if not item.source.startswith(HOLIDAY_SOURCE)
    ]
    wages, compensation = holiday_basis_of_run(run, employee, employment, items)
    basis[credit_year_end(min(run.payment_date, end))] += wages
    years, year_end = [], first
    while year_end <= last:
        years.append((year_end, Decimal(basis[year_end]) / 100))
        year_end = dt.date(year_end.year + 1, 3, 31)
    pay = rules.no_holiday_compensation(
        employment.start_date, end, tuple(years), Decimal(paid + compensation) / 100
    )
    return pay.amount


def _read_earlier_absences(book: Ledger, employee: Employee, employment: Employment) -> None:
    """Add to ``book`` the employee's absences within the employment that ended before the
    ledger's first day, so its earlier credit years' earning counts them too."""
    if employment.start_date >= book.since:
        return
    book.absences[employee.pk] += Absence.objects.filter(
        employee=employee, end_date__gte=employment.start_date, end_date__lt=book.since
    )


def _employment_pay(
    book: Ledger, employee: Employee, employment: Employment, end: dt.date
) -> tuple[defaultdict, int]:
    """The employment's approved payslips in one query: the wages for time at work by credit
    year (cents; gross pay less the overtime increments and the holiday compensation), and
    the holiday compensation paid on them (cents)."""
    slips = Payslip.objects.filter(
        company=book.company,
        employee=employee,
        pay_run__status__in=LOCKED,
        payment_date__gte=employment.start_date,
    )
    later = [
        e.start_date
        for e in book.employments.get(employee.pk, [])
        if e.start_date > employment.start_date
    ]
    if later:
        slips = slips.filter(payment_date__lt=min(later))
    basis: defaultdict[dt.date, int] = defaultdict(int)
    paid = 0
    for day, gross, increments, lines in slips.order_by().values_list(
        "payment_date", "gross_cents", "overtime_increment_cents", "lines"
    ):
        compensation = sum(
            int(Decimal(line["amount"]) * 100)
            for line in lines
            if line.get("code") == HOLIDAY_COMPENSATION
        )
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
    items = [
        PayItem(
            pay_run=run,
            employee=employee,
            wage_type=HOLIDAY_COMPENSATION,
            amount_cents=int(pay * 100),
            source=source,
        )
    ]
    bonus = cents(pay * Decimal(book.policy.holiday_bonus_percent) / 100)
    if book.policy.bonus_on_compensation and bonus:
        items.append(
            PayItem(
                pay_run=run,
                employee=employee,
                wage_type="holiday_bonus",
                amount_cents=int(bonus * 100),
                source=source,
            )
        )
    return items


def _pay_year(record: HolidayRecord) -> dt.date:
    """The credit year whose day pay a holiday is paid at: its own; for saved leave the one
    before the leave begins (27 § 4 mom.: by 11 and 12 § the pay of the credit year preceding
    the start of the saved leave; by 10 § the salary, whose day is 1/25 of it)."""
    return year_used_by(record.start_date) if record.from_saved else record.credit_year_end


@transaction.atomic
def holiday_lines(actor, run: PayRun) -> int:
    """Replace the run's lines generated from holidays: for each planned or taken holiday of
    the run's employees within its period, the holiday pay of its days in the period (a day
    at the credit year's day pay: 1/25 of a monthly salary, or the holiday pay by 11 §
    divided by the days earned), and the holiday bonus at the company's rule. A monthly
    salary is kept: the salary line is lowered by the salary's part of the month's holiday
    pay; the share of other pay besides the salary (10 § 1 mom., second sentence) is paid on
    top of it, in the holiday pay line. When an
    employment ends within the period, the days not used by its last day (saved leave
    included) are paid as holiday compensation (vuosilomalaki 17 §, 27 § 4 mom.)."""
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
        if not records or employment is None:
            continue
        month_kept = ZERO  # the salary's part of the month's holiday pay
        for record in records:
            days = calendar.holiday_days(
                max(record.start_date, run.period_start), min(record.end_date, run.period_end)
            )
            earned = earning(book, employee, _pay_year(record))
            pay = cents(earned.day_pay * days)
            bonus = cents(pay * Decimal(book.policy.holiday_bonus_percent) / 100)
            month_kept += cents((earned.day_pay - earned.other_day_pay) * days)
            source = f"{HOLIDAY_SOURCE}{record.pk}"
            for code, amount in (("holiday_pay", pay), ("holiday_bonus", bonus)):
                if amount:
                    items.append(
                        PayItem(
                            pay_run=run,
                            employee=employee,
                            wage_type=code,
                            amount_cents=int(amount * 100),
                            source=source,
                        )
                    )
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
