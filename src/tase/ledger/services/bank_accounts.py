"""The company's bank accounts: IBAN and BIC validated (python-stdnum), each booked to one
asset account of the chart. Sales prints the default account on invoices and in the bank
barcode; payments received post to its ledger account."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from tase.core import audit
from tase.core.models import Company

from ..models import Account, BankAccount
from .common import guard


def _clean(iban: str, bic: str) -> tuple[str, str, dict]:
    errors: dict[str, str] = {}
    try:
        iban = stdnum_iban.validate(iban or "")
    except StdnumError:
        errors["iban"] = _("“%(value)s” is not a valid IBAN.") % {"value": iban}
    try:
        bic = stdnum_bic.validate(bic or "")
    except StdnumError:
        errors["bic"] = _("“%(value)s” is not a valid BIC.") % {"value": bic}
    if not errors and bic[4:6] != iban[:2]:
        errors["bic"] = _("The BIC %(bic)s is not of a bank in the IBAN's country.") % {"bic": bic}
    return iban, bic, errors


@transaction.atomic
def create_bank_account(
    actor,
    company: Company,
    *,
    iban: str,
    bic: str,
    account: str,
    name: str = "",
    is_default: bool | None = None,
) -> BankAccount:
    """Add a bank account booked to ledger account number ``account`` (an asset). The first
    account becomes the default for invoices; ``is_default`` moves the default to it."""
    guard(actor, company, "ledger.manage")
    iban, bic, errors = _clean(iban, bic)
    ledger_account = Account.objects.filter(
        company=company, number=str(account or "").strip(), is_header=False
    ).first()
    if ledger_account is None:
        errors["account"] = _("Unknown account %(number)s.") % {"number": account}
    elif ledger_account.type != Account.Type.ASSET:
        errors["account"] = _("Account %(number)s is not an asset account.") % {
            "number": ledger_account.number
        }
    if not errors and BankAccount.objects.filter(company=company, iban=iban).exists():
        errors["iban"] = _("The company has the account %(iban)s already.") % {"iban": iban}
    if errors:
        raise ValidationError(errors)
    existing = BankAccount.objects.filter(company=company)
    if is_default is None:
        is_default = not existing.filter(is_default=True).exists()
    if is_default:
        existing.filter(is_default=True).update(is_default=False)
    bank_account = BankAccount.objects.create(
        company=company,
        name=(name or "").strip()[:100],
        iban=iban,
        bic=bic,
        account=ledger_account,
        is_default=is_default,
    )
    audit.record(
        actor.user,
        "create",
        bank_account,
        company=company,
        changes={
            "iban": [None, iban],
            "bic": [None, bic],
            "account": [None, ledger_account.number],
        },
    )
    return bank_account


def default_bank_account(company: Company) -> BankAccount | None:
    """The account invoices print and barcodes carry (the default, else the first active)."""
    return (
        BankAccount.objects.filter(company=company, active=True)
        .select_related("account")
        .order_by("-is_default", "pk")
        .first()
    )
