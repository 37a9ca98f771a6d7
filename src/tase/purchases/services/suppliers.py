"""Suppliers: Y-tunnus, EU VAT number, IBAN and BIC validated; default expense account, VAT
code and payment term. A Finvoice from an unknown seller creates its supplier."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.fi import ytunnus

from tase.core import audit
from tase.core.models import Company
from tase.core.party_ids import clean_party_ids

from ..models import Supplier
from .common import clean_account, clean_vat_code, guard

FIELDS = (
    "name",
    "business_id",
    "vat_number",
    "iban",
    "bic",
    "expense_account",
    "vat_code",
    "payment_term_days",
)


def clean_supplier(company: Company, data: dict) -> dict:
    """The supplier's fields checked and normalised; every problem keyed by its field."""
    values = {name: data.get(name) for name in FIELDS if data.get(name) not in (None, "")}
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    errors: dict[str, str] = {}
    if not values.get("name"):
        errors["name"] = _("This field is required.")
    values["name"] = str(values.get("name", ""))[:200]
    clean_party_ids(values, errors)
    values["iban"], values["bic"] = clean_account(
        values.get("iban", ""), values.get("bic", ""), errors
    )
    values["vat_code"] = clean_vat_code(values.get("vat_code", ""), errors)
    account = str(values.get("expense_account", "")).strip()
    if account and not company.accounts.filter(number=account, is_header=False).exists():
        errors["expense_account"] = _("Unknown account %(number)s.") % {"number": account}
    values["expense_account"] = account
    try:
        term = int(values.get("payment_term_days", 14))
        if not 0 <= term <= 365:
            raise ValueError
        values["payment_term_days"] = term
    except (TypeError, ValueError):
        errors["payment_term_days"] = _("The payment term is 0-365 days.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def create_supplier(actor, company: Company, **data) -> Supplier:
    guard(actor, company, "purchases.manage")
    values = clean_supplier(company, data)
    if (
        values.get("business_id")
        and Supplier.objects.filter(company=company, business_id=values["business_id"]).exists()
    ):
        raise ValidationError(
            {
                "business_id": _("The supplier with business ID %(id)s exists already.")
                % {"id": values["business_id"]}
            }
        )
    supplier = Supplier.objects.create(company=company, **values)
    audit.record(actor.user, "create", supplier, company=company)
    return supplier


@transaction.atomic
def update_supplier(actor, supplier: Supplier, **data) -> Supplier:
    guard(actor, supplier.company, "purchases.manage")
    before = audit.snapshot(supplier, list(FIELDS))
    current = {name: getattr(supplier, name) for name in FIELDS}
    values = clean_supplier(
        supplier.company, current | {k: v for k, v in data.items() if v is not None}
    )
    for name in FIELDS:
        setattr(supplier, name, values.get(name, Supplier._meta.get_field(name).get_default()))
    supplier.save()
    audit.record(
        actor.user,
        "update",
        supplier,
        company=supplier.company,
        changes=audit.changes_since(before, supplier),
    )
    return supplier


def supplier_for_seller(actor, company: Company, seller, *, cache: dict | None = None) -> Supplier:
    """The supplier of a Finvoice seller: found by Y-tunnus, else by VAT number, else by
    name; created from the invoice when unknown (its IBAN and BIC, identifiers that do not
    validate left out). ``cache``: suppliers already found in this import, by key."""
    business_id = seller.business_id if ytunnus.is_valid(seller.business_id or "") else ""
    key = ytunnus.format(business_id) if business_id else (seller.vat_number or seller.name)
    if cache is not None and key in cache:
        return cache[key]
    found = Supplier.objects.filter(company=company)
    if business_id:
        supplier = found.filter(business_id=ytunnus.format(business_id)).first()
    elif seller.vat_number:
        supplier = found.filter(vat_number=seller.vat_number).first()
    else:
        supplier = found.filter(name=seller.name).first()
    if supplier is None:
        bank_errors: dict = {}
        iban, bic = clean_account(seller.iban, seller.bic, bank_errors)
        supplier = create_supplier(
            actor,
            company,
            name=seller.name,
            business_id=business_id,
            vat_number=seller.vat_number if eu_vat.is_valid(seller.vat_number or "") else "",
            iban="" if "iban" in bank_errors else iban,
            bic="" if bank_errors else bic,
        )
    if cache is not None:
        cache[key] = supplier
    return supplier
