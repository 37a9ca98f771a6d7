"""Earning: each employee's days earned in a credit year and a holiday day's pay, from the
:class:`.ledger.Ledger` by the holiday rules (tase.rules.holidays and tase.rules.absences).

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
``absence_wages``): a weekly or monthly-paid employee's other pay besides the salary, which each
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
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from tase.rules import absences as calendar
from tase.rules import holidays as rules
from tase.rules.parameters import value_at
from tase.rules.payroll import cents

from ...models import Employee, Employment
from ..absences import day_pay, schedule, to_rule
from .ledger import DATED, NO_WAGES, ZERO, Ledger


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


def chain(book: Ledger, employee: Employee, employment: Employment) -> list[Employment]:
    """``employment`` with the employee's employments it continues without a break, in date
    order: each earlier one ended the day before the next began. Tase records a change of
    the contract (days a week, pay basis) as the employment ended and a new one begun the
    next day; for the holiday rules they are one employment that has gone on uninterrupted
    (vuosilomalaki 5 § 1 mom., 17 § 1 mom.: "keskeytymättä jatkunut"), whose earning
    follows each contract in its own months."""
    rows = sorted(book.employments.get(employee.pk, []), key=lambda e: e.start_date)
    linked = [employment]
    for row in reversed(rows):
        if row.end_date is not None and row.end_date + dt.timedelta(days=1) == linked[0].start_date:
            linked.insert(0, row)
    return linked


def continues(book: Ledger, employee: Employee, employment: Employment) -> bool:
    """Whether another employment of the employee begins the day after ``employment`` ends
    (a changed contract, :func:`chain`): the employment has not ended."""
    if employment.end_date is None:
        return True
    following = employment.end_date + dt.timedelta(days=1)
    return any(e.start_date == following for e in book.employments.get(employee.pk, []))


def _chain_shape(book: Ledger, employee: Employee, employments: list[Employment], year_end, upto):
    """The months of the contracts of one employment (:func:`chain`), each contract's own
    months counted by its own shape, a month shared by two contracts summed."""
    if len(employments) == 1:
        return _shape(book, employee, employments[0], year_end, upto)
    key = ("chain", employee.pk, tuple(e.pk for e in employments), year_end, upto)
    if key not in book.shapes:
        merged: dict[tuple[int, int], list] = {}
        for employment in employments:
            for year, month, days, hours, equated, equated_hours in _shape(
                book, employee, employment, year_end, upto
            ):
                row = merged.setdefault((year, month), [0, ZERO, 0, ZERO])
                row[0] += days
                row[1] += hours
                row[2] += equated
                row[3] += equated_hours
        book.shapes[key] = tuple((*k, *v) for k, v in sorted(merged.items()))
    return book.shapes[key]


def _holidays_as_absences(book: Ledger, employee: Employee) -> list[calendar.Absence]:
    """The employee's planned and taken holidays (saved leave taken included) as equated
    absences of their own kind (:data:`tase.rules.absences.HOLIDAY`): their working days
    count for earning (7 § 1 mom.) but are not days worked in the divisor of the average
    daily wage (11 § 2 mom.: "tehtyjen työpäivien määrällä"), whose wages leave the holiday
    pay out (:attr:`.ledger.Ledger.wages`)."""
    return [
        calendar.Absence(calendar.HOLIDAY, r.start_date, r.end_date, True)
        for r in book.records.get(employee.pk) or ()
        if r.kind in DATED
    ]


def _rule_absences(book: Ledger, employee: Employee) -> tuple[calendar.Absence, ...]:
    """The employee's absences and holidays as the rules' absences, built once per employee
    (their counts in the key: more may be read into the ledger later, run_lines)."""
    pk = employee.pk
    recorded, holidays = book.absences.get(pk) or (), book.records.get(pk) or ()
    key = ("absences", pk, len(recorded), len(holidays))
    found = book.shapes.get(key)
    if found is None:
        holidays = _holidays_as_absences(book, employee)
        found = book.shapes[key] = tuple(
            [part for a in recorded for part in _outside_holidays(to_rule(a), holidays)] + holidays
        )
    return found


def _outside_holidays(absence: calendar.Absence, holidays) -> list[calendar.Absence]:
    """A sick leave without the days of the employee's holidays (a sick leave may fall on a
    holiday, vuosilomalaki 25 §): each day counts once for earning, as holiday (7 § 1 mom.),
    the days postponed for the incapacity too. Other absences never overlap a holiday."""
    if absence.kind != "sick":
        return [absence]
    parts = [absence]
    for holiday in holidays:
        rest = []
        for part in parts:
            if holiday.end < part.start or holiday.start > part.end:
                rest.append(part)
                continue
            if part.start < holiday.start:
                rest.append(replace(part, end=holiday.start - dt.timedelta(days=1)))
            if part.end > holiday.end:
                rest.append(replace(part, start=holiday.end + dt.timedelta(days=1)))
        parts = rest
    return parts


def _shape(book: Ledger, employee: Employee, employment: Employment, year_end, upto):
    """The credit year's months of an employment as (year, month, days, hours, equated
    days, equated hours), up to ``upto``; counted once per shape and shared."""
    absences = _rule_absences(book, employee)
    key = (
        employment.start_date,
        employment.end_date,
        Decimal(employment.days_per_week),
        Decimal(employment.weekly_hours),
        employment.working_weekdays,
        absences,
        year_end,
        upto,
    )
    if key in book.shapes:
        return book.shapes[key]
    start = dt.date(year_end.year - 1, 4, 1)
    # The employee's own working weekdays when the employment gives them: their days are
    # counted as such; otherwise Monday to Friday scaled by the days a week.
    schedule = employment.working_weekdays or calendar.FIVE_DAY_WEEK
    effects = calendar.month_effects(absences, start, year_end, schedule) if absences else {}
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
    book: Ledger, employee: Employee, employment: Employment, year_end, upto, kinds=None
) -> dict[tuple[int, int], int]:
    """Per month: the pay lost in absences equated to work that the percentage-based
    holiday pay adds (12 § 2 mom., :func:`tase.rules.absences.lost_pay_days`), in cents:
    each lost working day at :func:`.absences.day_pay` of the salary in force on it (12 § 2
    mom.: the pay at the absence's start with the raises during it, by the average weekly
    working time), the month's sum rounded to the cent, half up."""
    absences = book.absences.get(employee.pk)
    if kinds is not None:
        absences = [a for a in absences or () if a.kind in kinds]
    if not absences:
        return {}
    start = dt.date(year_end.year - 1, 4, 1)
    last = min(year_end, upto, employment.end_date or year_end)
    rule_absences = tuple(to_rule(a) for a in absences)
    # The days depend on the absences, the year and the employment's start and schedule:
    # employees with the same absences share them (kept with the shapes).
    key = ("lost", rule_absences, year_end, employment.start_date, schedule(employment))
    days = book.shapes.get(key)
    if days is None:
        days = book.shapes[key] = calendar.lost_pay_days(
            rule_absences,
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


def family_leave_lost_pay(
    book: Ledger, employee: Employee, employment: Employment, year_end: dt.date, upto: dt.date
) -> int:
    """The pay lost in pregnancy and parental leave in the credit year ending ``year_end`` by
    ``upto``, in cents: the 16 § compensation's basis adds it (vuosilomalaki 16 § 1 mom.,
    second sentence: "Jos työntekijä on ollut estynyt tekemästä työtä äitiys-,
    erityisäitiys-, isyys- tai vanhempainvapaan vuoksi, lomakorvauksen perusteena olevaan
    palkkaan lisätään poissaolon ajalta saamatta jäänyt palkka siten kuin 12 §:n 2
    momentissa säädetään", read at http://www.vuosilomaopas.fi/fi/lomakorvaus-2). The unpaid
    family leave's days equated to work within the 7 § limit, each at the day's pay, as the
    12 § 2 mom. addition counts them (:func:`_absence_wages`, family leave only), over the
    contracts of the employment (:func:`chain`) within the year."""
    year_start = dt.date(year_end.year - 1, 4, 1)
    total = 0
    for contract in chain(book, employee, employment):
        if contract.end_date is not None and contract.end_date < year_start:
            continue
        months = _absence_wages(book, employee, contract, year_end, upto, kinds=("family",))
        total += sum(months.values())
    return total


def _months(book: Ledger, employee: Employee, employments: list[Employment], year_end, upto):
    """The rules' months: the shape's days and hours with the employee's wages, other pay
    (a weekly or monthly salary's only, by the last contract) and lost pay of absences (the same shape
    and pay give the same tuple, built once). ``employments``: the contracts of one
    employment within the year (:func:`chain`), the last one's pay basis."""
    pk = employee.pk
    # An employee's months of a year by a date are asked for more than once (the days alone,
    # then the pay): built once. The absences and holidays are in the key as their counts:
    # those of earlier years may be read into the ledger later (run_lines).
    memo_key = (
        pk,
        tuple(e.pk for e in employments),
        year_end,
        upto,
        len(book.absences.get(pk) or ()),
        len(book.records.get(pk) or ()),
    )
    found = book.employee_months.get(memo_key)
    if found is not None:
        return found
    shape = _chain_shape(book, employee, employments, year_end, upto)
    # other pay besides a salary joins a weekly or monthly salary's holiday pay (10 § 1 mom.)
    salaried = employments[-1].pay_basis in Employment.Basis.salaried()
    lost: dict[tuple[int, int], int] = defaultdict(int)
    for employment in employments:
        for month, amount in _absence_wages(book, employee, employment, year_end, upto).items():
            lost[month] += amount
    wages = []
    paid = book.wages
    for row in shape:
        gross, increments, other, hours = paid.get((pk, row[0], row[1]), NO_WAGES)
        wages.append((gross, increments, hours, other if salaried else 0, lost.get(row[:2], 0)))
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
    found = book.employee_months[memo_key] = book.months[key]
    return found


def earning(
    book: Ledger, employee: Employee, year_end: dt.date, upto=None, *, days_only=False
) -> Earning:
    """Days earned in the credit year ending ``year_end`` by ``upto`` (its full months) and
    the pay of one holiday day: the holiday pay by the method the Act gives divided by the
    days, or for a monthly salary 1/25 and for a weekly one 1/6 of it (17 § 3 mom.) when no
    day was earned yet. ``days_only``: the days alone (6 §, 5 § 1 mom., 17 § 2 mom.), without the pay."""
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


def _day_divisor(book: Ledger, year_end: dt.date, basis: str = "monthly") -> Decimal:
    """The divisor of a salary's day (17 § 3 mom.: 25 for a monthly, 6 for a weekly salary),
    read once per year."""
    key = ("divisor", year_end, basis)
    if key not in book.shapes:
        book.shapes[key] = value_at(rules.P_DAY_DIVISORS, year_end)[basis]
    return book.shapes[key]


def hourly_earnings_hours(book: Ledger, basis: str, rule: str) -> Decimal | None:
    """The company's collective-agreement average-hourly-earnings method (``HolidayPolicy.
    average_hourly_earnings_hours``: hours per holiday day), for those it applies to: hourly
    and performance-paid employees under the 14-day rule, whose holiday pay it computes
    instead of the Act's 11 § (the Act lets an agreement depart from it, vuosilomalaki 30 §;
    :func:`tase.rules.holidays.average_hourly_earnings_pay`). None: the Act's method."""
    hours = getattr(book.policy, "average_hourly_earnings_hours", None)
    if hours is None or basis not in Employment.Basis.rated_by_hour() or rule != "14_days":
        return None
    return Decimal(hours)


def _compute(book: Ledger, employee: Employee, months, key):
    """The days earned (``days_only``) or the rules' result of one distinct input (``key``
    of :func:`_earning`)."""
    _months_id, year_end, start, end, basis, per_week, salary, days_only = key
    per_week = Decimal(per_week)
    rule = rules.earning_rule_for(per_week, year_end)
    # The employment's pay basis is the rules' own (monthly, weekly, hourly, performance):
    # the rules choose the Act's method for it (10 § 1 mom. salary kept, 11 § average
    # daily wage, 12 § percentage), or the agreement's average hourly earnings (30 §).
    data = rules.HolidayInput(
        credit_year_end=year_end,
        employment_start=start,
        employment_end=end,
        pay_basis=basis,
        earning_rule=rule,
        days_per_week=per_week,
        months=months,
        monthly_salary=Decimal(salary) / 100 if basis == "monthly" else None,
        weekly_salary=Decimal(salary) / 100 if basis == "weekly" else None,
        holiday_bonus_percent=Decimal(book.policy.holiday_bonus_percent),
        average_hourly_earnings_multiplier=hourly_earnings_hours(book, basis, rule),
    )
    try:
        if days_only:  # the months are built here, within the year and the employment
            full, _joined = rules.full_months(data)
            return rules.earned_days(full, rules.long_employment(data), year_end)[0]
        result = book.results.get(data)
        if result is None:  # the rules once per distinct input
            result = book.results[data] = rules.calculate(data, check=False)
    except rules.HolidayInputError as error:
        raise ValidationError(
            {"employee": f"{employee.name}: {error.field}: {error.text}"}
        ) from None
    return result


def _earning(
    book: Ledger, employee: Employee, year_end: dt.date, upto: dt.date, days_only=False
) -> Earning:
    year_start = dt.date(year_end.year - 1, 4, 1)
    # the employment of the year in force by ``upto`` (a later one is not yet begun: the
    # final pay of an employment that ended counts its own months)
    employment = _employment_for(book, employee, year_start, upto)
    if employment is None:
        return Earning(year_end, 0, ZERO, "", None)
    contracts = chain(book, employee, employment)
    within = [e for e in contracts if e.end_date is None or e.end_date >= year_start]
    salary = _salary_on(book, employment, min(upto, employment.end_date or upto))
    basis = str(employment.pay_basis)
    salaried = basis in Employment.Basis.salaried()
    months = _months(book, employee, within, year_end, upto)
    # no day earned yet: a kept salary's day is 1/25 of the monthly, 1/6 of the weekly
    # salary (17 § 3 mom.)
    fallback = (Decimal(salary) / 100 / _day_divisor(book, year_end, basis)) if salaried else ZERO
    if not months:
        return Earning(year_end, 0, cents(fallback), "", None)
    # 11 § 3 mom. by the last contract of the year: the Act speaks of one number of days a
    # week "sopimuksen mukaan", and no source was found for a number changed within the year
    # (docs/holidays.md, Not yet covered).
    per_week = employment.days_per_week
    # The rules' input is fixed by these and the months (one object per distinct months,
    # :func:`_months`): looked up by them, the input is built and hashed only once.
    key = (
        id(months),
        year_end,
        contracts[0].start_date,
        employment.end_date,
        basis,
        per_week,
        salary if salaried else None,
        days_only,
    )
    found = book.inputs.get(key)
    if found is None:
        found = book.inputs[key] = _compute(book, employee, months, key)
    if days_only:
        return Earning(year_end, found, ZERO, "", None)
    result = found
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
