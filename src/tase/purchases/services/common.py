"""Shared helpers of the purchases services: the permission guard, money, dates, settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from tase.core.models import Company
from tase.sales.services.common import as_date, cents, decimal, to_cents

from ..models import PurchaseSettings

__all__ = [
    "as_date",
    "cents",
    "clean_account",
    "clean_cost_centre",
    "decimal",
    "guard",
    "settings_of",
    "to_cents",
]

DEFAULT_EXPENSE_ACCOUNT = "4000"  # Ostot, in both shipped charts


def guard(actor, company: Company, action: str) -> Company:
    """404 if the actor cannot see ``company``, 403 if the role lacks ``action``."""
    return actor.company(company.pk, action)


def user_of(actor):
    user = getattr(actor, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def settings_of(company: Company) -> PurchaseSettings:
    settings = PurchaseSettings.objects.filter(company=company).first()
    return settings or PurchaseSettings(company=company)


def clean_account(iban: str, bic: str, errors: dict, *, required: bool = False) -> tuple[str, str]:
    """The IBAN (check digits) and BIC checked and compacted; problems into ``errors``."""
    iban = "".join((iban or "").split()).upper()
    bic = "".join((bic or "").split()).upper()
    if iban:
        try:
            iban = stdnum_iban.validate(iban)
        except StdnumError:
            errors["iban"] = _("“%(value)s” is not a valid IBAN (check digits or length).") % {
                "value": iban
            }
    elif required:
        errors["iban"] = _("The IBAN to pay to is missing.")
    if bic:
        try:
            bic = stdnum_bic.validate(bic)
        except StdnumError:
            errors["bic"] = _("“%(value)s” is not a valid BIC.") % {"value": bic}
        else:
            if iban and "iban" not in errors and bic[4:6] != iban[:2]:
                errors["bic"] = _("The BIC %(bic)s is not of a bank in the IBAN's country.") % {
                    "bic": bic
                }
    return iban, bic


def clean_vat_code(code: str, errors: dict, field: str = "vat_code") -> str:
    from tase.rules import vat

    code = (code or "").strip().upper()
    if code and (code not in vat.CODES or not code.startswith("P")):
        errors[field] = _("“%(code)s” is not a purchase VAT code.") % {"code": code}
    return code


def clean_cost_centre(value) -> str:
    """A cost centre (kustannuspaikka) as the ledger keeps it: free text of up to 40."""
    centre = str(value or "").strip()
    if len(centre) > 40:
        raise ValidationError({"cost_centre": _("A cost centre is at most 40 characters.")})
    return centre
