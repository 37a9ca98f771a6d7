"""Finnish VAT codes and the VAT arithmetic of one voucher line.

Pure Python, no Django. Amounts are integer cents, signed like the ledger
(debit positive, credit negative). Rates are never literals here: each code
names the dated parameter (``vat.general_rate`` …) that gives its rate on the
voucher's date.

Rounding rule: the VAT of one line is computed from the line's absolute amount
and rounded **half up to the cent** (0.5 cents and more round away from zero,
``decimal.ROUND_HALF_UP``); the sign of the line is applied afterwards, so a
credit and the equal debit always give equal VAT. For a gross line the VAT is
``gross x rate / (100 + rate)`` rounded, and the net part is ``gross - VAT``, so
net + VAT is exactly the gross amount entered.

Figures of the periodic tax return (kausiveroilmoitus, record VSRALVKV) that each
code feeds are named by their field codes (301 …) in :data:`CODES`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from . import deadlines, parameters

HUNDRED = Decimal(100)

# Kinds of VAT treatment.
DOMESTIC_SALE = "domestic_sale"  # output VAT split from the line
DOMESTIC_PURCHASE = "domestic_purchase"  # input VAT split from the line
SELF_ASSESSED = "self_assessed"  # buyer computes output and input VAT (EU, construction, imports)
NO_VAT_SALE = "no_vat_sale"  # 0 %, EU sales, construction reverse-charge sales: base only
NON_DEDUCTIBLE = "non_deductible"  # purchase whose VAT stays in the expense


@dataclass(frozen=True)
class VatCode:
    code: str
    name_fi: str
    name_en: str
    kind: str
    rate: str | None  # parameter name of the rate, or None
    tax_field: str | None = None  # return field of the tax (output side)
    base_field: str | None = None  # return field of the base
    sales: bool = True

    def rate_on(self, on: dt.date) -> Decimal:
        if self.rate is None:
            return Decimal(0)
        return Decimal(parameters.value_at(self.rate, on))

    @property
    def splits(self) -> bool:
        """Does a line with this code produce VAT entries?"""
        return self.kind in (DOMESTIC_SALE, DOMESTIC_PURCHASE, SELF_ASSESSED)


GENERAL = "vat.general_rate"
REDUCED = "vat.reduced_rate"
SECOND_REDUCED = "vat.second_reduced_rate"

_CODES = [
    VatCode("S", "Myynti, yleinen verokanta", "Sales, general rate", DOMESTIC_SALE, GENERAL, "301"),
    VatCode(
        "S-R",
        "Myynti, alennettu verokanta (14 % / 13,5 %)",
        "Sales, reduced rate (14 % / 13.5 %)",
        DOMESTIC_SALE,
        REDUCED,
        "302",
    ),
    VatCode(
        "S-R2",
        "Myynti, toinen alennettu verokanta (10 %)",
        "Sales, second reduced rate (10 %)",
        DOMESTIC_SALE,
        SECOND_REDUCED,
        "303",
    ),
    VatCode("S0", "Myynti 0 %", "Sales at 0 %", NO_VAT_SALE, None, None, "309"),
    VatCode(
        "S-EUG", "Tavaroiden yhteisömyynti", "EU sales of goods", NO_VAT_SALE, None, None, "311"
    ),
    VatCode(
        "S-EUS", "Palveluiden myynti EU:hun", "EU sales of services", NO_VAT_SALE, None, None, "312"
    ),
    VatCode(
        "S-RC",
        "Rakentamispalveluiden myynti (käännetty verovelvollisuus)",
        "Construction services sold (reverse charge)",
        NO_VAT_SALE,
        None,
        None,
        "319",
    ),
    VatCode(
        "P",
        "Ostot, yleinen verokanta",
        "Purchases, general rate",
        DOMESTIC_PURCHASE,
        GENERAL,
        sales=False,
    ),
    VatCode(
        "P-R",
        "Ostot, alennettu verokanta (14 % / 13,5 %)",
        "Purchases, reduced rate (14 % / 13.5 %)",
        DOMESTIC_PURCHASE,
        REDUCED,
        sales=False,
    ),
    VatCode(
        "P-R2",
        "Ostot, toinen alennettu verokanta (10 %)",
        "Purchases, second reduced rate (10 %)",
        DOMESTIC_PURCHASE,
        SECOND_REDUCED,
        sales=False,
    ),
    VatCode(
        "P-EUG",
        "Tavaroiden yhteisöhankinnat",
        "EU acquisitions of goods",
        SELF_ASSESSED,
        GENERAL,
        "305",
        "313",
        sales=False,
    ),
    VatCode(
        "P-EUS",
        "Palveluostot EU:sta",
        "EU purchases of services",
        SELF_ASSESSED,
        GENERAL,
        "306",
        "314",
        sales=False,
    ),
    VatCode(
        "P-RC",
        "Rakentamispalveluiden ostot (käännetty verovelvollisuus)",
        "Construction services bought (reverse charge)",
        SELF_ASSESSED,
        GENERAL,
        "318",
        "320",
        sales=False,
    ),
    VatCode(
        "P-IMP",
        "Tavaroiden maahantuonti EU:n ulkopuolelta",
        "Imports of goods from outside the EU",
        SELF_ASSESSED,
        GENERAL,
        "304",
        "310",
        sales=False,
    ),
    # The same self-assessed purchases of goods and services that carry a reduced rate
    # (AVL 85 § and 85 a §): the buyer computes the tax at 14 % / 13,5 % or 10 %, and it goes
    # to the same return fields as at the general rate.
    *(
        VatCode(
            f"{base}-{suffix}",
            f"{name_fi}, {rate_fi}",
            f"{name_en}, {rate_en}",
            SELF_ASSESSED,
            rate,
            tax_field,
            base_field,
            sales=False,
        )
        for base, name_fi, name_en, tax_field, base_field in (
            ("P-EUG", "Tavaroiden yhteisöhankinnat", "EU acquisitions of goods", "305", "313"),
            ("P-EUS", "Palveluostot EU:sta", "EU purchases of services", "306", "314"),
            (
                "P-IMP",
                "Tavaroiden maahantuonti EU:n ulkopuolelta",
                "Imports of goods from outside the EU",
                "304",
                "310",
            ),
        )
        for suffix, rate_fi, rate_en, rate in (
            ("R", "alennettu verokanta (14 % / 13,5 %)", "reduced rate (14 % / 13.5 %)", REDUCED),
            (
                "R2",
                "toinen alennettu verokanta (10 %)",
                "second reduced rate (10 %)",
                SECOND_REDUCED,
            ),
        )
    ),
    VatCode(
        "P-ND",
        "Ostot, ei vähennyskelpoinen",
        "Purchases, non-deductible",
        NON_DEDUCTIBLE,
        None,
        sales=False,
    ),
]
CODES: dict[str, VatCode] = {c.code: c for c in _CODES}

# Fields of the periodic return, in the order of the form.
RETURN_FIELDS: list[tuple[str, str, str]] = [
    ("301", "Vero kotimaan myynnistä, yleinen verokanta", "VAT on domestic sales, general rate"),
    ("302", "Vero kotimaan myynnistä, 14 % / 13,5 %", "VAT on domestic sales, 14 % / 13.5 %"),
    ("303", "Vero kotimaan myynnistä, 10 %", "VAT on domestic sales, 10 %"),
    ("304", "Vero tavaroiden maahantuonnista EU:n ulkopuolelta", "VAT on imports of goods"),
    ("305", "Vero tavaraostoista muista EU-maista", "VAT on EU acquisitions of goods"),
    ("306", "Vero palveluostoista muista EU-maista", "VAT on EU purchases of services"),
    ("318", "Vero rakentamispalveluiden ostoista", "VAT on construction services bought"),
    ("307", "Verokauden vähennettävä vero", "Deductible VAT of the period"),
    ("308", "Maksettava vero / palautukseen oikeuttava vero", "VAT payable / refundable"),
    ("309", "0-verokannan alainen liikevaihto", "Turnover at 0 %"),
    ("310", "Tavaroiden maahantuonnit EU:n ulkopuolelta", "Imports of goods"),
    ("311", "Tavaroiden myynnit muihin EU-maihin", "EU sales of goods"),
    ("312", "Palveluiden myynnit muihin EU-maihin", "EU sales of services"),
    ("313", "Tavaraostot muista EU-maista", "EU acquisitions of goods"),
    ("314", "Palveluostot muista EU-maista", "EU purchases of services"),
    ("319", "Rakentamispalveluiden myynnit", "Construction services sold"),
    ("320", "Rakentamispalveluiden ostot", "Construction services bought"),
]
OUTPUT_FIELDS = ("301", "302", "303", "304", "305", "306", "318")


class UnknownVatCode(KeyError):
    pass


def get(code: str) -> VatCode:
    try:
        return CODES[code]
    except KeyError:
        raise UnknownVatCode(code) from None


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# The VAT of a line is computed in integers where that is certainly the Decimal result: a
# rate of at most four decimals below 10,000 % (every rate there is: 25.5, 14, 13.5, 10, 0)
# and an amount below 10**18 cents. There the net path is exact in both, and in the gross
# path ``gross x n / (100 d + n)`` (rate = n / d) Decimal's 28 digits err by less than
# 10**-9 while a quotient that is not a half cent is at least 1 / (2 (100 d + n)) > 4 x 10**-9
# from one, so both round alike (tests/rules/test_vat.py compares them across amounts and
# rates). Anything else keeps the Decimal arithmetic.
_INT_LIMIT = 10**18
_RATE_SCALE = 10**4


@lru_cache(maxsize=64)
def _ratio(rate: Decimal) -> tuple[int, int] | None:
    """``rate`` as (numerator, denominator) when the integer arithmetic applies to it, else
    None (see above)."""
    if not rate.is_finite():
        return None
    numerator, denominator = rate.as_integer_ratio()
    if 0 <= numerator < _RATE_SCALE * denominator and _RATE_SCALE % denominator == 0:
        return numerator, denominator
    return None


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (both positive or zero, denominator not zero) rounded
    half up, as ``ROUND_HALF_UP`` does."""
    return (2 * numerator + denominator) // (2 * denominator)


