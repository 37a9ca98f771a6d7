"""The bank accounts as a balance-sheet specification (tase-erittely, Kirjanpitolaki
1336/1997 3:13 §): per bank account the closing balance of its last statement on or before
the day, under the account of the chart it is posted to. One query."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core.registry import SpecificationItem

from .closing import last_statements


def statement_balances(company, on: dt.date) -> list[SpecificationItem]:
    last = last_statements([company.pk], on)
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
