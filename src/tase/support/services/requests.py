"""Service requests: filing, replies and internal notes, status, reopening, rating,
assignment and the automatic close of resolved requests.

Internal notes are never emailed; the email on a public reply carries that reply only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit, shared_cache
from tase.core.access import Actor
from tase.core.models import Company, Organization, User
from tase.core.permissions import allowed
from tase.core.roles import STAFF_ROLES
from tase.rules import support_hours as sh

from .. import files, selectors
from ..models import (
    AUTO_CLOSE_DAYS,
    OPEN_STATUSES,
    TRANSITIONS,
    Attachment,
    Category,
    Reply,
    ServiceRequest,
    Status,
    Urgency,
)
from . import _notices
from ._common import _choice, _required


def _company_for_request(actor: Actor, company) -> Company:
    pk = company.pk if isinstance(company, Company) else company
    allowed_companies = actor.companies("support.use") | actor.companies("support.handle")
    try:
        return allowed_companies.get(pk=pk)
    except (Company.DoesNotExist, ValueError, TypeError):
        raise ValidationError(
            {"company": _("Choose one of your organization's companies.")}
        ) from None


def _save_attachments(actor: Actor, request, uploads, reply=None) -> list[Attachment]:
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > files.MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("At most %(n)s files at a time.") % {"n": files.MAX_ATTACHMENTS}}
        )
    kinds = [files.check_upload(upload) for upload in uploads]  # all checked before any is saved
    saved = []
    for upload, kind in zip(uploads, kinds, strict=True):
        name = (upload.name or "file").rsplit("/", 1)[-1][:150]
        attachment = Attachment(
            request=request,
            reply=reply,
            name=name,
            content_type=kind.content_type,
            size=upload.size,
            uploaded_by=actor.user,
        )
        attachment.file.save(f"{name}", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


@transaction.atomic
def create_request(
    actor: Actor,
    *,
    company,
    category: str,
    subject: str,
    description: str,
    urgency: str = Urgency.NORMAL,
    attachments: Iterable = (),
    organization: Organization | None = None,
    now: dt.datetime | None = None,
) -> ServiceRequest:
    """A customer's new service request, numbered, with its support-hour targets."""
    if not (actor.can("support.use") or actor.can("support.handle")):
        raise PermissionDenied("support.use")
    company = _company_for_request(actor, company)
    if organization is not None and company.organization_id != organization.pk:
        raise ValidationError({"company": _("The company does not belong to the organization.")})
    organization = company.organization
    if not (actor.can("support.use", organization) or actor.can("support.handle", organization)):
        raise PermissionDenied("support.use")
    category = _choice(category, Category, "category")
    urgency = _choice(urgency or Urgency.NORMAL, Urgency, "urgency")
    subject = _required(subject, "subject", 200)
    description = _required(description, "description")
    now = now or timezone.now()
    # one number series for the vendor; the vendor row is the lock
    vendor = Organization.objects.select_for_update().get(pk=organization.vendor_id)
    number = (ServiceRequest.objects.aggregate(n=Max("number"))["n"] or 1000) + 1
    first_due, resolution_due = sh.targets_for(urgency, now)
    request = ServiceRequest.objects.create(
        organization=organization,
        company=company,
        number=number,
        category=category,
        subject=subject,
        description=description,
        urgency=urgency,
        requester=actor.user,
        created_at=now,
        first_response_due=first_due,
        resolution_due=resolution_due,
    )
    _save_attachments(actor, request, attachments)
    audit.record(
        actor.user,
        "create",
        request,
        company=company,
        changes={
            "number": [None, number],
            "subject": [None, subject],
            "urgency": [None, urgency],
            "category": [None, category],
        },
    )
    del vendor
    _notices.request_filed(request)
    return request


