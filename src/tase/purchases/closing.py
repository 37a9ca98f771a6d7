"""The purchases assertion of the closing gate: the payables ledger (what the approved
purchase invoices posted on or before the day still had open after the payments dated on or
before it) equals the credit balance of the trade payables accounts on that day.

Both sides are summed in the database from dated rows: an invoice counts from its posting
date (the approval voucher's), a payment from its :class:`PaymentRecord` (the statement line's
date or the date entered), so a payment made after the period end keeps the invoice open at
it. The check applies to a company that has posted purchase invoices; one that books its
payables by hand without the purchases app is not asserted (it has no ledger to compare)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum
from django.urls import reverse

from tase.core.registry import ClosingValue
from tase.ledger.closing import balances_on
from tase.ledger.models import Account

from .models import PaymentRecord, PurchaseInvoice


def payables_many(companies, on: dt.date) -> dict[int, ClosingValue]:
    """Three queries, and the gate's balance queries, for any number of companies."""
    company_ids = [company.pk for company in companies]
    invoiced = {
        row["company_id"]: int(row["total"] or 0)
        for row in PurchaseInvoice.objects.filter(
            company_id__in=company_ids, voucher_id__isnull=False
        )
        .values("company_id")
        .order_by()
        .annotate(total=Sum("gross_cents", filter=Q(posting_date__lte=on)))
    }
    if not invoiced:
        return {}
    paid = dict(
        PaymentRecord.objects.filter(company_id__in=list(invoiced), date__lte=on)
        .values("company_id")
        .order_by()
        .annotate(total=Sum("amount_cents"))
        .values_list("company_id", "total")
    )
    books = balances_on(list(invoiced), on, roles=[Account.Role.PAYABLES])
    return {
        company_id: ClosingValue(
            -books.get((company_id, Account.Role.PAYABLES), 0),
            total - int(paid.get(company_id) or 0),
            reverse("purchases:invoices", args=[company_id]),
        )
        for company_id, total in invoiced.items()
    }


def payables(company, on: dt.date) -> ClosingValue | None:
    return payables_many([company], on).get(company.pk)
