"""Meetings with their agenda (from the kind's template) and minutes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Membership

from .. import notices
from ..models import (
    Document,
    Meeting,
    Project,
)
from ._common import _moment, _required, _text, _writable
from .documents import update_document_text
from .schedule import infer_phase_dates

AGENDA_TEMPLATES = {
    Meeting.Kind.KICKOFF: [
        gettext_noop("Introducing the key persons and their roles"),
        gettext_noop("The delivery model: phases and the typical 12-week schedule"),
        gettext_noop("Agreeing the more detailed schedule"),
        gettext_noop("The first tasks and who does them"),
        gettext_noop("Next meeting"),
    ],
    Meeting.Kind.WORKSHOP: [
        gettext_noop("Processes of the area"),
        gettext_noop("How the system will work"),
        gettext_noop("Open questions"),
        gettext_noop("Next steps"),
    ],
    Meeting.Kind.STATUS: [
        gettext_noop("Progress per phase against the target schedule"),
        gettext_noop("Tasks done and open"),
        gettext_noop("Risks and decisions"),
        gettext_noop("Next steps"),
    ],
    Meeting.Kind.TRAINING: [
        gettext_noop("Topics"),
        gettext_noop("Exercises in the test environment"),
        gettext_noop("Questions"),
    ],
    Meeting.Kind.CLOSING: [
        gettext_noop("Readiness checklist: the specification's items done"),
        gettext_noop("Readiness checklist: the first training held"),
        gettext_noop("Readiness checklist: the customer has tested"),
        gettext_noop("Stating production readiness and signing off"),
        gettext_noop("Handover to support: how to reach customer support"),
        gettext_noop("Further development: change requests agreed case by case"),
    ],
}


def agenda_text(kind: str) -> str:
    return "\n".join(
        f"{i}. {_(line)}" for i, line in enumerate(AGENDA_TEMPLATES.get(kind, []), start=1)
    )


@transaction.atomic
def create_meeting(
    actor: Actor,
    project: Project,
    *,
    kind: str,
    starts_at: dt.datetime,
    title: str = "",
    duration_minutes: int = 60,
    place: str = "",
    video_link: str = "",
    participants=(),
) -> Meeting:
    actor.require("delivery.manage", project.organization)
    _writable(project)
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of meeting.")})
    starts_at = _moment(starts_at, "starts_at")
    if timezone.localtime(starts_at).date() < project.kickoff_on and kind != Meeting.Kind.KICKOFF:
        raise ValidationError(
            {
                "starts_at": _("The meeting cannot be before the kickoff (%(kickoff)s).")
                % {"kickoff": project.kickoff_on.strftime("%d.%m.%Y")}
            }
        )
    if not _text(place) and not _text(video_link):
        raise ValidationError({"place": _("Give a place or a video link.")})
    allowed_orgs = {project.organization_id, project.organization.vendor_id}
    for person in participants:
        if not Membership.objects.filter(
            user=person, organization_id__in=allowed_orgs, is_active=True
        ).exists():
            raise ValidationError(
                {
                    "participants": _("%(name)s is not in this project's organizations.")
                    % {"name": person}
                }
            )
    label = Meeting.Kind(kind).label
    title = _text(title) or str(label)
    agenda = Document.objects.create(
        organization=project.organization,
        project=project,
        kind=Document.Kind.AGENDA,
        title=_("Agenda: %(title)s") % {"title": title},
        body=agenda_text(kind),
        created_by=actor.user,
    )
    meeting = Meeting.objects.create(
        project=project,
        organization=project.organization,
        kind=kind,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes or 60,
        place=_text(place),
        video_link=_text(video_link),
        agenda=agenda,
    )
    meeting.participants.set(participants)
    audit.record(
        actor.user,
        "create",
        meeting,
        changes={"starts_at": [None, starts_at.isoformat()], "kind": [None, kind]},
    )
    infer_phase_dates(project)
    notices.meeting_invited(meeting)
    return meeting


@transaction.atomic
def write_minutes(actor: Actor, meeting: Meeting, body: str) -> Document:
    actor.require("delivery.manage", meeting.organization)
    _writable(meeting.project)
    body = _required(body, "body")
    if meeting.minutes is None:
        meeting.minutes = Document.objects.create(
            organization=meeting.organization,
            project=meeting.project,
            kind=Document.Kind.MINUTES,
            title=_("Minutes: %(title)s") % {"title": meeting.title},
            body=body,
            created_by=actor.user,
        )
        meeting.save(update_fields=["minutes"])
        audit.record(actor.user, "create", meeting.minutes)
        return meeting.minutes
    return update_document_text(actor, meeting.minutes, body)
