"""The payroll engine: one payslip from its inputs, every line explained. Pure Python.

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
- **Benefits in kind** are taxable and in the insurance bases but not paid out.
  **Tax-free** allowances are added to net pay; priced ones (mileage, daily and meal
  allowances) take the year's maximum as their unit price, and a higher price is refused.
- **Employer**: health insurance, TyEL (the company's rate if given, else the year's
  average total contribution minus this employee's rate), unemployment insurance (see
  below), accident and group life
  insurance at the company's rates on the TyEL wage base (no age limit).
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

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .parameters import ParameterError, default_set
from .payroll_catalogue import BY_CODE, DEDUCTION, IN_KIND, MONEY, TAX_FREE, WageType

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
PERCENT = Decimal("0.01")  # exact: x% of a base is base * rate * 0.01

# Sections of a payslip, in the order they are shown.
PAY, BENEFIT, TAX_FREE_SECTION, WITHHOLDING, CONTRIBUTION, DEDUCTION_SECTION, EMPLOYER = (
    "pay",
    "benefit",
    "tax_free",
    "withholding",
    "contribution",
    "deduction",
    "employer",
)

# Labels of the lines the engine makes itself (wage-type lines take the catalogue's).
LABELS: dict[str, tuple[str, str]] = {
    "withholding": ("Ennakonpidätys", "Withholding"),
    "withholding_additional": ("Ennakonpidätys, lisäprosentti", "Withholding, additional rate"),
    "withholding_fallback": ("Ennakonpidätys ilman verokorttia", "Withholding without a tax card"),
    "tax_at_source": ("Lähdevero", "Tax at source"),
    "employee_tyel": ("Työntekijän TyEL-maksu", "Employee TyEL contribution"),
    "employee_unemployment": (
        "Työntekijän työttömyysvakuutusmaksu",
        "Employee unemployment insurance contribution",
    ),
    "union_dues": ("Ammattiliiton jäsenmaksu", "Union dues"),
    "employee_medical_care": (
        "Sairaanhoitomaksu (lähdeverotettava)",
        "Medical care contribution (tax at source)",
    ),
    "employee_daily_allowance": (
        "Päivärahamaksu (lähdeverotettava)",
        "Daily allowance contribution (tax at source)",
    ),
    "employer_health_insurance": (
        "Työnantajan sairausvakuutusmaksu",
        "Employer health insurance contribution",
    ),
    "employer_tyel": ("Työnantajan TyEL-maksu", "Employer TyEL contribution"),
    "tyel_below_minimum": (
        "Ei TyEL-maksua: kuukauden TyEL-ansiot alle vakuuttamisvelvollisuuden alarajan",
        "No TyEL: the month's TyEL earnings are below the minimum for compulsory insurance",
    ),
    "employer_unemployment": (
        "Työnantajan työttömyysvakuutusmaksu",
        "Employer unemployment insurance contribution",
    ),
    "employer_unemployment_below": (
        "Työnantajan työttömyysvakuutusmaksu, palkkasumman rajaan asti",
        "Employer unemployment insurance contribution, wage sum up to the threshold",
    ),
    "employer_unemployment_above": (
        "Työnantajan työttömyysvakuutusmaksu, palkkasumman rajan ylittävä osa",
        "Employer unemployment insurance contribution, wage sum above the threshold",
    ),
    "employer_unemployment_marked_above": (
        "Työnantajan työttömyysvakuutusmaksu (yritys merkitty palkkasumman rajan ylittäväksi: "
        "koko palkka korkeammalla prosentilla)",
        "Employer unemployment insurance contribution (company marked above the wage-sum "
        "threshold: the whole wage at the higher rate)",
    ),
    "employer_accident": ("Tapaturmavakuutusmaksu", "Accident insurance"),
    "employer_group_life": ("Ryhmähenkivakuutusmaksu", "Group life insurance"),
}

# The parameters the engine reads (names under rules/params/).
P_TYEL_TOTAL = "payroll.tyel.average_total_rate"
P_TYEL_BANDS = "payroll.tyel.employee_rate_bands"
P_TYEL_AGES = "payroll.tyel.age_range"
P_TYEL_MINIMUM = "payroll.tyel.monthly_insurance_threshold"
P_UNEMP_EMPLOYEE = "payroll.unemployment.employee_rate"
P_UNEMP_BELOW = "payroll.unemployment.employer_rate_below_threshold"
P_UNEMP_ABOVE = "payroll.unemployment.employer_rate_above_threshold"
P_UNEMP_AGES = "payroll.unemployment.age_range"
P_UNEMP_THRESHOLD = "payroll.unemployment.wage_sum_threshold"
P_HEALTH_EMPLOYER = "payroll.health.employer_rate"
P_HEALTH_AGES = "payroll.health.employer_age_range"
P_FALLBACK = "payroll.withholding.fallback_rate"
P_MEDICAL_CARE = "payroll.health.employee_medical_care_rate"
P_DAILY_ALLOWANCE = "payroll.health.employee_daily_allowance_rate"
P_DAILY_ALLOWANCE_AGES = "payroll.health.employee_daily_allowance_age_range"
COMPANY = "unit_price"  # the 'parameter' of a line priced by the input, not the statutes


class PayrollInputError(ValueError):
    """Bad input, naming the field at fault (``items[1].quantity``, ``tax_card.base_rate``)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def cents(value: Decimal) -> Decimal:
    """Round to the cent, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- inputs --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TaxCard:
    base_rate: Decimal
    additional_rate: Decimal
    income_limit: Decimal
    income_paid_before: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class TaxAtSource:
    rate: Decimal
    monthly_deduction: Decimal = ZERO
    # Insured in Finland: the employee's health insurance contributions are withheld
    # separately beside the tax at source. False for someone not insured here (e.g. a posted
    # worker with an A1 certificate).
    health_insurance: bool = True


@dataclass(frozen=True, slots=True)
class PayItem:
    wage_type: str
    amount: Decimal | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    cost_centre: str = ""


@dataclass(frozen=True, slots=True)
class Employer:
    tyel_rate: Decimal | None = None  # the employer's share; None = average total - employee
    above_unemployment_threshold: bool = False
    accident_rate: Decimal = ZERO
    group_life_rate: Decimal = ZERO
    # The company's unemployment wage sum paid before this payslip in the calendar year (a pay
    # run knows it; the stateless calculator does not: None). Used only when the company is
    # marked above the threshold, to split this payslip's base at the threshold.
    wage_sum_before: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PayslipInput:
    payment_date: dt.date
    birth_date: dt.date
    tax_card: TaxCard | TaxAtSource | None
    items: tuple[PayItem, ...]
    union_dues_rate: Decimal = ZERO
    employer: Employer = field(default_factory=Employer)
    # This employee's TyEL earnings from this employer on earlier payslips in the calendar
    # month of the payment, and the part of them TyEL was not charged on (below the minimum).
    tyel_earnings_before: Decimal = ZERO
    tyel_uncharged_before: Decimal = ZERO


# -- output --------------------------------------------------------------------------------
@dataclass(slots=True)
class Line:
    code: str
    section: str
    label_fi: str
    label_en: str
    amount: Decimal
    base: Decimal | None = None
    rate: Decimal | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    parameter: str = ""
    source: str = ""
    cost_centre: str = ""
    income_type: int | None = None
    ledger_account: str = ""

    def label(self, language: str = "fi") -> str:
        return self.label_en if language == "en" else self.label_fi

    def to_dict(self, language: str = "fi") -> dict[str, Any]:
        """The line as in the API: decimal strings; ``rate`` holds the unit price if no rate."""
        rate = self.rate if self.rate is not None else self.unit_price
        return {
            "code": self.code,
            "label": self.label(language),
            "base": None if self.base is None else money(self.base),
            "rate": _text(rate),
            "quantity": _text(self.quantity),
            "amount": _text(self.amount),
            "parameter": self.parameter,
            "source": self.source,
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def money(value: Decimal) -> str:
    """A money amount as a decimal string with two decimals."""
    return str(cents(value))


@dataclass(slots=True)
class Payslip:
    payment_date: dt.date
    lines: tuple[Line, ...]
    gross_pay: Decimal
    benefits_in_kind: Decimal
    taxable_income: Decimal
    withholding: Decimal
    employee_tyel: Decimal
    employee_unemployment: Decimal
    union_dues: Decimal
    other_deductions: Decimal
    tax_free: Decimal
    net_pay: Decimal
    tyel_base: Decimal
    unemployment_base: Decimal
    health_base: Decimal
    employer_health_insurance: Decimal
    employer_tyel: Decimal
    employer_unemployment: Decimal
    employer_accident: Decimal
    employer_group_life: Decimal
    total_cost: Decimal
    notes: tuple[str, ...] = ()
    # This payslip's part of the company's unemployment wage sum (the base the employer's
    # contribution is charged on; zero outside the age range).
    unemployment_wage_sum: Decimal = ZERO
    # The base TyEL was charged on: this payslip's TyEL base, plus the month's earlier
    # uncharged earnings when this payslip brings the month to the minimum; zero when no TyEL.
    tyel_charged_base: Decimal = ZERO
    # With tax at source: the employee's health insurance contributions withheld separately.
    employee_health_insurance: Decimal = ZERO

    @property
    def employer_contributions(self) -> Decimal:
        return (
            self.employer_health_insurance
            + self.employer_tyel
            + self.employer_unemployment
            + self.employer_accident
            + self.employer_group_life
        )

    def section(self, name: str) -> list[Line]:
        return [line for line in self.lines if line.section == name]

    def to_dict(self, language: str = "fi") -> dict[str, Any]:
        """The payslip in the API's shape, money as decimal strings."""
        return {
            "gross_pay": money(self.gross_pay),
            "benefits_in_kind": money(self.benefits_in_kind),
            "taxable_income": money(self.taxable_income),
            "withholding": money(self.withholding),
            "employee_tyel": money(self.employee_tyel),
            "employee_unemployment": money(self.employee_unemployment),
            "employee_health_insurance": money(self.employee_health_insurance),
            "union_dues": money(self.union_dues),
            "deductions": money(self.other_deductions),
            "tax_free": money(self.tax_free),
            "net_pay": money(self.net_pay),
            "employer": {
                "health_insurance": money(self.employer_health_insurance),
                "tyel": money(self.employer_tyel),
                "unemployment": money(self.employer_unemployment),
                "accident": money(self.employer_accident),
                "group_life": money(self.employer_group_life),
                "total_cost": money(self.total_cost),
            },
            "lines": [line.to_dict(language) for line in self.lines],
            "notes": list(self.notes),
        }


