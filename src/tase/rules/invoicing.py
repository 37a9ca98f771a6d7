"""The arithmetic of a sales invoice: line amounts, VAT per rate, totals. Pure Python.

Amounts are integer cents. A line's amount is quantity x unit price x (1 - discount %),
rounded **half up to the cent** (``ROUND_HALF_UP``, away from zero for negative quantities).
Lines are then grouped by VAT code and sales account; the VAT of each group is computed once
from the group's sum with the ledger's own rule (:func:`tase.rules.vat.line_vat`, half up), so
the invoice and the voucher posted for it agree to the cent. The rate is the one in force on
the **delivery date** (the rate follows the supply, not the invoice: HE 61/2024 for the change
of 1.9.2024, HE 93/2025 for 1.1.2026; parameters in ``params/vat.yaml``).

When prices include VAT the line amounts are gross and each group's VAT is split out of its
gross sum (net + VAT = gross exactly); otherwise they are net and VAT is added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import vat as vat_rules

HUNDRED = Decimal(100)

# Sales where the buyer accounts for the VAT (reverse charge) or the supply is an
# intra-community one: the invoice shows both VAT numbers and the ground (Verohallinto,
# Laskutusvaatimukset arvonlisäverotuksessa, VH/3634/00.01.00/2023,
# https://www.vero.fi/syventavat-vero-ohjeet/ohje-hakusivu/48090/laskutusvaatimukset-arvonlisaverotuksessa3/).
REVERSE_CHARGE_CODES = ("S-EUG", "S-EUS", "S-RC")


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    vat_code: str  # "" only for a company not liable to VAT
    account: str
    discount_percent: Decimal = Decimal(0)


@dataclass(frozen=True)
class Group:
    """Lines of one VAT code and sales account: what one voucher line posts."""

    vat_code: str
    account: str
    rate: Decimal
    amount: int  # as entered: gross when prices include VAT, else net
    net: int
    vat: int


@dataclass(frozen=True)
class RateTotal:
    vat_code: str
    rate: Decimal
    net: int
    vat: int


@dataclass(frozen=True)
class Totals:
    groups: list[Group]
    by_rate: list[RateTotal]
    net: int
    vat: int
    gross: int


def line_amount(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = 0) -> int:
    """Quantity x unit price less the discount, in cents, half up."""
    value = (
        Decimal(quantity)
        * Decimal(unit_price)
        * (HUNDRED - Decimal(discount_percent or 0))
        / HUNDRED
        * HUNDRED
    )
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_of(vat_code: str, on: dt.date) -> Decimal:
    return vat_rules.get(vat_code).rate_on(on) if vat_code else Decimal(0)


def split(amount: int, vat_code: str, on: dt.date, *, gross: bool) -> tuple[int, int]:
    """(net, VAT) of ``amount`` cents with ``vat_code`` on ``on``, the ledger's way."""
    if not vat_code:
        return amount, 0
    # The ledger posts sales as credits (negative); VAT comes back with the same sign.
    parts = vat_rules.line_vat(vat_rules.get(vat_code), -amount, gross=gross, on=on)
    vat = -parts.output_vat
    return (amount - vat, vat) if gross else (amount, vat)


def totals(lines: list[Line], *, on: dt.date, prices_include_vat: bool) -> Totals:
    """The invoice's groups, VAT per rate and totals; ``on`` is the delivery date."""
    sums: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (line.vat_code, line.account)
        sums[key] = sums.get(key, 0) + line_amount(
            line.quantity, line.unit_price, line.discount_percent
        )
    groups = []
    for (code, account), amount in sums.items():
        net, vat = split(amount, code, on, gross=prices_include_vat)
        groups.append(Group(code, account, rate_of(code, on), amount, net, vat))
    rates: dict[tuple[str, Decimal], list[int]] = {}
    for group in groups:
        slot = rates.setdefault((group.vat_code, group.rate), [0, 0])
        slot[0] += group.net
        slot[1] += group.vat
    by_rate = [
        RateTotal(code, rate, net, vat)
        for (code, rate), (net, vat) in sorted(rates.items(), key=lambda kv: (-kv[0][1], kv[0][0]))
    ]
    net = sum(g.net for g in groups)
    vat = sum(g.vat for g in groups)
    return Totals(groups, by_rate, net, vat, net + vat)


def code_for_rate(rate: Decimal, on: dt.date) -> str | None:
    """The domestic sales VAT code whose rate on ``on`` is ``rate`` (0 → S0), or None."""
    rate = Decimal(rate)
    if rate == 0:
        return "S0"
    for code in vat_rules.CODES.values():
        if code.kind == vat_rules.DOMESTIC_SALE and code.rate_on(on) == rate:
            return code.code
    return None
