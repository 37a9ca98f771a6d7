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
from tase.core.models import Membership, User
from tase.core.roles import STAFF_ROLES

from .. import selectors
from ..models import (
    Phase,
    Project,
    Task,
    TaskComment,
)
from ._common import _customer_user, _date, _is_staff, _required, _text, _writable
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
        _task_owner(owner, project, customer_visible)
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
    _refuse_done_by_hand(task, status)
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
        task.auto_completed = False
    if status != Task.Status.TODO and task.started_at is None:
        task.started_at = now
    task.status = status


def _refuse_done_by_hand(task: Task, status: str) -> None:
    """A self-checking task is done when its state holds (or with a written override), never
    by a click: otherwise its 'done' would say what the product does not."""
    if (
        status == Task.Status.DONE
        and task.status != Task.Status.DONE
        and task.state_check
        and not task.check_overridden
        and not selectors.check_state_for_project(task.state_check, task.project)
    ):
        raise ValidationError(
            {
                "status": _(
                    "“%(title)s” is done by itself when its state holds; until then it can be "
                    "overridden with a written reason."
                )
                % {"title": task.title}
            }
        )


def _task_owner(owner, project: Project, customer_visible: bool) -> None:
    """A task is owned by the vendor's staff or by a user of the customer; a customer's task
    is one the customer sees."""
    is_staff = Membership.objects.filter(
        user=owner,
        organization_id=project.organization.vendor_id,
        is_active=True,
        role__in=[r.value for r in STAFF_ROLES],
    ).exists()
    if is_staff:
        return
    _customer_user(owner, project.organization, "owner")
    if not customer_visible:
        raise ValidationError(
            {
                "customer_visible": _(
                    "%(name)s is the customer's user: a task they own must be visible to the "
                    "customer."
                )
                % {"name": owner}
            }
        )


@transaction.atomic
def set_task_status(actor: Actor, task: Task, status: str) -> Task:
    """Vendor staff move any task; a customer's user moves the tasks they own."""
    if task.owner_id != actor.user.pk or not task.customer_visible:
        actor.require("delivery.manage", task.organization)
    else:
        actor.require("delivery.view", task.organization)
    _writable(task.project)
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    _refuse_done_by_hand(task, status)
    before = task.status
    _set_status(task, status)
    task.save(update_fields=["status", "completed_at", "started_at", "auto_completed"])
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
    """Mark a self-checking task as satisfied although its check does not hold, with a written
    reason; who and when are recorded and shown at the go-live sign-off and in its PDF.
    Vendor staff override the vendor's items. Items that belong to the customer (the main
    user's specification approval, the customer's own test) only the customer's main user can
    confirm, never vendor staff; the first training part held no one overrides."""
    from ..checks import CUSTOMER_OWNED, NOT_OVERRIDABLE

    organization = task.organization
    if task.state_check in CUSTOMER_OWNED:
        if _is_staff(actor, organization):
            raise ValidationError(
                {
                    "task": _(
                        "“%(title)s” belongs to the customer: only the customer's main user can "
                        "confirm it, not the vendor's staff."
                    )
                    % {"title": task.title}
                }
            )
        actor.require("delivery.approve", organization)
    else:
        actor.require("delivery.manage", organization)
    _writable(task.project)
    if not task.state_check:
        raise ValidationError({"task": _("This task has no state check to override.")})
    if task.state_check in NOT_OVERRIDABLE - CUSTOMER_OWNED:
        raise ValidationError(
            {"task": _("“%(title)s” cannot be overridden.") % {"title": task.title}}
        )
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


def sync_state_checks(project: Project) -> list[Task]:
    """Make the project's self-checking tasks say what the product says (a system write, run
    after every act that can change a state and before the tasks are shown or signed off):
    an open task whose state now holds is completed by its check; a task its check completed
    is reopened when the state no longer holds (a test environment reset, a chart removed).
    Tasks completed with an override stay done. A project in maintenance or cancelled is left
    as it was.

    Pages and lists call this on every read, so it first only reads: a transaction (and on
    SQLite the database's one write lock) is taken only when a task has to change, and the
    tasks are read again under the lock before they are written."""
    if not _followed(project):
        return []
    checking = _checking_tasks().filter(project=project)
    changed = _sync(project, list(checking), checking, _Answers())
    infer_phase_dates(project)
    return changed


def follow_product(projects, *, owner: User | None = None, infer_dates: bool = True) -> None:
    """Sync the self-checking tasks of these projects before their tasks are listed (the API,
    a person's task list), so every place says what the project page says. The projects'
    tasks are read in one query (only ``owner``'s, for a person's own list), and each check is
    answered once per organization (once per project for delivery's own checks) however many
    projects share it. ``infer_dates=False``: a list that shows no phase dates infers them
    only for a project whose task changed (the pages that show them infer on their own read)."""
    projects = [project for project in projects if _followed(project)]
    if not projects:
        return
    checking = _checking_tasks().filter(project__in=projects)
    if owner is not None:
        checking = checking.filter(owner=owner)
    by_project: dict[int, list[Task]] = {project.pk: [] for project in projects}
    for task in checking:
        by_project[task.project_id].append(task)
    answers = _Answers()
    answers.prime(projects, {task.state_check for tasks in by_project.values() for task in tasks})
    for project in projects:
        locked = checking.filter(project=project)
        changed = _sync(project, by_project[project.pk], locked, answers)
        if infer_dates or changed:
            infer_phase_dates(project)


