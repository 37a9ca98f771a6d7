"""The weekly status report (tilannekatsaus): a draft written from the project's own data
(:mod:`tase.delivery.status`), which the project lead edits and publishes as any document."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor

from .. import status
from ..models import Document, Project
from ._common import _is_staff, _writable


@transaction.atomic
def draft_status_report(
    actor: Actor, project: Project, *, today: dt.date | None = None
) -> Document:
    """This week's status report as an unpublished draft of the project (one a week: a second
    draft of the same week is refused, so the lead's edits are never overwritten)."""
    organization = project.organization
    actor.require("delivery.manage", organization)
    if not _is_staff(actor, organization):
        raise ValidationError({"project": _("The vendor's staff write status reports.")})
    project = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    _writable(project)
    if project.status == Project.Status.MAINTENANCE:
        raise ValidationError(
            {"project": _("The project has gone live: it needs no more status reports.")}
        )
    today = today or timezone.localdate()
    title = status.report_title(today)
    if project.documents.filter(
        kind=Document.Kind.STATUS_REPORT, title=title, archived_at__isnull=True
    ).exists():
        raise ValidationError(
            {"project": _("“%(title)s” exists already: edit it instead.") % {"title": title}}
        )
    facts = status.report_facts(project, today)
    body = render_to_string(
        "delivery/status_report.txt",
        {
            **facts,
            "health_label": status.HEALTH_LABELS[facts["health"]],
            "ahead": -(facts["slip"] or 0),
        },
    ).strip()
    document = Document.objects.create(
        organization=organization,
        project=project,
        kind=Document.Kind.STATUS_REPORT,
        title=title,
        body=body,
        customer_visible=False,
        created_by=actor.user,
    )
    audit.record(actor.user, "draft_status_report", document, changes={"title": [None, title]})
    return document
