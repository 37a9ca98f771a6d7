"""The holiday rules' inputs, outputs and input error (:mod:`tase.rules.holidays`).

Imports no Django.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from tase.rules.payroll import money

ACT = "vuosilomalaki 162/2005"
ACT_URL = "https://finlex.fi/fi/laki/ajantasa/2005/20050162"
P_MIN_DAYS = "payroll.holidays.earning.full_month_min_days"
P_MIN_HOURS = "payroll.holidays.earning.full_month_min_hours"
P_DAYS_PER_MONTH = "payroll.holidays.earning.days_per_full_month"
P_COEFFICIENTS = "payroll.holidays.pay.average_daily_wage_coefficients"
P_OVERTIME_HOURS = "payroll.holidays.pay.overtime_hours_per_divisor_day"
P_STANDARD_WEEK = "payroll.holidays.pay.standard_days_per_week"
P_PERCENTAGES = "payroll.holidays.pay.percentage_rates"
P_DAY_DIVISORS = "payroll.holidays.pay.day_divisors"

PAY_BASES = ("monthly", "weekly", "hourly", "performance")
SALARIED = ("monthly", "weekly")
EARNING_RULES = ("14_days", "35_hours")
ZERO = Decimal(0)
TIMES = "\N{MULTIPLICATION SIGN}"  # in the computations shown
NOT_STATUTORY = {
    "fi": "työehtosopimus tai yrityksen sääntö (ei vuosilomalaissa)",
    "en": "collective agreement or company rule (not in the Act)",
}
HUNDRED = Decimal(100)
WEEKS_IN_FEBRUARY = 4  # the shortest month: exactly four of each weekday in a common year


class HolidayInputError(ValueError):
    """Bad input, naming the field at fault (``months[2].days_worked``).

    ``message`` is a fixed English text with ``{placeholders}`` filled from ``params``, so an
    interface can translate the text and then format it.
    """

    def __init__(self, field: str, message: str, **params: Any):
        self.field, self.message, self.params = field, message, params
        super().__init__(f"{field}: {message.format(**params)}")

    @property
    def text(self) -> str:
        return self.message.format(**self.params)


# -- inputs --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Month:
    """One calendar month of the credit year that had employment.

    ``days_worked`` and ``hours_worked`` include the days and hours equated to work (7 §);
    ``equated_days`` / ``equated_hours`` say how many of them were such absences, which count
    for earning but are not in the divisors of the average wages. ``wages`` is what was paid
    for time at work, overtime pay included; ``overtime_increments`` is the part of it paid as
    the increments for overtime and emergency work, left out of every basis (11 § 2 mom.,
    12 § 1 mom.); ``overtime_hours`` the hours beyond the regular daily working time.
    ``other_pay`` is the part of the wages that a weekly or monthly paid employee got besides
    the salary, not set by temporary circumstances (10 § 1 mom., second sentence);
    ``absence_wages`` the calculated pay lost in absences the percentage basis adds (12 § 2
    mom.), not part of the wages.
    """

    year: int
    month: int
    days_worked: int
    hours_worked: Decimal = ZERO
    wages: Decimal = ZERO
    overtime_increments: Decimal = ZERO
    overtime_hours: Decimal = ZERO
    equated_days: int = 0
    equated_hours: Decimal = ZERO
    other_pay: Decimal = ZERO
    absence_wages: Decimal = ZERO

    @property
    def first_day(self) -> dt.date:
        return _month_bounds(self.year, self.month)[0]

    @property
    def last_day(self) -> dt.date:
        return _month_bounds(self.year, self.month)[1]

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def basis(self) -> Decimal:
        return self.wages - self.overtime_increments


@lru_cache(maxsize=1024)
def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """A month's first and last day (a balance for thousands of employees asks often)."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, slots=True)
class SickLeave:
    """A sick leave (its first and last day) from which the calculator finds the days of 26 §
    1 mom.: holiday the continuing incapacity kept from being given."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class EarlierYear:
    """An earlier credit year of an employment that earned no holiday at all, not yet
    compensated: its wages for time at work without the overtime and emergency-work
    increments (the basis of 16 §)."""

    credit_year_end: dt.date
    wages: Decimal


@dataclass(frozen=True, slots=True)
class HolidayInput:
    credit_year_end: dt.date
    employment_start: dt.date
    employment_end: dt.date | None
    pay_basis: str
    earning_rule: str
    months: tuple[Month, ...]
    days_per_week: Decimal = Decimal(5)
    monthly_salary: Decimal | None = None
    weekly_salary: Decimal | None = None
    holiday_bonus_percent: Decimal = ZERO
    # The working time and the salary changed during the credit year (10 § 4 mom.).
    working_time_changed: bool = False
    # A collective agreement's average-hourly-earnings method: a holiday day is paid this many
    # hours at the average hourly earnings of the credit year (replaces 11 § when given).
    average_hourly_earnings_multiplier: Decimal | None = None
    # Earned days that could not be given because the incapacity for work continued (26 § 1
    # mom.): paid as holiday compensation during the employment.
    days_not_given: int = 0
    # Instead of ``days_not_given``: the employee's sick leaves and the days of the year used
    # (taken, planned or saved) by its giving deadline; the days not given are then found by
    # :func:`tase.rules.holidays.giving.days_not_given_by_sick_leave`.
    sick_leaves: tuple[SickLeave, ...] = ()
    days_used: int = 0
    # Holiday days the employment earned in its earlier credit years: when there are none and
    # none in this year, the end of the employment is compensated by 17 § 4 mom.
    days_earned_before: int = 0
    # Earlier credit years of such an employment not yet compensated (17 § 4 mom., 16 §).
    earlier_years: tuple[EarlierYear, ...] = ()
    # The agreement's or the company's rule pays the holiday bonus on the compensation too.
    bonus_on_compensation: bool = False

    @property
    def credit_year_start(self) -> dt.date:
        return dt.date(self.credit_year_end.year - 1, 4, 1)

    @property
    def wage_basis(self) -> Decimal:
        """The credit year's wages for time at work without the overtime increments."""
        return sum((month.basis for month in self.months), ZERO)

    @property
    def absence_wages(self) -> Decimal:
        """The calculated pay of the absences the percentage basis adds (12 § 2 mom.)."""
        return sum((month.absence_wages for month in self.months), ZERO)

    @property
    def ended_within_year(self) -> bool:
        return self.employment_end is not None and self.employment_end <= self.credit_year_end


