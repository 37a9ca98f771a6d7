"""The bank assertion of the closing gate: each bank account's book balance equals the
closing balance of its last statement on or before the day (the balance both on that
statement's date). An account without a statement yet is not asserted."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.formats import date_format

from tase.core.registry import ClosingValue

from .selectors import statement_balance_differences


def statements(company, on: dt.date) -> list[ClosingValue] | None:
    values = [
        ClosingValue(
            difference.book_cents,
            difference.statement_cents,
            reverse("bank:statement_detail", args=[company.pk, difference.statement_id]),
            f"{difference.bank_account.iban} "
            f"{date_format(difference.statement_date, 'SHORT_DATE_FORMAT')}",
        )
        for difference in statement_balance_differences(company, on)
        if difference.statement_cents is not None
    ]
    return values or None
