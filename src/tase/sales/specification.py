"""The receivables ledger as a balance-sheet specification (tase-erittely, Kirjanpitolaki
1336/1997 3:13 §): the trade receivables at a date by customer and invoice.

An invoice or credit note sent (not a draft) dated on or before the day is open by its gross
less the payments dated on or before it (a payment's reminder charges go to interest income,
not receivables: the rule of the closing gate, :mod:`tase.sales.closing`). Two queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core.registry import SpecificationItem

from .models import Invoice


def open_invoices(company, on: dt.date) -> list[SpecificationItem]:
    """One item per invoice or credit note open on ``on``, by customer name and number."""
    paid = Coalesce(
        Sum(
            F("payments__amount_cents") - F("payments__charges_cents"),
            filter=Q(payments__date__lte=on),
        ),
        0,
    )
    rows = (
        Invoice.objects.filter(company=company, invoice_date__lte=on)
        .exclude(status=Invoice.Status.DRAFT)
        .values("pk", "number", "kind", "invoice_date", "gross_cents", "customer__name")
        .annotate(paid=paid)
        .order_by("customer__name", "invoice_date", "number", "pk")
    )
    items = []
    for row in rows:
        open_cents = row["gross_cents"] - int(row["paid"])
        if not open_cents:
            continue
        kind = _("Credit note") if row["kind"] == Invoice.Kind.CREDIT_NOTE else _("Invoice")
        items.append(
            SpecificationItem(
                text=f"{row['customer__name']}, {kind} {row['number'] or ''}".strip(),
                amount_cents=open_cents,
                role="receivables",
                reference=row["invoice_date"].isoformat(),
                url=reverse("sales:invoice_detail", args=[company.pk, row["pk"]]),
            )
        )
    return items
