"""The payroll engine's data: inputs, lines, the payslip, labels and rounding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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
# Deductions before withholding (income type 419): shown before withholding, not paid out.
PRE_TAX_SECTION = "pre_tax"

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
    # Deductions before withholding (kind ``pre_tax``): they lowered the bases, not net pay.
    pre_tax_deductions: Decimal = ZERO
    # Of gross pay: the overtime and emergency-work increments, and the overtime hours
    # (steps.overtime_split; the holiday rules' average daily wage, vuosilomalaki 11 §).
    overtime_increments: Decimal = ZERO
    overtime_hours: Decimal = ZERO
    # Of gross pay: other pay besides a salary (steps.holiday_other_pay; the holiday pay of
    # the monthly paid, vuosilomalaki 10 § 1 mom.).
    holiday_other_pay: Decimal = ZERO

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
            "deductions_before_withholding": money(self.pre_tax_deductions),
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
