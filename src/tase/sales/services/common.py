"""Shared helpers of the sales services: the permission guard, money and dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tase.core.models import Company


def invoice_totals(invoice):
    """The invoice's groups, VAT per rate and totals from its saved lines (rules.invoicing)."""
    from tase.rules import invoicing

    return invoicing.totals(
        [
            invoicing.Line(
                line.quantity,
                line.unit_price,
                line.vat_code,
                line.sales_account,
                line.discount_percent,
            )
            for line in invoice.lines.all()
        ],
        on=invoice.delivery_date,
        prices_include_vat=invoice.prices_include_vat,
    )


def guard(actor, company: Company, action: str) -> Company:
    """404 if the actor cannot see ``company``, 403 if the role lacks ``action``."""
    return actor.company(company.pk, action)


MAX_DIGITS = 11  # whole digits past the first: 999 999 999 999,99 € is the largest amount


def decimal(value, field: str, *, places: int = 4) -> Decimal:
    """A number from text (point or comma) or a number; at most ``places`` decimals."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        number = Decimal(value)
    else:
        text = str(value if value is not None else "").strip().replace(",", ".")
        text = text.replace(" ", "").replace("\xa0", "")
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValidationError(
                {field: _("“%(value)s” is not a number.") % {"value": value}}
            ) from None
    if not number.is_finite() or number.as_tuple().exponent < -places:
        raise ValidationError(
            {
                field: _("%(value)s has more than %(places)s decimals.")
                % {"value": value, "places": places}
            }
        )
    if number.adjusted() > MAX_DIGITS:  # 1E+999999 is finite, and in cents it overflows
        raise ValidationError({field: _("%(value)s is out of range.") % {"value": value}})
    return number


def to_cents(value, field: str) -> int:
    return int(decimal(value, field, places=2) * 100)


def cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def as_date(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a valid date.")}) from None