# -- parameters ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Param:
    name: str
    value: Any
    source: str


@lru_cache(maxsize=512)
def _param(name: str, on: dt.date) -> _Param:
    try:
        entry = default_set().get(name).entry_at(on)
    except ParameterError as error:
        raise PayrollInputError("payment_date", str(error)) from None
    if entry.value is None:
        raise PayrollInputError(
            "payment_date", f"No value of {name!r} is known for {on.isoformat()}."
        )
    return _Param(name, entry.value, entry.source)


# -- ages ----------------------------------------------------------------------------------
def reached(birth: dt.date, age: int, on: dt.date) -> bool:
    """Whether an age limit of ``age`` counts on ``on``: from the month after the birthday."""
    return _months(birth, on) > 12 * int(age)


def _months(birth: dt.date, on: dt.date) -> int:
    """Whole calendar months from the birth month to the month of ``on``."""
    return (on.year - birth.year) * 12 + on.month - birth.month


def in_range(birth: dt.date, lower: int, upper: int | None, on: dt.date) -> bool:
    """From the month after the ``lower`` birthday to the end of the month of the ``upper``."""
    months = _months(birth, on)
    return months > 12 * lower and (upper is None or months <= 12 * upper)


def tyel_upper_age(birth: dt.date, ages: dict) -> int | None:
    for row in ages["upper_by_birth_year"]:
        if birth.year <= row["born_to"]:
            return int(row["age"])
    return None  # a later cohort: lowest pension age + 5, not reached in these years


