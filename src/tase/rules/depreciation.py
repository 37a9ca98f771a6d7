"""Depreciation of fixed assets: the planned (book) schedule and the tax maximum.

Planned depreciation (suunnitelman mukaiset poistot, Kirjanpitolaki 1336/1997
5:5 §) is computed per calendar month from the month the asset was taken into
use, in integer cents:

* **straight-line** over N years: each month is ``cost / (12 N)`` rounded half
  up to the cent; the last month of the plan takes the remainder, so the months
  add up to the cost exactly. No month takes more than what is left.
* **reducing balance** at a yearly percentage: each month of a calendar year is
  ``residual at the start of that year * rate / 12``, rounded half up to the
  cent (in the first year the residual is the cost), never more than what is
  left, so the residual never goes below zero.

Tax depreciation by the Business Tax Act (elinkeinoverolaki 360/1968, EVL) is
yearly. Machinery and equipment are one group: at most 25 % (EVL 30 §) of the
group's undepreciated balance, menojäännös = opening balance + the year's
acquisitions - the year's disposal proceeds. Buildings are depreciated each on
its own balance at the rate of its type (EVL 34 §). Intangible rights and other
long-term expenditure are deducted straight-line over their period of use, 10
years when it is not known (EVL 24 §). Rates are the dated parameters in
``params/depreciation.yaml``. Every amount is rounded half up to the cent where
it is computed; the percentages are maxima, a company may deduct less.

Imports nothing from Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .parameters import value_at

BUILDING_TYPES = ("commercial", "residential", "light")


def _cents(value: Decimal) -> int:
    """Round to a whole cent, half up (the one rounding of this module)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def month_key(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def _months(first: tuple[int, int], last: tuple[int, int]):
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def straight_line(
    cost_cents: int, years: int, in_use: dt.date, until: dt.date
) -> dict[tuple[int, int], int]:
    """Monthly straight-line depreciation from ``in_use``'s month through ``until``'s.

    Months of zero (a cost too small to spread, or the plan ended) are left out."""
    if cost_cents < 0 or years <= 0:
        raise ValueError("straight-line depreciation needs a cost ≥ 0 and years > 0")
    months = years * 12
    base = _cents(Decimal(cost_cents) / months)
    schedule: dict[tuple[int, int], int] = {}
    left = cost_cents
    for number, key in enumerate(_months(month_key(in_use), month_key(until)), start=1):
        if number > months or left == 0:
            break
        amount = left if number == months else min(base, left)
        if amount:
            schedule[key] = amount
            left -= amount
    return schedule


def reducing_balance(
    cost_cents: int, rate_percent: Decimal, in_use: dt.date, until: dt.date
) -> dict[tuple[int, int], int]:
    """Monthly reducing-balance depreciation: a year's months share the residual at
    the start of that calendar year * rate / 12, never taking more than is left."""
    rate = Decimal(rate_percent)
    if cost_cents < 0 or not 0 < rate <= 100:
        raise ValueError("reducing-balance depreciation needs a cost ≥ 0 and 0 < rate ≤ 100")
    schedule: dict[tuple[int, int], int] = {}
    left = cost_cents
    year_start_residual = cost_cents
    current_year = in_use.year
    for key in _months(month_key(in_use), month_key(until)):
        if key[0] != current_year:
            current_year, year_start_residual = key[0], left
        amount = min(_cents(Decimal(year_start_residual) * rate / 100 / 12), left)
        if amount == 0:
            break
        schedule[key] = amount
        left -= amount
    return schedule


@dataclass(frozen=True)
class TaxYear:
    """One tax year of a group depreciated on its undepreciated balance."""

    year: int
    opening: int
    additions: int
    disposals: int
    balance: int  # menojäännös before the year's depreciation
    maximum: int
    depreciation: int
    closing: int


def reducing_balance_tax(
    rate_percent: Decimal,
    years: list[dict],
    opening_cents: int = 0,
) -> list[TaxYear]:
    """The EVL 30 § / 34 § computation over consecutive tax years.

    ``years``: dicts ``{"year", "additions", "disposals", "depreciation"?}`` in
    cents; ``depreciation`` is what the company chose (at most the maximum),
    the maximum when left out. A balance that the disposal proceeds turn negative
    is taxable income (EVL 30 § 1 mom) and leaves a zero balance.
    """
    rate = Decimal(rate_percent)
    result: list[TaxYear] = []
    opening = opening_cents
    for spec in years:
        additions, disposals = int(spec.get("additions", 0)), int(spec.get("disposals", 0))
        balance = max(opening + additions - disposals, 0)
        maximum = _cents(Decimal(balance) * rate / 100)
        chosen = spec.get("depreciation")
        depreciation = maximum if chosen is None else int(chosen)
        if not 0 <= depreciation <= maximum:
            raise ValueError(
                f"{spec['year']}: depreciation {depreciation} is outside 0…{maximum} cents"
            )
        closing = balance - depreciation
        result.append(
            TaxYear(
                int(spec["year"]),
                opening,
                additions,
                disposals,
                balance,
                maximum,
                depreciation,
                closing,
            )
        )
        opening = closing
    return result


def machinery_rate(on: dt.date) -> Decimal:
    """EVL 30 §: the maximum yearly rate for machinery and equipment."""
    return value_at("depreciation.machinery_max_rate", on)


def building_rate(building_type: str, on: dt.date) -> Decimal:
    """EVL 34 §: the maximum yearly rate for a building of ``building_type``."""
    rates = value_at("depreciation.building_max_rates", on)
    if building_type not in rates:
        raise ValueError(f"unknown building type {building_type!r}")
    return rates[building_type]


def intangible_tax(cost_cents: int, on: dt.date, years: int | None = None, months: int = 12) -> int:
    """EVL 24 §: the yearly deduction of an intangible right or other long-term
    expenditure, straight-line over ``years`` (the parameter's 10 when unknown);
    rounded half up to the cent (the last year takes what is left). A tax year of
    other than twelve months deducts ``months``/12 of it."""
    years = years or int(value_at("depreciation.intangible_default_years", on))
    return _cents(Decimal(cost_cents) / years * months / 12)


def balance_maximum(balance_cents: int, rate_percent: Decimal, months: int = 12) -> int:
    """EVL 30 § and 34 §: the maximum of a year, ``rate`` % of the undepreciated
    balance; a tax year longer or shorter than twelve months takes ``months``/12 of
    it (EVL 30 § 2 mom). Rounded half up to the cent."""
    return _cents(Decimal(balance_cents) * Decimal(rate_percent) / 100 * months / 12)


@dataclass(frozen=True)
class PoolYear:
    """One fiscal year of a tax pool (the machinery group, or one building or right)
    with the depreciation difference (poistoero) that makes the deduction.

    ``least`` … ``most`` is the change of the accumulated difference the company may
    book; ``change`` is the one booked (or proposed); ``deducted`` what taxation
    allows (planned + change, at most the maximum)."""

    balance: int  # menojäännös before the year's deduction
    maximum: int
    planned: int
    accumulated: int  # the difference accumulated before the year
    least: int
    most: int
    change: int
    deducted: int
    closing: int


def pool_years(years: list[dict], accumulated: int = 0) -> list[PoolYear]:
    """The depreciation difference of one tax pool over consecutive fiscal years.

    ``years``: dicts in cents with ``additions`` (acquisition costs), ``disposals``
    (the proceeds), ``planned`` (the book depreciation posted in the year),
    ``maximum`` (a callable ``balance -> the EVL maximum``) and ``change`` (the
    difference booked, or None for the proposal). The rules:

    * The deduction in taxation is what is booked (EVL 54 §): planned depreciation
      plus the change in the depreciation difference (KPL 5:5 §, a closing
      appropriation), at most the maximum of EVL 24 §, 30 § or 34 §.
    * The difference accumulated cannot go below zero, so a decrease releases at
      most what earlier years accumulated: ``least = -accumulated``.
    * ``most = maximum - planned``, not below ``least``: when the plan alone exceeds
      the maximum and nothing is left to release, the excess is deducted later,
      as it stays in the balance.
    * The proposal is ``most``: the largest deduction taxation allows. A booked
      ``change`` is taken as it is (the caller checks a new one against the range).
    * A balance that the proceeds turn negative is taxable income and leaves zero
      (EVL 30 § 1 mom).

    ``accumulated``: the difference accumulated before the first year (the books of assets
    bought before them: their book value less their undepreciated tax value).
    """
    result: list[PoolYear] = []
    opening = 0
    for spec in years:
        additions, disposals = int(spec.get("additions", 0)), int(spec.get("disposals", 0))
        planned = int(spec.get("planned", 0))
        balance = max(opening + additions - disposals, 0)
        maximum = min(int(spec["maximum"](balance)), balance)
        least = -accumulated
        most = max(maximum - planned, least)
        change = most if spec.get("change") is None else int(spec["change"])
        deducted = max(min(planned + change, maximum), 0)
        closing = balance - deducted
        result.append(
            PoolYear(balance, maximum, planned, accumulated, least, most, change, deducted, closing)
        )
        opening, accumulated = closing, accumulated + change
    return result
