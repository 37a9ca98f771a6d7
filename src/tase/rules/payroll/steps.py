"""The named pure steps of the payroll pipeline (see :func:`tase.rules.payroll.calculate`).

Each step takes what the earlier steps made and returns its own lines, notes and totals;
none has side effects, so each is tested on its own (tests/rules/test_payroll_steps.py):

1. :func:`item_lines` - one line per pay item, priced and checked against the catalogue;
2. :func:`bases` - gross pay, benefits, taxable income and the insurance bases;
3. :func:`withholding` - withholding (tax card, tax at source or no card);
4. :func:`employee_contributions` - the employee's TyEL, unemployment and (with tax at
   source) health insurance contributions, and union dues;
5. :func:`net_pay` - the net pay identity;
6. :func:`employer_contributions` - health insurance, TyEL, unemployment, accident and group
   life insurance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..payroll_catalogue import DEDUCTION, IN_KIND, MONEY, PRE_TAX, TAX_FREE, WageType
from .inputs import _non_negative, read_decimal
from .model import (
    BENEFIT,
    COMPANY,
    CONTRIBUTION,
    DEDUCTION_SECTION,
    EMPLOYER,
    LABELS,
    PAY,
    PERCENT,
    PRE_TAX_SECTION,
    TAX_FREE_SECTION,
    WITHHOLDING,
    ZERO,
    Employer,
    Line,
    PayItem,
    PayrollInputError,
    PayslipInput,
    TaxAtSource,
    TaxCard,
    cents,
    money,
)
from .params import (
    P_DAILY_ALLOWANCE,
    P_DAILY_ALLOWANCE_AGES,
    P_FALLBACK,
    P_HEALTH_AGES,
    P_HEALTH_EMPLOYER,
    P_MEDICAL_CARE,
    P_TYEL_AGES,
    P_TYEL_EMPLOYER,
    P_TYEL_MINIMUM,
    P_UNEMP_ABOVE,
    P_UNEMP_AGES,
    P_UNEMP_BELOW,
    P_UNEMP_EMPLOYEE,
    P_UNEMP_THRESHOLD,
    _Param,
    _param,
    in_range,
    tyel_employee_rate,
    tyel_upper_age,
)


@dataclass(frozen=True, slots=True)
class Step:
    """What a step adds to the payslip: its lines and notes, in order."""

    lines: tuple[Line, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


# -- 1. item lines -------------------------------------------------------------------------
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


def _amount(value, where: str, wage: WageType) -> Decimal:
    """An item's amount or quantity: negative only where the wage type allows it."""
    return read_decimal(value, where) if wage.negative_allowed else _non_negative(value, where)


def _item_line(index: int, item: PayItem, wage: WageType, on: dt.date) -> Line:
    where = f"items[{index}]"
    section = {
        MONEY: PAY, IN_KIND: BENEFIT, TAX_FREE: TAX_FREE_SECTION, PRE_TAX: PRE_TAX_SECTION
    }.get(wage.kind, DEDUCTION_SECTION)  # fmt: skip
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
        amount = _amount(item.amount, f"{where}.amount", wage)
        return Line(amount=cents(amount), **common)
    quantity = _amount(item.quantity, f"{where}.quantity", wage)
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


def item_lines(
    items: tuple[PayItem, ...], wage_types: dict[str, WageType], on: dt.date
) -> tuple[Line, ...]:
    """One line per pay item, in the order given; an unknown wage type names its item."""
    lines = []
    for index, item in enumerate(items):
        wage = wage_types.get(item.wage_type)
        if wage is None:
            raise PayrollInputError(
                f"items[{index}].wage_type", f"unknown wage type {item.wage_type!r}."
            )
        lines.append(_item_line(index, item, wage, on))
    return tuple(lines)


# The Incomes Register's income types of overtime and emergency work: 205 Hätätyökorvaus and
# 235 Ylityökorvaus (vero.fi, "Palkkalajien kohdistaminen": their basic parts, increments and
# supplements may be reported together under them).
OVERTIME_INCOME_TYPES = (205, 235)


