"""The vendor bills what it sold beyond the contract through its own company in Tase.

Delivery and support offer their billable items through the core registry
(:func:`tase.core.registry.billable_items`: agreed change requests, accepted extra-training
orders, each customer's phone support per month); sales imports neither. :func:`gather` puts a
period's items not yet billed on one draft invoice per customer organization, for review and
sending as any invoice; each item is recorded as billed (:class:`~tase.sales.models.BilledItem`)
so it is never billed twice. The sources give their line texts lazily, and the lines are
written in the language of the customer (the sales customer of the organization), not in the
language of the staff member who gathers them.

Prices: quotes are VAT excluded; a phone support month is VAT included (minutes x the dated
price per minute) and goes on the invoice as its net, the gross split at the general rate of
its date and rounded half up to 0.0001 € per unit, so the invoice's VAT (computed on the sum of
the general-rate lines) can differ by a cent from the calls' own VAT sum.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from tase.core import registry
from tase.core.models import Company, Organization
from tase.rules import invoicing

from ..models import BilledItem, Customer, Invoice
from .common import as_date, guard
from .invoices import create_invoice


def _vendor(company: Company) -> Organization:
    if not company.organization.is_vendor:
        raise ValidationError(
            {"company": _("Only the vendor's own company bills the vendor's services.")}
        )
    return company.organization


def billable(company: Company, start: dt.date, end: dt.date) -> list[registry.BillableItem]:
    """The period's items for the vendor's customers that this company has not billed yet."""
    items = registry.billable_items(_vendor(company), start, end)
    done = set(
        BilledItem.objects.filter(company=company, ref__in=[i.ref for i in items]).values_list(
            "ref", flat=True
        )
    )
    return [item for item in items if item.ref not in done]


def _customer_for(company: Company, organization_id: int) -> Customer:
    """The sales customer that is this customer organization, made on first billing from the
    organization's first production company (name, business ID, address)."""
    customer = Customer.objects.filter(company=company, organization_id=organization_id).first()
    if customer:
        return customer
    organization = Organization.objects.get(pk=organization_id)
    source = (
        Company.objects.filter(organization=organization, is_test_environment=False)
        .order_by("pk")
        .first()
    )
    last = Customer.objects.filter(company=company).aggregate(m=Max("number"))["m"] or 0
    return Customer.objects.create(
        company=company,
        organization=organization,
        number=last + 1,
        name=(source.name if source else organization.name)[:200],
        business_id=source.business_id if source else "",
        street=source.street_address if source else "",
        postcode=source.postal_code if source else "",
        town=source.city if source else "",
    )


def _line(item: registry.BillableItem) -> dict:
    price = Decimal(item.unit_price)
    if item.price_includes_vat:
        rate = invoicing.rate_of(item.vat_code, item.date)
        price = (price * 100 / (100 + rate)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return {
        "description": str(item.description)[:300],
        "quantity": item.quantity,
        "unit": str(item.unit),
        "unit_price": price,
        "vat_code": item.vat_code,
    }


@transaction.atomic
def gather(actor, company: Company, *, start, end, invoice_date=None) -> list[Invoice]:
    """One draft invoice per customer organization with the period's unbilled items."""
    guard(actor, company, "sales.invoice")
    start, end = as_date(start, "start"), as_date(end, "end")
    if end < start:
        raise ValidationError({"end": _("The end is before the start.")})
    per_customer: dict[int, list[registry.BillableItem]] = defaultdict(list)
    for item in billable(company, start, end):
        per_customer[item.customer_id].append(item)
    drafts = []
    for organization_id, items in sorted(per_customer.items()):
        items.sort(key=lambda i: (i.date, i.ref))
        customer = _customer_for(company, organization_id)
        # The lines speak the customer's language, not the language of whoever gathers them.
        with translation.override(customer.language):
            lines = [_line(item) for item in items]
        invoice = create_invoice(
            actor,
            company,
            customer=customer,
            invoice_date=as_date(invoice_date or dt.date.today(), "invoice_date"),
            delivery_date=max(i.date for i in items),
            lines=lines,
        )
        BilledItem.objects.bulk_create(
            BilledItem(company=company, ref=item.ref, invoice=invoice) for item in items
        )
        drafts.append(invoice)
    return drafts