def _followed(project: Project) -> bool:
    return project.status not in (Project.Status.MAINTENANCE, Project.Status.CANCELLED)


def _checking_tasks():
    return Task.objects.exclude(state_check="").filter(check_overridden=False)


class _Answers:
    """Each check's answer once per call: delivery's own checks per project (several of them
    for all the call's projects at once, :meth:`prime`), a product's (against the
    organization's production companies) and core's per organization."""

    def __init__(self):
        self._known: dict[tuple, bool] = {}

    def prime(self, projects: list[Project], codes: set[str]) -> None:
        """Answer the checks that can be answered for many projects at once: delivery's own
        per project, and a product's or core's per organization (one query each however many
        customer organizations the projects belong to)."""
        from ..checks import PROJECT_CHECKS, PROJECT_CHECKS_MANY

        for code in codes & PROJECT_CHECKS_MANY.keys():
            for pk, holds in PROJECT_CHECKS_MANY[code](projects).items():
                self._known[(code, "project", pk)] = holds
        organizations = {project.organization_id for project in projects}
        for code in codes - PROJECT_CHECKS.keys():
            holding = _organizations_holding(code, organizations)
            if holding is not None:
                for organization in organizations:
                    self._known[(code, organization)] = organization in holding

    def holds(self, code: str, project: Project) -> bool:
        from ..checks import PROJECT_CHECKS

        key = (
            (code, "project", project.pk)
            if code in PROJECT_CHECKS
            else (code, project.organization_id)
        )
        if key not in self._known:
            self._known[key] = bool(selectors.check_state_for_project(code, project))
        return self._known[key]


def _organizations_holding(code: str, organizations: set[int]) -> set[int] | None:
    """Of ``organizations``, those for which the check holds, answered in one query; None when
    the check has no such answer (each organization is then asked on its own)."""
    from tase.core.models import Company
    from tase.core.registry import STATE_CHECKS

    from .. import hooks
    from ..checks import ORG_CHECKS_MANY

    try:
        many = hooks.PRODUCTION_CHECKS_MANY.get(code)
        if many is not None and code in hooks.PRODUCTION_CHECKS:
            return many(
                Company.objects.filter(
                    organization_id__in=organizations, is_test_environment=False, is_active=True
                )
            )
        if code not in hooks.PRODUCTION_CHECKS and code in ORG_CHECKS_MANY:
            single, many = ORG_CHECKS_MANY[code]
            registered = STATE_CHECKS.get(code)
            if registered is not None and registered.check is single:
                return many(organizations)
    except Exception:  # a broken batch answer: ask each organization as before
        return None
    return None


def _sync(project: Project, tasks: list[Task], locked, answers: _Answers) -> list[Task]:
    """Write the tasks (of ``tasks``, read already) whose check now says otherwise; ``locked``
    is the queryset they are read again from under the lock."""

    def due(rows):
        return [
            task
            for task in rows
            if not (task.status == Task.Status.DONE and not task.auto_completed)
            and answers.holds(task.state_check, project) != (task.status == Task.Status.DONE)
        ]

    changed = []
    if due(tasks):
        with transaction.atomic():
            for task in due(locked.select_for_update()):
                if answers.holds(task.state_check, project):
                    _set_status(task, Task.Status.DONE)
                    task.auto_completed = True
                    action, status = "auto_complete", ["open", "done"]
                else:
                    task.status, task.completed_at, task.auto_completed = (
                        Task.Status.TODO,
                        None,
                        False,
                    )
                    action, status = "auto_reopen", ["done", "todo"]
                task.save(update_fields=["status", "completed_at", "started_at", "auto_completed"])
                audit.record(
                    None,
                    action,
                    task,
                    changes={"status": status, "state_check": [None, task.state_check]},
                )
                changed.append(task)
    return changed


@transaction.atomic
def explain_overdue(actor: Actor, task: Task, reason: str) -> Task:
    """The lead writes why a customer-visible task is late; the go-live waits for a reason for
    every such task (or for the task to be done)."""
    actor.require("delivery.manage", task.organization)
    _writable(task.project)
    before = task.overdue_reason
    task.overdue_reason = _required(reason, "reason")
    task.save(update_fields=["overdue_reason"])
    audit.record(
        actor.user,
        "explain_overdue",
        task,
        changes={"overdue_reason": [before, task.overdue_reason]},
    )
    return task
