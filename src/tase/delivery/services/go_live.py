"""The go-live sign-off and the handover to support."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core import services as core_services
from tase.core.access import Actor

from .. import selectors
from ..models import (
    AccountRelationship,
    GoLive,
    Meeting,
    PhaseKind,
    Project,
)
from ._common import _email, _link, _writable, customer_recipients
from .project_tasks import sync_state_checks


@transaction.atomic
def sign_go_live(actor: Actor, project: Project) -> GoLive:
    """Sign the go-live: the customer's main user (delivery.approve) and the project lead.
    Every checklist item must hold or be overridden. When both have signed the project goes to
    maintenance, the organization to support, and the handover is recorded."""
    organization = project.organization
    is_customer = actor.can("delivery.approve", organization)
    is_lead = actor.user.pk == project.lead_id
    if not (is_customer or is_lead):
        raise PermissionDenied("delivery.approve")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status == Project.Status.ON_HOLD:
        raise ValidationError(
            {"project": _("The project is on hold: resume it before signing the go-live.")}
        )
    if project.status in (Project.Status.MAINTENANCE, Project.Status.CANCELLED):
        raise ValidationError({"project": _("The project is not running.")})
    sync_state_checks(project)
    checklist = selectors.go_live_checklist(project)
    missing = [item["label"] for item in checklist if not item["ok"]]
    if missing:
        raise ValidationError(
            {"checklist": _("Not ready for go-live: %(items)s.") % {"items": "; ".join(missing)}}
        )
    closing = project.meetings.filter(kind=Meeting.Kind.CLOSING).order_by("-starts_at").first()
    go_live, _created = GoLive.objects.get_or_create(
        project=project, defaults={"organization": organization}
    )
    now = timezone.now()
    if is_customer:
        if go_live.customer_signed_at:
            raise ValidationError({"signature": _("The customer has already signed.")})
        go_live.customer_signed_by, go_live.customer_signed_at = actor.user, now
    else:
        if go_live.lead_signed_at:
            raise ValidationError({"signature": _("The project lead has already signed.")})
        go_live.lead_signed_by, go_live.lead_signed_at = actor.user, now
    go_live.meeting = closing
    go_live.checklist = [
        {**item, "overridden_at": audit._plain(item["overridden_at"])} for item in checklist
    ]
    go_live.save()
    audit.record(
        actor.user,
        "sign_go_live",
        go_live,
        changes={"signed_as": [None, "customer" if is_customer else "lead"]},
    )
    if go_live.is_signed:
        _hand_over(actor, project, go_live)
    return go_live


@transaction.atomic
def approve_overrides(actor: Actor, project: Project) -> Project:
    """The account manager approves the go-live checklist's overrides as they stand (needed
    when more than the set share of items is overridden); a later override needs a new
    approval."""
    actor.require("delivery.view", project.organization)
    _writable(project)
    manager = (
        AccountRelationship.objects.filter(organization=project.organization)
        .values_list("account_manager_id", flat=True)
        .first()
    )
    if manager is None:
        raise ValidationError({"project": _("Name the account manager first.")})
    if actor.user.pk != manager:
        raise PermissionDenied("delivery.approve_overrides")
    project = Project.objects.select_for_update().get(pk=project.pk)
    tasks = selectors.overrides_needing_approval(selectors.go_live_checklist(project))
    if not tasks:
        raise ValidationError({"project": _("No overrides wait for approval.")})
    before = project.overrides_approved_tasks
    project.overrides_approved_tasks = sorted(tasks)
    project.overrides_approved_by, project.overrides_approved_at = actor.user, timezone.now()
    project.save(
        update_fields=["overrides_approved_tasks", "overrides_approved_by", "overrides_approved_at"]
    )
    audit.record(
        actor.user,
        "approve_overrides",
        project,
        changes={"overrides_approved_tasks": [before, project.overrides_approved_tasks]},
    )
    return project


def _hand_over(actor: Actor, project: Project, go_live: GoLive) -> None:
    # The go-live happens at the closing meeting; the signatures may come a little later.
    today = timezone.localdate()
    if go_live.meeting is not None:
        today = min(today, timezone.localtime(go_live.meeting.starts_at).date())
    phases = {p.kind: p for p in project.phases.all()}
    go = phases[PhaseKind.GO_LIVE]
    if go.actual_start is None:
        go.actual_start = today
    go.actual_end = today
    go.save(update_fields=["actual_start", "actual_end"])
    for kind in (PhaseKind.KICKOFF, PhaseKind.SPECIFICATION, PhaseKind.IMPLEMENTATION):
        phase = phases[kind]
        if phase.actual_end is None:
            phase.actual_start = phase.actual_start or min(phase.planned_start, today)
            phase.actual_end = max(phase.actual_start, min(phase.planned_end or today, today))
            phase.save(update_fields=["actual_start", "actual_end"])
    maint = phases[PhaseKind.MAINTENANCE]
    maint.actual_start = maint.actual_start or today
    maint.save(update_fields=["actual_start"])
    project.status = Project.Status.MAINTENANCE
    project.save(update_fields=["status"])
    # set_in_support needs delivery.manage: the lead does it whoever signed last.
    handing = (
        actor if actor.can("delivery.manage", project.organization) else Actor.of(project.lead)
    )
    core_services.set_in_support(handing, project.organization)
    go_live.handover_at = timezone.now()
    go_live.save(update_fields=["handover_at"])
    audit.record(
        actor.user,
        "handover",
        project,
        changes={"status": ["running", "maintenance"], "in_support": [False, True]},
    )
    _email(
        customer_recipients(project.organization),
        lambda: _("Welcome to support: %(name)s") % {"name": project.name},
        "delivery/email/handover.txt",
        {"project": project, "link": _link("/")},
    )
