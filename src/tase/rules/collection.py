"""Penalty interest and reminder charges on overdue sales invoices. Pure Python.

**Penalty interest** (viivästyskorko, Korkolaki 633/1982): the reference rate of the half-year
(12 §) plus 7 percentage points (4 §), plus 8 on payments between businesses (4 a §), unless a
rate was agreed (a contract rate replaces it). It runs from the day after the due date: the days
counted for a span are ``end - start`` with the due date as the first start, so a payment on day
*p* has carried interest through day *p* on the part it pays. The rate changes on 1.1. and 1.7.;
the principal changes on each payment. Interest is actual days / 365 (parameter
``sales.collection.interest_day_basis``), summed unrounded over the spans and rounded **half up
to the cent once**, at the end.

**Reminder charges**: a consumer may be charged at most 5 € for a reminder, and only when the
debt has been overdue at least 14 days (Perintälaki 513/1999 10 §); a business debtor owes a
fixed 40 € compensation for recovery costs once per debt (10 e §), whatever the number of
reminders. The figures are dated parameters in ``params/sales/collection.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import parameters

_PARAMS = "sales.collection."
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class InterestSpan:
    """Days ``start`` (exclusive) … ``end`` (inclusive) at one principal and one rate."""

    start: dt.date
    end: dt.date
    principal: int  # cents
    rate: Decimal  # percent a year
    amount: Decimal  # cents, unrounded

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Interest:
    spans: tuple[InterestSpan, ...]
    cents: int  # the sum of the spans, half up to the cent


@dataclass(frozen=True)
class Charges:
    """What a reminder may add to the open amount."""

    fee: int  # cents: the consumer's reminder fee
    compensation: int  # cents: the business debtor's fixed compensation
    fee_withheld: bool = False  # a consumer reminder sent before the fee is allowed


def penalty_rate(on: dt.date, *, commercial: bool) -> Decimal:
    """The statutory penalty interest (percent a year) in force on ``on``."""
    reference = Decimal(parameters.value_at(_PARAMS + "reference_rate", _half_year_start(on)))
    margin = parameters.value_at(_PARAMS + "penalty_margin", on)
    return reference + Decimal(margin["commercial" if commercial else "consumer"])


def _half_year_start(on: dt.date) -> dt.date:
    return dt.date(on.year, 1 if on.month <= 6 else 7, 1)


def _next_half_year(on: dt.date) -> dt.date:
    return dt.date(on.year, 7, 1) if on.month <= 6 else dt.date(on.year + 1, 1, 1)


def penalty_interest(
    principal: int,
    due_date: dt.date,
    until: dt.date,
    *,
    commercial: bool,
    payments: list[tuple[dt.date, int]] | tuple = (),
    contract_rate: Decimal | None = None,
) -> Interest:
    """Interest on ``principal`` cents overdue since ``due_date``, through ``until``.

    ``payments`` are (date, cents) received on the debt; each lowers the principal from the day
    after it. A date at or before the due date carries no interest. Raises
    :class:`tase.rules.parameters.NotConfirmed` for a half-year whose reference rate is not
    yet confirmed.
    """
    if principal < 0:
        raise ValueError("principal must not be negative")
    paid = sorted((day, amount) for day, amount in payments if amount)
    spans: list[InterestSpan] = []
    start, left = due_date, principal
    for day, amount in paid:
        if day <= due_date:
            left -= amount
    paid = [(day, amount) for day, amount in paid if day > due_date]
    while start < until and left > 0:
        breaks = [until, _next_half_year(start + dt.timedelta(days=1)) - dt.timedelta(days=1)]
        breaks += [day for day, _ in paid if day > start]
        end = min(breaks)
        rate = (
            contract_rate
            if contract_rate is not None
            else penalty_rate(start + dt.timedelta(days=1), commercial=commercial)
        )
        basis = Decimal(parameters.value_at(_PARAMS + "interest_day_basis", end))
        amount = Decimal(left) * rate / HUNDRED * (end - start).days / basis
        spans.append(InterestSpan(start, end, left, rate, amount))
        left -= sum(amount for day, amount in paid if day == end)
        start = end
    total = sum((span.amount for span in spans), Decimal(0))
    return Interest(tuple(spans), int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def reminder_charges(
    *,
    consumer: bool,
    due_date: dt.date,
    on: dt.date,
    compensation_claimed: bool,
) -> Charges:
    """The fee or compensation a reminder dated ``on`` may carry (see the module docstring)."""
    if consumer:
        minimum = int(parameters.value_at(_PARAMS + "consumer_reminder_fee_min_days_overdue", on))
        if (on - due_date).days < minimum:
            return Charges(fee=0, compensation=0, fee_withheld=True)
        fee = Decimal(parameters.value_at(_PARAMS + "consumer_reminder_fee_max", on))
        return Charges(fee=int(fee * HUNDRED), compensation=0)
    if compensation_claimed:
        return Charges(fee=0, compensation=0)
    compensation = Decimal(parameters.value_at(_PARAMS + "business_recovery_compensation", on))
    return Charges(fee=0, compensation=int(compensation * HUNDRED))
