"""The holiday calculator's plain data (JSON shape) in: :func:`input_from_dict` builds a
:class:`~tase.rules.holidays.model.HolidayInput`, naming the field of bad input. Imports no
Django.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tase.rules.payroll import PayrollInputError, read_date, read_decimal

from .model import ZERO, EarlierYear, HolidayInput, HolidayInputError, Month, SickLeave


# -- plain data in (the API, the golden files) ---------------------------------------------
def _input_error(error: PayrollInputError) -> HolidayInputError:
    return HolidayInputError(error.field, error.message)


def _optional_in(value: Any, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return read_decimal(value, where)
    except PayrollInputError as error:
        raise _input_error(error) from None


def _number_in(value: Any, where: str, default: Decimal = ZERO) -> Decimal:
    number = _optional_in(value, where)
    return default if number is None else number


def _whole(value: Any, where: str) -> int:
    number = _number_in(value, where)
    if number != number.to_integral_value():
        raise HolidayInputError(where, "must be a whole number.")
    return int(number)


def _day(value: Any, where: str) -> dt.date:
    try:
        return read_date(value, where)
    except PayrollInputError as error:
        raise _input_error(error) from None


def _month_in(raw: Any, index: int) -> Month:
    where = f"months[{index}]"
    if not isinstance(raw, dict):
        raise HolidayInputError(where, "expected an object.")
    text = str(raw.get("month") or "")
    try:
        year, number = (int(part) for part in text.split("-"))
        dt.date(year, number, 1)
    except ValueError:
        raise HolidayInputError(f"{where}.month", "is not a month (YYYY-MM).") from None
    return Month(
        year,
        number,
        days_worked=_whole(raw.get("days_worked"), f"{where}.days_worked"),
        hours_worked=_number_in(raw.get("hours_worked"), f"{where}.hours_worked"),
        wages=_number_in(raw.get("wages"), f"{where}.wages"),
        overtime_increments=_number_in(
            raw.get("overtime_increments"), f"{where}.overtime_increments"
        ),
        overtime_hours=_number_in(raw.get("overtime_hours"), f"{where}.overtime_hours"),
        equated_days=_whole(raw.get("equated_days"), f"{where}.equated_days"),
        equated_hours=_number_in(raw.get("equated_hours"), f"{where}.equated_hours"),
        other_pay=_number_in(raw.get("other_pay"), f"{where}.other_pay"),
        absence_wages=_number_in(raw.get("absence_wages"), f"{where}.absence_wages"),
    )


def _flag(data: dict, name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise HolidayInputError(name, "expected true or false.")
    return value


def _earlier_in(raw: Any, index: int) -> EarlierYear:
    where = f"earlier_years[{index}]"
    if not isinstance(raw, dict):
        raise HolidayInputError(where, "expected an object.")
    return EarlierYear(
        credit_year_end=_day(raw.get("credit_year_end"), f"{where}.credit_year_end"),
        wages=_number_in(raw.get("wages"), f"{where}.wages"),
    )


def _sick_leave_in(raw: Any, index: int) -> SickLeave:
    where = f"sick_leaves[{index}]"
    if not isinstance(raw, dict):
        raise HolidayInputError(where, "expected an object.")
    return SickLeave(
        start=_day(raw.get("start_date"), f"{where}.start_date"),
        end=_day(raw.get("end_date"), f"{where}.end_date"),
    )


def input_from_dict(data: dict) -> HolidayInput:
    """Build a :class:`HolidayInput` from the calculator's JSON shape (strings or numbers)."""
    if not isinstance(data, dict):
        raise HolidayInputError("body", "expected an object.")
    raw_months = data.get("months") or []
    if not isinstance(raw_months, list):
        raise HolidayInputError("months", "expected a list.")
    end = data.get("employment_end")
    changed = _flag(data, "working_time_changed")
    raw_years = data.get("earlier_years") or []
    if not isinstance(raw_years, list):
        raise HolidayInputError("earlier_years", "expected a list.")
    raw_sick = data.get("sick_leaves") or []
    if not isinstance(raw_sick, list):
        raise HolidayInputError("sick_leaves", "expected a list.")
    return HolidayInput(
        credit_year_end=_day(data.get("credit_year_end"), "credit_year_end"),
        employment_start=_day(data.get("employment_start"), "employment_start"),
        employment_end=None if end in (None, "") else _day(end, "employment_end"),
        pay_basis=str(data.get("pay_basis") or ""),
        earning_rule=str(data.get("earning_rule") or ""),
        months=tuple(_month_in(raw, index) for index, raw in enumerate(raw_months)),
        days_per_week=_number_in(data.get("days_per_week"), "days_per_week", Decimal(5)),
        monthly_salary=_optional_in(data.get("monthly_salary"), "monthly_salary"),
        weekly_salary=_optional_in(data.get("weekly_salary"), "weekly_salary"),
        holiday_bonus_percent=_number_in(
            data.get("holiday_bonus_percent"), "holiday_bonus_percent"
        ),
        working_time_changed=changed,
        days_not_given=_whole(data.get("days_not_given"), "days_not_given"),
        sick_leaves=tuple(_sick_leave_in(raw, index) for index, raw in enumerate(raw_sick)),
        days_used=_whole(data.get("days_used"), "days_used"),
        days_earned_before=_whole(data.get("days_earned_before"), "days_earned_before"),
        earlier_years=tuple(_earlier_in(raw, index) for index, raw in enumerate(raw_years)),
        bonus_on_compensation=_flag(data, "bonus_on_compensation"),
        average_hourly_earnings_multiplier=_optional_in(
            data.get("average_hourly_earnings_multiplier"), "average_hourly_earnings_multiplier"
        ),
    )
