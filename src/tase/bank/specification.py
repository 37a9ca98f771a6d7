"""The bank accounts as a balance-sheet specification (tase-erittely, Kirjanpitolaki
1336/1997 3:13 §): per bank account the closing balance of its last statement on or before
the day, under the account of the chart it is posted to. One query."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core.registry import SpecificationItem

from .models import Statement


def statement_balances(company, on: dt.date) -> list[SpecificationItem]:
    last: dict[int, dict] = {}
    for row in (
        Statement.objects.filter(
            company=company,
            kind=Statement.Kind.STATEMENT,
            closing_cents__isnull=False,
            to_date__lte=on,
        )
        .order_by("bank_account_id", "-to_date", "-pk")
        .values(
            "pk",
            "bank_account_id",
            "bank_account__iban",
            "bank_account__account__number",
            "number",
            "to_date",
            "closing_cents",
        )
    ):
        last.setdefault(row["bank_account_id"], row)
    return [
        SpecificationItem(
            text=_("%(iban)s, statement %(number)s, closing balance %(date)s")
            % {
                "iban": row["bank_account__iban"],
                "number": row["number"],
                "date": date_format(row["to_date"], "SHORT_DATE_FORMAT"),
            },
            amount_cents=row["closing_cents"],
            number=row["bank_account__account__number"],
            reference=row["to_date"].isoformat(),
            url=reverse("bank:statement_detail", args=[company.pk, row["pk"]]),
        )
        for row in sorted(last.values(), key=lambda r: r["bank_account__account__number"])
    ]