def overtime_split(
    lines: tuple[Line, ...], wage_types: dict[str, WageType]
) -> tuple[Decimal, Decimal]:
    """The overtime and emergency-work increments within the pay lines, and the overtime
    hours: the average daily wage leaves the increments out and counts an eighth of the
    hours in its divisor (vuosilomalaki 162/2005 11 § 2 mom.; the percentage rule leaves the
    increments out too, 12 § 1 mom.). An overtime line is of a money wage type of income type
    205 or 235 (emergency work, overtime) whose multiplier is above one, priced per hour: its quantity is the hours, its basic
    part the hours at the plain hourly price, the increment the rest (amount x (multiplier -
    1) / multiplier). A line of such a type given as an amount alone (a retro difference)
    cannot be split and counts as plain wages."""
    increments = hours = Decimal(0)
    for line in lines:
        wage = wage_types.get(line.code)
        if (
            wage is None
            or wage.kind != MONEY
            or wage.income_type not in OVERTIME_INCOME_TYPES
            or wage.multiplier <= 1
            or line.quantity is None
            or line.unit_price is None
        ):
            continue
        basic = cents(line.quantity * line.unit_price / wage.multiplier)
        increments += line.amount - basic
        hours += line.quantity
    return increments, hours


def holiday_other_pay(lines: tuple[Line, ...], wage_types: dict[str, WageType]) -> Decimal:
    """Of gross pay: the other pay besides a salary whose share the holiday pay of a weekly
    or monthly paid employee adds (vuosilomalaki 162/2005 10 § 1 mom., second sentence): the
    lines of money wage types marked ``holiday_other_pay`` (see the catalogue)."""
    return sum(
        (
            line.amount
            for line in lines
            if (wage := wage_types.get(line.code)) is not None
            and wage.kind == MONEY
            and wage.holiday_other_pay
        ),
        Decimal(0),
    )


# -- 2. bases ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Bases:
    """The sums of the item lines by kind, and the bases the percentages are charged on."""

    gross: Decimal = ZERO
    benefits: Decimal = ZERO
    tax_free: Decimal = ZERO
    other_deductions: Decimal = ZERO
    dues_items: Decimal = ZERO
    pre_tax: Decimal = ZERO
    taxable: Decimal = ZERO
    tyel: Decimal = ZERO
    unemployment: Decimal = ZERO
    health: Decimal = ZERO
    notes: tuple[str, ...] = ()


BASES = ("taxable", "tyel", "unemployment", "health")


def _base_reductions(lines: tuple[Line, ...], wage_types: dict[str, WageType], notes: list):
    """How much each deduction line reduces the bases: its amount, except that the
    employee's payment for a benefit in kind reduces them at most by that benefit's value
    on this payslip (the benefit's taxable value cannot go below zero); the rest of the
    payment is still taken from net pay."""
    room: dict[str, Decimal] = {}
    for line in lines:
        if wage_types[line.code].kind == IN_KIND:
            room[line.code] = room.get(line.code, ZERO) + line.amount
    reductions = []
    for line in lines:
        charge_for = wage_types[line.code].charge_for
        if charge_for is None:
            reductions.append(line.amount)
            continue
        reduction = min(line.amount, max(room.get(charge_for, ZERO), ZERO))
        room[charge_for] = room.get(charge_for, ZERO) - reduction
        reductions.append(reduction)
        if reduction < line.amount:
            notes.append(
                f"{line.label_en}: {money(line.amount)} paid by the employee, of which "
                f"{money(reduction)} reduces the taxable value of {charge_for} (at most its "
                "value on this payslip)."
            )
    return reductions