@transaction.atomic
def add_reply(
    actor: Actor,
    request: ServiceRequest,
    *,
    body: str,
    internal: bool = False,
    attachments: Iterable = (),
    now: dt.datetime | None = None,
) -> Reply:
    """A public reply (emailed to the requester when staff write it) or an internal note
    (staff only: never emailed, never shown to the customer)."""
    request = selectors.get_request(actor, request.pk)
    request = (
        ServiceRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)
    )
    staff = actor.can("support.handle", request.organization)
    if not staff:
        actor.require("support.use", request.organization)
        if internal:
            raise PermissionDenied("support.handle")
    body = _required(body, "body")
    if request.status == Status.CLOSED:
        raise ValidationError({"body": _("The request is closed; file a new one.")})
    now = now or timezone.now()
    reply = Reply.objects.create(
        request=request, author=actor.user, body=body, is_internal=internal, from_staff=staff
    )
    _save_attachments(actor, request, attachments, reply=reply)
    changes = {"reply": [None, reply.pk], "internal": [None, internal]}
    old_status = request.status
    if staff and not internal:
        if request.first_response_at is None:
            request.first_response_at = now
        if request.status == Status.NEW:
            request.status = Status.IN_PROGRESS
    elif request.status in (Status.WAITING, Status.RESOLVED):
        # the customer answers: the ball is back with support (and the SLA clock runs again)
        _set_status(request, Status.IN_PROGRESS, now)
    if request.status != old_status:
        changes["status"] = [old_status, request.status]
    request.save()
    audit.record(actor.user, "reply" if not internal else "note", request, changes=changes)
    if staff and not internal:
        _notices.staff_replied(request, reply)
    elif not staff:
        _notices.customer_replied(request, reply)
    return reply


def _set_status(request: ServiceRequest, status: str, now: dt.datetime) -> None:
    """The new status and its times. Waiting for the customer stops the SLA clock: on leaving
    "waiting" the targets not yet met move on by the support time that was left at the pause."""
    if request.status == Status.WAITING and status != Status.WAITING and request.waiting_since:
        paused = sh.support_hours_between(request.waiting_since, now)
        if request.first_response_at is None:
            request.first_response_due = sh.resume_target(
                request.first_response_due, request.waiting_since, now
            )
        request.resolution_due = sh.resume_target(
            request.resolution_due, request.waiting_since, now
        )
        request.paused_seconds += max(0, int(paused.total_seconds()))
        request.waiting_since = None
    elif status == Status.WAITING and request.status != Status.WAITING:
        request.waiting_since = now
    request.status = status
    if status == Status.RESOLVED:
        request.resolved_at = now
    elif status == Status.CLOSED:
        request.closed_at = now
    elif status in OPEN_STATUSES:
        request.resolved_at = None


@transaction.atomic
def change_status(
    actor: Actor, request: ServiceRequest, status: str, *, now: dt.datetime | None = None
) -> ServiceRequest:
    """Staff move a request along new → in progress → waiting → resolved → closed."""
    request = selectors.get_request(actor, request.pk)
    actor.require("support.handle", request.organization)
    request = (
        ServiceRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)
    )
    status = _choice(status, Status, "status")
    if status == request.status:
        return request
    if status not in TRANSITIONS[request.status]:
        raise ValidationError(
            {
                "status": _("A request that is “%(old)s” cannot become “%(new)s”.")
                % {"old": request.get_status_display(), "new": Status(status).label}
            }
        )
    old = request.status
    _set_status(request, status, now or timezone.now())
    request.save()
    audit.record(actor.user, "status", request, changes={"status": [old, status]})
    _email_status(request)
    return request


def _email_status(request: ServiceRequest) -> None:
    _notices.status_changed(request)


def reopen_deadline(request: ServiceRequest) -> dt.datetime | None:
    if request.resolved_at is None:
        return None
    return request.resolved_at + dt.timedelta(days=AUTO_CLOSE_DAYS)


def reopen(actor: Actor, request: ServiceRequest, *, now: dt.datetime | None = None):
    """The customer reopens a resolved request before it closes automatically."""
    now = now or timezone.now()
    close_expired(now=now)  # its own transactions: a late reopen finds the request closed
    return _reopen(actor, request, now)