def tyel_employee_rate(birth: dt.date, on: dt.date) -> _Param:
    return _tyel_band(_months(birth, on), on)


@lru_cache(maxsize=4096)
def _tyel_band(months: int, on: dt.date) -> _Param:
    bands = _param(P_TYEL_BANDS, on)
    rate = ZERO
    for band in bands.value:
        if months > 12 * int(band["from_age"]):
            rate = band["rate"]
    return _Param(bands.name, rate, bands.source)


# -- validation ----------------------------------------------------------------------------
def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise PayrollInputError(where, "is not a number.") from None
    if not result.is_finite():
        raise PayrollInputError(where, "is not a number.")
    return result


def _rate(value: Any, where: str) -> Decimal:
    rate = _decimal(value, where)
    if not ZERO <= rate <= HUNDRED:
        raise PayrollInputError(where, "must be between 0 and 100.")
    return rate


def _non_negative(value: Any, where: str) -> Decimal:
    number = _decimal(value, where)
    if number < 0:
        raise PayrollInputError(where, "must not be negative.")
    return number


def validate(data: PayslipInput) -> None:
    """Check the ranges the engine relies on; raise :class:`PayrollInputError`."""
    if data.birth_date >= data.payment_date:
        raise PayrollInputError("birth_date", "must be before the payment date.")
    card = data.tax_card
    if isinstance(card, TaxCard):
        _rate(card.base_rate, "tax_card.base_rate")
        _rate(card.additional_rate, "tax_card.additional_rate")
        _non_negative(card.income_limit, "tax_card.income_limit")
        _non_negative(card.income_paid_before, "tax_card.income_paid_before")
    elif isinstance(card, TaxAtSource):
        _rate(card.rate, "tax_card.rate")
        _non_negative(card.monthly_deduction, "tax_card.monthly_deduction")
    _rate(data.union_dues_rate, "union_dues_rate")
    employer = data.employer
    if employer.tyel_rate is not None:
        _rate(employer.tyel_rate, "employer.tyel_rate")
    _rate(employer.accident_rate, "employer.accident_rate")
    _rate(employer.group_life_rate, "employer.group_life_rate")


