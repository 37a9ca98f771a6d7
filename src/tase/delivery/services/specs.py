"""Specification documents and their versions: drafted, sent for review, approved by the
customer's main user."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor

from ..models import (
    Module,
    Project,
    SpecDocument,
    SpecVersion,
)
from ._common import _email, _link, _required, _text, _writable, customer_recipients
from .project_tasks import sync_state_checks


@transaction.atomic
def add_spec(actor: Actor, project: Project, *, area: str, title: str = "") -> SpecDocument:
    actor.require("delivery.manage", project.organization)
    _writable(project)
    if area not in Module.values:
        raise ValidationError({"area": _("Choose an area.")})
    if project.specs.filter(area=area).exists():
        raise ValidationError({"area": _("The project already has a specification of this area.")})
    spec = SpecDocument.objects.create(
        project=project,
        organization=project.organization,
        area=area,
        title=_text(title) or _("Specification: %(area)s") % {"area": Module(area).label},
    )
    audit.record(actor.user, "create", spec)
    return spec


@transaction.atomic
def save_spec_version(actor: Actor, spec: SpecDocument, body: str) -> SpecVersion:
    """Every save is a new version; earlier ones are kept for the diff."""
    actor.require("delivery.manage", spec.organization)
    _writable(spec.project)
    body = _required(body, "body")
    latest = spec.versions.order_by("-number").first()
    if latest and latest.body == body:
        raise ValidationError(
            {"body": _("Nothing changed since version %(n)s.") % {"n": latest.number}}
        )
    version = SpecVersion.objects.create(
        spec=spec,
        organization=spec.organization,
        number=(latest.number + 1) if latest else 1,
        body=body,
        created_by=actor.user,
    )
    audit.record(actor.user, "create", version, changes={"number": [None, version.number]})
    return version


@transaction.atomic
def send_spec_for_review(actor: Actor, version: SpecVersion) -> SpecVersion:
    actor.require("delivery.manage", version.organization)
    _writable(version.spec.project)
    if version.status != SpecVersion.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft can be sent for review.")})
    version.status, version.sent_at = SpecVersion.Status.IN_REVIEW, timezone.now()
    version.save(update_fields=["status", "sent_at"])
    audit.record(actor.user, "send_for_review", version, changes={"status": ["draft", "in_review"]})
    spec = version.spec
    _email(
        customer_recipients(spec.organization),
        lambda: _("Awaiting your approval: %(title)s") % {"title": spec.title},
        "delivery/email/spec.txt",
        {"spec": spec, "version": version, "link": _link(f"/delivery/specs/{spec.pk}/")},
    )
    return version


@transaction.atomic
def approve_spec_version(actor: Actor, version: SpecVersion) -> SpecVersion:
    """Only the customer's main user approves; the earlier approved version is superseded."""
    actor.require("delivery.approve", version.organization)
    _writable(version.spec.project)
    version = SpecVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != SpecVersion.Status.IN_REVIEW:
        raise ValidationError({"status": _("Only a version sent for review can be approved.")})
    now = timezone.now()
    for old in SpecVersion.objects.filter(
        spec_id=version.spec_id, status=SpecVersion.Status.APPROVED
    ):
        old.status, old.superseded_at = SpecVersion.Status.SUPERSEDED, now
        old.save(update_fields=["status", "superseded_at"])
        audit.record(actor.user, "supersede", old, changes={"status": ["approved", "superseded"]})
    version.status, version.approved_by, version.approved_at = (
        SpecVersion.Status.APPROVED,
        actor.user,
        now,
    )
    version.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(actor.user, "approve", version, changes={"status": ["in_review", "approved"]})
    sync_state_checks(version.spec.project)
    return version
