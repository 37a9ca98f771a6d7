"""The dated parameters the engine reads, and the statutes' age rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..parameters import ParameterError, default_set, generation
from .model import ZERO, PayrollInputError

# The parameters the engine reads (names under rules/params/).
P_TYEL_EMPLOYER = "payroll.tyel.employer_average_rate"
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


# -- parameters ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Param:
    name: str
    value: Any
    source: str


def _param(name: str, on: dt.date) -> _Param:
    """The parameter's value on ``on``; a date it has no (confirmed) value for is bad input of
    ``payment_date``, with the parameters' message (Finnish / English) naming it and the year."""
    return _cached_param(generation(), name, on)


@lru_cache(maxsize=512)
def _cached_param(generation: int, name: str, on: dt.date) -> _Param:
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
    return _tyel_band(generation(), _months(birth, on), on)


@lru_cache(maxsize=4096)
def _tyel_band(generation: int, months: int, on: dt.date) -> _Param:
    bands = _param(P_TYEL_BANDS, on)
    rate = ZERO
    for band in bands.value:
        if months > 12 * int(band["from_age"]):
            rate = band["rate"]
    return _Param(bands.name, rate, bands.source)
