"""Project documents: added, edited while unpublished, published to the customer, approved,
archived (never deleted)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Organization

from ..models import (
    Contract,
    Document,
    Project,
    Task,
)
from ._common import _email, _link, _required, _text, _writable, customer_recipients
from .project_tasks import sync_state_checks


@transaction.atomic
def add_document(
    actor: Actor,
    *,
    organization: Organization,
    kind: str,
    title: str,
    project: Project | None = None,
    contract: Contract | None = None,
    task: Task | None = None,
    body: str = "",
    file=None,
    customer_visible: bool = False,
    needs_approval: bool = False,
) -> Document:
    action = "delivery.contracts" if contract is not None and project is None else "delivery.manage"
    actor.require(action, organization)
    _writable(project or (task.project if task is not None else None))
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("Unknown document kind.")})
    for parent in (project, contract, task):
        if parent is not None and parent.organization_id != organization.pk:
            raise ValidationError(
                {"organization": _("The document must belong to the same organization.")}
            )
    if not body and not file and kind not in (Document.Kind.AGENDA, Document.Kind.MINUTES):
        raise ValidationError({"file": _("Attach a file or write the text.")})
    document = Document.objects.create(
        organization=organization,
        project=project,
        contract=contract,
        task=task,
        kind=kind,
        title=_required(title, "title"),
        body=_text(body),
        file=file or "",
        customer_visible=bool(customer_visible),
        needs_approval=bool(needs_approval),
        created_by=actor.user,
    )
    audit.record(
        actor.user,
        "create",
        document,
        changes={"title": [None, document.title], "kind": [None, kind]},
    )
    return document


@transaction.atomic
def update_document_text(actor: Actor, document: Document, body: str) -> Document:
    """Edit a document's text while unpublished; a published one is kept and a new one is made."""
    actor.require("delivery.manage", document.organization)
    _writable(document.project)
    if document.published_at:
        raise ValidationError(
            {"body": _("A published document is kept as it is; add a new document instead.")}
        )
    before = document.body
    document.body = _text(body)
    document.save(update_fields=["body"])
    audit.record(
        actor.user, "update", document, changes={"body": [before[:200], document.body[:200]]}
    )
    return document


EMAIL_SUBJECTS = {
    Document.Kind.STATUS_REPORT: lambda d: _("New status report: %(title)s") % {"title": d.title},
    Document.Kind.AGENDA: lambda d: _("Meeting agenda: %(title)s") % {"title": d.title},
    Document.Kind.MINUTES: lambda d: _("Meeting minutes: %(title)s") % {"title": d.title},
}


@transaction.atomic
def publish_document(actor: Actor, document: Document) -> Document:
    """Show the document to the customer and email their users (status report, agenda,
    minutes, or anything awaiting their approval)."""
    actor.require("delivery.manage", document.organization)
    _writable(document.project)
    if document.archived_at:
        raise ValidationError({"document": _("An archived document cannot be published.")})
    if document.kind in (Document.Kind.AGENDA, Document.Kind.MINUTES) and not document.body.strip():
        raise ValidationError({"body": _("Write the text before publishing.")})
    first = document.published_at is None
    document.published_at = document.published_at or timezone.now()
    document.customer_visible = True
    document.save(update_fields=["published_at", "customer_visible"])
    audit.record(
        actor.user,
        "publish",
        document,
        changes={"published_at": [None, document.published_at.isoformat()]},
    )
    if document.project is not None and document.kind == Document.Kind.MINUTES:
        sync_state_checks(document.project)  # minutes published: the closing meeting is held
    if first and (document.kind in EMAIL_SUBJECTS or document.needs_approval):
        users = customer_recipients(document.organization)
        meeting = getattr(document, "agenda_of", None) or getattr(document, "minutes_of", None)
        if meeting is not None:
            users += [u for u in meeting.participants.all()]
        subject = EMAIL_SUBJECTS.get(document.kind) or (
            lambda d: _("Awaiting your approval: %(title)s") % {"title": d.title}
        )
        path = f"/delivery/documents/{document.pk}/"
        _email(
            users,
            lambda: subject(document),
            "delivery/email/document.txt",
            {"document": document, "link": _link(path), "meeting": meeting},
        )
    return document


@transaction.atomic
def approve_document(actor: Actor, document: Document) -> Document:
    actor.require("delivery.approve", document.organization)
    _writable(document.project)
    if not document.needs_approval:
        raise ValidationError({"document": _("This document does not need approval.")})
    if not document.published_at:
        raise ValidationError({"document": _("The document is not published yet.")})
    if document.approved_at:
        raise ValidationError({"document": _("The document is already approved.")})
    document.approved_by, document.approved_at = actor.user, timezone.now()
    document.save(update_fields=["approved_by", "approved_at"])
    audit.record(actor.user, "approve", document, changes={"approved_by": [None, actor.user.pk]})
    return document


@transaction.atomic
def archive_document(actor: Actor, document: Document) -> Document:
    """Withdraw a document from view; it is kept (never deleted) and stays in the audit trail."""
    actor.require("delivery.manage", document.organization)
    _writable(document.project)
    if document.archived_at is None:
        document.archived_at = timezone.now()
        document.save(update_fields=["archived_at"])
        audit.record(
            actor.user,
            "archive",
            document,
            changes={"archived_at": [None, document.archived_at.isoformat()]},
        )
    return document
