"""Customers: validated identifiers (Y-tunnus, EU VAT number), language, e-invoice address."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.core.party_ids import clean_party_ids

from ..models import LANGUAGES, Customer, InterestPolicy
from .common import decimal, guard

FIELDS = (
    "name",
    "kind",
    "business_id",
    "vat_number",
    "street",
    "postcode",
    "town",
    "country",
    "language",
    "email",
    "einvoice_address",
    "einvoice_operator",
    "payment_term_days",
    "reminder_charges",
    "interest_policy",
    "contract_interest_rate",
)


def clean_customer(data: dict) -> dict:
    """The customer's fields checked and normalised; every problem keyed by its field."""
    values = {name: data[name] for name in FIELDS if data.get(name) not in (None, "")}
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    errors: dict[str, str] = {}
    if not values.get("name"):
        errors["name"] = _("This field is required.")
    kind = values.setdefault("kind", Customer.Kind.BUSINESS)
    if kind not in Customer.Kind.values:
        errors["kind"] = _("Choose business or consumer.")
    clean_party_ids(values, errors)
    values["country"] = str(values.get("country") or "FI").upper()
    if values.get("language", "fi") not in dict(LANGUAGES):
        errors["language"] = _("Choose Finnish, Swedish or English.")
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    try:
        term = int(values.get("payment_term_days", 14))
        if not 0 <= term <= 365:
            raise ValueError
        values["payment_term_days"] = term
    except (TypeError, ValueError):
        errors["payment_term_days"] = _("The payment term is 0-365 days.")
    _clean_collection_policy(values, errors)
    if errors:
        raise ValidationError(errors)
    return values


def _clean_collection_policy(values: dict, errors: dict) -> None:
    """Reminder charges on or off; penalty interest statutory, none, or an agreed rate (0-100 %)."""
    values["reminder_charges"] = values.get("reminder_charges", True) not in (False, "false", "0")
    policy = values.setdefault("interest_policy", InterestPolicy.STATUTORY)
    if policy not in InterestPolicy.values:
        errors["interest_policy"] = _("Choose statutory, agreed or no penalty interest.")
        return
    rate = values.pop("contract_interest_rate", None)
    if policy != InterestPolicy.CONTRACT:
        values["contract_interest_rate"] = None
        return
    try:
        rate = decimal(rate, "contract_interest_rate", places=2) if rate is not None else None
    except ValidationError as error:
        errors.update(error.message_dict)
        return
    if rate is None or not 0 <= rate <= 100:
        errors["contract_interest_rate"] = _("Give the agreed penalty interest as 0-100 %.")
    else:
        values["contract_interest_rate"] = rate


@transaction.atomic
def create_customer(actor, company: Company, **data) -> Customer:
    """A new customer with the next customer number of the company (or the one given)."""
    guard(actor, company, "sales.invoice")
    values = clean_customer(data)
    number = data.get("number")
    if number in (None, ""):
        last = Customer.objects.filter(company=company).aggregate(m=Max("number"))["m"]
        number = (last or 0) + 1
    elif not str(number).strip().isdigit() or int(number) <= 0:
        raise ValidationError({"number": _("The customer number is a positive whole number.")})
    elif Customer.objects.filter(company=company, number=number).exists():
        raise ValidationError({"number": _("The customer number %(n)s is taken.") % {"n": number}})
    customer = Customer.objects.create(company=company, number=number, **values)
    audit.record(actor.user, "create", customer, company=company)
    return customer


@transaction.atomic
def update_customer(actor, customer: Customer, **data) -> Customer:
    guard(actor, customer.company, "sales.invoice")
    before = audit.snapshot(customer, list(FIELDS))
    current = {name: getattr(customer, name) for name in FIELDS}
    values = clean_customer(current | {k: v for k, v in data.items() if v is not None})
    for name in FIELDS:
        setattr(customer, name, values.get(name, Customer._meta.get_field(name).get_default()))
    customer.save()
    audit.record(
        actor.user,
        "update",
        customer,
        company=customer.company,
        changes=audit.changes_since(before, customer),
    )
    return customer
