"""The stateless holiday calculator: ``POST /api/v1/payroll/holidays/calculate``.

One credit year of one employment, month by month, in; the days earned, the holiday pay by the
method of the Annual Holidays Act (vuosilomalaki 162/2005), the holiday bonus and the holiday
compensation out, each step a line with its computation and its section of the Act
(:mod:`tase.rules.holidays`). Money is given and returned as decimal strings. Bad input answers
422 naming the field: ``{"detail": [{"loc": ["body", "months[3].days_worked"], ...}]}``.
Nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from tase.apiutil import Day
from tase.rules import holidays as engine

from .models import Employment

router = Router(tags=["payroll"])


class MonthIn(Schema):
    month: str  # "2025-04": a month of the credit year that had employment
    days_worked: int  # days at work, including days equated to work (7 §)
    hours_worked: Decimal = Decimal(0)  # hours at work, including hours equated to work
    wages: Decimal = Decimal(0)  # paid for time at work, overtime pay included
    overtime_increments: Decimal = Decimal(0)  # the overtime and emergency-work increments
    overtime_hours: Decimal = Decimal(0)  # hours beyond the regular daily working time
    equated_days: int = 0  # of days_worked: absences equated to work (not in the divisor)
    equated_hours: Decimal = Decimal(0)  # of hours_worked: absences equated to work
    other_pay: Decimal = Decimal(0)  # of wages: other pay besides a salary (10 § 1 mom.)
    absence_wages: Decimal = Decimal(0)  # calculated pay of absences (12 § 2 mom.)


class EarlierYearIn(Schema):
    credit_year_end: Day  # 31 March of an earlier credit year of the employment
    wages: Decimal  # its wages for time at work without overtime increments, not compensated


class SickLeaveIn(Schema):
    start_date: Day  # the first day of a sick leave
    end_date: Day  # its last day


class HolidayCalculateIn(Schema):
    credit_year_end: Day
    employment_start: Day
    employment_end: Day | None = None
    pay_basis: Literal["monthly", "weekly", "hourly", "performance"]
    earning_rule: Literal["14_days", "35_hours"]
    days_per_week: Decimal = Decimal(5)
    monthly_salary: Decimal | None = None
    weekly_salary: Decimal | None = None
    holiday_bonus_percent: Decimal = Decimal(0)
    working_time_changed: bool = False
    average_hourly_earnings_multiplier: Decimal | None = None
    days_not_given: int = 0  # earned days not given for continuing incapacity (26 § 1 mom.)
    # Instead of days_not_given: the sick leaves and the days of the year used (taken, planned
    # or saved) by its giving deadline, 31 December of the next year; the 26 § days are found
    # from them (sick leaves without a Monday-Friday working day between them are one).
    sick_leaves: list[SickLeaveIn] = []
    days_used: int = 0
    days_earned_before: int = 0  # holiday days earned in the employment's earlier years
    earlier_years: list[EarlierYearIn] = []  # no holiday earned, not compensated (17 § 4 mom.)
    bonus_on_compensation: bool = False  # the rule pays the holiday bonus on compensation
    months: list[MonthIn] = []


class HolidayLineOut(Schema):
    label: str
    basis: str
    amount: str
    source: str


class HolidayResultOut(Schema):
    earned_days: int
    full_months: int
    method: Literal["salary_kept", "average_daily_wage", "percentage", "average_hourly_earnings"]
    average_daily_wage: str | None
    coefficient: str | None
    holiday_pay: str
    holiday_bonus: str
    compensation: str
    lines: list[HolidayLineOut]


# The rules' fixed messages, translated (the rules are pure Python, without gettext).
MESSAGES = {
    "a credit year ends on 31 March.": _("a credit year ends on 31 March."),
    "no statutory figures are known for this credit year.": _(
        "no statutory figures are known for this credit year."
    ),
    "must be one of {choices}.": _("must be one of {choices}."),
    "must be more than 0 and at most 7.": _("must be more than 0 and at most 7."),
    "must be more than 0.": _("must be more than 0."),
    "must not be negative.": _("must not be negative."),
    "is not a number.": _("is not a number."),
    "is not a date (YYYY-MM-DD).": _("is not a date (YYYY-MM-DD)."),
    "is not a month (YYYY-MM).": _("is not a month (YYYY-MM)."),
    "must be a whole number.": _("must be a whole number."),
    "expected true or false.": _("expected true or false."),
    "expected an object.": _("expected an object."),
    "expected a list.": _("expected a list."),
    "is after the credit year {start} - {end}.": _("is after the credit year {start} - {end}."),
    "is before the credit year {start} - {end}.": _("is before the credit year {start} - {end}."),
    "is before the employment start.": _("is before the employment start."),
    "is required for pay basis {basis}.": _("is required for pay basis {basis}."),
    "does not fit pay basis {basis}.": _("does not fit pay basis {basis}."),
    "the average-hourly-earnings method is for hourly or performance pay under the 14-day rule.": _(
        "the average-hourly-earnings method is for hourly or performance pay under the 14-day rule."
    ),
    "a contract of {days} days a week gives fewer than {limit} days in some months: the "
    "35-hour rule applies.": _(
        "a contract of {days} days a week gives fewer than {limit} days in some months: the "
        "35-hour rule applies."
    ),
    "a contract of {days} days a week gives at least {limit} days in every month: the 14-day "
    "rule applies.": _(
        "a contract of {days} days a week gives at least {limit} days in every month: the "
        "14-day rule applies."
    ),
    "{month} is given twice.": _("{month} is given twice."),
    "{month} is outside the credit year {start} - {end}.": _(
        "{month} is outside the credit year {start} - {end}."
    ),
    "{month} has no days of employment.": _("{month} has no days of employment."),
    "must be between 0 and the {days} days of employment in {month}.": _(
        "must be between 0 and the {days} days of employment in {month}."
    ),
    "must be between 0 and 24 hours a day of employment in {month}.": _(
        "must be between 0 and 24 hours a day of employment in {month}."
    ),
    "must not exceed the wages.": _("must not exceed the wages."),
    "must not exceed the hours worked.": _("must not exceed the hours worked."),
    "must be between 0 and the days worked.": _("must be between 0 and the days worked."),
    "must not exceed the {days} days earned.": _("must not exceed the {days} days earned."),
    "give either days_not_given or sick_leaves.": _("give either days_not_given or sick_leaves."),
    "must not be before the start date.": _("must not be before the start date."),
    "{year} is given twice.": _("{year} is given twice."),
    "must not exceed the wages without the overtime increments.": _(
        "must not exceed the wages without the overtime increments."
    ),
    "must be a credit year of the employment before {start}.": _(
        "must be a credit year of the employment before {start}."
    ),
    "apply only when the employment ended within the credit year without a holiday day earned "
    "(17 § 4 mom.).": _(
        "apply only when the employment ended within the credit year without a holiday day "
        "earned (17 § 4 mom.)."
    ),
}


def error_text(error: engine.HolidayInputError) -> str:
    """The rule's message in the active language, its dates in the local short format and a
    pay basis by its name ("viikkopalkka", not the API's code)."""
    bases = {key: str(label).lower() for key, label in Employment.Basis.choices}
    params = {
        key: formats.date_format(value, "SHORT_DATE_FORMAT")
        if isinstance(value, dt.date)
        else bases.get(value, value)
        if key == "basis"
        else value
        for key, value in error.params.items()
    }
    return str(MESSAGES.get(error.message, error.message)).format(**params)


def calculate_dict(data: dict, language: str | None = None) -> dict:
    """Run the holiday rules on the calculator's JSON shape; bad input → ValidationError(field)."""
    try:
        result = engine.calculate(engine.input_from_dict(data))
    except engine.HolidayInputError as error:
        raise ValidationError({error.field: f"{error.field}: {error_text(error)}"}) from None
    return result.to_dict(language or translation.get_language() or "fi")


@router.post(
    "/calculate",
    response=HolidayResultOut,
    summary="Calculate annual holiday days, holiday pay and compensation for a credit year",
    description=(
        "Stateless. One entry per month of the credit year (1.4.-31.3.) that had employment; "
        "days and hours include those equated to work, wages are what was paid for time at "
        "work. Every line names its computation and its section of the Annual Holidays Act "
        "(vuosilomalaki 162/2005)."
    ),
)
def calculate(request, payload: HolidayCalculateIn):
    return calculate_dict(payload.dict())
