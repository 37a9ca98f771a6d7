"""Approval reminders: whom a purchase invoice waits for is emailed once it has waited longer
than the company's ``reminder_days`` (purchases settings; 0: none), and again each time as
many days more pass, one message per person listing their waiting invoices.

Whom an invoice waits for: the person it was forwarded to; else, in a circulation, its
reviewers or the next approver of its cost centre's chain
(:func:`tase.purchases.circulation.waiting_for`); with no circulation that applies, the
company's own users who may approve (``purchases.approve``). Run by ``tase notifications_run`` (every few minutes from
cron or a timer; it sends nothing twice) or ``tase purchases remind``, and by the
``run_periodic_notifications`` task; the emails go through Django's email backend."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tase.core.access import Actor
from tase.core.models import Membership, User
from tase.core.notifications import (
    Kind,
    Periodic,
    absolute_url,
    notify,
    register_kind,
    register_periodic,
)
from tase.core.templatetags.tase import format_money

from . import circulation
from .models import Approver, PurchaseInvoice, PurchaseSettings

KIND = "purchases.approval_reminder"
DEFAULT_DAYS = PurchaseSettings._meta.get_field("reminder_days").default
WAITING = (PurchaseInvoice.Status.RECEIVED, PurchaseInvoice.Status.REVIEWED)


def register() -> None:
    register_kind(
        Kind(
            KIND,
            gettext_lazy("Reminders of purchase invoices waiting for approval"),
            "all",
            order=50,
        )
    )
    register_periodic(Periodic("purchases.approval_reminders", approval_reminders, 50))


def _days(company_ids) -> dict[int, int]:
    chosen = dict(
        PurchaseSettings.objects.filter(company_id__in=company_ids).values_list(
            "company_id", "reminder_days"
        )
    )
    return {company_id: chosen.get(company_id, DEFAULT_DAYS) for company_id in company_ids}


def _own_approvers(invoices) -> dict[int, list[User]]:
    """Per company without a circulation: its organization's users who may approve there."""
    companies = {invoice.company_id: invoice.company for invoice in invoices}
    memberships = (
        Membership.objects.filter(
            organization_id__in={c.organization_id for c in companies.values()},
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    users = {m.user_id: m.user for m in memberships}
    found: dict[int, list[User]] = defaultdict(list)
    for user in users.values():
        actor = Actor.of(user)
        for company_id, company in companies.items():
            if actor.can_in_company("purchases.approve", company) and not actor.is_vendor_staff:
                found[company_id].append(user)
    return found


def _waits_for(invoice: PurchaseInvoice, people: list[Approver], own: list[User]):
    if invoice.assigned_to_id:
        return [invoice.assigned_to]
    return [a.user for a in circulation.waiting_for(invoice, people)] or own


def _line(invoice: PurchaseInvoice, now: dt.datetime) -> str:
    days = (now - invoice.waiting_since).days
    link = absolute_url(reverse("purchases:invoice_detail", args=[invoice.company_id, invoice.pk]))
    waited = ngettext("waiting %(days)s day", "waiting %(days)s days", days) % {"days": days}
    return (
        f"- {invoice.company.name}: {invoice.supplier.name}, "
        + _("invoice %(number)s, %(total)s, due %(due)s")
        % {
            "number": invoice.number,
            "total": format_money(invoice.gross_cents),
            "due": invoice.due_date.strftime("%-d.%-m.%Y"),
        }
        + f", {waited}\n  {link}"
    )


def approval_reminders(now: dt.datetime | None = None) -> int:
    """Remind whom each invoice has waited for over the company's days; returns how many
    people were told. An invoice is reminded of again after as many days more."""
    now = now or timezone.now()
    invoices = list(
        PurchaseInvoice.objects.filter(
            status__in=WAITING, waiting_since__lte=now - dt.timedelta(days=1)
        )
        .select_related("company__organization", "supplier", "assigned_to")
        .order_by("company_id", "due_date", "pk")
    )
    days = _days({invoice.company_id for invoice in invoices})
    due = []
    for invoice in invoices:
        limit = days[invoice.company_id]
        if not limit or now - invoice.waiting_since < dt.timedelta(days=limit):
            continue
        if invoice.reminded_at and now - invoice.reminded_at < dt.timedelta(days=limit):
            continue
        due.append(invoice)
    if not due:
        return 0
    people: dict[int, list[Approver]] = defaultdict(list)
    for approver in Approver.objects.filter(
        company_id__in={invoice.company_id for invoice in due}, user__is_active=True
    ).select_related("user"):
        people[approver.company_id].append(approver)
    own = _own_approvers([i for i in due if not circulation.waiting_for(i, people[i.company_id])])
    per_user: dict[int, list[PurchaseInvoice]] = defaultdict(list)
    users: dict[int, User] = {}
    for invoice in due:
        for user in _waits_for(invoice, people[invoice.company_id], own[invoice.company_id]):
            users[user.pk] = user
            per_user[user.pk].append(invoice)
    told = 0
    with transaction.atomic():
        for user_pk, waiting in per_user.items():

            def title(waiting=waiting):
                return ngettext(
                    "%(count)s purchase invoice waits for your approval",
                    "%(count)s purchase invoices wait for your approval",
                    len(waiting),
                ) % {"count": len(waiting)}

            def body(waiting=waiting):
                return "\n".join(
                    [
                        _("These purchase invoices have waited for you longer than agreed:"),
                        "",
                        *(_line(invoice, now) for invoice in waiting),
                        "",
                        _("Approve, reject or forward them in Tase."),
                    ]
                )

            told += len(
                notify(
                    [users[user_pk]],
                    KIND,
                    title=title,
                    body=body,
                    url=reverse("purchases:index"),
                    organization=waiting[0].company.organization,
                )
            )
        PurchaseInvoice.objects.filter(pk__in=[invoice.pk for invoice in due]).update(
            reminded_at=now
        )
    return told
