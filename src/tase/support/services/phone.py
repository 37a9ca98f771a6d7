"""Phone support: the price per minute and the call log."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Organization
from tase.rules import phone_billing

from .. import selectors
from ..models import (
    PhoneCall,
    PhonePrice,
    ServiceRequest,
)
from ._common import _positive, _required


@transaction.atomic
def set_phone_price(actor: Actor, *, effective_from: dt.date, cents_per_minute) -> PhonePrice:
    """A new price per minute (VAT included) from a date; earlier calls keep their price."""
    vendors = [
        m.organization
        for m in actor.staff_memberships
        if actor.can("organization.manage", m.organization)
        or actor.can("support.publish", m.organization)
    ]
    if not vendors:
        raise PermissionDenied("support.publish")
    if effective_from is None:
        raise ValidationError({"effective_from": _("This field is required.")})
    cents = _positive(cents_per_minute, "cents_per_minute", 100_000)
    price, created = PhonePrice.objects.update_or_create(
        organization=vendors[0], effective_from=effective_from, defaults={"cents_per_minute": cents}
    )
    audit.record(
        actor.user,
        "create" if created else "update",
        price,
        organization=vendors[0],
        changes={
            "effective_from": [None, effective_from.isoformat()],
            "cents_per_minute": [None, cents],
        },
    )
    return price


@transaction.atomic
def log_call(
    actor: Actor,
    organization: Organization,
    *,
    caller: str,
    started_at: dt.datetime,
    duration_seconds,
    topic: str,
    request: ServiceRequest | None = None,
    notes: str = "",
) -> PhoneCall:
    """A specialist logs a call; its cost is fixed now: started minutes x the price in force
    on the call's date (Europe/Helsinki)."""
    organization = actor.organization(organization.pk, "support.handle")
    if organization.is_vendor:
        raise ValidationError({"organization": _("Choose a customer organization.")})
    caller = _required(caller, "caller", 200)
    topic = _required(topic, "topic", 200)
    if started_at is None:
        raise ValidationError({"started_at": _("This field is required.")})
    try:
        seconds = int(duration_seconds)
    except (TypeError, ValueError):
        seconds = -1
    if not 0 <= seconds <= 24 * 3600:
        raise ValidationError({"duration_seconds": _("Give the duration in seconds (0-86400).")})
    if request is not None and request.organization_id != organization.pk:
        raise ValidationError({"request": _("The request belongs to another organization.")})
    on = timezone.localtime(started_at).date()
    try:
        price = phone_billing.price_at(selectors.phone_prices(organization.vendor_id), on)
    except phone_billing.NoPriceOnDate:
        raise ValidationError(
            {"started_at": _("No phone price is in force on that date.")}
        ) from None
    minutes = phone_billing.started_minutes(seconds)
    call = PhoneCall.objects.create(
        organization=organization,
        caller=caller,
        started_at=started_at,
        duration_seconds=seconds,
        topic=topic,
        request=request,
        notes=(notes or "").strip(),
        minutes=minutes,
        cents_per_minute=price,
        cost_cents=minutes * price,
        logged_by=actor.user,
    )
    audit.record(
        actor.user,
        "create",
        call,
        changes={"duration_seconds": [None, seconds], "cost_cents": [None, call.cost_cents]},
    )
    return call
