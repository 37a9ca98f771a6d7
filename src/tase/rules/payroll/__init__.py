"""The payroll engine: one payslip from its inputs, every line explained. Pure Python.

:func:`calculate` is a pipeline of named pure steps (:mod:`.steps`): item lines, bases,
withholding, employee contributions, net pay, employer contributions. The inputs and the
payslip are in :mod:`.model`, the parameters and age rules in :mod:`.params`, input checks
and the calculator's JSON shape in :mod:`.inputs`.

Inputs: the payment date, the employee's date of birth, the tax card (a :class:`TaxCard`,
a :class:`TaxAtSource` or ``None`` for no card), the pay items, the union dues
percentage, the employer's insurance settings and the wage-type catalogue (by default the
one shipped in :mod:`tase.rules.payroll_catalogue`; a company passes its own copy without
its hidden wage types). Every rate, limit, allowance and benefit value comes from the
dated parameters in ``rules/params/payroll/*.yaml`` on the payment date; no rate is
written here.

Rules
-----
- **Age limits** are tested on the payment date with the month rule of the statutes: an
  age band that starts at age N applies from the first day of the month *after* the Nth
  birthday, and a range that ends at age M ends on the last day of the month in which
  the person turns M. TyEL: from 17 to the upper age of the person's birth cohort
  (68/69/70, ``payroll.tyel.age_range``); unemployment insurance: 18 to 65
  (``payroll.unemployment.age_range``, applied to the employee's and the employer's
  contribution); employer health insurance: 16 to 68.
- **TyEL minimum earnings** (``payroll.tyel.monthly_insurance_threshold``, 71.72 € a month
  in 2026): TyEL applies only when the employee's TyEL earnings from this employer in the
  calendar month of the payment reach it. The month is this payslip's TyEL base plus the
  earnings of the employee's earlier payslips that month (:attr:`PayslipInput.tyel_earnings_before`,
  which a pay run takes from approved runs; the calculator has none). Below it, a zero line
  ``tyel_below_minimum`` shows the month's earnings and the minimum, and neither the employee
  nor the employer pays TyEL. When a later payslip brings the month to the minimum, the
  earlier earnings that were left uncharged (:attr:`PayslipInput.tyel_uncharged_before`) are
  charged with it, so the whole month is insured, and a note says so.
- **Withholding**: with a tax card, the base % applies to the taxable income up to the
  annual income limit (less the income this employer paid before in the year) and the
  additional % above it; a payment that crosses the limit is split into two lines. Tax
  at source: its % on the taxable income less the monthly deduction. No card: the
  statutory fallback % (``payroll.withholding.fallback_rate``). The employee's health
  insurance contributions are inside the withholding, not separate lines, except with **tax
  at source**: there they are withheld separately (tulorekisteri income type 412), if the
  employee is insured in Finland (:attr:`TaxAtSource.health_insurance`): the medical care
  contribution (``payroll.health.employee_medical_care_rate``, at any age) on the taxable
  income and the daily allowance contribution (``payroll.health.employee_daily_allowance_rate``,
  from the month after the 16th birthday to the end of the month of the 68th) on the wages in
  the health insurance base, as two employee contribution lines. The daily allowance
  contribution's annual income threshold is settled in the year's taxation and is not applied
  to a single payment.
- **Benefits in kind** are taxable and in the insurance bases but not paid out. The
  employee's own payment for one (``car_benefit_charge``, ``housing_benefit_charge``,
  ``meal_benefit_charge``; Incomes Register income type 407) is taken from net pay and
  reduces the benefit's taxable value and the bases, at most to zero.
- **Deductions before withholding** (kind ``pre_tax``, ``deduction_before_withholding``;
  Incomes Register income type 419): the employee's own direct cost of the work, deducted
  from gross pay before the withholding is determined. They lower the bases their wage type
  is marked for (the withholding base and the TyEL, unemployment and health insurance bases:
  the Incomes Register counts 419 in every social insurance base unless the report says
  otherwise: the official message example esimerkki_tulolajin_vakuuttamistiedon_tyyppi.xml)
  but are not taken from net pay; no base goes below zero.
- **Negative correction lines** (unpaid absence, a recovered overpayment) are accepted only
  for wage types whose catalogue entry allows them (``negative_allowed``: the pay correction
  and the hourly wage); they lower gross pay and every base they belong to. A
  payslip whose gross pay would go negative is refused.
  **Tax-free** allowances are added to net pay; priced ones (mileage, daily and meal
  allowances) take the year's maximum as their unit price, and a higher price is refused.
- **Employer**: health insurance, TyEL (the company's rate if given, else the year's
  published average employer contribution, ``payroll.tyel.employer_average_rate``),
  unemployment insurance (see below), accident and group life insurance at the company's
  rates on the TyEL wage base (no age limit).
  Total cost = gross pay + benefits in kind + tax-free reimbursements + employer
  contributions.

Employer's unemployment insurance
---------------------------------
The law charges the lower rate on the year's wage sum up to the threshold
(``payroll.unemployment.wage_sum_threshold``) and the higher rate only on the part above it.
The wage sum is the sum of the bases the employer's contribution is charged on (wages of
employees inside the age range). A company below the threshold pays the lower rate on all.
A company marked above it:

- in a pay run, :attr:`Employer.wage_sum_before` carries the company's wage sum paid before
  this payslip in the calendar year; the payslip's base is split where that sum crosses the
  threshold, into a line at the lower rate (``employer_unemployment``, up to the threshold)
  and a line at the higher rate (``employer_unemployment_above``), each with its base;
- in the stateless calculator, which knows no wage sum (``wage_sum_before`` is None), the
  whole base is charged at the higher rate, and the line's label says it is because the
  company is marked above the threshold.

Rounding
--------
Each line is computed exactly with :class:`~decimal.Decimal` and rounded **once, to the
cent, half up** (``ROUND_HALF_UP``). Totals are sums of rounded lines, so

    net pay = gross pay - withholding - employee TyEL - employee unemployment
              - union dues - other deductions + tax-free reimbursements

holds exactly. No official rule on rounding the withheld amount was found (see
shared/reference/statutory-fi-verification-2026.md, 8b); cent rounding is common practice.
"""

