"""What the Incomes Register (tulorekisteri) is told about a payslip, and by when.

Deadlines (vero.fi, "Ilmoittamisen määräajat",
https://www.vero.fi/tulorekisteri/yritykset-ja-organisaatiot/ilmoittamisen-maaraajat/ and
https://www.vero.fi/tulorekisteri/yritykset-ja-organisaatiot/suorituksen-maksajat/palkkatiedot/tyonantajan-erillisilmoitus-tulorekisterissa/):

- an earnings payment report (palkkatietoilmoitus) by the fifth calendar day after the payment
  date; Saturdays, Sundays and holidays count, but a fifth day that is a Saturday, Sunday or
  holiday moves to the next weekday;
- the employer's separate report (työnantajan erillisilmoitus) by the fifth day of the month
  after the month of payment; moved off a day off the same way (Act 150/1930 5 §, see
  :mod:`tase.rules.deadlines`).

Transactions: one per income type (tulolaji) with the sum of the payslip's lines of that type;
the statutory deductions from their engine lines: withholding 402, tax at source 404, the
employee's health insurance contributions withheld with tax at source 412, the employee's
TyEL contribution 413 and unemployment insurance contribution 414; a deduction before
withholding is its wage type's line, 419 (codes: vero.fi,
"Palkkojen tulolajit: 400-sarja",
https://www.vero.fi/tulorekisteri/yritykset-ja-organisaatiot/suorituksen-maksajat/palkkatiedot/palkkojen-tulolajit/palkkojen-tulolajit-400-sarja/,
and the official message examples). Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from tase.formats.incomes_register import (
    ALLOWANCE_FULL,
    ALLOWANCE_PARTIAL,
    CarBenefit,
    Transaction,
)
from tase.rules.deadlines import moved_to_weekday
from tase.rules.payroll_catalogue import IN_KIND, MONEY, PRE_TAX, TAX_FREE, WageType

WITHHOLDING, TAX_AT_SOURCE, EMPLOYEE_HEALTH = 402, 404, 412
EMPLOYEE_TYEL, EMPLOYEE_UNEMPLOYMENT = 413, 414
# The engine's statutory lines and the income type each is reported as.
STATUTORY = {
    "withholding": WITHHOLDING,
    "withholding_additional": WITHHOLDING,
    "withholding_fallback": WITHHOLDING,
    "tax_at_source": TAX_AT_SOURCE,
    # With tax at source, the employee's health insurance contributions withheld beside it
    # (412 Työntekijän sairausvakuutusmaksu).
    "employee_medical_care": EMPLOYEE_HEALTH,
    "employee_daily_allowance": EMPLOYEE_HEALTH,
    "employee_tyel": EMPLOYEE_TYEL,
    "employee_unemployment": EMPLOYEE_UNEMPLOYMENT,
}
MEAL_BENEFIT, MILEAGE, CAR_BENEFIT, DAILY_ALLOWANCE = 334, 311, 304, 331
# The daily allowance's type (DailyAllowance/AllowanceCode) by the wage type that paid it.
ALLOWANCE_TYPES = {
    "daily_allowance_full": ALLOWANCE_FULL,
    "daily_allowance_partial": ALLOWANCE_PARTIAL,
}
# Every line of these kinds must have a code; a deduction before withholding (PRE_TAX) is
# reported as 419 "Vähennys ennen ennakonpidätystä" (its wage type's code).
REPORTED_KINDS = (MONEY, IN_KIND, TAX_FREE, PRE_TAX)


class MissingIncomeType(ValueError):
    """A paid wage type without an Incomes Register income type code."""

    def __init__(self, wage_type: WageType):
        super().__init__(wage_type.code)
        self.wage_type = wage_type


class MissingCarBenefitData(ValueError):
    """A car benefit (304) without the benefit type and the car's age group."""

    def __init__(self, wage_type: WageType):
        super().__init__(wage_type.code)
        self.wage_type = wage_type


def earnings_report_deadline(payment_date: dt.date) -> dt.date:
    """The last day to report a payment: the fifth calendar day after it, moved to the next
    weekday when that is a day off."""
    return moved_to_weekday(payment_date + dt.timedelta(days=5))


