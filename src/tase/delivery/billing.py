"""What delivery offers for the vendor's own invoicing (core registry, billable sources):
change requests agreed in the period, at their quoted price (VAT excluded, as quotes to
businesses are), one line each. The line's text and unit are lazy: sales renders them in the
customer's language, whoever gathers the month."""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from tase.core.registry import BillableItem, BillableSource, register_billable_source

from .models import ChangeRequest


def _describe(title: str) -> str:
    return gettext("Change request: %(title)s") % {"title": title}


describe = lazy(_describe, str)


def agreed_change_requests(vendor, start, end) -> list[BillableItem]:
    rows = ChangeRequest.objects.filter(
        organization__vendor=vendor,
        status__in=[ChangeRequest.Status.AGREED, ChangeRequest.Status.DONE],
        estimate_cents__gt=0,
        decided_at__date__range=(start, end),
    ).order_by("decided_at", "pk")
    return [
        BillableItem(
            ref=f"delivery.change_request:{row.pk}",
            customer_id=row.organization_id,
            date=row.decided_at.date(),
            description=describe(row.title),
            quantity=Decimal(1),
            unit=gettext_lazy("pcs"),
            unit_price=Decimal(row.estimate_cents) / 100,
        )
        for row in rows
    ]


def register() -> None:
    register_billable_source(
        BillableSource(
            "delivery.change_requests", gettext_lazy("Change requests"), agreed_change_requests
        )
    )
