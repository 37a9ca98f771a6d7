"""Project templates: the phase schedule in weeks and the tasks a new project starts with."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import Organization
from tase.core.registry import STATE_CHECKS

from ..models import (
    DEFAULT_SCHEDULE,
    PhaseKind,
    ProjectTemplate,
    TemplateTask,
)
from ._common import _required, _text

DEFAULT_TASKS = [
    (1, gettext_noop("Agree the kickoff meeting time and participants"), True, ""),
    (1, gettext_noop("Introduce the key persons"), True, ""),
    (1, gettext_noop("Agree the detailed schedule and the first tasks"), True, ""),
    (1, gettext_noop("Company created with business ID"), True, "core.company_business_id"),
    (2, gettext_noop("Go through the tender request, the tender and the contract"), False, ""),
    (2, gettext_noop("Specification workshops per area"), True, ""),
    (2, gettext_noop("Agree the target schedule of every phase"), True, ""),
    (
        2,
        gettext_noop("Specification documents approved by the main user"),
        True,
        "delivery.spec_approved",
    ),
    (3, gettext_noop("Configure the applications per the specification"), False, ""),
    (3, gettext_noop("Users of the customer invited"), True, "core.users_invited"),
    (3, gettext_noop("Chart of accounts chosen"), True, "ledger.chart_chosen"),
    (3, gettext_noop("First test pay run calculated"), True, "payroll.first_pay_run_calculated"),
    (3, gettext_noop("Create the customer's test environment"), True, ""),
    (3, gettext_noop("Status report to the customer"), True, ""),
    (
        4,
        gettext_noop("First training when implementation is done"),
        True,
        "delivery.first_training_held",
    ),
    (4, gettext_noop("Customer tests the new system"), True, "delivery.customer_tested"),
    (4, gettext_noop("Second training a few weeks later: revise and answer questions"), True, ""),
    (
        5,
        gettext_noop("Closing meeting: state production readiness"),
        True,
        "delivery.closing_meeting",
    ),
    (5, gettext_noop("Hand over to support"), True, ""),
    (6, gettext_noop("Agree further development case by case (change requests)"), True, ""),
]


@transaction.atomic
def default_template(vendor: Organization) -> ProjectTemplate:
    """The vendor's default template, created with the model's default tasks on first use."""
    template = ProjectTemplate.objects.filter(vendor=vendor, is_default=True).first()
    if template is None:
        template = ProjectTemplate.objects.create(
            vendor=vendor,
            name=_("12-week implementation"),
            is_default=True,
            schedule={k: list(v) for k, v in DEFAULT_SCHEDULE.items()},
        )
        TemplateTask.objects.bulk_create(
            TemplateTask(
                template=template,
                phase=phase,
                title=_(title),
                customer_visible=visible,
                state_check=check,
                order=i,
            )
            for i, (phase, title, visible, check) in enumerate(DEFAULT_TASKS)
            # a product app's check is used only when that app registered it
            if not check or check in STATE_CHECKS
        )
    return template


def _require_templates(actor: Actor, template: ProjectTemplate) -> None:
    actor.require("delivery.templates", template.vendor)


def _clean_schedule(schedule: dict) -> dict:
    clean = {}
    for kind in PhaseKind.values:
        pair = schedule.get(str(kind)) or schedule.get(kind)
        if not pair:
            raise ValidationError({f"schedule_{kind}": _("Give the start week.")})
        start, end = pair[0], pair[1] if len(pair) > 1 else None
        try:
            start = int(start)
            end = None if end in (None, "") else int(end)
        except (TypeError, ValueError):
            raise ValidationError({f"schedule_{kind}": _("Weeks are whole numbers.")}) from None
        if start < 0:
            raise ValidationError(
                {f"schedule_{kind}": _("A phase cannot start before the kickoff.")}
            )
        if end is not None and end < start:
            raise ValidationError({f"schedule_{kind}": _("A phase cannot end before it starts.")})
        clean[str(kind)] = [start, end]
    return clean


@transaction.atomic
def update_template(
    actor: Actor,
    template: ProjectTemplate,
    *,
    name: str,
    schedule: dict,
    second_training_gap_weeks: int,
) -> ProjectTemplate:
    _require_templates(actor, template)
    before = audit.snapshot(template, ["name", "schedule", "second_training_gap_weeks"])
    template.name = _required(name, "name")
    template.schedule = _clean_schedule(schedule)
    if not second_training_gap_weeks or int(second_training_gap_weeks) < 1:
        raise ValidationError({"second_training_gap_weeks": _("At least one week.")})
    template.second_training_gap_weeks = int(second_training_gap_weeks)
    template.save()
    audit.record(
        actor.user,
        "update",
        template,
        organization=template.vendor,
        changes=audit.changes_since(before, template),
    )
    return template


def _clean_check(code: str) -> str:
    code = _text(code)
    if code and code not in STATE_CHECKS:
        raise ValidationError(
            {"state_check": _("Unknown state check “%(code)s”.") % {"code": code}}
        )
    return code


@transaction.atomic
def save_template_task(
    actor: Actor,
    template: ProjectTemplate,
    *,
    task: TemplateTask | None = None,
    phase: int,
    title: str,
    description: str = "",
    customer_visible: bool = True,
    state_check: str = "",
    order: int | None = None,
    is_active: bool = True,
) -> TemplateTask:
    """Add or edit a template task; a task is never deleted, only deactivated."""
    _require_templates(actor, template)
    if int(phase) not in PhaseKind.values:
        raise ValidationError({"phase": _("Choose a phase.")})
    if task is None:
        task = TemplateTask(template=template)
        if order is None:
            order = (template.tasks.aggregate(m=Max("order"))["m"] or 0) + 1
    elif task.template_id != template.pk:
        raise ValidationError({"task": _("The task belongs to another template.")})
    before = (
        audit.snapshot(task, ["phase", "title", "customer_visible", "state_check", "is_active"])
        if task.pk
        else {}
    )
    task.phase = int(phase)
    task.title = _required(title, "title")
    task.description = _text(description)
    task.customer_visible = bool(customer_visible)
    task.state_check = _clean_check(state_check)
    task.is_active = bool(is_active)
    if order is not None:
        task.order = order
    task.save()
    audit.record(
        actor.user,
        "update" if before else "create",
        task,
        organization=template.vendor,
        changes=audit.changes_between(
            before,
            audit.snapshot(
                task, ["phase", "title", "customer_visible", "state_check", "is_active"]
            ),
        ),
    )
    return task