def separate_report_deadline(year: int, month: int) -> dt.date:
    """The last day of the separate report of ``month``: the 5th of the next month, moved to
    the next weekday when it is a day off."""
    following = dt.date(year + month // 12, month % 12 + 1, 5)
    return moved_to_weekday(following)


def _months(first: dt.date, last: dt.date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def owed_separate_months(
    wage_months: Iterable[dt.date],
    reported: Iterable[dt.date],
    today: dt.date,
    *,
    employed: tuple[dt.date, dt.date | None] | None = None,
) -> list[dt.date]:
    """The months (their first days, in order) whose employer's separate report is owed and
    has not been produced.

    The Register's rule (vero.fi, "Työnantajan erillisilmoitus tulorekisterissä", the page
    named in the module docstring): an employer gives the separate report of each month in
    which it paid wages (the employer's health insurance contribution), and a regular
    employer (säännöllinen työnantaja, in the employer register) gives it for a month without
    wage payments too, with "No wages payable" (Ei palkanmaksua).

    ``wage_months``: the months with wages paid (approved payslips' payment dates);
    ``reported``: the months that have a current separate report; ``employed``: the first
    start and the last end (None: still running) of the employer's employments. A month is
    owed from its first day when wages were paid in it (a run approved before the month began
    has no report yet), and once it has ended when none were paid. Tase has no record of the
    employer register: it counts the employer as a regular employer from its first month with
    wages on, in the months in which one of its employments was in force (between the first
    start and the last end)."""
    paid = {month.replace(day=1) for month in wage_months}
    if not paid:
        return []
    done = {month.replace(day=1) for month in reported}
    current = today.replace(day=1)
    owed = []
    for month in _months(min(paid), current):
        if month in done:
            continue
        if month in paid:
            owed.append(month)
            continue
        if month == current or employed is None:
            continue
        first, last = employed
        month_end = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if first < month_end and (last is None or last >= month):
            owed.append(month)
    return owed


def transactions(
    lines: Iterable[Mapping],
    wage_types: Mapping[str, WageType],
    *,
    car: CarBenefit | None = None,
) -> list[Transaction]:
    """The transactions of one payslip's ``lines`` (payslip line records: ``code``,
    ``amount``, ``quantity``, optionally ``earning_period`` [start, end] ISO dates): the sum
    per income type code and earnings period, in code order, the lines of the delivery's own
    pay period first. A line with an earnings period (retro pay of an earlier period) is its
    own transaction carrying the period (EarningPeriods). Raises
    :class:`MissingIncomeType` for a paid, in-kind or tax-free line whose wage type has none.
    Deductions without a code (union dues, a salary advance) are not reported.

    Benefit data: the mileage allowance (311) carries its kilometres (KmAllowance); the car
    benefit (304) the employment's ``car`` data (CarBenefit: type and age group, and the
    kilometres of lines priced by the kilometre), :class:`MissingCarBenefitData` without it;
    the daily allowance (331) the types of the allowances paid (DailyAllowance)."""
    sums: dict[tuple[int, tuple], Decimal] = {}
    quantities: dict[int, Decimal] = {}
    allowances: set[int] = set()
    for line in lines:
        code = STATUTORY.get(line["code"])
        wage = wage_types.get(line["code"]) if code is None else None
        if wage is not None:
            code = wage.income_type
            if code is None:
                if wage.kind in REPORTED_KINDS:
                    raise MissingIncomeType(wage)
                continue
            if code == CAR_BENEFIT and car is None:
                raise MissingCarBenefitData(wage)
        if code is None:
            continue
        period = line.get("earning_period") or ()
        if period:
            period = ((dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1])),)
        key = (code, period)
        sums[key] = sums.get(key, Decimal("0")) + Decimal(str(line["amount"]))
        if code in (MILEAGE, CAR_BENEFIT) and line.get("quantity") is not None:
            quantities[code] = quantities.get(code, Decimal("0")) + Decimal(str(line["quantity"]))
        if code == DAILY_ALLOWANCE and line["code"] in ALLOWANCE_TYPES:
            allowances.add(ALLOWANCE_TYPES[line["code"]])

    def kilometres(code: int, period) -> int | None:
        found = quantities.get(code)
        return int(found.to_integral_value()) if found and not period else None

    result = []
    for (code, period), total in sorted(sums.items()):
        car_data = None
        if code == CAR_BENEFIT and car is not None:
            car_data = CarBenefit(car.code, car.age_group, kilometres(CAR_BENEFIT, period))
        result.append(
            Transaction(
                code,
                total,
                meal_benefit_at_tax_value=code == MEAL_BENEFIT,
                kilometres=kilometres(MILEAGE, period) if code == MILEAGE else None,
                car_benefit=car_data,
                daily_allowances=tuple(sorted(allowances)) if code == DAILY_ALLOWANCE else (),
                earning_periods=period,
            )
        )
    return result


def money_total(items: Iterable[Transaction], wage_types: Mapping[str, WageType]) -> Decimal:
    """The sum of the money-income transactions (income types of money wage types)."""
    money_codes = {w.income_type for w in wage_types.values() if w.kind == MONEY}
    return sum((t.amount for t in items if t.code in money_codes), Decimal("0"))
