"""Project tasks: edits, status, comments, and the self-checking tasks' state checks and
overrides."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import User

from .. import selectors
from ..models import (
    Phase,
    Project,
    Task,
    TaskComment,
)
from ._common import _date, _is_staff, _required, _staff_user, _text, _writable
from .schedule import infer_phase_dates
from .templates import _clean_check

TASK_FIELDS = [
    "title",
    "description",
    "owner",
    "due_on",
    "status",
    "customer_visible",
    "state_check",
    "phase",
]


@transaction.atomic
def save_task(
    actor: Actor,
    project: Project,
    *,
    task: Task | None = None,
    phase: Phase,
    title: str,
    description: str = "",
    owner: User | None = None,
    due_on: dt.date | None = None,
    status: str = Task.Status.TODO,
    customer_visible: bool = True,
    state_check: str = "",
) -> Task:
    actor.require("delivery.manage", project.organization)
    _writable(project)
    if phase.project_id != project.pk:
        raise ValidationError({"phase": _("Choose a phase of this project.")})
    if owner is not None:
        _staff_user(owner, project.organization.vendor_id, "owner")
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    _date(due_on, "due_on")
    if due_on and due_on < project.kickoff_on:
        raise ValidationError({"due_on": _("The due date cannot be before the kickoff.")})
    task = task or Task(project=project, organization=project.organization)
    before = audit.snapshot(task, TASK_FIELDS) if task.pk else {}
    task.phase, task.title, task.description = (
        phase,
        _required(title, "title"),
        _text(description),
    )
    task.owner, task.due_on, task.customer_visible = owner, due_on, bool(customer_visible)
    task.state_check = (
        _clean_check(state_check) if state_check != task.state_check else task.state_check
    )
    _set_status(task, status)
    task.save()
    audit.record(
        actor.user,
        "update" if before else "create",
        task,
        changes=audit.changes_between(before, audit.snapshot(task, TASK_FIELDS)),
    )
    infer_phase_dates(project)
    return task


def _set_status(task: Task, status: str) -> None:
    """Status with its moments: started when it first leaves "to do", completed when done."""
    now = timezone.now()
    if status == Task.Status.DONE and task.status != Task.Status.DONE:
        task.completed_at = now
    elif status != Task.Status.DONE:
        task.completed_at = None
    if status != Task.Status.TODO and task.started_at is None:
        task.started_at = now
    task.status = status


@transaction.atomic
def set_task_status(actor: Actor, task: Task, status: str) -> Task:
    actor.require("delivery.manage", task.organization)
    _writable(task.project)
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    before = task.status
    _set_status(task, status)
    task.save(update_fields=["status", "completed_at", "started_at"])
    audit.record(actor.user, "update", task, changes={"status": [before, status]})
    infer_phase_dates(task.project)
    return task


@transaction.atomic
def comment_task(actor: Actor, task: Task, body: str) -> TaskComment:
    actor.require("delivery.view", task.organization)
    _writable(task.project)
    if not _is_staff(actor, task.organization) and not task.customer_visible:
        raise PermissionDenied
    comment = TaskComment.objects.create(task=task, author=actor.user, body=_required(body, "body"))
    audit.record(actor.user, "comment", task, changes={"comment": [None, comment.body[:200]]})
    return comment


@transaction.atomic
def override_check(actor: Actor, task: Task, reason: str) -> Task:
    """A consultant marks a self-checking task as satisfied although its check does not hold."""
    actor.require("delivery.manage", task.organization)
    _writable(task.project)
    if not task.state_check:
        raise ValidationError({"task": _("This task has no state check to override.")})
    task.check_overridden = True
    task.override_reason = _required(reason, "reason")
    task.overridden_by = actor.user
    task.overridden_at = timezone.now()
    _set_status(task, Task.Status.DONE)
    task.save()
    audit.record(
        actor.user,
        "override_check",
        task,
        changes={
            "state_check": [task.state_check, "overridden"],
            "reason": [None, task.override_reason],
        },
    )
    infer_phase_dates(task.project)
    return task


@transaction.atomic
def sync_state_checks(project: Project) -> list[Task]:
    """Complete the project's open self-checking tasks whose state now holds (system write)."""
    completed = []
    for task in (
        project.tasks.exclude(state_check="").exclude(status=Task.Status.DONE).select_for_update()
    ):
        if selectors.check_state_for_project(task.state_check, project):
            _set_status(task, Task.Status.DONE)
            task.save(update_fields=["status", "completed_at", "started_at"])
            audit.record(
                None,
                "auto_complete",
                task,
                changes={"status": ["open", "done"], "state_check": [None, task.state_check]},
            )
            completed.append(task)
    infer_phase_dates(project)
    return completed
