"""Sample vouchers for a test environment (testiympäristö), so trainees have books to look at.

A test-environment copy gets the customer's chart, series and fiscal years (services.
copy_configuration) and then these few everyday vouchers: a sale on credit and its payment,
a purchase on credit and its payment, and a month's rent, on the first day that can take
them. They are marked with the source "sample", so the go-live checklist's "customer has
tested" counts only what the trainees post themselves. A voucher whose accounts the chart
lacks (or hides) is left out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Account, FiscalYear

SOURCE = "sample"

# (reference, series, description, [(account, debit, credit, VAT code)]); amounts include VAT.
VOUCHERS = (
    (
        "sale",
        "ML",
        gettext_noop("Sample sale on credit"),
        [("1700", "1240.00", None, ""), ("3000", None, "1240.00", "S")],
    ),
    (
        "sale-paid",
        "TI",
        gettext_noop("Sample sale paid"),
        [("1910", "1240.00", None, ""), ("1700", None, "1240.00", "")],
    ),
    (
        "purchase",
        "OL",
        gettext_noop("Sample purchase on credit"),
        [("4000", "620.00", None, "P"), ("2870", None, "620.00", "")],
    ),
    (
        "purchase-paid",
        "TI",
        gettext_noop("Sample purchase paid"),
        [("2870", "620.00", None, ""), ("1910", None, "620.00", "")],
    ),
    (
        "rent",
        "OL",
        gettext_noop("Sample rent"),
        [("7100", "1000.00", None, "P"), ("1910", None, "1000.00", "")],
    ),
)


def sample_day(company) -> dt.date | None:
    """Today if an open fiscal year covers it, else the first day of the latest open year."""
    today = timezone.localdate()
    years = FiscalYear.objects.filter(company=company, state=FiscalYear.State.OPEN)
    if years.filter(start__lte=today, end__gte=today).exists():
        return today
    latest = years.order_by("-start").first()
    return latest.start if latest else None


def post_sample_vouchers(actor, company) -> int:
    """Post the sample vouchers into ``company`` (a test environment); how many were posted."""
    from . import services

    day = sample_day(company)
    if day is None:
        return 0
    usable = set(
        Account.objects.filter(company=company, is_header=False, hidden=False).values_list(
            "number", flat=True
        )
    )
    posted = 0
    for reference, series, description, lines in VOUCHERS:
        if not {number for number, *_rest in lines} <= usable:
            continue
        try:
            services.post_voucher(
                actor,
                company,
                date=day,
                series=series,
                description=_(description),
                lines=[
                    {
                        "account": number,
                        "debit": Decimal(debit) if debit else None,
                        "credit": Decimal(credit) if credit else None,
                        "vat_code": vat or None,
                    }
                    for number, debit, credit, vat in lines
                ],
                source=SOURCE,
                source_ref=reference,
            )
        except ValidationError:
            continue  # e.g. the day is locked: the trainees start from empty books
        posted += 1
    return posted
