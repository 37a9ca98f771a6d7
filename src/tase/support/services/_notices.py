"""What support tells whom, through the core notifications facility (each user's choice of in
the app and email). Only public content is ever passed to a customer; internal notes never are.

Emails to a customer, and the new-request and customer-reply alerts to support staff, carry the
organization's inbound address as Reply-To, so answering the email threads the answer into the
request (``inbound.receive_email``): a customer's as their reply, a specialist's as a public
answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tase.core.notifications import Kind, email_after_commit, notify, register_kind
from tase.core.roles import STAFF_ROLES

from ..models import AUTO_CLOSE_DAYS, ServiceRequest

KINDS = [
    Kind(
        "support.request_filed",
        gettext_lazy("Your service request was received"),
        "customer",
        order=10,
    ),
    Kind("support.reply", gettext_lazy("A reply to your service request"), "customer", order=11),
    Kind(
        "support.status",
        gettext_lazy("Your service request's status changed"),
        "customer",
        order=12,
    ),
    Kind(
        "support.training_quoted", gettext_lazy("A quote for extra training"), "customer", order=13
    ),
    Kind(
        "support.new_request",
        gettext_lazy("A new service request (support staff)"),
        "staff",
        order=20,
    ),
    Kind(
        "support.customer_reply",
        gettext_lazy("A customer answered a request (support staff)"),
        "staff",
        order=21,
    ),
    Kind("support.watched", gettext_lazy("News of a request you watch"), "all", order=22),
]


def register() -> None:
    for kind in KINDS:
        register_kind(kind)


def _path(request: ServiceRequest) -> str:
    return reverse("support:request_detail", args=[request.pk])


def _prefix(request: ServiceRequest) -> str:
    return f"[#{request.number}] "


def _reply_to(request: ServiceRequest) -> str:
    from .inbound import inbound_address

    return inbound_address(request.organization, create=True)


def _staff_for(request: ServiceRequest):
    """Who hears of a new request or a customer's answer: the assignee, else every support
    specialist of the vendor."""
    from .requests import support_staff

    if request.assignee_id and request.assignee.is_active:
        return [request.assignee]
    return list(support_staff(request.organization.vendor))


def _watchers(request: ServiceRequest, *, staff: bool | None, exclude=()):
    people = list(request.watchers.all())
    if staff is not None:
        from tase.core.models import Membership

        staff_ids = set(
            Membership.objects.filter(
                user__in=people,
                organization_id=request.organization.vendor_id,
                role__in=list(STAFF_ROLES),
                is_active=True,
            ).values_list("user_id", flat=True)
        )
        people = [p for p in people if (p.pk in staff_ids) == staff]
    skip = {u.pk for u in exclude if u is not None}
    return [p for p in people if p.pk not in skip]


def request_filed(request: ServiceRequest) -> None:
    notify(
        [request.requester],
        "support.request_filed",
        title=lambda: (
            _("We received your service request #%(number)s: %(subject)s")
            % {"number": request.number, "subject": request.subject}
        ),
        template="support/email/filed.txt",
        context={"request": request},
        url=_path(request),
        organization=request.organization,
        reply_to=_reply_to(request),
        subject_prefix=_prefix(request),
    )
    notify(
        _staff_for(request),
        "support.new_request",
        title=lambda: (
            _("New service request #%(number)s from %(organization)s: %(subject)s")
            % {
                "number": request.number,
                "organization": request.organization.name,
                "subject": request.subject,
            }
        ),
        body=lambda: request.description[:500],
        url=_path(request),
        organization=request.organization,
        reply_to=_reply_to(request),  # a specialist may answer by replying
        subject_prefix=_prefix(request),
    )


def customer_replied(request: ServiceRequest, reply) -> None:
    def title():
        return _("%(author)s answered request #%(number)s: %(subject)s") % {
            "author": reply.author,
            "number": request.number,
            "subject": request.subject,
        }

    staff = _staff_for(request)
    notify(
        staff,
        "support.customer_reply",
        title=title,
        body=lambda: reply.body[:1000],
        url=_path(request),
        organization=request.organization,
        reply_to=_reply_to(request),  # a specialist may answer by replying
        subject_prefix=_prefix(request),
    )
    notify(
        _watchers(request, staff=None, exclude=[reply.author, *staff]),
        "support.watched",
        title=title,
        body=lambda: reply.body[:1000],
        url=_path(request),
        organization=request.organization,
        subject_prefix=_prefix(request),
    )


def staff_replied(request: ServiceRequest, reply) -> None:
    """A public reply: to the requester, the watchers and the addresses in copy."""
    for kind, people in (
        ("support.reply", [request.requester]),
        (
            "support.watched",
            _watchers(request, staff=None, exclude=[request.requester, reply.author]),
        ),
    ):
        notify(
            people,
            kind,
            title=lambda: _("New reply to your service request"),
            template="support/email/reply.txt",
            context={"request": request, "reply": reply, "url": ""},
            url=_path(request),
            organization=request.organization,
            reply_to=_reply_to(request),
            subject_prefix=_prefix(request),
        )
    copies = cc_addresses(request.cc)
    if copies:
        body = _("A new reply to service request #%(number)s “%(subject)s”:") % {
            "number": request.number,
            "subject": request.subject,
        }
        reply_to = _reply_to(request)
        mail = {
            "subject": f"{_prefix(request)}{request.subject}",
            "body": f"{body}\n\n{reply.body}\n",
            "reply_to": reply_to,
        }
        email_after_commit([{**mail, "to": address} for address in copies], "support.cc")


def status_changed(request: ServiceRequest) -> None:
    notify(
        [request.requester],
        "support.status",
        title=lambda: (
            _("Your service request is now: %(status)s") % {"status": request.get_status_display()}
        ),
        template="support/email/status.txt",
        context={"request": request, "auto_close_days": AUTO_CLOSE_DAYS, "url": ""},
        url=_path(request),
        organization=request.organization,
        reply_to=_reply_to(request),
        subject_prefix=_prefix(request),
    )


def training_quoted(order) -> None:
    from tase.core.models import User
    from tase.core.roles import Role

    main_users = User.objects.filter(
        memberships__organization=order.organization,
        memberships__role=Role.MAIN_USER,
        memberships__is_active=True,
    )
    notify(
        [order.ordered_by, *main_users],
        "support.training_quoted",
        title=lambda: (
            _("Quote for extra training: %(price)s") % {"price": _euros(order.quote_cents)}
        ),
        template="support/email/training_quoted.txt",
        context={"order": order, "price": _euros(order.quote_cents)},
        url=reverse("support:training_detail", args=[order.pk]),
        organization=order.organization,
    )


def _euros(cents: int | None) -> str:
    from tase.core.templatetags.tase import format_money

    return format_money(cents)


def cc_addresses(text: str) -> list[str]:
    return [part for part in (text or "").replace(",", "\n").replace(";", "\n").split() if part]