def bases(lines: tuple[Line, ...], wage_types: dict[str, WageType]) -> Bases:
    """Sum the item lines: a deduction line that reduces the bases counts negative in them
    (a benefit payment at most by the benefit's value); a deduction before withholding
    (kind ``pre_tax``, income type 419) counts negative in the bases it is marked for and is
    summed apart, not taken from net pay; a negative correction line of a wage type that
    allows one lowers gross pay and its bases. No base goes below zero, and gross pay may
    not: corrections larger than the pay are refused."""
    sums = dict.fromkeys(BASES, ZERO) | {
        "gross": ZERO, "benefits": ZERO, "tax_free": ZERO, "other_deductions": ZERO,
        "dues_items": ZERO, "pre_tax": ZERO,
    }  # fmt: skip
    notes: list[str] = []
    for line, reduction in zip(lines, _base_reductions(lines, wage_types, notes), strict=True):
        wage = wage_types[line.code]
        change = -reduction if wage.kind in (DEDUCTION, PRE_TAX) else line.amount
        if wage.kind == MONEY:
            sums["gross"] += line.amount
        elif wage.kind == IN_KIND:
            sums["benefits"] += line.amount
        elif wage.kind == TAX_FREE:
            sums["tax_free"] += line.amount
        elif wage.kind == PRE_TAX:
            sums["pre_tax"] += line.amount
        elif wage.code == "union_dues":
            sums["dues_items"] += line.amount
        else:
            sums["other_deductions"] += line.amount
        for base in BASES:
            if getattr(wage, base):
                sums[base] += change
    if sums["gross"] < 0:
        raise PayrollInputError(
            "items",
            f"the negative correction lines exceed the pay: gross pay would be "
            f"{money(sums['gross'])}. Recover the rest on a later payslip.",
        )
    for base in BASES:
        sums[base] = max(sums[base], ZERO)
    return Bases(**sums, notes=tuple(notes))


