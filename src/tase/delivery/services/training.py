"""Training sessions: planned in parts, confirmed within the contracted hours, held or
cancelled."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import User
from tase.core.templatetags.tase import format_number

from .. import selectors
from ..models import (
    Project,
    TrainingSession,
)
from ._common import _email, _hours, _link, _moment, _required, _staff_user, _text, _writable
from .project_tasks import sync_state_checks


def _check_part_order(project: Project, part: int, starts_at: dt.datetime, exclude_pk=None) -> None:
    others = project.trainings.exclude(status=TrainingSession.Status.CANCELLED).exclude(
        pk=exclude_pk
    )
    earlier = others.filter(part__lt=part).order_by("-starts_at").first()
    if earlier and starts_at <= earlier.starts_at:
        raise ValidationError(
            {
                "starts_at": _("Part %(part)s cannot be before part %(earlier)s (%(when)s).")
                % {
                    "part": part,
                    "earlier": earlier.part,
                    "when": timezone.localtime(earlier.starts_at).strftime("%d.%m.%Y"),
                }
            }
        )
    later = others.filter(part__gt=part).order_by("starts_at").first()
    if later and starts_at >= later.starts_at:
        raise ValidationError(
            {
                "starts_at": _("Part %(part)s cannot be after part %(later)s (%(when)s).")
                % {
                    "part": part,
                    "later": later.part,
                    "when": timezone.localtime(later.starts_at).strftime("%d.%m.%Y"),
                }
            }
        )


@transaction.atomic
def plan_training(
    actor: Actor,
    project: Project,
    *,
    part: int,
    starts_at: dt.datetime,
    hours,
    trainer: User | None = None,
    participants=(),
    topics: str = "",
    materials: str = "",
    ask_questions: bool | None = None,
) -> TrainingSession:
    actor.require("delivery.manage", project.organization)
    _writable(project)
    part = int(_required(part, "part"))
    if part < 1:
        raise ValidationError({"part": _("Parts are numbered from 1.")})
    starts_at = _moment(starts_at, "starts_at")
    if timezone.localtime(starts_at).date() < project.kickoff_on:
        raise ValidationError({"starts_at": _("Training cannot be before the kickoff.")})
    if trainer is not None:
        _staff_user(trainer, project.organization.vendor_id, "trainer")
    _check_part_order(project, part, starts_at)
    session = TrainingSession.objects.create(
        project=project,
        organization=project.organization,
        part=part,
        starts_at=starts_at,
        hours=_hours(hours, "hours", allow_zero=False),
        trainer=trainer,
        topics=_text(topics),
        materials=_text(materials),
        ask_questions=part > 1 if ask_questions is None else ask_questions,
    )
    session.participants.set(participants)
    audit.record(
        actor.user,
        "create",
        session,
        changes={"part": [None, part], "hours": [None, str(session.hours)]},
    )
    return session


@transaction.atomic
def plan_two_part_training(
    actor: Actor,
    project: Project,
    *,
    first_at: dt.datetime,
    hours_each,
    trainer=None,
    participants=(),
    gap_weeks: int | None = None,
) -> list[TrainingSession]:
    """Part 1 when implementation is done, part 2 some weeks later (default from the project)
    to revise and answer the questions users gathered."""
    gap = gap_weeks or project.second_training_gap_weeks
    first_at = _moment(first_at, "first_at")
    first = plan_training(
        actor,
        project,
        part=1,
        starts_at=first_at,
        hours=hours_each,
        trainer=trainer,
        participants=participants,
        topics=_("Basic use of the new system"),
    )
    second = plan_training(
        actor,
        project,
        part=2,
        starts_at=first_at + dt.timedelta(weeks=gap),
        hours=hours_each,
        trainer=trainer,
        participants=participants,
        ask_questions=True,
        topics=_("Revision and the questions users gathered"),
    )
    return [first, second]


@transaction.atomic
def reschedule_training(
    actor: Actor, session: TrainingSession, starts_at: dt.datetime
) -> TrainingSession:
    actor.require("delivery.manage", session.organization)
    _writable(session.project)
    starts_at = _moment(starts_at, "starts_at")
    _check_part_order(session.project, session.part, starts_at, exclude_pk=session.pk)
    before = session.starts_at
    session.starts_at = starts_at
    session.save(update_fields=["starts_at"])
    audit.record(
        actor.user,
        "update",
        session,
        changes={"starts_at": [before.isoformat(), starts_at.isoformat()]},
    )
    return session


def _check_hours(session: TrainingSession) -> None:
    summary = selectors.training_hours(session.project)
    committed = summary["used"] + summary["booked"]
    if session.status in (TrainingSession.Status.CONFIRMED, TrainingSession.Status.HELD):
        committed -= session.hours
    available = summary["contracted"] + summary["extra"]
    if committed + session.hours > available:
        raise ValidationError(
            {
                "hours": _(
                    "This session would take the training to %(total)s h, over the %(available)s h contracted "
                    "(with extra-training orders). The main user must order extra training first."
                )
                % {
                    "total": format_number(committed + session.hours),
                    "available": format_number(available),
                }
            }
        )


@transaction.atomic
def confirm_training(actor: Actor, session: TrainingSession) -> TrainingSession:
    """Confirm a planned session; refused when it goes over the contracted hours plus approved
    extra-training orders. Participants get an invitation; a later part asks for their questions."""
    actor.require("delivery.manage", session.organization)
    _writable(session.project)
    if session.status != TrainingSession.Status.PLANNED:
        raise ValidationError({"status": _("Only a planned session can be confirmed.")})
    _check_hours(session)
    session.status = TrainingSession.Status.CONFIRMED
    session.save(update_fields=["status"])
    audit.record(actor.user, "confirm", session, changes={"status": ["planned", "confirmed"]})
    _email(
        list(session.participants.all()),
        lambda: _("Training invitation: part %(part)s") % {"part": session.part},
        "delivery/email/training.txt",
        {
            "session": session,
            "link": _link(f"/delivery/projects/{session.project_id}/"),
            "questions_link": _link(f"/delivery/trainings/{session.pk}/questions/"),
        },
    )
    return session


@transaction.atomic
def mark_training_held(actor: Actor, session: TrainingSession, *, hours=None) -> TrainingSession:
    actor.require("delivery.manage", session.organization)
    _writable(session.project)
    if session.status != TrainingSession.Status.CONFIRMED:
        raise ValidationError({"status": _("Confirm the session before marking it held.")})
    if timezone.localtime(session.starts_at).date() > timezone.localdate():
        raise ValidationError({"status": _("A session in the future cannot be marked held.")})
    if hours is not None:
        new = _hours(hours, "hours", allow_zero=False)
        if new > session.hours:
            session.hours = new
            _check_hours(session)
        session.hours = new
    session.status = TrainingSession.Status.HELD
    session.save(update_fields=["status", "hours"])
    audit.record(
        actor.user,
        "held",
        session,
        changes={"status": ["confirmed", "held"], "hours": [None, str(session.hours)]},
    )
    sync_state_checks(session.project)  # also infers the phases' actual dates
    return session


@transaction.atomic
def cancel_training(actor: Actor, session: TrainingSession) -> TrainingSession:
    actor.require("delivery.manage", session.organization)
    _writable(session.project)
    if session.status == TrainingSession.Status.HELD:
        raise ValidationError({"status": _("A session held cannot be cancelled.")})
    before = session.status
    session.status = TrainingSession.Status.CANCELLED
    session.save(update_fields=["status"])
    audit.record(actor.user, "cancel", session, changes={"status": [before, "cancelled"]})
    return session