def vat_of_net(net_cents: int, rate: Decimal) -> int:
    """VAT on a net amount, half up to the cent, sign kept."""
    rate = rate if type(rate) is Decimal else Decimal(rate)
    ratio = _ratio(rate)
    magnitude = abs(net_cents)
    if ratio is not None and magnitude < _INT_LIMIT:
        numerator, denominator = ratio
        vat = _half_up(magnitude * numerator, 100 * denominator)
    else:
        vat = _round(Decimal(magnitude) * rate / HUNDRED)
    return vat if net_cents >= 0 else -vat


def split_gross(gross_cents: int, rate: Decimal) -> tuple[int, int]:
    """(net, VAT) of a gross amount; net + VAT == gross exactly."""
    rate = rate if type(rate) is Decimal else Decimal(rate)
    ratio = _ratio(rate)
    magnitude = abs(gross_cents)
    if ratio is not None and magnitude < _INT_LIMIT:
        # gross x rate / (100 + rate), with rate = n / d: gross x n / (100 d + n).
        numerator, denominator = ratio
        vat = _half_up(magnitude * numerator, 100 * denominator + numerator)
    else:
        vat = _round(Decimal(magnitude) * rate / (HUNDRED + rate))
    vat = vat if gross_cents >= 0 else -vat
    return gross_cents - vat, vat