# -- output --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Line:
    label_fi: str
    label_en: str
    basis: str  # the computation in numbers, language-neutral: "36000.00 / 240"
    amount: Decimal
    section: str  # "11 § 1 mom."; empty for a rule that is not in the Act

    def to_dict(self, language: str = "fi") -> dict[str, str]:
        return {
            "label": self.label_en if language == "en" else self.label_fi,
            "basis": self.basis,
            "amount": str(self.amount),
            "source": f"{ACT} {self.section}, {ACT_URL}"
            if self.section
            else NOT_STATUTORY.get(language, NOT_STATUTORY["fi"]),
        }


@dataclass(frozen=True, slots=True)
class HolidayResult:
    earned_days: int
    full_months: int
    method: str  # salary_kept | average_daily_wage | percentage | average_hourly_earnings
    average_daily_wage: Decimal | None
    coefficient: Decimal | None
    holiday_pay: Decimal
    holiday_bonus: Decimal
    compensation: Decimal
    lines: tuple[Line, ...] = field(default=())
    # Of the pay for the earned days: the share of other pay besides the salary (10 § 1 mom.,
    # second sentence); the rest of salary-kept pay is the salary itself (a pay run lowers
    # the salary line by that rest only).
    other_pay_share: Decimal = ZERO

    def to_dict(self, language: str = "fi") -> dict[str, Any]:
        """The result as in the API: money as decimal strings with two decimals."""
        return {
            "earned_days": self.earned_days,
            "full_months": self.full_months,
            "method": self.method,
            "average_daily_wage": None
            if self.average_daily_wage is None
            else money(self.average_daily_wage),
            "coefficient": None if self.coefficient is None else str(self.coefficient),
            "holiday_pay": money(self.holiday_pay),
            "holiday_bonus": money(self.holiday_bonus),
            "compensation": money(self.compensation),
            "lines": [line.to_dict(language) for line in self.lines],
        }
