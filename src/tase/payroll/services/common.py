"""Shared helpers of the payroll services: cents, dates and rates, permission checks, identity codes,
IBANs."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import hetu

from tase.core import limits
from tase.core.models import Company

CENTURIES = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900}
CENTURIES |= {c: 2000 for c in "ABCDEF"}


def to_cents(value, field: str) -> int:
    if value is None or value == "":
        return 0
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace(" ", "").replace("\xa0", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    check_range(amount, field)
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def upload_source(data, kind: str):
    """What a payroll import reads: ``data`` (bytes, text or an uploaded file) measured against
    the upload limit of ``kind`` (:func:`tase.core.limits.check_size`) before anything of it is
    read, and returned as bytes or as the seekable binary file itself (streamed, not read
    whole)."""
    if isinstance(data, str):
        data = data.encode()
    limits.check_size(data, kind)
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    stream = getattr(data, "file", data)  # an UploadedFile's underlying file
    stream.seek(0)
    return stream


# The largest amount one payroll value may carry (tase.core.limits, the same as a ledger line).
MAX_AMOUNT = Decimal(limits.MAX_AMOUNT_CENTS) / 100


def check_range(number: Decimal, field: str, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """``number`` if its size is at most ``maximum``; else a ValidationError naming both
    (1e30 is refused here, not by the database or an overflowing sum)."""
    if abs(number) > maximum:
        raise ValidationError(
            {
                field: _("%(value)s is out of range: at most %(max)s is accepted.")
                % {"value": number, "max": number_format(maximum, force_grouping=True)}
            }
        )
    return number


def to_date(value, field: str) -> dt.date:
    """A date, or an ISO date's text; anything else is refused naming ``field``."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        raise ValidationError({field: _("Enter a date.")}) from None


def euros(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


def check_rate(value, field: str) -> Decimal:
    try:
        rate = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
        raise ValidationError({field: _("The rate must be between 0 and 100.")})
    return rate


def company_for(actor, company_pk, action: str) -> Company:
    return actor.company(company_pk, action)


def require(actor, company: Company, action: str) -> Company:
    """404 outside the actor's companies, 403 without ``action``."""
    return actor.company(company.pk, action)


def birth_date_from_identity_code(code: str) -> dt.date:
    code = hetu.compact(code)
    return dt.date(CENTURIES[code[6]] + int(code[4:6]), int(code[2:4]), int(code[0:2]))


def clean_identity_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        return ""
    try:
        return hetu.validate(code)
    except StdnumError:
        raise ValidationError(
            {"identity_code": _("Enter a valid Finnish personal identity code.")}
        ) from None


def clean_iban(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return stdnum_iban.validate(value)
    except StdnumError:
        raise ValidationError({"iban": _("Enter a valid IBAN.")}) from None


def positive_or_none(value, field: str) -> Decimal | None:
    """A positive number (an hourly wage divisor), or None when empty."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite() or number <= 0:
        raise ValidationError({field: _("Enter a number above zero.")})
    return number