@dataclass(frozen=True)
class LineVat:
    """How one line with a VAT code posts: the base on the line's own account,
    output VAT (to the output VAT account) and input VAT (to the input VAT account)."""

    base: int
    output_vat: int = 0
    input_vat: int = 0


def line_vat(
    code: VatCode, amount_cents: int, *, gross: bool, on: dt.date, rate: Decimal | None = None
) -> LineVat:
    """Split a line of ``amount_cents`` (signed) posted with ``code`` on date ``on``.

    - domestic sales: base + output VAT == amount (both credits);
    - domestic purchases: base + input VAT == amount (both debits);
    - self-assessed (EU, construction, imports): the amount is the base; input VAT
      (debit) and output VAT (credit) of equal size are added, summing to zero;
    - 0 %, EU and reverse-charge sales, non-deductible purchases: no VAT entries.

    ``rate``: the code's rate on ``on`` when the caller has read it already
    (``code.rate_on(on)``); else it is read here.
    """
    if code.kind in (DOMESTIC_SALE, DOMESTIC_PURCHASE):
        if rate is None:
            rate = code.rate_on(on)
        if gross:
            base, vat = split_gross(amount_cents, rate)
        else:
            base, vat = amount_cents, vat_of_net(amount_cents, rate)
        if code.kind == DOMESTIC_SALE:
            return LineVat(base, output_vat=vat)
        return LineVat(base, input_vat=vat)
    if code.kind == SELF_ASSESSED:
        vat = vat_of_net(amount_cents, code.rate_on(on) if rate is None else rate)
        return LineVat(amount_cents, output_vat=-vat, input_vat=vat)
    return LineVat(amount_cents)


def recognised_vat(vat_by_code: dict[str, int], gross: int, paid: int) -> dict[str, int]:
    """Cash-based VAT (maksuperusteinen alv, AVL 137 §): how much of an invoice's VAT per code
    is recognised once ``paid`` cents of its ``gross`` are paid.

    Each code's share is ``VAT x paid / gross``, rounded half up to the cent (the sign kept,
    as :func:`vat_of_net` does); what is paid beyond the gross counts as the gross. The share
    only grows as payments add up, so a payment recognises the difference between the shares
    after and before it: the sum never exceeds the invoice's VAT and equals it when the
    invoice is paid in full. An invoice with nothing to pay (gross not positive) has its VAT
    recognised at once."""
    if gross <= 0:
        return dict(vat_by_code)
    paid = min(max(paid, 0), gross)
    return {code: proportion(vat, paid, gross) for code, vat in vat_by_code.items()}


