"""Every write of customer support: one function per use case, permission-checked,
in one transaction, audited. Bad input raises ``ValidationError`` keyed by the field.

Internal notes are never emailed; the email on a public reply carries that reply only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Company, Membership, Organization, User
from tase.core.permissions import allowed
from tase.core.roles import STAFF_ROLES
from tase.rules import phone_billing
from tase.rules import support_hours as sh

from . import files, selectors
from .models import (
    AUTO_CLOSE_DAYS,
    OPEN_STATUSES,
    TRANSITIONS,
    Announcement,
    AnnouncementRead,
    Attachment,
    Category,
    Guide,
    GuideCategory,
    GuideImage,
    GuideVersion,
    Module,
    PhoneCall,
    PhonePrice,
    Reply,
    ServiceRequest,
    Status,
    TrainingOrder,
    TrainingSession,
    Urgency,
)
from .search import stem_text


def _required(value, field: str, max_length: int | None = None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if not value:
        raise ValidationError({field: _("This field is required.")})
    if max_length and len(value) > max_length:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": max_length}})
    return value


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the options.")})
    return value


def _vendor(organization: Organization) -> Organization:
    return organization if organization.is_vendor else organization.vendor


# -- service requests ----------------------------------------------------------------


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
    return request


def _email_requester(request: ServiceRequest, *, subject: str, template: str, context: dict):
    """Mail the requester (in their language). Only public content is ever passed here."""
    user = request.requester
    if not user.email or not user.is_active:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "request": request,
            "user": user,
            "url": settings.TASE_BASE_URL.rstrip("/")
            + reverse("support:request_detail", args=[request.pk]),
            **context,
        }
        body = render_to_string(template, context)
        send_mail(
            f"[#{request.number}] {subject}" if subject else f"[#{request.number}]",
            body,
            None,
            [user.email],
        )


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
        # the customer answers: the ball is back with support
        request.status = Status.IN_PROGRESS
        request.resolved_at = None
    if request.status != old_status:
        changes["status"] = [old_status, request.status]
    request.save()
    audit.record(actor.user, "reply" if not internal else "note", request, changes=changes)
    if staff and not internal:
        _email_requester(
            request,
            subject=_("New reply to your service request"),
            template="support/email/reply.txt",
            context={"reply": reply},
        )
    return reply


def _set_status(request: ServiceRequest, status: str, now: dt.datetime) -> None:
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
    _email_requester(
        request,
        subject=_("Your service request is now: %(status)s")
        % {"status": request.get_status_display()},
        template="support/email/status.txt",
        context={"auto_close_days": AUTO_CLOSE_DAYS},
    )


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


# -- announcements -------------------------------------------------------------------

ANNOUNCEMENT_FIELDS = ["title", "body", "kind", "audience", "module", "publish_at", "expire_at"]


def _publisher_vendor(actor: Actor) -> Organization:
    vendors = [
        m.organization
        for m in actor.staff_memberships
        if actor.can("support.publish", m.organization)
    ]
    if not vendors:
        raise PermissionDenied("support.publish")
    return vendors[0]


def _apply_announcement(announcement: Announcement, fields: dict, organizations) -> list:
    unknown = set(fields) - set(ANNOUNCEMENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(announcement, name, value.strip() if isinstance(value, str) else value)
    announcement.title = _required(announcement.title, "title", 200)
    announcement.body = _required(announcement.body, "body")
    _choice(announcement.kind, Announcement.Kind, "kind")
    _choice(announcement.audience, Announcement.Audience, "audience")
    if announcement.publish_at is None:
        raise ValidationError({"publish_at": _("This field is required.")})
    if announcement.expire_at is not None and announcement.expire_at <= announcement.publish_at:
        raise ValidationError(
            {"expire_at": _("An announcement cannot expire before it is published.")}
        )
    if announcement.audience == Announcement.Audience.MODULE:
        _choice(announcement.module, Module, "module")
    else:
        announcement.module = ""
    chosen = []
    if announcement.audience == Announcement.Audience.ORGANIZATIONS:
        ids = [o.pk if isinstance(o, Organization) else o for o in (organizations or [])]
        chosen = list(
            Organization.objects.filter(
                pk__in=ids, vendor=announcement.organization, kind=Organization.Kind.CUSTOMER
            )
        )
        if not chosen or len(chosen) != len(set(ids)):
            raise ValidationError({"organizations": _("Choose the organizations.")})
    return chosen


@transaction.atomic
def create_announcement(actor: Actor, *, organizations=(), **fields) -> Announcement:
    vendor = _publisher_vendor(actor)
    announcement = Announcement(organization=vendor, created_by=actor.user)
    fields.setdefault("publish_at", timezone.now())
    chosen = _apply_announcement(announcement, fields, organizations)
    announcement.save()
    announcement.organizations.set(chosen)
    audit.record(
        actor.user,
        "create",
        announcement,
        changes=audit.changes_between({}, audit.snapshot(announcement, ANNOUNCEMENT_FIELDS)),
    )
    return announcement


@transaction.atomic
def update_announcement(
    actor: Actor, announcement: Announcement, *, organizations=(), **fields
) -> Announcement:
    announcement = selectors.get_announcement(actor, announcement.pk)
    actor.require("support.publish", announcement.organization)
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    before = audit.snapshot(announcement, ANNOUNCEMENT_FIELDS)
    chosen = _apply_announcement(announcement, fields, organizations)
    announcement.save()
    announcement.organizations.set(chosen)
    changes = audit.changes_since(before, announcement)
    if changes:
        audit.record(actor.user, "update", announcement, changes=changes)
    return announcement


def mark_read(actor: Actor, announcement: Announcement) -> None:
    """A per-user read mark (not audited: it is the user's own reading state)."""
    AnnouncementRead.objects.get_or_create(announcement=announcement, user=actor.user)


# -- guides ------------------------------------------------------------------------

GUIDE_FIELDS = ["title", "body", "language", "visibility", "is_published", "category"]


def index_guide(guide: Guide) -> None:
    """Store the guide's title and text as Finnish stems (tase.support.search), and keep the
    SQLite FTS5 index of those stems in step (PostgreSQL searches the stored columns)."""
    from django.db import connection

    guide.search_title, guide.search_body = stem_text(guide.title), stem_text(guide.body)
    Guide.objects.filter(pk=guide.pk).update(
        search_title=guide.search_title, search_body=guide.search_body
    )
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM support_guide_fts WHERE rowid = %s", [guide.pk])
        cursor.execute(
            "INSERT INTO support_guide_fts(rowid, title, body) VALUES (%s, %s, %s)",
            [guide.pk, guide.search_title, guide.search_body],
        )


@transaction.atomic
def save_guide(actor: Actor, guide: Guide | None = None, *, related=None, **fields) -> Guide:
    """Create a guide or save a new version of it (each save keeps the text as a version)."""
    vendor = _publisher_vendor(actor)
    unknown = set(fields) - set(GUIDE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    if guide is None:
        guide = Guide(organization=vendor, updated_by=actor.user, version=0)
        before = {}
    else:
        guide = Guide.objects.select_for_update().get(pk=selectors.get_guide(actor, guide.pk).pk)
        actor.require("support.publish", guide.organization)
        before = audit.snapshot(guide, GUIDE_FIELDS)
    if "category" in fields:
        category = fields.pop("category")
    else:
        category = guide.category if guide.category_id else None
    if category is not None and not isinstance(category, GuideCategory):
        category = GuideCategory.objects.filter(
            pk=category, organization=guide.organization
        ).first()
    if category is None or category.organization_id != guide.organization_id:
        raise ValidationError({"category": _("Choose a category.")})
    guide.category = category
    for name, value in fields.items():
        setattr(guide, name, value.strip() if isinstance(value, str) else value)
    guide.title = _required(guide.title, "title", 200)
    guide.body = _required(guide.body, "body")
    _choice(guide.language, Guide.Language, "language")
    _choice(guide.visibility, Guide.Visibility, "visibility")
    changed = not before or before.get("title") != guide.title or before.get("body") != guide.body
    if changed:
        guide.version += 1
    guide.updated_by = actor.user
    guide.save()
    if changed:
        GuideVersion.objects.create(
            guide=guide,
            version=guide.version,
            title=guide.title,
            body=guide.body,
            created_by=actor.user,
        )
    if related is not None:
        ids = [g.pk if isinstance(g, Guide) else g for g in related]
        guide.related.set(
            Guide.objects.filter(pk__in=ids, organization=guide.organization).exclude(pk=guide.pk)
        )
    index_guide(guide)
    changes = audit.changes_between(before, audit.snapshot(guide, GUIDE_FIELDS))
    if changes:
        audit.record(actor.user, "create" if not before else "update", guide, changes=changes)
    return guide


@transaction.atomic
def add_guide_image(actor: Actor, guide: Guide, upload) -> GuideImage:
    guide = selectors.get_guide(actor, guide.pk)
    actor.require("support.publish", guide.organization)
    kind = files.check_upload(upload, field="image", images_only=True)
    image = GuideImage(guide=guide, name=upload.name[:200], content_type=kind.content_type)
    image.file.save(f"image.{kind.extension}", upload, save=False)
    image.save()
    audit.record(actor.user, "create", image, organization=guide.organization)
    return image


def vote_guide(guide: Guide, helpful: bool) -> None:
    """'Was this helpful?' — counted once per browser session by the view."""
    field = "helpful_yes" if helpful else "helpful_no"
    Guide.objects.filter(pk=guide.pk).update(**{field: F(field) + 1})


@transaction.atomic
def ensure_category(actor: Actor, name: str, name_en: str = "", order: int = 100) -> GuideCategory:
    vendor = _publisher_vendor(actor)
    category, created = GuideCategory.objects.get_or_create(
        organization=vendor,
        name=_required(name, "name", 100),
        defaults={"name_en": name_en, "order": order},
    )
    if created:
        audit.record(actor.user, "create", category, organization=vendor)
    return category


# -- extra training ----------------------------------------------------------------


@transaction.atomic
def order_training(
    actor: Actor,
    organization: Organization,
    *,
    reason: str,
    topics: str,
    participants,
    hours,
    preferred_dates: str = "",
) -> TrainingOrder:
    """The customer's main user orders extra training."""
    organization = actor.organization(organization.pk, "support.order_training")
    reason = _choice(reason, TrainingOrder.Reason, "reason")
    topics = _required(topics, "topics")
    participants = _positive(participants, "participants", 500)
    hours = _positive(hours, "hours", 200)
    order = TrainingOrder.objects.create(
        organization=organization,
        ordered_by=actor.user,
        reason=reason,
        topics=topics,
        participants=participants,
        hours=hours,
        preferred_dates=(preferred_dates or "").strip()[:300],
    )
    audit.record(
        actor.user,
        "create",
        order,
        changes={
            "reason": [None, reason],
            "hours": [None, hours],
            "participants": [None, participants],
        },
    )
    return order


def _positive(value, field: str, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= maximum:
        raise ValidationError(
            {field: _("Give a whole number from 1 to %(max)s.") % {"max": maximum}}
        )
    return number


def _training_step(actor, order, action, expected) -> TrainingOrder:
    order = selectors.get_training_order(actor, order.pk)
    actor.require(action, order.organization)
    order = TrainingOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in expected:
        raise ValidationError(
            {
                "status": _("The order is “%(status)s”; this step does not apply.")
                % {"status": order.get_status_display()}
            }
        )
    return order


@transaction.atomic
def quote_training(
    actor: Actor, order: TrainingOrder, *, price_cents, note: str = ""
) -> TrainingOrder:
    order = _training_step(
        actor, order, "support.handle", {TrainingOrder.State.ORDERED, TrainingOrder.State.QUOTED}
    )
    try:
        price_cents = int(price_cents)
    except (TypeError, ValueError):
        price_cents = -1
    if price_cents < 0:
        raise ValidationError({"price": _("Give the price in euros.")})
    old = order.status
    order.status, order.quote_cents, order.quote_note = (
        TrainingOrder.State.QUOTED,
        price_cents,
        (note or "").strip(),
    )
    order.quoted_at = timezone.now()
    order.save()
    audit.record(
        actor.user,
        "quote",
        order,
        changes={"status": [old, order.status], "quote_cents": [None, price_cents]},
    )
    return order


@transaction.atomic
def accept_training(actor: Actor, order: TrainingOrder) -> TrainingOrder:
    order = _training_step(actor, order, "support.order_training", {TrainingOrder.State.QUOTED})
    order.status, order.accepted_at, order.accepted_by = (
        TrainingOrder.State.ACCEPTED,
        timezone.now(),
        actor.user,
    )
    order.save()
    audit.record(
        actor.user, "accept", order, changes={"status": [TrainingOrder.State.QUOTED, order.status]}
    )
    return order


@transaction.atomic
def plan_session(
    actor: Actor,
    order: TrainingOrder,
    *,
    starts_at: dt.datetime,
    duration_minutes,
    trainer: User,
    location: str = "",
    topics: str = "",
) -> TrainingSession:
    order = _training_step(
        actor, order, "support.handle", {TrainingOrder.State.ACCEPTED, TrainingOrder.State.PLANNED}
    )
    if starts_at is None:
        raise ValidationError({"starts_at": _("This field is required.")})
    duration = _positive(duration_minutes, "duration_minutes", 600)
    if (
        trainer is None
        or not Membership.objects.filter(
            user=trainer,
            organization=order.organization.vendor,
            role__in=list(STAFF_ROLES),
            is_active=True,
        ).exists()
    ):
        raise ValidationError({"trainer": _("Choose one of the vendor's staff.")})
    session = TrainingSession.objects.create(
        order=order,
        starts_at=starts_at,
        duration_minutes=duration,
        trainer=trainer,
        location=(location or "").strip()[:200],
        topics=(topics or "").strip()[:300],
    )
    old = order.status
    order.status = TrainingOrder.State.PLANNED
    order.save(update_fields=["status"])
    audit.record(
        actor.user,
        "plan",
        order,
        changes={"status": [old, order.status], "session": [None, session.pk]},
    )
    return session


@transaction.atomic
def complete_training(actor: Actor, order: TrainingOrder) -> TrainingOrder:
    order = _training_step(actor, order, "support.handle", {TrainingOrder.State.PLANNED})
    order.status = TrainingOrder.State.DONE
    order.save(update_fields=["status"])
    audit.record(
        actor.user,
        "complete",
        order,
        changes={"status": [TrainingOrder.State.PLANNED, order.status]},
    )
    return order


# -- phone support -------------------------------------------------------------------


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
        price = phone_billing.price_at(selectors.phone_prices(organization.vendor), on)
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