# -- the calculation -----------------------------------------------------------------------
def _item_line(index: int, item: PayItem, wage: WageType, on: dt.date) -> Line:
    where = f"items[{index}]"
    section = {MONEY: PAY, IN_KIND: BENEFIT, TAX_FREE: TAX_FREE_SECTION}.get(
        wage.kind, DEDUCTION_SECTION
    )
    common = dict(
        code=wage.code,
        section=section,
        label_fi=wage.label_fi,
        label_en=wage.label_en,
        cost_centre=item.cost_centre,
        income_type=wage.income_type,
        ledger_account=wage.ledger_account,
    )
    if item.quantity is None:
        if item.amount is None:
            raise PayrollInputError(f"{where}.amount", "give an amount or a quantity.")
        amount = _non_negative(item.amount, f"{where}.amount")
        return Line(amount=cents(amount), **common)
    quantity = _non_negative(item.quantity, f"{where}.quantity")
    parameter, source = "", ""
    if wage.price_parameter:
        maximum = _param(wage.price_parameter, on)
        parameter, source = maximum.name, maximum.source
        if item.unit_price is None:
            price = maximum.value
        else:
            price = _non_negative(item.unit_price, f"{where}.unit_price")
            if price > maximum.value and wage.kind == TAX_FREE:
                raise PayrollInputError(
                    f"{where}.unit_price",
                    f"{price} is above the tax-free maximum {maximum.value} ({maximum.name}).",
                )
            if price != maximum.value:
                parameter, source = COMPANY, ""
    elif item.unit_price is None:
        raise PayrollInputError(f"{where}.unit_price", "a quantity needs a unit price.")
    else:
        price = _non_negative(item.unit_price, f"{where}.unit_price")
    amount = cents(quantity * price * wage.multiplier)
    return Line(
        amount=amount,
        quantity=quantity,
        unit_price=price * wage.multiplier,
        parameter=parameter,
        source=source,
        **common,
    )


