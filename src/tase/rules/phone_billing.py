"""Phone support billing: started minutes * the price per minute in force on the call's date.

The vendor's price per minute is a dated value that includes VAT (initially 0.30 €/min).
The VAT share of each call is computed with the general VAT rate in force on the call's
date: ``vat = price * rate / (100 + rate)``, rounded half up to the cent **per call**;
a statement's VAT is the sum of its calls' rounded VAT (so its lines add up to its total).

Money is integer cents; rounding happens only in :func:`vat_included_cents`. Pure Python.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tase.rules import parameters

VAT_PARAMETER = "vat.general_rate"


class NoPriceOnDate(LookupError):
    pass


def started_minutes(duration_seconds: int) -> int:
    """Every started minute counts: 1 s → 1 min, 60 s → 1 min, 61 s → 2 min, 0 s → 0."""
    if duration_seconds < 0:
        raise ValueError("A call's duration cannot be negative.")
    return -(-duration_seconds // 60)


def price_at(prices: Sequence[tuple[dt.date, int]], on: dt.date) -> int:
    """The price in cents per minute in force on ``on`` from ``(effective_from, cents)`` pairs."""
    ordered = sorted(prices)
    index = bisect_right([start for start, _ in ordered], on) - 1
    if index < 0:
        raise NoPriceOnDate(f"No phone price in force on {on.isoformat()}.")
    return ordered[index][1]


def vat_rate_on(on: dt.date) -> Decimal:
    return Decimal(parameters.value_at(VAT_PARAMETER, on))


def vat_included_cents(gross_cents: int, rate: Decimal) -> int:
    """The VAT inside a VAT-inclusive amount: gross * rate / (100 + rate), half up to the cent."""
    share = Decimal(gross_cents) * Decimal(rate) / (Decimal(100) + Decimal(rate))
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class CallCharge:
    on: dt.date
    duration_seconds: int
    minutes: int
    cents_per_minute: int
    cost_cents: int  # VAT included
    vat_rate: Decimal
    vat_cents: int  # the VAT share of cost_cents

    @property
    def net_cents(self) -> int:
        return self.cost_cents - self.vat_cents


def charge(on: dt.date, duration_seconds: int, cents_per_minute: int) -> CallCharge:
    minutes = started_minutes(duration_seconds)
    cost = minutes * cents_per_minute
    rate = vat_rate_on(on)
    return CallCharge(
        on, duration_seconds, minutes, cents_per_minute, cost, rate, vat_included_cents(cost, rate)
    )


@dataclass(frozen=True)
class Statement:
    charges: tuple[CallCharge, ...]

    @property
    def calls(self) -> int:
        return len(self.charges)

    @property
    def minutes(self) -> int:
        return sum(c.minutes for c in self.charges)

    @property
    def total_cents(self) -> int:
        return sum(c.cost_cents for c in self.charges)

    @property
    def vat_cents(self) -> int:
        return sum(c.vat_cents for c in self.charges)

    @property
    def net_cents(self) -> int:
        return self.total_cents - self.vat_cents

    def by_rate(self) -> list[tuple[Decimal, int, int]]:
        """[(rate, total cents, VAT cents)] per VAT rate, lowest rate first."""
        groups: dict[Decimal, list[int]] = {}
        for c in self.charges:
            row = groups.setdefault(c.vat_rate, [0, 0])
            row[0] += c.cost_cents
            row[1] += c.vat_cents
        return [(rate, t, v) for rate, (t, v) in sorted(groups.items())]


def statement(charges: Iterable[CallCharge]) -> Statement:
    return Statement(tuple(charges))
