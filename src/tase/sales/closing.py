"""The sales assertion of the closing gate: the receivables ledger (what the sent invoices
and credit notes dated on or before the day still have open after the payments dated on or
before it) equals the balance of the receivables accounts on that day.

A payment's reminder charges go to interest income, not receivables, so only the rest of it
counts; a migrated invoice posted nothing (the opening balance carries it) and its payment
before the move is recorded without a voucher, so both sides hold its open amount."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Sum
from django.urls import reverse

from tase.core.registry import ClosingValue
from tase.ledger.closing import balances_on
from tase.ledger.models import Account

from .models import Invoice, Payment


def receivables_many(companies, on: dt.date) -> dict[int, ClosingValue]:
    """Four queries (five with more than one opening date) for any number of companies."""
    company_ids = [company.pk for company in companies]
    with_account = set(
        Account.objects.filter(
            company_id__in=company_ids, role=Account.Role.RECEIVABLES, is_header=False
        ).values_list("company_id", flat=True)
    )
    invoiced = dict(
        Invoice.objects.filter(company_id__in=company_ids, invoice_date__lte=on)
        .exclude(status=Invoice.Status.DRAFT)
        .values("company_id")
        .order_by()
        .annotate(total=Sum("gross_cents"))
        .values_list("company_id", "total")
    )
    paid = dict(
        Payment.objects.filter(company_id__in=company_ids, date__lte=on)
        .values("company_id")
        .order_by()
        .annotate(total=Sum(F("amount_cents") - F("charges_cents")))
        .values_list("company_id", "total")
    )
    books = balances_on(with_account, on, roles=[Account.Role.RECEIVABLES])
    result = {}
    for company_id in company_ids:
        if company_id not in with_account and company_id not in invoiced:
            continue
        result[company_id] = ClosingValue(
            books.get((company_id, Account.Role.RECEIVABLES), 0),
            int(invoiced.get(company_id) or 0) - int(paid.get(company_id) or 0),
            reverse("sales:receivables", args=[company_id]),
        )
    return result


def receivables(company, on: dt.date) -> ClosingValue | None:
    return receivables_many([company], on).get(company.pk)
