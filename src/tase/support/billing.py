"""What support offers for the vendor's own invoicing (core registry, billable sources):
extra training orders accepted in the period at their quoted price (VAT excluded), and each
customer's phone support as one line per calendar month ended within the period (started minutes x the dated
price per minute, VAT included; tase.rules.phone_billing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from tase.core.registry import BillableItem, BillableSource, register_billable_source
from tase.core.templatetags.tase import format_number

from .models import PhoneCall, TrainingOrder


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
            description=_("Extra training, %(hours)s h: %(topics)s")
            % {"hours": format_number(row.hours), "topics": row.topics[:200]},
            quantity=Decimal(1),
            unit=_("pcs"),
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
                description=_("Phone support %(month)s: %(calls)s calls, %(minutes)s min")
                % {"month": f"{month.month}/{month.year}", "calls": row["calls"],
                   "minutes": row["minutes"]},
                quantity=Decimal(1),
                unit=_("pcs"),
                unit_price=Decimal(row["cost"]) / 100,
                price_includes_vat=True,
            )
        )  # fmt: skip
    return items


def register() -> None:
    register_billable_source(
        BillableSource(
            "support.training_orders", _("Extra training orders"), accepted_training_orders
        )
    )
    register_billable_source(BillableSource("support.phone", _("Phone support"), phone_support))