def _percent_line(
    code, section, base, rate: Decimal, param: _Param | str, label: str | None = None
) -> Line:
    """A percentage line; ``param`` is the dated parameter or the name of the input field;
    ``label`` names the line's label if it differs from its code."""
    fi, en = LABELS[label or code]
    return Line(
        code=code,
        section=section,
        label_fi=fi,
        label_en=en,
        base=base,
        rate=rate,
        amount=cents(base * rate * PERCENT),
        parameter=param if isinstance(param, str) else param.name,
        source="" if isinstance(param, str) else param.source,
    )


def calculate(data: PayslipInput, wage_types: dict[str, WageType] | None = None) -> Payslip:
    """The payslip for ``data``; raises :class:`PayrollInputError` for bad input."""
    validate(data)
    wage_types = BY_CODE if wage_types is None else wage_types
    on, birth = data.payment_date, data.birth_date
    notes: list[str] = []

    lines: list[Line] = []
    for index, item in enumerate(data.items):
        wage = wage_types.get(item.wage_type)
        if wage is None:
            raise PayrollInputError(
                f"items[{index}].wage_type", f"unknown wage type {item.wage_type!r}."
            )
        lines.append(_item_line(index, item, wage, on))

    gross = benefits = taxable = tax_free = other_deductions = dues_items = ZERO
    tyel_base = unemployment_base = health_base = ZERO
    for line in lines:
        wage = wage_types[line.code]
        sign = -1 if wage.kind == DEDUCTION else 1
        if wage.kind == MONEY:
            gross += line.amount
        elif wage.kind == IN_KIND:
            benefits += line.amount
        elif wage.kind == TAX_FREE:
            tax_free += line.amount
        elif wage.code == "union_dues":
            dues_items += line.amount
        else:
            other_deductions += line.amount
        if wage.taxable:
            taxable += sign * line.amount
        if wage.tyel:
            tyel_base += sign * line.amount
        if wage.unemployment:
            unemployment_base += sign * line.amount
        if wage.health:
            health_base += sign * line.amount
    taxable, tyel_base = max(taxable, ZERO), max(tyel_base, ZERO)
    unemployment_base, health_base = max(unemployment_base, ZERO), max(health_base, ZERO)

    # Withholding.
    card = data.tax_card
    withholding_lines: list[Line] = []
    if isinstance(card, TaxCard):
        room = max(card.income_limit - card.income_paid_before, ZERO)
        at_base = min(taxable, room)
        above = taxable - at_base
        if at_base > 0 or above == 0:
            withholding_lines.append(
                _percent_line(
                    "withholding", WITHHOLDING, at_base, card.base_rate, "tax_card.base_rate"
                )
            )
        if above > 0:
            withholding_lines.append(
                _percent_line(
                    "withholding_additional",
                    WITHHOLDING,
                    above,
                    card.additional_rate,
                    "tax_card.additional_rate",
                )
            )
            notes.append(
                f"Income limit {card.income_limit}: paid before {card.income_paid_before}, "
                f"{at_base} at the base rate, {above} at the additional rate."
            )
    elif isinstance(card, TaxAtSource):
        base = max(taxable - card.monthly_deduction, ZERO)
        withholding_lines.append(
            _percent_line("tax_at_source", WITHHOLDING, base, card.rate, "tax_card.rate")
        )
    else:
        fallback = _param(P_FALLBACK, on)
        withholding_lines.append(
            _percent_line("withholding_fallback", WITHHOLDING, taxable, fallback.value, fallback)
        )
    lines += withholding_lines
    withholding = sum((line.amount for line in withholding_lines), ZERO)

    # Employee contributions.
    tyel_ages = _param(P_TYEL_AGES, on).value
    upper = tyel_upper_age(birth, tyel_ages)
    in_tyel = in_range(birth, int(tyel_ages["lower"]), upper, on)
    employee_rate = tyel_employee_rate(birth, on) if in_tyel else None
    employee_tyel = tyel_charged = ZERO
    if employee_rate is not None:
        minimum = _param(P_TYEL_MINIMUM, on)
        before = max(data.tyel_earnings_before, ZERO)
        month = before + tyel_base
        if month < minimum.value:
            employee_rate = None
            if tyel_base > 0:
                fi, en = LABELS["tyel_below_minimum"]
                lines.append(
                    Line(
                        code="tyel_below_minimum",
                        section=CONTRIBUTION,
                        label_fi=fi,
                        label_en=en,
                        base=month,
                        unit_price=minimum.value,
                        amount=ZERO,
                        parameter=minimum.name,
                        source=minimum.source,
                    )
                )
                notes.append(
                    f"No TyEL: the month's TyEL earnings {money(month)} (this payslip "
                    f"{money(tyel_base)}, earlier this month {money(before)}) are below the "
                    f"minimum {minimum.value} ({minimum.name})."
                )
        else:
            uncharged = max(data.tyel_uncharged_before, ZERO)
            tyel_charged = tyel_base + uncharged
            if uncharged:
                notes.append(
                    f"TyEL: this payslip brings the month's TyEL earnings to {money(month)}, at "
                    f"least the minimum {minimum.value} ({minimum.name}); the {money(uncharged)} "
                    "earlier this month left uncharged below it is charged now."
                )
    if employee_rate is not None:
        line = _percent_line(
            "employee_tyel", CONTRIBUTION, tyel_charged, employee_rate.value, employee_rate
        )
        lines.append(line)
        employee_tyel = line.amount
    elif not in_tyel:
        notes.append(
            f"No TyEL: outside the TyEL age range ({tyel_ages['lower']}-{upper or '…'}) "
            f"on {on.isoformat()} ({P_TYEL_AGES})."
        )
    unemployment_ages = _param(P_UNEMP_AGES, on).value
    in_unemployment = in_range(
        birth, int(unemployment_ages["lower"]), int(unemployment_ages["upper"]), on
    )
    employee_unemployment = ZERO
    if in_unemployment:
        rate = _param(P_UNEMP_EMPLOYEE, on)
        line = _percent_line(
            "employee_unemployment", CONTRIBUTION, unemployment_base, rate.value, rate
        )
        lines.append(line)
        employee_unemployment = line.amount
    else:
        notes.append(
            "No unemployment insurance: outside the age range "
            f"({unemployment_ages['lower']}-{unemployment_ages['upper']}) on {on.isoformat()} "
            f"({P_UNEMP_AGES})."
        )

    # With tax at source, the employee's health insurance contributions, withheld separately.
    employee_health = ZERO
    if isinstance(card, TaxAtSource) and card.health_insurance:
        rate = _param(P_MEDICAL_CARE, on)
        line = _percent_line("employee_medical_care", CONTRIBUTION, taxable, rate.value, rate)
        lines.append(line)
        employee_health += line.amount
        ages = _param(P_DAILY_ALLOWANCE_AGES, on).value
        if in_range(birth, int(ages["lower"]), int(ages["upper"]), on):
            rate = _param(P_DAILY_ALLOWANCE, on)
            line = _percent_line(
                "employee_daily_allowance", CONTRIBUTION, health_base, rate.value, rate
            )
            lines.append(line)
            employee_health += line.amount
        else:
            notes.append(
                "No daily allowance contribution: outside its age range "
                f"({ages['lower']}-{ages['upper']}) on {on.isoformat()} ({P_DAILY_ALLOWANCE_AGES})."
            )
    elif isinstance(card, TaxAtSource):
        notes.append(
            "Tax at source, not insured in Finland: no employee health insurance contributions."
        )

    # Union dues: a percentage of gross pay, plus any union_dues items.
    union_dues = dues_items
    if data.union_dues_rate:
        line = _percent_line(
            "union_dues", DEDUCTION_SECTION, gross, data.union_dues_rate, "union_dues_rate"
        )
        lines.append(line)
        union_dues += line.amount

    net = (
        gross
        - withholding
        - employee_tyel
        - employee_unemployment
        - employee_health
        - union_dues
        - other_deductions
        + tax_free
    )

    # Employer contributions.
    employer = data.employer
    health_ages = _param(P_HEALTH_AGES, on).value
    employer_health = ZERO
    if in_range(birth, int(health_ages["lower"]), int(health_ages["upper"]), on):
        rate = _param(P_HEALTH_EMPLOYER, on)
        line = _percent_line("employer_health_insurance", EMPLOYER, health_base, rate.value, rate)
        lines.append(line)
        employer_health = line.amount
    else:
        notes.append(f"No employer health insurance contribution: outside ages ({P_HEALTH_AGES}).")
    employer_tyel = ZERO
    if employee_rate is not None:
        if employer.tyel_rate is not None:
            line = _percent_line(
                "employer_tyel", EMPLOYER, tyel_charged, employer.tyel_rate, "employer.tyel_rate"
            )
        else:
            total = _param(P_TYEL_TOTAL, on)
            share = total.value - employee_rate.value
            line = _percent_line(
                "employer_tyel",
                EMPLOYER,
                tyel_charged,
                share,
                _Param(f"{total.name} - {employee_rate.name}", None, total.source),
            )
        lines.append(line)
        employer_tyel = line.amount
    employer_unemployment = wage_sum = ZERO
    if in_unemployment:
        wage_sum = unemployment_base
        unemployment_lines = _employer_unemployment(employer, unemployment_base, on, notes)
        lines += unemployment_lines
        employer_unemployment = sum((line.amount for line in unemployment_lines), ZERO)
    employer_accident = employer_group_life = ZERO
    if employer.accident_rate:
        line = _percent_line(
            "employer_accident",
            EMPLOYER,
            tyel_base,
            employer.accident_rate,
            "employer.accident_rate",
        )
        lines.append(line)
        employer_accident = line.amount
    if employer.group_life_rate:
        line = _percent_line(
            "employer_group_life",
            EMPLOYER,
            tyel_base,
            employer.group_life_rate,
            "employer.group_life_rate",
        )
        lines.append(line)
        employer_group_life = line.amount
    contributions = (
        employer_health + employer_tyel + employer_unemployment + employer_accident
    ) + employer_group_life
    total_cost = gross + benefits + tax_free + contributions

    return Payslip(
        payment_date=on,
        lines=tuple(lines),
        gross_pay=gross,
        benefits_in_kind=benefits,
        taxable_income=taxable,
        withholding=withholding,
        employee_tyel=employee_tyel,
        employee_unemployment=employee_unemployment,
        union_dues=union_dues,
        other_deductions=other_deductions,
        tax_free=tax_free,
        net_pay=net,
        tyel_base=tyel_base,
        unemployment_base=unemployment_base,
        health_base=health_base,
        employer_health_insurance=employer_health,
        employer_tyel=employer_tyel,
        employer_unemployment=employer_unemployment,
        employer_accident=employer_accident,
        employer_group_life=employer_group_life,
        total_cost=total_cost,
        notes=tuple(notes),
        unemployment_wage_sum=wage_sum,
        tyel_charged_base=tyel_charged,
        employee_health_insurance=employee_health,
    )