def proportion(amount: int, part: int, whole: int) -> int:
    """``amount x part / whole`` in cents, half up, with the sign of ``amount``
    (``part`` and ``whole`` positive)."""
    share = _round(Decimal(abs(amount)) * part / whole)
    return share if amount >= 0 else -share


CASH_BASIS_TURNOVER_LIMIT = "vat.cash_basis_turnover_limit"


def cash_basis_turnover_limit(on: dt.date) -> Decimal:
    """The largest turnover of a fiscal year that allows cash-based VAT (AVL 137 §), euros."""
    return Decimal(parameters.value_at(CASH_BASIS_TURNOVER_LIMIT, on))


CASH_BASIS_OUTER_LIMIT = "vat.cash_basis_outer_limit"


def cash_basis_outer_limit_from() -> dt.date:
    """The first delivery date the outer limit applies to (its parameter's first value)."""
    return parameters.parameter(CASH_BASIS_OUTER_LIMIT).values[0].effective_from


def cash_basis_outer_limit(delivery: dt.date) -> dt.date:
    """The day a cash-basis sale's VAT falls due even if unpaid: AVL 137 § 2 mom. (HE 139/2016
    vp, from 1.1.2017) assigns the sale at the latest to the calendar month in which 12 months
    have passed since the goods were delivered or the service performed. The day returned is
    the delivery date a year on (the parameter ``vat.cash_basis_outer_limit``, in years; a
    29 February delivery falls due on 28 February); its month is the tax period."""
    years = int(parameters.value_at(CASH_BASIS_OUTER_LIMIT, delivery))
    try:
        return delivery.replace(year=delivery.year + years)
    except ValueError:
        return delivery.replace(year=delivery.year + years, day=28)


def return_figures(
    output_by_code: dict[str, int], input_total: int, base_by_code: dict[str, int]
) -> dict[str, int]:
    """The return's fields in cents from summed ledger figures.

    ``output_by_code``: output VAT per code as a positive number (credit balance);
    ``input_total``: deductible VAT (debit balance); ``base_by_code``: bases per
    code, positive for sales (credit) and purchases (debit) alike.
    """
    figures = {field: 0 for field, _fi, _en in RETURN_FIELDS}
    for code, amount in output_by_code.items():
        field = CODES[code].tax_field if code in CODES else None
        if field:
            figures[field] += amount
    for code, amount in base_by_code.items():
        field = CODES[code].base_field if code in CODES else None
        if field:
            figures[field] += amount
    figures["307"] = input_total
    figures["308"] = sum(figures[f] for f in OUTPUT_FIELDS) - input_total
    return figures


def return_deadline(period_end: dt.date, *, calendar_year: bool = False) -> dt.date:
    """The last day to file and pay the periodic VAT return of the period ending ``period_end``.

    Laki oma-aloitteisten verojen verotusmenettelystä (768/2016) 23 § and the Tax
    Administration's guidance
    (https://www.vero.fi/yritykset-ja-yhteisot/ilmoittaminen-ja-maksaminen/omaaloitteiset-verot/m%C3%A4%C3%A4r%C3%A4p%C3%A4iv%C3%A4t/):
    a month or a quarter is due on the 12th of the second month after the period (January
    by 12.3., the first quarter by 12.5.); a calendar year by the end of the following
    February. A deadline on a day off moves to the next weekday (:mod:`.deadlines`).
    """
    if calendar_year:
        first_of_march = dt.date(period_end.year + 1, 3, 1)
        due = first_of_march - dt.timedelta(days=1)
    else:
        month = period_end.month + 2
        due = dt.date(period_end.year + (month - 1) // 12, (month - 1) % 12 + 1, 12)
    return deadlines.moved_to_weekday(due)


PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def recent_periods(kind: str, today: dt.date, count: int = 3) -> list[tuple[dt.date, dt.date]]:
    """The ``count`` latest tax periods of ``kind`` (month, quarter or year) that have ended
    before ``today``, the latest first: ``(start, end)``."""
    months = PERIOD_MONTHS[kind]
    index = (today.year * 12 + today.month - 1) // months * months  # this period's first month
    periods = []
    for _n in range(count):
        index -= months
        start = dt.date(index // 12, index % 12 + 1, 1)
        last = index + months - 1
        end = dt.date(last // 12, last % 12 + 1, 1)
        end = dt.date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
        periods.append((start, end))
    return periods