# -- 3. withholding ------------------------------------------------------------------------
def withholding(card: TaxCard | TaxAtSource | None, taxable: Decimal, on: dt.date) -> Step:
    """The withholding lines: a tax card's base % up to its income limit and additional %
    above it; tax at source on the taxable income less its monthly deduction; without a
    card the statutory fallback %."""
    lines: list[Line] = []
    notes: list[str] = []
    if isinstance(card, TaxCard):
        room = max(card.income_limit - card.income_paid_before, ZERO)
        at_base = min(taxable, room)
        above = taxable - at_base
        if at_base > 0 or above == 0:
            lines.append(
                _percent_line(
                    "withholding", WITHHOLDING, at_base, card.base_rate, "tax_card.base_rate"
                )
            )
        if above > 0:
            lines.append(
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
        lines.append(_percent_line("tax_at_source", WITHHOLDING, base, card.rate, "tax_card.rate"))
    else:
        fallback = _param(P_FALLBACK, on)
        lines.append(
            _percent_line("withholding_fallback", WITHHOLDING, taxable, fallback.value, fallback)
        )
    return Step(tuple(lines), tuple(notes))


# -- 4. employee contributions -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EmployeeContributions(Step):
    """The employee's contributions and union dues, and what the employer's step needs."""

    employee_tyel: Decimal = ZERO
    employee_unemployment: Decimal = ZERO
    employee_health: Decimal = ZERO
    union_dues: Decimal = ZERO
    # The employee's TyEL rate when TyEL is charged (None: outside the ages or below the
    # minimum), and the base it is charged on.
    tyel_rate: _Param | None = None
    tyel_charged: Decimal = ZERO
    in_unemployment: bool = False


def _tyel(data: PayslipInput, tyel_base: Decimal, lines: list, notes: list):
    """The employee's TyEL line (or the line explaining why there is none): returns the
    rate charged (None for none) and the base it is charged on."""
    on, birth = data.payment_date, data.birth_date
    tyel_ages = _param(P_TYEL_AGES, on).value
    upper = tyel_upper_age(birth, tyel_ages)
    if not in_range(birth, int(tyel_ages["lower"]), upper, on):
        notes.append(
            f"No TyEL: outside the TyEL age range ({tyel_ages['lower']}-{upper or '…'}) "
            f"on {on.isoformat()} ({P_TYEL_AGES})."
        )
        return None, ZERO
    employee_rate = tyel_employee_rate(birth, on)
    minimum = _param(P_TYEL_MINIMUM, on)
    before = max(data.tyel_earnings_before, ZERO)
    month = before + tyel_base
    if month < minimum.value:
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
        return None, ZERO
    uncharged = max(data.tyel_uncharged_before, ZERO)
    if uncharged:
        notes.append(
            f"TyEL: this payslip brings the month's TyEL earnings to {money(month)}, at "
            f"least the minimum {minimum.value} ({minimum.name}); the {money(uncharged)} "
            "earlier this month left uncharged below it is charged now."
        )
    charged = tyel_base + uncharged
    lines.append(
        _percent_line("employee_tyel", CONTRIBUTION, charged, employee_rate.value, employee_rate)
    )
    return employee_rate, charged


def _employee_health(data: PayslipInput, amounts: Bases, lines: list, notes: list) -> None:
    """With tax at source, the employee's health insurance contributions, withheld
    separately (income type 412)."""
    on, birth, card = data.payment_date, data.birth_date, data.tax_card
    if not isinstance(card, TaxAtSource):
        return
    if not card.health_insurance:
        notes.append(
            "Tax at source, not insured in Finland: no employee health insurance contributions."
        )
        return
    rate = _param(P_MEDICAL_CARE, on)
    lines.append(
        _percent_line("employee_medical_care", CONTRIBUTION, amounts.taxable, rate.value, rate)
    )
    ages = _param(P_DAILY_ALLOWANCE_AGES, on).value
    if in_range(birth, int(ages["lower"]), int(ages["upper"]), on):
        rate = _param(P_DAILY_ALLOWANCE, on)
        lines.append(
            _percent_line(
                "employee_daily_allowance", CONTRIBUTION, amounts.health, rate.value, rate
            )
        )
    else:
        notes.append(
            "No daily allowance contribution: outside its age range "
            f"({ages['lower']}-{ages['upper']}) on {on.isoformat()} ({P_DAILY_ALLOWANCE_AGES})."
        )


def employee_contributions(data: PayslipInput, amounts: Bases) -> EmployeeContributions:
    """The employee's TyEL (age range and monthly minimum), unemployment insurance (age
    range), health insurance with tax at source, and union dues (a % of gross pay plus
    union-dues items)."""
    on, birth = data.payment_date, data.birth_date
    lines: list[Line] = []
    notes: list[str] = []
    tyel_rate, tyel_charged = _tyel(data, amounts.tyel, lines, notes)
    employee_tyel = sum((line.amount for line in lines), ZERO)

    unemployment_ages = _param(P_UNEMP_AGES, on).value
    in_unemployment = in_range(
        birth, int(unemployment_ages["lower"]), int(unemployment_ages["upper"]), on
    )
    employee_unemployment = ZERO
    if in_unemployment:
        rate = _param(P_UNEMP_EMPLOYEE, on)
        line = _percent_line(
            "employee_unemployment", CONTRIBUTION, amounts.unemployment, rate.value, rate
        )
        lines.append(line)
        employee_unemployment = line.amount
    else:
        notes.append(
            "No unemployment insurance: outside the age range "
            f"({unemployment_ages['lower']}-{unemployment_ages['upper']}) on {on.isoformat()} "
            f"({P_UNEMP_AGES})."
        )

    health_lines: list[Line] = []
    _employee_health(data, amounts, health_lines, notes)
    lines += health_lines

    union_dues = amounts.dues_items
    if data.union_dues_rate:
        line = _percent_line(
            "union_dues", DEDUCTION_SECTION, amounts.gross, data.union_dues_rate, "union_dues_rate"
        )
        lines.append(line)
        union_dues += line.amount
    return EmployeeContributions(
        lines=tuple(lines),
        notes=tuple(notes),
        employee_tyel=employee_tyel,
        employee_unemployment=employee_unemployment,
        employee_health=sum((line.amount for line in health_lines), ZERO),
        union_dues=union_dues,
        tyel_rate=tyel_rate,
        tyel_charged=tyel_charged,
        in_unemployment=in_unemployment,
    )


# -- 5. net pay ----------------------------------------------------------------------------
def net_pay(amounts: Bases, withheld: Decimal, employee: EmployeeContributions) -> Decimal:
    """Net pay = gross pay - withholding - the employee's contributions - union dues - other
    deductions + tax-free reimbursements (sums of rounded lines: exact)."""
    return (
        amounts.gross
        - withheld
        - employee.employee_tyel
        - employee.employee_unemployment
        - employee.employee_health
        - employee.union_dues
        - amounts.other_deductions
        + amounts.tax_free
    )


# -- 6. employer contributions -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EmployerContributions(Step):
    health: Decimal = ZERO
    tyel: Decimal = ZERO
    unemployment: Decimal = ZERO
    accident: Decimal = ZERO
    group_life: Decimal = ZERO
    # This payslip's part of the company's unemployment wage sum.
    wage_sum: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.health + self.tyel + self.unemployment + self.accident + self.group_life


def _employer_tyel(employer: Employer, employee: EmployeeContributions, on: dt.date) -> Line | None:
    """The company's TyEL rate if given, else the year's published average employer
    contribution (``payroll.tyel.employer_average_rate``); none when the employee's TyEL is
    not charged."""
    if employee.tyel_rate is None:
        return None
    if employer.tyel_rate is not None:
        return _percent_line(
            "employer_tyel",
            EMPLOYER,
            employee.tyel_charged,
            employer.tyel_rate,
            "employer.tyel_rate",
        )
    average = _param(P_TYEL_EMPLOYER, on)
    return _percent_line("employer_tyel", EMPLOYER, employee.tyel_charged, average.value, average)


def _employer_unemployment(
    employer: Employer, base: Decimal, on: dt.date, notes: list[str]
) -> list[Line]:
    """The employer's unemployment insurance lines (see the package's docstring)."""
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


def employer_contributions(
    data: PayslipInput, amounts: Bases, employee: EmployeeContributions
) -> EmployerContributions:
    """Health insurance (its age range) on the health base; TyEL on the base the employee's
    TyEL is charged on; unemployment insurance (the employee's age range); accident and
    group life insurance at the company's rates on the TyEL wage base (no age limit)."""
    on, birth, employer = data.payment_date, data.birth_date, data.employer
    lines: list[Line] = []
    notes: list[str] = []
    health = tyel = unemployment = accident = group_life = wage_sum = ZERO
    health_ages = _param(P_HEALTH_AGES, on).value
    if in_range(birth, int(health_ages["lower"]), int(health_ages["upper"]), on):
        rate = _param(P_HEALTH_EMPLOYER, on)
        line = _percent_line(
            "employer_health_insurance", EMPLOYER, amounts.health, rate.value, rate
        )
        lines.append(line)
        health = line.amount
    else:
        notes.append(f"No employer health insurance contribution: outside ages ({P_HEALTH_AGES}).")
    line = _employer_tyel(employer, employee, on)
    if line is not None:
        lines.append(line)
        tyel = line.amount
    if employee.in_unemployment:
        wage_sum = amounts.unemployment
        unemployment_lines = _employer_unemployment(employer, wage_sum, on, notes)
        lines += unemployment_lines
        unemployment = sum((line.amount for line in unemployment_lines), ZERO)
    if employer.accident_rate:
        line = _percent_line(
            "employer_accident", EMPLOYER, amounts.tyel, employer.accident_rate,
            "employer.accident_rate",
        )  # fmt: skip
        lines.append(line)
        accident = line.amount
    if employer.group_life_rate:
        line = _percent_line(
            "employer_group_life", EMPLOYER, amounts.tyel, employer.group_life_rate,
            "employer.group_life_rate",
        )  # fmt: skip
        lines.append(line)
        group_life = line.amount
    return EmployerContributions(
        lines=tuple(lines),
        notes=tuple(notes),
        health=health,
        tyel=tyel,
        unemployment=unemployment,
        accident=accident,
        group_life=group_life,
        wage_sum=wage_sum,
    )