def _employer_unemployment(
    employer: Employer, base: Decimal, on: dt.date, notes: list[str]
) -> list[Line]:
    """The employer's unemployment insurance lines (see the module's docstring)."""
    code = "employer_unemployment"
    below = _param(P_UNEMP_BELOW, on)
    if not employer.above_unemployment_threshold:
        return [_percent_line(code, EMPLOYER, base, below.value, below)]
    above = _param(P_UNEMP_ABOVE, on)
    if employer.wage_sum_before is None:
        notes.append(
            "Employer unemployment insurance: the company is marked above the wage-sum "
            f"threshold and no year-to-date wage sum is given, so the whole base is charged "
            f"at the higher rate ({P_UNEMP_ABOVE})."
        )
        return [
            _percent_line(
                code,
                EMPLOYER,
                base,
                above.value,
                above,
                label="employer_unemployment_marked_above",
            )
        ]
    threshold = _param(P_UNEMP_THRESHOLD, on)
    before = max(employer.wage_sum_before, ZERO)
    at_lower = min(base, max(Decimal(threshold.value) - before, ZERO))
    at_higher = base - at_lower
    lines = []
    if at_lower > 0 or at_higher == 0:
        lines.append(
            _percent_line(
                code, EMPLOYER, at_lower, below.value, below, label="employer_unemployment_below"
            )
        )
    if at_higher > 0:
        lines.append(
            _percent_line("employer_unemployment_above", EMPLOYER, at_higher, above.value, above)
        )
    notes.append(
        f"Unemployment wage-sum threshold {threshold.value} ({P_UNEMP_THRESHOLD}): wage sum "
        f"before this payslip {money(before)}; {money(at_lower)} at the lower rate, "
        f"{money(at_higher)} at the higher rate."
    )
    return lines


