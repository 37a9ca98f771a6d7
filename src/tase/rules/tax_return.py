"""The key figures of a limited company's or cooperative's income tax return (form 6B,
Elinkeinotoiminnan veroilmoitus, yhteisö) from the books, and the calculation of taxable
income (laskelma verotettavasta tulosta) in its usual steps. Pure rules, cents in, cents out.

No field codes: the Tax Administration's record description of form 6B (tietuekuvaus) was
not available, so the figures carry names and their sources, never a form field number.

The steps (Elinkeinoverolaki, EVL 360/1968, read with Tuloverolaki TVL 1535/1992):

1. the result of the financial statements (tilikauden voitto/tappio);
2. + income taxes and other direct taxes booked: income tax is not a deductible expense
   (EVL 16 § 4 kohta);
3. + the non-deductible half of representation expenses (EVL 8 § 1 mom. 8 kohta: half of
   representation expenses is deductible);
4. + fines and penalty-like payments, tax increases and penalty interest on taxes
   (EVL 16 §: sakot ja muut rangaistusluonteiset maksut, HE 187/2005 on its wording);
5. + book depreciation above the EVL maximum (planned depreciation and the booked change
   in depreciation difference together over the maximum of EVL 24, 30 or 34 §; taxation
   deducts what is booked, at most the maximum, EVL 54 §) and - the part of it deducted
   later (the caller gives the net adjustment, positive an addition);
6. - tax-exempt income (verovapaat tulot): a dividend a company (yhteisö) gets is not
   taxable income (EVL 6 a § 1 mom., first sentence), but 75 % of it is taxable and 25 %
   exempt when it comes from shares in investment assets (sijoitusomaisuus), from a company
   outside Finland and the EU, or from a publicly listed company (TVL 33 a § 2 mom.) to an
   unlisted one owning directly under 10 % of its capital (EVL 6 a § 1 mom. 1-3 kohta, as
   worded by 382/2012 and 576/2013); which case applies the books cannot tell, so the
   caller gives the wholly exempt income and the dividends exempt in part apart
   (:func:`exempt_part`);
7. = taxable income before the losses of earlier years; a negative sum is no taxable
   income but the year's loss (vahvistettava tappio, TVL 119 §), shown apart, never as a
   negative income;
8. - the confirmed losses of earlier tax years (vahvistetut tappiot): a loss is deducted
   from the income of the following ten tax years as income arises (TVL 119 § 1 mom.,
   120 §), the oldest first, never more than the income (:func:`deduct_losses`); an
   ownership change of over half the shares forfeits it unless the Tax Administration
   permits (TVL 122 §), which the caller tells by leaving the loss out;
9. = taxable income.

Rounding: the non-deductible half of representation is rounded half up to the cent (an odd
cent goes to the addition), as the income-tax proposal rounds its tax; the exempt part of a
dividend is rounded down (an odd cent stays taxable).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal


def non_deductible_half(representation_cents: int) -> int:
    """The half of representation expenses that is not deductible (EVL 8 § 1 mom. 8 kohta
    allows half), rounded half up to the cent. A net credit (a refund) gives a negative
    half, rounded the same way towards the addition."""
    cents = int(representation_cents)
    return (cents + 1) // 2 if cents >= 0 else -((-cents) // 2)


@dataclass(frozen=True)
class Step:
    """One line of the calculation: ``key`` (stable, for the API and the CSV), ``amount``
    in cents signed as it moves the taxable income (an addition positive)."""

    key: str
    amount: int


def exempt_part(dividends: int, taxable_percent) -> int:
    """The exempt part of dividends of which ``taxable_percent`` (75 by EVL 6 a § 1 mom.) is
    taxable income: ``dividends x (100 - taxable_percent) / 100`` rounded down to the cent
    (towards the taxable side; a negative sum, a reversal, rounds towards zero)."""
    cents = int(dividends)
    share = (Decimal(100) - Decimal(str(taxable_percent))) / Decimal(100)
    part = (Decimal(abs(cents)) * share).to_integral_value(rounding=ROUND_FLOOR)
    return int(part) if cents >= 0 else -int(part)


@dataclass(frozen=True)
class LossUse:
    """One confirmed loss in a tax year's calculation: ``available`` at the year's start
    (cents), ``used`` against the year's income, ``left`` after it; ``last_year`` the last
    tax year it may be deducted in; ``expired`` when the year is past it (nothing used)."""

    tax_year: int
    available: int
    used: int
    left: int
    last_year: int
    expired: bool


def deduct_losses(
    income: int,
    tax_year: int,
    losses: Iterable[tuple[int, int]],
    *,
    years: int = 10,
    skipped: Iterable[int] = (),
) -> tuple[LossUse, ...]:
    """Deduct the confirmed losses ``(loss_tax_year, available_cents)`` from a tax year's
    ``income`` (cents): only losses of earlier tax years within the following ``years`` tax
    years (TVL 119 § 1 mom.: ten), the oldest first, each as far as the income left allows
    (never below zero, nothing from a zero or negative income). A calendar year in which no
    fiscal year ended is no tax year and is not counted (``skipped``; the Tax
    Administration's guidance on the ten-year term). Losses of the year itself or later are
    left out of the result."""
    skipped = set(skipped)
    remaining = max(int(income), 0)
    uses = []
    for loss_year, available in sorted(losses):
        if loss_year >= tax_year:
            continue
        available = max(int(available), 0)
        last = loss_year + years
        gap = sum(1 for y in skipped if loss_year < y <= last)
        while gap:  # each skipped year moves the term on by one tax year
            extra = sum(1 for y in skipped if last < y <= last + gap)
            last += gap
            gap = extra
        expired = tax_year > last
        used = 0 if expired else min(available, remaining)
        remaining -= used
        uses.append(LossUse(loss_year, available, used, available - used, last, expired))
    return tuple(uses)


@dataclass(frozen=True)
class TaxableIncome:
    result: int
    steps: tuple[Step, ...]
    additions: int
    deductions: int
    total: int  # result + additions - deductions, may be negative
    before_losses: int  # max(total, 0)
    loss: int  # max(-total, 0): the year's loss, shown apart
    loss_uses: tuple[LossUse, ...] = ()
    losses_used: int = 0  # the confirmed losses of earlier years deducted
    taxable_income: int = 0  # before_losses - losses_used


def taxable_income(
    result: int,
    *,
    income_taxes: int = 0,
    representation: int = 0,
    fines: int = 0,
    depreciation_adjustment: int = 0,
    tax_exempt_income: int = 0,
    tax_year: int | None = None,
    losses: Iterable[tuple[int, int]] = (),
    loss_years: int = 10,
    skipped_years: Iterable[int] = (),
) -> TaxableIncome:
    """The calculation of taxable income from the accounting ``result`` (cents, a profit
    positive): ``income_taxes`` booked (expense positive) and ``fines`` are added whole,
    ``representation`` (the expenses booked) adds its non-deductible half,
    ``depreciation_adjustment`` is added when positive and deducted when negative, and
    ``tax_exempt_income`` (the exempt amount, EVL 6 a §) is deducted.

    ``total = result + additions - deductions``; ``before_losses`` is the total when it is
    positive and zero otherwise, ``loss`` the negative total as a positive amount. From a
    positive ``before_losses`` the confirmed ``losses`` of earlier tax years are deducted
    (:func:`deduct_losses`, with ``tax_year`` the year computed): ``taxable_income`` is
    what is left."""
    steps = (
        Step("income_taxes", int(income_taxes)),
        Step("representation", non_deductible_half(representation)),
        Step("fines", int(fines)),
        Step("depreciation", int(depreciation_adjustment)),
        Step("tax_exempt_income", -int(tax_exempt_income)),
    )
    additions = sum(step.amount for step in steps if step.amount > 0)
    deductions = -sum(step.amount for step in steps if step.amount < 0)
    total = int(result) + additions - deductions
    before = max(total, 0)
    uses: tuple[LossUse, ...] = ()
    if tax_year is not None:
        uses = deduct_losses(before, tax_year, losses, years=loss_years, skipped=skipped_years)
    used = sum(use.used for use in uses)
    return TaxableIncome(
        result=int(result),
        steps=steps,
        additions=additions,
        deductions=deductions,
        total=total,
        before_losses=before,
        loss=max(-total, 0),
        loss_uses=uses,
        losses_used=used,
        taxable_income=before - used,
    )


def depreciation_adjustment(pools: list[tuple[int, int, int]]) -> int:
    """The addition for book depreciation above the EVL maximum over the tax pools, each
    ``(planned, booked_change, maximum)`` in cents: taxation deducts what is booked, at most
    the maximum (EVL 54 §), so the excess ``planned + booked_change - maximum`` is added
    back. A year whose booked total is below the maximum needs no adjustment (the deduction
    is what was booked), nor does a release of the difference (income in both)."""
    return sum(max(planned + change - max(maximum, 0), 0) for planned, change, maximum in pools)
