"""Announcements: the vendor publishes, a user marks one read."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Organization

from .. import selectors
from ..models import (
    Announcement,
    AnnouncementRead,
    Module,
)
from ._common import _choice, _publisher_vendor, _required

ANNOUNCEMENT_FIELDS = ["title", "body", "kind", "audience", "module", "publish_at", "expire_at"]


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