@transaction.atomic
def _reopen(actor: Actor, request: ServiceRequest, now: dt.datetime):
    request = selectors.get_request(actor, request.pk)
    if not (
        actor.can("support.use", request.organization)
        or actor.can("support.handle", request.organization)
    ):
        raise PermissionDenied("support.use")
    request = (
        ServiceRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)
    )
    if request.status != Status.RESOLVED:
        raise ValidationError({"status": _("Only a resolved request can be reopened.")})
    _set_status(request, Status.IN_PROGRESS, now)
    request.save()
    audit.record(
        actor.user, "reopen", request, changes={"status": [Status.RESOLVED, Status.IN_PROGRESS]}
    )
    _email_status(request)
    return request


@transaction.atomic
def rate(actor: Actor, request: ServiceRequest, *, rating, comment: str = ""):
    """The customer's satisfaction (1-5, with a comment) once the request is resolved."""
    request = selectors.get_request(actor, request.pk)
    actor.require("support.use", request.organization)
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"rating": _("A request can be rated once it is resolved.")})
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
    old = [request.rating, request.rating_comment]
    request.rating, request.rating_comment = rating, (comment or "").strip()
    request.rated_at = timezone.now()
    request.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    audit.record(
        actor.user,
        "rate",
        request,
        changes={"rating": [old[0], rating], "rating_comment": [old[1], request.rating_comment]},
    )
    return request


def support_staff(vendor: Organization):
    """The vendor's people who may handle requests (the assignable specialists)."""
    roles = [role for role in STAFF_ROLES if allowed(role, "support.handle")]
    return User.objects.filter(
        memberships__organization=vendor,
        memberships__role__in=roles,
        memberships__is_active=True,
        is_active=True,
    ).order_by("full_name")


@transaction.atomic
def assign(actor: Actor, requests: Iterable[ServiceRequest], assignee: User | None):
    """Assign (or unassign, with None) several requests to one specialist."""
    changed = []
    for request in requests:
        request = selectors.get_request(actor, request.pk)
        actor.require("support.handle", request.organization)
        if (
            assignee is not None
            and not support_staff(request.organization.vendor).filter(pk=assignee.pk).exists()
        ):
            raise ValidationError({"assignee": _("Choose one of the support specialists.")})
        old = request.assignee_id
        if old == (assignee.pk if assignee else None):
            continue
        ServiceRequest.objects.filter(pk=request.pk).update(
            assignee=assignee, updated_at=timezone.now()
        )
        audit.record(
            actor.user,
            "assign",
            request,
            changes={"assignee": [old, assignee.pk if assignee else None]},
        )
        changed.append(request.pk)
    return changed


SWEEP_SECONDS = 60  # a request closes days after it was resolved: a minute changes nothing


def close_expired_lazily() -> None:
    """:func:`close_expired` for a page or a list that reads requests: with a shared cache at
    most once a SWEEP_SECONDS across the app processes (every page of every user ran it);
    a reopen still closes at once (:func:`reopen` calls :func:`close_expired` itself)."""
    if shared_cache.at_most_every("support:close-expired", SWEEP_SECONDS):
        close_expired()


def close_expired(now: dt.datetime | None = None) -> int:
    """Close requests resolved more than AUTO_CLOSE_DAYS ago (the system does it).

    Run by ``tase support_autoclose`` and also lazily whenever requests are read,
    so a missed run never leaves a request open for reopening past its time."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=AUTO_CLOSE_DAYS)
    due = list(
        ServiceRequest.objects.filter(status=Status.RESOLVED, resolved_at__lte=limit).values_list(
            "pk", flat=True
        )
    )
    closed = 0
    for pk in due:
        with transaction.atomic():
            request = (
                ServiceRequest.objects.select_for_update().select_related("requester").get(pk=pk)
            )
            if request.status != Status.RESOLVED or request.resolved_at > limit:
                continue
            request.status = Status.CLOSED
            request.closed_at = request.resolved_at + dt.timedelta(days=AUTO_CLOSE_DAYS)
            request.save(update_fields=["status", "closed_at", "updated_at"])
            audit.record(
                None,
                "autoclose",
                request,
                changes={"status": [Status.RESOLVED, Status.CLOSED]},
                label="system",
            )
            _email_status(request)
            closed += 1
    return closed
