"""The bank assertion of the closing gate: each bank account's book balance equals the
closing balance of its last statement on or before the day (both at the end of that
statement's last day). An account without a statement yet is not asserted.

The book balance is the gate's own (:func:`tase.ledger.closing.balances_on`: from the latest
opening balances, so a previous year not yet closed counts). Queries: one for the statements,
and the gate's balance queries once per distinct statement date, whatever the companies."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils.formats import date_format

from tase.core.registry import ClosingValue
from tase.ledger.closing import balances_on

from .models import Statement


def last_statements(company_ids, on: dt.date) -> dict[int, dict]:
    """Per bank account of the companies, its last statement with a closing balance ending on
    or before ``on`` (a dict of its fields). One query."""
    last: dict[int, dict] = {}
    for row in (
        Statement.objects.filter(
            company_id__in=list(company_ids),
            kind=Statement.Kind.STATEMENT,
            closing_cents__isnull=False,
            to_date__lte=on,
        )
        .order_by("bank_account_id", "-to_date", "-pk")
        .values(
            "pk",
            "company_id",
            "bank_account_id",
            "bank_account__iban",
            "bank_account__account__number",
            "number",
            "to_date",
            "closing_cents",
        )
    ):
        last.setdefault(row["bank_account_id"], row)
    return last


def statements_many(companies, on: dt.date) -> dict[int, list[ClosingValue]]:
    last = last_statements([company.pk for company in companies], on)
    by_day: dict[dt.date, list[dict]] = defaultdict(list)
    for row in last.values():
        by_day[row["to_date"]].append(row)
    result: dict[int, list[ClosingValue]] = defaultdict(list)
    for day, rows in sorted(by_day.items()):
        books = balances_on(
            {row["company_id"] for row in rows},
            day,
            numbers={row["bank_account__account__number"] for row in rows},
        )
        for row in rows:
            result[row["company_id"]].append(
                ClosingValue(
                    books.get((row["company_id"], row["bank_account__account__number"]), 0),
                    row["closing_cents"],
                    reverse("bank:statement_detail", args=[row["company_id"], row["pk"]]),
                    f"{row['bank_account__iban']} {date_format(day, 'SHORT_DATE_FORMAT')}",
                )
            )
    return dict(result)


def statements(company, on: dt.date) -> list[ClosingValue] | None:
    return statements_many([company], on).get(company.pk)
