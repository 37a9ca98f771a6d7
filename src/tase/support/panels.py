"""What customer support puts on every page (the service-break banner) and on the
customer's start page (announcements, open requests, guides, support contacts)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.rules import support_hours as sh

from . import selectors, services
from .models import OPEN_STATUSES, Status

DEFAULT_PHONE = "0600 17250"
DEFAULT_EMAIL = "tuki@tase.example"


def support_contacts(vendor_id=None, now=None) -> dict:
    """The phone number, opening hours, the price per minute today and whether it is open."""
    now = now or timezone.now()
    open_now = sh.is_open(now)
    return {
        "phone": getattr(settings, "TASE_SUPPORT_PHONE", DEFAULT_PHONE),
        "email": getattr(settings, "TASE_SUPPORT_EMAIL", DEFAULT_EMAIL),
        "hours": _("Weekdays 8-16 Finnish time, not on public holidays"),
        "cents_per_minute": selectors.price_today(vendor_id),
        "open_now": open_now,
        "next_opening": None if open_now else sh.next_opening(now),
    }


def start_panel(request) -> dict:
    actor = Actor.of(request.user)
    services.close_expired_lazily()
    # The id only: the vendor's row itself was one more query on every start page.
    vendor_id = next((m.organization.vendor_id for m in actor.customer_memberships), None)
    # The card shows titles and states: the texts (a guide's body, a request's description)
    # and the related rows the full lists join are not read.
    return {
        "announcements": selectors.newest_unread(actor),
        "open_requests": list(
            selectors.requests_for(actor)
            .filter(status__in=OPEN_STATUSES)
            .select_related(None)
            .only("pk", "number", "subject", "status")
            .order_by("-created_at")[: selectors.CARD_SIZE]
        ),
        "guides": selectors.newest_guides(actor),
        "contacts": support_contacts(vendor_id),
    }


def queue_panel(request) -> dict:
    """The support staff's day: the open requests of the queue (mine and nobody's first, by
    the nearest target) and how many are new, unassigned and past their target."""
    actor = Actor.of(request.user)
    now = timezone.now()
    open_requests = selectors.queue(actor, now=now)
    counts = open_requests.aggregate(
        open=Count("pk"),
        new=Count("pk", filter=Q(status=Status.NEW)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        mine=Count("pk", filter=Q(assignee=actor.user)),
        overdue=Count("pk", filter=selectors.overdue_q(now)),
    )
    rows = list(
        open_requests.filter(Q(assignee=actor.user) | Q(assignee__isnull=True)).select_related(
            "organization", "assignee"
        )[:6]
    )
    for item in rows:
        item.target = selectors.target_state(item, now)
    return {"counts": counts, "requests": rows}


def banners(request) -> list[dict]:
    """A service break stands on top of every page while it lasts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return [
        {"kind": "service_break", "text": f"{_('Service break')}: {title}"}
        for title in selectors.service_breaks_shown(Actor.of(user))
    ]