# -- plain data in, payslip out (the API, the golden files) ---------------------------------
def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PayrollInputError(where, "is not a date (YYYY-MM-DD).") from None


def _optional(value: Any, where: str) -> Decimal | None:
    return None if value is None or value == "" else _decimal(value, where)


def input_from_dict(data: dict) -> PayslipInput:
    """Build a :class:`PayslipInput` from the calculator's JSON shape (strings or numbers)."""
    if not isinstance(data, dict):
        raise PayrollInputError("body", "expected an object.")
    card_data = data.get("tax_card")
    card: TaxCard | TaxAtSource | None = None
    if isinstance(card_data, dict) and card_data.get("tax_at_source"):
        insured = card_data.get("health_insurance", True)
        if not isinstance(insured, bool):
            raise PayrollInputError("tax_card.health_insurance", "expected true or false.")
        card = TaxAtSource(
            rate=_decimal(card_data.get("rate"), "tax_card.rate"),
            monthly_deduction=_optional(
                card_data.get("monthly_deduction"), "tax_card.monthly_deduction"
            )
            or ZERO,
            health_insurance=insured,
        )
    elif isinstance(card_data, dict):
        for key in ("base_rate", "additional_rate", "income_limit"):
            if card_data.get(key) in (None, ""):
                raise PayrollInputError(f"tax_card.{key}", "is required.")
        card = TaxCard(
            base_rate=_decimal(card_data["base_rate"], "tax_card.base_rate"),
            additional_rate=_decimal(card_data["additional_rate"], "tax_card.additional_rate"),
            income_limit=_decimal(card_data["income_limit"], "tax_card.income_limit"),
            income_paid_before=_optional(
                card_data.get("income_paid_before"), "tax_card.income_paid_before"
            )
            or ZERO,
        )
    elif card_data is not None:
        raise PayrollInputError("tax_card", "expected an object or null.")
    items = []
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        raise PayrollInputError("items", "expected a list.")
    for index, raw in enumerate(raw_items):
        if not isinstance(raw, dict) or not raw.get("wage_type"):
            raise PayrollInputError(f"items[{index}].wage_type", "is required.")
        items.append(
            PayItem(
                wage_type=str(raw["wage_type"]),
                amount=_optional(raw.get("amount"), f"items[{index}].amount"),
                quantity=_optional(raw.get("quantity"), f"items[{index}].quantity"),
                unit_price=_optional(raw.get("unit_price"), f"items[{index}].unit_price"),
                cost_centre=str(raw.get("cost_centre") or ""),
            )
        )
    employer_data = data.get("employer") or {}
    employer = Employer(
        tyel_rate=_optional(employer_data.get("tyel_rate"), "employer.tyel_rate"),
        above_unemployment_threshold=bool(employer_data.get("above_unemployment_threshold")),
        accident_rate=_optional(employer_data.get("accident_rate"), "employer.accident_rate")
        or ZERO,
        group_life_rate=_optional(employer_data.get("group_life_rate"), "employer.group_life_rate")
        or ZERO,
    )
    return PayslipInput(
        payment_date=_date(data.get("payment_date"), "payment_date"),
        birth_date=_date(data.get("birth_date"), "birth_date"),
        tax_card=card,
        items=tuple(items),
        union_dues_rate=_optional(data.get("union_dues_rate"), "union_dues_rate") or ZERO,
        employer=employer,
    )
