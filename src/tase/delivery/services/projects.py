"""Projects: creation from a contract, the team and key persons, and the project status
(on hold, resumed, cancelled)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor
from tase.core.models import User
from tase.core.roles import Role

from ..models import (
    DEFAULT_SCHEDULE,
    Contract,
    KeyPerson,
    Module,
    Phase,
    PhaseKind,
    Project,
    ProjectTemplate,
    SpecDocument,
    Task,
)
from ._common import _customer_user, _date, _required, _staff_user, _text, _writable
from .project_tasks import sync_state_checks
from .templates import default_template


def proposed_schedule(
    kickoff_on: dt.date, schedule: dict
) -> dict[int, tuple[dt.date, dt.date | None]]:
    """Phase dates from week offsets: a phase of weeks a-b runs from the Monday-relative day
    kickoff + 7a to kickoff + 7b + 4 (the working week's end); a one-week point (a == b == 0
    for kickoff, the go-live week) is that single day; an open end stays open."""
    out = {}
    for kind in PhaseKind.values:
        start_w, end_w = schedule.get(str(kind), DEFAULT_SCHEDULE[str(kind)])
        start = kickoff_on + dt.timedelta(weeks=start_w)
        if end_w is None:
            end = None
        elif end_w == start_w:
            end = start
        else:
            end = kickoff_on + dt.timedelta(weeks=end_w, days=4)
        out[kind] = (start, end)
    return out


@transaction.atomic
def create_project(
    actor: Actor,
    contract: Contract,
    *,
    lead: User,
    kickoff_on: dt.date,
    consultants=(),
    template: ProjectTemplate | None = None,
    name: str = "",
) -> Project:
    """A project from the contract: six phases with the proposed 12-week schedule from the
    kickoff, the template's tasks (due at their phase's end) and one specification document
    per contracted module. The kickoff meeting is planned with :func:`create_meeting`, which
    gives it the kickoff agenda template (it needs a time and a place or a video link)."""
    organization = contract.organization
    actor.require("delivery.contracts", organization)
    kickoff_on = _date(_required(kickoff_on, "kickoff_on"), "kickoff_on")
    if kickoff_on < contract.signed_on:
        raise ValidationError(
            {"kickoff_on": _("The kickoff cannot be before the contract is signed.")}
        )
    _staff_user(
        lead, organization.vendor_id, "lead", {Role.PROJECT_LEAD, Role.CONSULTANT, Role.ADMIN}
    )
    for c in consultants:
        _staff_user(c, organization.vendor_id, "consultants")
    template = template or default_template(organization.vendor)
    if template.vendor_id != organization.vendor_id:
        raise ValidationError({"template": _("Choose a template of this vendor.")})
    project = Project.objects.create(
        organization=organization,
        contract=contract,
        lead=lead,
        kickoff_on=kickoff_on,
        template=template,
        second_training_gap_weeks=template.second_training_gap_weeks,
        name=_text(name)
        or _("%(organization)s: implementation") % {"organization": organization.name},
    )
    project.consultants.set(consultants)
    dates = proposed_schedule(kickoff_on, template.schedule or DEFAULT_SCHEDULE)
    phases = {
        kind: Phase.objects.create(
            project=project,
            organization=organization,
            kind=kind,
            planned_start=dates[kind][0],
            planned_end=dates[kind][1],
        )
        for kind in PhaseKind.values
    }
    Task.objects.bulk_create(
        Task(
            project=project,
            organization=organization,
            phase=phases[t.phase],
            title=t.title,
            description=t.description,
            customer_visible=t.customer_visible,
            state_check=t.state_check,
            order=t.order,
            owner=lead,
            due_on=phases[t.phase].planned_end or phases[t.phase].planned_start,
        )
        for t in template.tasks.filter(is_active=True)
    )
    for area in contract.modules:
        SpecDocument.objects.create(
            project=project,
            organization=organization,
            area=area,
            title=_("Specification: %(area)s") % {"area": Module(area).label},
        )
    audit.record(
        actor.user,
        "create",
        project,
        changes={
            "contract": [None, contract.pk],
            "kickoff_on": [None, kickoff_on.isoformat()],
            "lead": [None, lead.pk],
        },
    )
    sync_state_checks(project)  # checks that hold already (a company with a business ID)
    return project


@transaction.atomic
def update_team(actor: Actor, project: Project, *, lead: User, consultants) -> Project:
    actor.require("delivery.contracts", project.organization)
    _writable(project)
    _staff_user(lead, project.organization.vendor_id, "lead")
    for c in consultants:
        _staff_user(c, project.organization.vendor_id, "consultants")
    before = {
        "lead": project.lead_id,
        "consultants": sorted(project.consultants.values_list("pk", flat=True)),
    }
    project.lead = lead
    project.save(update_fields=["lead"])
    project.consultants.set(consultants)
    after = {"lead": lead.pk, "consultants": sorted(c.pk for c in consultants)}
    audit.record(actor.user, "update", project, changes=audit.changes_between(before, after))
    return project


KEY_PERSON_FIELDS = ["role", "name", "email", "phone", "is_active"]


def _clean_key_person_fields(role: str, name: str, email: str, phone: str) -> dict:
    role = _required(role, "role")
    if len(role) > 120:
        raise ValidationError({"role": _("At most %(n)s characters.") % {"n": 120}})
    name, email, phone = _text(name), _text(email), _text(phone)
    if len(name) > 200:
        raise ValidationError({"name": _("At most %(n)s characters.") % {"n": 200}})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if len(phone) > 40:
        raise ValidationError({"phone": _("At most %(n)s characters.") % {"n": 40}})
    return {"role": role, "name": name, "email": email, "phone": phone}


@transaction.atomic
def add_key_person(
    actor: Actor,
    project: Project,
    *,
    user: User,
    role: str,
    name: str = "",
    email: str = "",
    phone: str = "",
) -> KeyPerson:
    """Add a customer's user as a key person; a former key person is brought back."""
    actor.require("delivery.manage", project.organization)
    _writable(project)
    _customer_user(user, project.organization, "user")
    fields = _clean_key_person_fields(role, name, email, phone)
    person = project.key_persons.select_for_update().filter(user=user).first()
    if person is not None and person.is_active:
        raise ValidationError({"user": _("%(name)s is already a key person.") % {"name": user}})
    if person is not None:
        before = audit.snapshot(person, KEY_PERSON_FIELDS)
        for field, value in fields.items():
            setattr(person, field, value)
        person.is_active, person.removed_at, person.removed_by = True, None, None
        person.save()
        audit.record(
            actor.user,
            "reactivate",
            person,
            changes=audit.changes_since(before, person),
        )
        return person
    person = KeyPerson.objects.create(
        project=project, organization=project.organization, user=user, **fields
    )
    audit.record(
        actor.user,
        "create",
        person,
        changes={"user": [None, user.pk], **{k: [None, v] for k, v in fields.items() if v}},
    )
    return person