from __future__ import annotations

from ..payroll_catalogue import BY_CODE, WageType
from . import steps
from .inputs import input_from_dict, read_date, read_decimal, validate
from .model import (
    LABELS,
    Employer,
    Line,
    PayItem,
    PayrollInputError,
    Payslip,
    PayslipInput,
    TaxAtSource,
    TaxCard,
    cents,
    money,
)
from .params import in_range, reached, tyel_employee_rate, tyel_upper_age

__all__ = [
    "LABELS",
    "Employer",
    "Line",
    "PayItem",
    "PayrollInputError",
    "Payslip",
    "PayslipInput",
    "TaxAtSource",
    "TaxCard",
    "calculate",
    "cents",
    "in_range",
    "input_from_dict",
    "money",
    "reached",
    "read_date",
    "read_decimal",
    "tyel_employee_rate",
    "tyel_upper_age",
    "validate",
]


def calculate(data: PayslipInput, wage_types: dict[str, WageType] | None = None) -> Payslip:
    """The payslip for ``data``; raises :class:`PayrollInputError` for bad input."""
    validate(data)
    wage_types = BY_CODE if wage_types is None else wage_types
    items = steps.item_lines(data.items, wage_types, data.payment_date)
    increments, overtime_hours = steps.overtime_split(items, wage_types)
    amounts = steps.bases(items, wage_types)
    withheld = steps.withholding(data.tax_card, amounts.taxable, data.payment_date)
    employee = steps.employee_contributions(data, amounts)
    employer = steps.employer_contributions(data, amounts, employee)
    return Payslip(
        payment_date=data.payment_date,
        lines=items + withheld.lines + employee.lines + employer.lines,
        gross_pay=amounts.gross,
        benefits_in_kind=amounts.benefits,
        taxable_income=amounts.taxable,
        withholding=withheld.total,
        employee_tyel=employee.employee_tyel,
        employee_unemployment=employee.employee_unemployment,
        union_dues=employee.union_dues,
        other_deductions=amounts.other_deductions,
        tax_free=amounts.tax_free,
        net_pay=steps.net_pay(amounts, withheld.total, employee),
        tyel_base=amounts.tyel,
        unemployment_base=amounts.unemployment,
        health_base=amounts.health,
        employer_health_insurance=employer.health,
        employer_tyel=employer.tyel,
        employer_unemployment=employer.unemployment,
        employer_accident=employer.accident,
        employer_group_life=employer.group_life,
        total_cost=amounts.gross + amounts.benefits + amounts.tax_free + employer.total,
        notes=amounts.notes + withheld.notes + employee.notes + employer.notes,
        unemployment_wage_sum=employer.wage_sum,
        tyel_charged_base=employee.tyel_charged,
        employee_health_insurance=employee.employee_health,
        pre_tax_deductions=amounts.pre_tax,
        overtime_increments=increments,
        overtime_hours=overtime_hours,
        holiday_other_pay=steps.holiday_other_pay(items, wage_types),
    )
