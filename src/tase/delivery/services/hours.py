"""Hours against the contract (tuntikirjaukset): consultants log hours on a project's modules,
tasks and training sessions; the contract says how many hours each module and the training
have; hours outside the contract's scope become a change request when staff say so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import User

from ..models import ChangeRequest, Contract, Module, Project, Task, TimeEntry, TrainingSession
from ._common import _date, _hours, _is_staff, _required, _staff_user, _text

CLOSED = (Project.Status.MAINTENANCE, Project.Status.CANCELLED)
MAX_HOURS_A_DAY = Decimal(24)


def _open_for_hours(project: Project) -> None:
    """A project handed over to support or cancelled takes no more hours."""
    if project.status in CLOSED:
        raise ValidationError(
            {
                "project": _(
                    "The project “%(name)s” is closed (%(status)s): hours can no longer be "
                    "logged on it."
                )
                % {"name": project.name, "status": project.get_status_display()}
            }
        )


@transaction.atomic
def set_module_hours(actor: Actor, contract: Contract, hours: dict) -> Contract:
    """The contracted consulting hours per module of ``contract`` ({module: hours}); a module
    left out or given 0 has no contracted hours. Only the contract's own modules take hours."""
    actor.require("delivery.contracts", contract.organization)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    clean: dict[str, str] = {}
    for module, value in (hours or {}).items():
        if value in (None, ""):
            continue
        field = f"hours_{module}"
        if module not in contract.modules:
            raise ValidationError(
                {field: _("“%(module)s” is not a module of this contract.") % {"module": module}}
            )
        amount = _hours(value, field)
        if amount:
            clean[module] = str(amount)
    before = dict(contract.module_hours)
    contract.module_hours = clean
    contract.save(update_fields=["module_hours"])
    audit.record(actor.user, "update", contract, changes={"module_hours": [before, clean]})
    return contract


@transaction.atomic
def log_hours(
    actor: Actor,
    project: Project,
    *,
    on: dt.date,
    hours,
    kind: str = "",
    module: str = "",
    task: Task | None = None,
    training: TrainingSession | None = None,
    note: str = "",
    user: User | None = None,
) -> TimeEntry:
    """Log ``hours`` worked on ``on``: against a contracted ``module`` (optionally one of the
    project's tasks), a ``training`` session of the project, or outside the contract
    (``kind="out_of_scope"``, with a note saying what it was). Vendor staff who run projects log
    their own hours; a lead may log for a colleague (``user``). A closed project refuses."""
    organization = project.organization
    actor.require("delivery.manage", organization)
    if not _is_staff(actor, organization):
        raise ValidationError({"project": _("Only the vendor's staff log hours.")})
    project = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    _open_for_hours(project)
    who = user or actor.user
    if who != actor.user:
        actor.require("delivery.contracts", organization)
    _staff_user(who, organization.vendor_id, "user")
    day = _date(_required(on, "on"), "on")
    if day > timezone.localdate():
        raise ValidationError({"on": _("Hours cannot be logged for a day still to come.")})
    amount = _hours(_required(hours, "hours"), "hours", allow_zero=False)
    if amount > MAX_HOURS_A_DAY:
        raise ValidationError({"hours": _("A day has at most 24 hours.")})
    if training is not None:
        kind = TimeEntry.Kind.TRAINING
    kind = kind or TimeEntry.Kind.MODULE
    if kind not in TimeEntry.Kind.values:
        raise ValidationError({"kind": _("Choose a module, a training session or out of scope.")})
    if task is not None and task.project_id != project.pk:
        raise ValidationError({"task": _("Choose a task of this project.")})
    if kind == TimeEntry.Kind.TRAINING:
        if training is None:
            raise ValidationError({"training": _("Choose the training session.")})
        if training.project_id != project.pk:
            raise ValidationError({"training": _("Choose a training session of this project.")})
        if training.status == TrainingSession.Status.CANCELLED:
            raise ValidationError({"training": _("The training session was cancelled.")})
        module = ""
    elif kind == TimeEntry.Kind.MODULE:
        if module not in project.contract.modules:
            raise ValidationError(
                {
                    "module": _("Choose one of the contract's modules: %(modules)s.")
                    % {"modules": ", ".join(project.contract.module_labels())}
                }
            )
    else:
        module = module if module in Module.values else ""
        if not _text(note):
            raise ValidationError({"note": _("Say what the work outside the contract was.")})
    entry = TimeEntry.objects.create(
        project=project,
        organization=organization,
        user=who,
        on=day,
        hours=amount,
        kind=kind,
        module=module,
        task=task,
        training=training if kind == TimeEntry.Kind.TRAINING else None,
        note=_text(note),
        created_by=actor.user,
    )
    audit.record(
        actor.user,
        "log_hours",
        entry,
        organization=organization,
        changes={"hours": [None, str(amount)], "kind": [None, kind]},
    )
    return entry


@transaction.atomic
def change_request_from_hours(
    actor: Actor, project: Project, *, title: str, description: str = ""
) -> ChangeRequest:
    """Turn the project's out-of-scope hours not yet on a change request into one: its
    estimate is their sum, and they are linked to it. Only staff with delivery.contracts."""
    actor.require("delivery.contracts", project.organization)
    entries = list(
        TimeEntry.objects.select_for_update()
        .filter(project=project, kind=TimeEntry.Kind.OUT_OF_SCOPE, change_request__isnull=True)
        .order_by("on", "id")
    )
    if not entries:
        raise ValidationError(
            {
                "hours": _(
                    "The project has no hours outside the contract waiting for a change request."
                )
            }
        )
    from .change_requests import create_change_request

    total = sum((e.hours for e in entries), Decimal(0))
    lines = "\n".join(
        f"{e.on:%d.%m.%Y} {e.user}: {number_format(e.hours, use_l10n=True)} h — {e.note}"
        for e in entries
    )
    cr = create_change_request(
        actor,
        project.organization,
        title=title,
        description=(_text(description) + "\n\n" if _text(description) else "") + lines,
        project=project,
        estimate_hours=total,
    )
    TimeEntry.objects.filter(pk__in=[e.pk for e in entries]).update(change_request=cr)
    audit.record(actor.user, "update", cr, changes={"hours_from_log": [None, str(total)]})
    return cr


def used_hours(project: Project) -> dict:
    """{(kind, module): hours} logged on the project, summed in the database."""
    return {
        (row["kind"], row["module"]): row["total"] or Decimal(0)
        for row in TimeEntry.objects.filter(project=project)
        .values("kind", "module")
        .annotate(total=Sum("hours"))
    }
