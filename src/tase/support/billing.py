"""What support offers for the vendor's own invoicing (core registry, billable sources):
extra training orders accepted in the period at their quoted price (VAT excluded), and each
customer's phone support as one line per calendar month ended within the period (started minutes x the dated
price per minute, VAT included; tase.rules.phone_billing). Line texts and units are lazy:
sales renders them in the customer's language, whoever gathers the month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from tase.core.registry import BillableItem, BillableSource, register_billable_source
from tase.core.templatetags.tase import format_number

from .models import PhoneCall, TrainingOrder


def _training(hours, topics: str) -> str:
    return gettext("Extra training, %(hours)s h: %(topics)s") % {
        "hours": format_number(hours),
        "topics": topics,
    }


def _phone(month: dt.date, calls: int, minutes: int) -> str:
    return gettext("Phone support %(month)s: %(calls)s calls, %(minutes)s min") % {
        "month": f"{month.month}/{month.year}",
        "calls": calls,
        "minutes": minutes,
    }


training_text, phone_text = lazy(_training, str), lazy(_phone, str)
PCS = gettext_lazy("pcs")


def accepted_training_orders(vendor, start, end) -> list[BillableItem]:
    rows = TrainingOrder.objects.filter(
        organization__vendor=vendor,
        status__in=[
            TrainingOrder.State.ACCEPTED, TrainingOrder.State.PLANNED, TrainingOrder.State.DONE,
        ],
        quote_cents__gt=0,
        accepted_at__date__range=(start, end),
    ).order_by("accepted_at", "pk")  # fmt: skip
    return [
        BillableItem(
            ref=f"support.training_order:{row.pk}",
            customer_id=row.organization_id,
            date=row.accepted_at.date(),
            description=training_text(row.hours, row.topics[:200]),
            quantity=Decimal(1),
            unit=PCS,
            unit_price=Decimal(row.quote_cents) / 100,
        )
        for row in rows
    ]


def _whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the calendar months that lie wholly in ``start`` … ``end``."""
    first = (
        start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    )
    after = (end + dt.timedelta(days=1)).replace(day=1)
    last = after - dt.timedelta(days=1)
    return (first, last) if first <= last else None


def phone_support(vendor, start, end) -> list[BillableItem]:
    """One line per customer and calendar month, for the months that have ended within the
    period (a monthly statement is billed whole)."""
    months = _whole_months(start, end)
    if months is None:
        return []
    months = (
        PhoneCall.objects.filter(
            organization__vendor=vendor, started_at__date__range=months, cost_cents__gt=0
        )
        .annotate(month=TruncMonth("started_at"))
        .values("organization_id", "month")
        .annotate(minutes=Sum("minutes"), cost=Sum("cost_cents"), calls=Count("pk"))
        .order_by("organization_id", "month")
    )
    items = []
    for row in months:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        items.append(
            BillableItem(
                ref=f"support.phone:{row['organization_id']}:{month:%Y-%m}",
                customer_id=row["organization_id"],
                date=month,
                description=phone_text(month, row["calls"], row["minutes"]),
                quantity=Decimal(1),
                unit=PCS,
                unit_price=Decimal(row["cost"]) / 100,
                price_includes_vat=True,
            )
        )  # fmt: skip
    return items


def register() -> None:
    register_billable_source(
        BillableSource(
            "support.training_orders",
            gettext_lazy("Extra training orders"),
            accepted_training_orders,
        )
    )
    register_billable_source(
        BillableSource("support.phone", gettext_lazy("Phone support"), phone_support)
    )
