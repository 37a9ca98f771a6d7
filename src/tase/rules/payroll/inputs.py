"""Checking the engine's inputs, and building them from plain data (the API, golden files)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from .model import (
    HUNDRED,
    ZERO,
    Employer,
    PayItem,
    PayrollInputError,
    PayslipInput,
    TaxAtSource,
    TaxCard,
)


# -- validation ----------------------------------------------------------------------------
def read_decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise PayrollInputError(where, "is not a number.") from None
    if not result.is_finite():
        raise PayrollInputError(where, "is not a number.")
    return result


def _rate(value: Any, where: str) -> Decimal:
    rate = read_decimal(value, where)
    if not ZERO <= rate <= HUNDRED:
        raise PayrollInputError(where, "must be between 0 and 100.")
    return rate


def _non_negative(value: Any, where: str) -> Decimal:
    number = read_decimal(value, where)
    if number < 0:
        raise PayrollInputError(where, "must not be negative.")
    return number


def validate(data: PayslipInput) -> None:
    """Check the ranges the engine relies on; raise :class:`PayrollInputError`."""
    if data.birth_date >= data.payment_date:
        raise PayrollInputError("birth_date", "must be before the payment date.")
    card = data.tax_card
    if isinstance(card, TaxCard):
        _rate(card.base_rate, "tax_card.base_rate")
        _rate(card.additional_rate, "tax_card.additional_rate")
        _non_negative(card.income_limit, "tax_card.income_limit")
        _non_negative(card.income_paid_before, "tax_card.income_paid_before")
    elif isinstance(card, TaxAtSource):
        _rate(card.rate, "tax_card.rate")
        _non_negative(card.monthly_deduction, "tax_card.monthly_deduction")
    _rate(data.union_dues_rate, "union_dues_rate")
    employer = data.employer
    if employer.tyel_rate is not None:
        _rate(employer.tyel_rate, "employer.tyel_rate")
    _rate(employer.accident_rate, "employer.accident_rate")
    _rate(employer.group_life_rate, "employer.group_life_rate")


# -- plain data in, payslip out (the API, the golden files) ---------------------------------
def read_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PayrollInputError(where, "is not a date (YYYY-MM-DD).") from None


def _optional(value: Any, where: str) -> Decimal | None:
    return None if value is None or value == "" else read_decimal(value, where)


def input_from_dict(data: dict) -> PayslipInput:
    """Build a :class:`PayslipInput` from the calculator's JSON shape (strings or numbers)."""
    if not isinstance(data, dict):
        raise PayrollInputError("body", "expected an object.")
    card_data = data.get("tax_card")
    card: TaxCard | TaxAtSource | None = None
    if isinstance(card_data, dict) and card_data.get("tax_at_source"):
        insured = card_data.get("health_insurance", True)
        if not isinstance(insured, bool):
            raise PayrollInputError("tax_card.health_insurance", "expected true or false.")
        card = TaxAtSource(
            rate=read_decimal(card_data.get("rate"), "tax_card.rate"),
            monthly_deduction=_optional(
                card_data.get("monthly_deduction"), "tax_card.monthly_deduction"
            )
            or ZERO,
            health_insurance=insured,
        )
    elif isinstance(card_data, dict):
        for key in ("base_rate", "additional_rate", "income_limit"):
            if card_data.get(key) in (None, ""):
                raise PayrollInputError(f"tax_card.{key}", "is required.")
        card = TaxCard(
            base_rate=read_decimal(card_data["base_rate"], "tax_card.base_rate"),
            additional_rate=read_decimal(card_data["additional_rate"], "tax_card.additional_rate"),
            income_limit=read_decimal(card_data["income_limit"], "tax_card.income_limit"),
            income_paid_before=_optional(
                card_data.get("income_paid_before"), "tax_card.income_paid_before"
            )
            or ZERO,
        )
    elif card_data is not None:
        raise PayrollInputError("tax_card", "expected an object or null.")
    items = []
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        raise PayrollInputError("items", "expected a list.")
    for index, raw in enumerate(raw_items):
        if not isinstance(raw, dict) or not raw.get("wage_type"):
            raise PayrollInputError(f"items[{index}].wage_type", "is required.")
        items.append(
            PayItem(
                wage_type=str(raw["wage_type"]),
                amount=_optional(raw.get("amount"), f"items[{index}].amount"),
                quantity=_optional(raw.get("quantity"), f"items[{index}].quantity"),
                unit_price=_optional(raw.get("unit_price"), f"items[{index}].unit_price"),
                cost_centre=str(raw.get("cost_centre") or ""),
            )
        )
    employer_data = data.get("employer") or {}
    employer = Employer(
        tyel_rate=_optional(employer_data.get("tyel_rate"), "employer.tyel_rate"),
        above_unemployment_threshold=bool(employer_data.get("above_unemployment_threshold")),
        accident_rate=_optional(employer_data.get("accident_rate"), "employer.accident_rate")
        or ZERO,
        group_life_rate=_optional(employer_data.get("group_life_rate"), "employer.group_life_rate")
        or ZERO,
    )
    return PayslipInput(
        payment_date=read_date(data.get("payment_date"), "payment_date"),
        birth_date=read_date(data.get("birth_date"), "birth_date"),
        tax_card=card,
        items=tuple(items),
        union_dues_rate=_optional(data.get("union_dues_rate"), "union_dues_rate") or ZERO,
        employer=employer,
    )
