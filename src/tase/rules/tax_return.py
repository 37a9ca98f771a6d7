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
6. = taxable income; a negative sum is no taxable income but the year's loss
   (vahvistettava tappio, TVL 119 §), shown apart, never as a negative income.

Rounding: the non-deductible half of representation is rounded half up to the cent (an odd
cent goes to the addition), as the income-tax proposal rounds its tax.
"""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True)
class TaxableIncome:
    result: int
    steps: tuple[Step, ...]
    additions: int
    deductions: int
    total: int  # result + additions - deductions, may be negative
    taxable_income: int  # max(total, 0)
    loss: int  # max(-total, 0): the year's loss, shown apart


def taxable_income(
    result: int,
    *,
    income_taxes: int = 0,
    representation: int = 0,
    fines: int = 0,
    depreciation_adjustment: int = 0,
) -> TaxableIncome:
    """The calculation of taxable income from the accounting ``result`` (cents, a profit
    positive): ``income_taxes`` booked (expense positive) and ``fines`` are added whole,
    ``representation`` (the expenses booked) adds its non-deductible half, and
    ``depreciation_adjustment`` is added when positive and deducted when negative.

    ``total = result + additions - deductions``; ``taxable_income`` is the total when it
    is positive and zero otherwise, ``loss`` the negative total as a positive amount."""
    steps = (
        Step("income_taxes", int(income_taxes)),
        Step("representation", non_deductible_half(representation)),
        Step("fines", int(fines)),
        Step("depreciation", int(depreciation_adjustment)),
    )
    additions = sum(step.amount for step in steps if step.amount > 0)
    deductions = -sum(step.amount for step in steps if step.amount < 0)
    total = int(result) + additions - deductions
    return TaxableIncome(
        result=int(result),
        steps=steps,
        additions=additions,
        deductions=deductions,
        total=total,
        taxable_income=max(total, 0),
        loss=max(-total, 0),
    )


def depreciation_adjustment(pools: list[tuple[int, int, int]]) -> int:
    """The addition for book depreciation above the EVL maximum over the tax pools, each
    ``(planned, booked_change, maximum)`` in cents: taxation deducts what is booked, at most
    the maximum (EVL 54 §), so the excess ``planned + booked_change - maximum`` is added
    back. A year whose booked total is below the maximum needs no adjustment (the deduction
    is what was booked), nor does a release of the difference (income in both)."""
    return sum(max(planned + change - max(maximum, 0), 0) for planned, change, maximum in pools)
