"""Reads of sales, scoped to the acting user: invoices, customers, products, receivables.

The receivables ledger (myyntireskontra) and its aging are aggregated in the database: one
grouped query over the invoices and credit notes dated on or before the day, one over the
payments received by then, each summed into the aging buckets by conditional aggregation.
A credit note falls in the bucket of the invoice it credits, so the two cancel.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from tase.core.models import Company
from tase.core.registry import EuSales

from .models import Customer, Invoice, InvoiceLine, Payment, Product, Reminder

BUCKETS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "over_90")


def companies(actor):
    return actor.companies("sales.view").order_by("name")


def invoices_of(company: Company, *, status: str = ""):
    qs = Invoice.objects.filter(company=company).select_related("customer")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-number", "-pk")


def sent_between(company: Company, start: dt.date, end: dt.date):
    """Invoices and credit notes sent (numbered) with an invoice date in ``start`` … ``end``."""
    return (
        Invoice.objects.filter(
            company=company, number__isnull=False, invoice_date__range=(start, end)
        )
        .select_related("company", "customer", "credits")
        .order_by("number")
    )


def to_print(company: Company, start: dt.date, end: dt.date, *, paper: bool = False):
    """The sent invoices and credit notes of ``start`` … ``end`` to print as one PDF;
    ``paper``: only those whose customer has no e-invoice address (the ones the operator's
    Finvoice batch leaves out, so they go by post)."""
    invoices = sent_between(company, start, end)
    if paper:
        invoices = invoices.filter(
            Q(buyer__einvoice_address="") | ~Q(buyer__has_key="einvoice_address")
        )
    return invoices


def invoice_of(actor, pk, action: str = "sales.view") -> Invoice:
    """The invoice ``pk`` if the actor may see its company (``action``), else 404."""
    invoice = (
        Invoice.objects.filter(pk=pk, company__in=actor.companies(action))
        .select_related("company", "customer", "credits")
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def reminder_of(actor, pk, action: str = "sales.view") -> Reminder:
    """A payment reminder the actor may see, or 404."""
    reminder = (
        Reminder.objects.filter(pk=pk, company__in=actor.companies(action))
        .select_related("invoice", "invoice__company", "invoice__customer")
        .first()
    )
    if reminder is None:
        raise Http404
    return reminder


def customers_of(company: Company):
    return Customer.objects.filter(company=company).order_by("name")


def products_of(company: Company):
    return Product.objects.filter(company=company).order_by("code")


def _bucket_sums(due, on: dt.date, amount) -> dict:
    edges = {
        "not_due": Q(**{f"{due}__gte": on}),
        "days_1_30": Q(**{f"{due}__lt": on, f"{due}__gte": on - dt.timedelta(days=30)}),
        "days_31_60": Q(
            **{f"{due}__lt": on - dt.timedelta(days=30), f"{due}__gte": on - dt.timedelta(days=60)}
        ),
        "days_61_90": Q(
            **{f"{due}__lt": on - dt.timedelta(days=60), f"{due}__gte": on - dt.timedelta(days=90)}
        ),
        "over_90": Q(**{f"{due}__lt": on - dt.timedelta(days=90)}),
    }
    return {
        name: Coalesce(
            Sum(Case(When(condition, then=amount), default=Value(0), output_field=IntegerField())),
            0,
        )
        for name, condition in edges.items()
    }


def receivables(company: Company, on: dt.date) -> dict:
    """Open receivables on ``on`` in cents: ``totals`` per bucket and ``customers`` (one row
    per customer with a non-zero balance: id, number, name, the buckets and ``total``)."""
    invoices = (
        Invoice.objects.filter(company=company, invoice_date__lte=on)
        .exclude(status=Invoice.Status.DRAFT)
        .annotate(bucket_due=Coalesce("credits__due_date", "due_date"))
        .values("customer_id")
        .annotate(**_bucket_sums("bucket_due", on, F("gross_cents")))
        .order_by()
    )
    payments = (
        Payment.objects.filter(company=company, date__lte=on, invoice__invoice_date__lte=on)
        .values(customer_id=F("invoice__customer_id"))
        .annotate(**_bucket_sums("invoice__due_date", on, F("amount_cents") - F("charges_cents")))
        .order_by()
    )
    per_customer: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(BUCKETS, 0))
    for row in invoices:
        for name in BUCKETS:
            per_customer[row["customer_id"]][name] += row[name]
    for row in payments:
        for name in BUCKETS:
            per_customer[row["customer_id"]][name] -= row[name]
    names = {
        c.pk: c for c in Customer.objects.filter(pk__in=list(per_customer)).only("number", "name")
    }
    rows = []
    for customer_id, buckets in per_customer.items():
        total = sum(buckets.values())
        if total or any(buckets.values()):
            customer = names[customer_id]
            rows.append(
                {"id": customer_id, "number": customer.number, "name": customer.name}
                | buckets
                | {"total": total}
            )
    rows.sort(key=lambda row: row["name"])
    totals = {name: sum(row[name] for row in rows) for name in (*BUCKETS, "total")}
    return {"on": on, "totals": totals, "customers": rows}


EU_GOODS, EU_SERVICES = "S-EUG", "S-EUS"


def eu_sales(company: Company, start: dt.date, end: dt.date) -> list[EuSales]:
    """Sales to other member states per customer VAT number, from the invoices and credit
    notes sent with an invoice date in ``start`` … ``end`` (the recapitulative statement's
    figures): goods (code S-EUG) and services (S-EUS), net, credit notes subtracted. Open
    invoices migrated from the previous system were reported by it and are left out. One
    query."""
    rows = (
        InvoiceLine.objects.filter(
            invoice__company=company,
            invoice__number__isnull=False,
            invoice__migrated=False,
            invoice__invoice_date__range=(start, end),
            vat_code__in=(EU_GOODS, EU_SERVICES),
        )
        .values_list("invoice__buyer", "vat_code", "amount_cents")
        .order_by()
    )
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for buyer, code, amount in rows:
        sums[(buyer or {}).get("vat_number", "")][code == EU_SERVICES] += amount
    return [
        EuSales(vat_number=number, goods=goods, services=services)
        for number, (goods, services) in sorted(sums.items())
    ]
