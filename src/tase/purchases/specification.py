"""The payables ledger as a balance-sheet specification (tase-erittely, Kirjanpitolaki
1336/1997 3:13 §): the trade payables at a date by supplier and invoice.

A purchase invoice counts from its posting date (the approval voucher's) and is open by its
gross less the payments dated on or before the day (the rule of the closing gate,
:mod:`tase.purchases.closing`). One query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from tase.core.registry import SpecificationItem

from .models import PurchaseInvoice


def open_invoices(company, on: dt.date) -> list[SpecificationItem]:
    """One item per purchase invoice open on ``on``, by supplier name and invoice number."""
    rows = (
        PurchaseInvoice.objects.filter(
            company=company, voucher_id__isnull=False, posting_date__lte=on
        )
        .values("pk", "number", "posting_date", "gross_cents", "supplier__name")
        .annotate(
            paid=Coalesce(
                Sum("payment_records__amount_cents", filter=Q(payment_records__date__lte=on)), 0
            )
        )
        .order_by("supplier__name", "posting_date", "number", "pk")
    )
    return [
        SpecificationItem(
            text=f"{row['supplier__name']}, {row['number']}",
            amount_cents=row["gross_cents"] - int(row["paid"]),
            role="payables",
            reference=row["posting_date"].isoformat(),
            url=reverse("purchases:invoice_detail", args=[company.pk, row["pk"]]),
        )
        for row in rows
        if row["gross_cents"] - int(row["paid"])
    ]