@transaction.atomic
def update_key_person(
    actor: Actor, person: KeyPerson, *, role: str, name: str = "", email: str = "", phone: str = ""
) -> KeyPerson:
    """Change a key person's role and the contact details shown in the project (empty name,
    email or phone: the user's own)."""
    actor.require("delivery.manage", person.organization)
    _writable(person.project)
    person = KeyPerson.objects.select_for_update().select_related("user").get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(
            {"person": _("%(name)s is a former key person.") % {"name": person.display_name}}
        )
    before = audit.snapshot(person, KEY_PERSON_FIELDS)
    for field, value in _clean_key_person_fields(role, name, email, phone).items():
        setattr(person, field, value)
    person.save()
    changes = audit.changes_since(before, person)
    if changes:
        audit.record(actor.user, "update", person, changes=changes)
    return person


@transaction.atomic
def remove_key_person(actor: Actor, person: KeyPerson) -> KeyPerson:
    """Take a person off the project's key persons: kept and shown as a former key person."""
    actor.require("delivery.manage", person.organization)
    _writable(person.project)
    person = KeyPerson.objects.select_for_update().select_related("user").get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(
            {
                "person": _("%(name)s is already a former key person.")
                % {"name": person.display_name}
            }
        )
    person.is_active, person.removed_at, person.removed_by = False, timezone.now(), actor.user
    person.save(update_fields=["is_active", "removed_at", "removed_by"])
    audit.record(actor.user, "remove", person, changes={"is_active": [True, False]})
    return person


STATUS_ACTIONS = {
    Project.Status.ON_HOLD: "hold",
    Project.Status.CANCELLED: "cancel",
    Project.Status.RUNNING: "resume",
}


@transaction.atomic
def set_project_status(actor: Actor, project: Project, status: str, reason: str = "") -> Project:
    """Put a running project on hold, resume it from hold, or cancel it (running or on hold).
    A reason is required; it is shown on the project page and in the overview. A cancelled
    project is final and read-only; maintenance is reached only through the go-live sign-off."""
    actor.require("delivery.contracts", project.organization)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if status not in STATUS_ACTIONS:
        raise ValidationError({"status": _("Maintenance is reached through the go-live sign-off.")})
    if project.status == Project.Status.MAINTENANCE:
        raise ValidationError({"status": _("The project is already in maintenance.")})
    _writable(project)
    if project.status == status:
        raise ValidationError(
            {
                "status": _("The project is already “%(status)s”.")
                % {"status": project.get_status_display()}
            }
        )
    reason = _required(reason, "reason")
    before = {"status": project.status, "reason": project.status_reason}
    project.status = status
    project.status_reason = reason
    project.status_changed_at = timezone.now()
    project.status_changed_by = actor.user
    project.save(
        update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"]
    )
    audit.record(
        actor.user,
        STATUS_ACTIONS[status],
        project,
        changes=audit.changes_between(before, {"status": status, "reason": reason}),
    )
    return project
