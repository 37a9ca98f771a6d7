"""Every write of implementation projects. Each function checks the actor's permission,
runs in one transaction, records an audit event and raises ``ValidationError`` keyed by
the field at fault. Nothing is deleted: documents are archived, versions superseded.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tase.core import audit
from tase.core import services as core_services
from tase.core.access import Actor
from tase.core.models import Company, Membership, Organization, User
from tase.core.registry import STATE_CHECKS
from tase.core.roles import STAFF_ROLES, Role

from . import selectors, tasks
from .models import (
    DEFAULT_SCHEDULE,
    AccountRelationship,
    ChangeRequest,
    ContactLog,
    Contract,
    Document,
    GoLive,
    KeyPerson,
    Meeting,
    Module,
    Phase,
    PhaseKind,
    Project,
    ProjectTemplate,
    SpecDocument,
    SpecVersion,
    Task,
    TaskComment,
    TemplateTask,
    TrainingSession,
)

# -- helpers -----------------------------------------------------------------------------


def _text(value) -> str:
    """Stripped text without NUL characters (PostgreSQL refuses them)."""
    return (value or "").replace("\x00", "").strip()


def _required(value, field: str):
    if isinstance(value, str):
        value = _text(value)
    if value in (None, ""):
        raise ValidationError({field: _("This field is required.")})
    return value


FIRST_YEAR, LAST_YEAR = 2000, 2100


def _date(value, field: str):
    """A business date in a sane range (so schedule arithmetic cannot overflow)."""
    if value is None:
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            {field: _("Give a date between %(a)s and %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR}}
        )
    return value


def _moment(value, field: str) -> dt.datetime:
    """An aware datetime in a sane range; a naive one is read as Helsinki time."""
    value = _required(value, field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    _date(value.date(), field)
    return value


def _hours(value, field: str, *, allow_zero: bool = True) -> Decimal:
    try:
        hours = Decimal(str(value).strip().replace(",", ".").replace("\xa0", "")).quantize(
            Decimal("0.01")
        )
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter the hours as a number, e.g. 3.5.")}) from None
    if hours < 0 or (hours == 0 and not allow_zero):
        raise ValidationError({field: _("The hours must be more than zero.")})
    return hours


def _staff_user(user: User | None, vendor_id: int, field: str, roles=STAFF_ROLES) -> User:
    if user is None:
        raise ValidationError({field: _("This field is required.")})
    ok = Membership.objects.filter(
        user=user, organization_id=vendor_id, is_active=True, role__in=[r.value for r in roles]
    ).exists()
    if not ok:
        raise ValidationError({field: _("%(name)s is not on the vendor's staff.") % {"name": user}})
    return user


def _customer_user(user: User, organization: Organization, field: str) -> User:
    if not Membership.objects.filter(user=user, organization=organization, is_active=True).exists():
        raise ValidationError(
            {
                field: _("%(name)s is not a user of %(organization)s.")
                % {"name": user, "organization": organization}
            }
        )
    return user


def _is_staff(actor: Actor, organization: Organization) -> bool:
    return bool(actor.roles_in(organization) & STAFF_ROLES)


def _writable(project: Project | None) -> None:
    """A cancelled project is read-only: every write to it or its rows is refused."""
    if project is not None and project.status == Project.Status.CANCELLED:
        raise ValidationError(
            {
                "project": _(
                    "The project “%(name)s” is cancelled: it is kept for reference and can no "
                    "longer be changed."
                )
                % {"name": project.name}
            }
        )


def customer_recipients(organization: Organization, *, main_users_only: bool = False) -> list[User]:
    roles = [Role.MAIN_USER] if main_users_only else list(selectors.CUSTOMER_READERS)
    return [
        m.user
        for m in Membership.objects.filter(
            organization=organization, is_active=True, role__in=roles, user__is_active=True
        ).select_related("user")
    ]


_quiet: ContextVar[bool] = ContextVar("delivery_quiet", default=False)


@contextmanager
def quiet():
    """No emails inside this block (the demo loader builds history without mailing anyone)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _email(users, subject_fn, template: str, context: dict) -> None:
    """Send each user the mail in their own language, after the transaction commits."""
    if _quiet.get():
        return
    recipients = list({u.pk: u for u in users}.values())

    def send():
        for user in recipients:
            with translation.override(user.language):
                subject = str(subject_fn())
                body = render_to_string(template, {**context, "user": user})
            tasks.send_delivery_mail.enqueue(subject, body, user.email)

    transaction.on_commit(send)


def _link(path: str) -> str:
    return settings.TASE_BASE_URL.rstrip("/") + path


# -- contracts and accounts --------------------------------------------------------------


def _clean_modules(modules) -> list[str]:
    modules = list(dict.fromkeys(modules or []))
    unknown = [m for m in modules if m not in Module.values]
    if unknown:
        raise ValidationError({"modules": _("Unknown module: %(m)s.") % {"m": ", ".join(unknown)}})
    if not modules:
        raise ValidationError({"modules": _("Choose at least one module.")})
    return modules


@transaction.atomic
def create_contract(
    actor: Actor,
    organization: Organization,
    *,
    title: str,
    signed_on: dt.date,
    modules,
    training_hours,
    scope: str = "",
) -> Contract:
    actor.require("delivery.contracts", organization)
    if organization.is_vendor:
        raise ValidationError(
            {"organization": _("Contracts are made with customer organizations.")}
        )
    contract = Contract.objects.create(
        organization=organization,
        title=_required(title, "title"),
        signed_on=_date(_required(signed_on, "signed_on"), "signed_on"),
        modules=_clean_modules(modules),
        training_hours=_hours(training_hours, "training_hours"),
        scope=_text(scope),
        created_by=actor.user,
    )
    audit.record(actor.user, "create", contract, changes={"title": [None, contract.title]})
    return contract


@transaction.atomic
def set_account_manager(
    actor: Actor, organization: Organization, user: User, *, next_contact_on: dt.date | None = None
) -> AccountRelationship:
    actor.require("delivery.contracts", organization)
    _staff_user(user, organization.vendor_id, "account_manager", {Role.ACCOUNT_MANAGER, Role.ADMIN})
    rel, created = AccountRelationship.objects.get_or_create(
        organization=organization,
        defaults={"account_manager": user, "next_contact_on": next_contact_on},
    )
    if not created:
        before = rel.account_manager_id
        rel.account_manager = user
        if next_contact_on:
            rel.next_contact_on = next_contact_on
        rel.save()
        audit.record(actor.user, "update", rel, changes={"account_manager": [before, user.pk]})
    else:
        audit.record(actor.user, "create", rel, changes={"account_manager": [None, user.pk]})
    return rel


@transaction.atomic
def log_contact(
    actor: Actor,
    organization: Organization,
    *,
    on: dt.date,
    channel: str,
    note: str = "",
    next_contact_on: dt.date | None = None,
) -> ContactLog:
    actor.require("delivery.manage", organization)
    rel = AccountRelationship.objects.select_for_update().filter(organization=organization).first()
    if rel is None:
        raise ValidationError({"organization": _("Name the account manager first.")})
    on = _date(_required(on, "on"), "on")
    _date(next_contact_on, "next_contact_on")
    if on > timezone.localdate():
        raise ValidationError({"on": _("A contact made cannot be in the future.")})
    if channel not in ContactLog.Channel.values:
        raise ValidationError({"channel": _("Choose a channel.")})
    if next_contact_on and next_contact_on < on:
        raise ValidationError({"next_contact_on": _("The next contact cannot be before this one.")})
    entry = ContactLog.objects.create(
        relationship=rel,
        organization=organization,
        on=on,
        channel=channel,
        note=_text(note),
        by=actor.user,
    )
    before = [rel.last_contact_on, rel.next_contact_on]
    if rel.last_contact_on is None or on >= rel.last_contact_on:
        rel.last_contact_on = on
    if next_contact_on:
        rel.next_contact_on = next_contact_on
    rel.save(update_fields=["last_contact_on", "next_contact_on"])
    audit.record(
        actor.user,
        "contact",
        rel,
        changes={
            "last_contact_on": [audit._plain(before[0]), on.isoformat()],
            "next_contact_on": [audit._plain(before[1]), audit._plain(rel.next_contact_on)],
        },
    )
    return entry


# -- templates -------------------------------------------------------------------------------

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


# -- projects -------------------------------------------------------------------------------


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


# -- schedule -------------------------------------------------------------------------------


def _validate_phases(project: Project, dates: dict[int, tuple]) -> None:
    """Refuse dates out of order: an end before its start, a phase before the kickoff or
    before the phase preceding it (a go-live before the kickoff among them)."""
    errors = {}
    for kind in sorted(dates):
        start, end = dates[kind]
        label = PhaseKind(kind).label
        for field, value in ((f"phase_{kind}_start", start), (f"phase_{kind}_end", end)):
            if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
                errors[field] = _("Give a date between %(a)s and %(b)s.") % {
                    "a": FIRST_YEAR,
                    "b": LAST_YEAR,
                }
        if errors:
            continue
        if start is None:
            errors[f"phase_{kind}_start"] = _("%(phase)s: give the start date.") % {"phase": label}
            continue
        if end is not None and end < start:
            errors[f"phase_{kind}_end"] = _(
                "%(phase)s cannot end (%(end)s) before it starts (%(start)s)."
            ) % {
                "phase": label,
                "end": end.strftime("%d.%m.%Y"),
                "start": start.strftime("%d.%m.%Y"),
            }
        if start < project.kickoff_on:
            errors[f"phase_{kind}_start"] = _(
                "%(phase)s cannot start before the kickoff (%(kickoff)s)."
            ) % {"phase": label, "kickoff": project.kickoff_on.strftime("%d.%m.%Y")}
        previous = dates.get(kind - 1)
        if previous and previous[0] and start < previous[0]:
            errors.setdefault(
                f"phase_{kind}_start",
                _("%(phase)s cannot start before %(previous)s starts.")
                % {"phase": label, "previous": PhaseKind(kind - 1).label},
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reschedule(
    actor: Actor, project: Project, dates: dict[int, tuple], *, set_baseline: bool = False
) -> Project:
    """Change the planned dates of phases; with ``set_baseline`` they become the agreed target
    schedule (tavoiteaikataulu) that later slips are measured against."""
    actor.require("delivery.manage", project.organization)
    _writable(project)
    if project.status == Project.Status.MAINTENANCE and set_baseline:
        raise ValidationError({"project": _("The project is already in maintenance.")})
    phases = {p.kind: p for p in project.phases.select_for_update()}
    merged = {k: (p.planned_start, p.planned_end) for k, p in phases.items()}
    merged.update({int(k): v for k, v in dates.items()})
    _validate_phases(project, merged)
    changes = {}
    for kind, (start, end) in merged.items():
        phase = phases[kind]
        if (phase.planned_start, phase.planned_end) != (start, end):
            changes[f"phase_{kind}"] = [
                [audit._plain(phase.planned_start), audit._plain(phase.planned_end)],
                [audit._plain(start), audit._plain(end)],
            ]
            phase.planned_start, phase.planned_end = start, end
        if set_baseline:
            phase.baseline_start, phase.baseline_end = start, end
        phase.save()
    if set_baseline:
        project.baseline_set_at = timezone.now()
        project.baseline_set_by = actor.user
        project.save(update_fields=["baseline_set_at", "baseline_set_by"])
        changes["baseline"] = [
            None,
            {str(k): [audit._plain(s), audit._plain(e)] for k, (s, e) in merged.items()},
        ]
    audit.record(
        actor.user, "set_baseline" if set_baseline else "reschedule", project, changes=changes
    )
    return project


@transaction.atomic
def record_phase_progress(
    actor: Actor, phase: Phase, *, actual_start: dt.date | None, actual_end: dt.date | None
) -> Phase:
    """The lead corrects a phase's actual dates by hand. A date given wins over the one inferred
    from the work (and says so); a date left empty goes back to being inferred."""
    actor.require("delivery.manage", phase.organization)
    _writable(phase.project)
    label = phase.get_kind_display()
    _date(actual_start, "actual_start")
    _date(actual_end, "actual_end")
    if actual_end and not actual_start and not phase.actual_start:
        raise ValidationError(
            {"actual_start": _("%(phase)s: give the actual start first.") % {"phase": label}}
        )
    start = actual_start or phase.actual_start
    if start and actual_end and actual_end < start:
        raise ValidationError(
            {"actual_end": _("%(phase)s cannot end before it starts.") % {"phase": label}}
        )
    if actual_start and actual_start < phase.project.kickoff_on:
        raise ValidationError(
            {"actual_start": _("%(phase)s cannot start before the kickoff.") % {"phase": label}}
        )
    fields = ["actual_start", "actual_end", "actual_start_manual", "actual_end_manual"]
    before = audit.snapshot(phase, fields)
    phase.actual_start_manual = actual_start is not None
    phase.actual_end_manual = actual_end is not None
    if actual_start is not None:
        phase.actual_start = actual_start
    if actual_end is not None:
        phase.actual_end = actual_end
    phase.save(update_fields=fields)
    infer_phase_dates(phase.project)
    phase.refresh_from_db()
    audit.record(
        actor.user,
        "update",
        phase,
        changes=audit.changes_since(before, phase),
    )
    return phase


# Meetings that open a phase when they are held (status meetings belong to no phase).
MEETING_PHASES = {
    Meeting.Kind.KICKOFF: PhaseKind.KICKOFF,
    Meeting.Kind.WORKSHOP: PhaseKind.SPECIFICATION,
    Meeting.Kind.TRAINING: PhaseKind.TRAINING,
    Meeting.Kind.CLOSING: PhaseKind.GO_LIVE,
}


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def inferred_phase_dates(project: Project, now: dt.datetime | None = None) -> dict:
    """{phase kind: (start, end)} from the work: a phase starts when its first task starts or
    its first meeting (or training session) is held, and ends when its last task is done
    (only when every task of the phase is done)."""
    now = now or timezone.now()
    starts: dict[int, list[dt.date]] = {kind: [] for kind in PhaseKind.values}
    ends: dict[int, list[dt.date]] = {kind: [] for kind in PhaseKind.values}
    open_phases: set[int] = set()
    tasks = Task.objects.filter(project=project).values_list(
        "phase__kind", "status", "started_at", "completed_at"
    )
    for kind, status, started_at, completed_at in tasks:
        moment = started_at or completed_at
        if moment is not None:
            starts[kind].append(_day(moment))
        if status == Task.Status.DONE and completed_at is not None:
            ends[kind].append(_day(completed_at))
        else:
            open_phases.add(kind)
    meetings = project.meetings.filter(
        starts_at__lte=now, kind__in=list(MEETING_PHASES)
    ).values_list("kind", "starts_at")
    for kind, starts_at in meetings:
        starts[MEETING_PHASES[kind]].append(_day(starts_at))
    for starts_at in project.trainings.filter(status=TrainingSession.Status.HELD).values_list(
        "starts_at", flat=True
    ):
        starts[PhaseKind.TRAINING].append(_day(starts_at))
    result = {}
    for kind in PhaseKind.values:
        start = max(min(starts[kind]), project.kickoff_on) if starts[kind] else None
        end = max(ends[kind]) if ends[kind] and kind not in open_phases else None
        if end is not None:
            start = min(start or end, end)
        result[kind] = (start, end)
    return result


def infer_phase_dates(project: Project) -> list[Phase]:
    """Write the inferred actual dates of a running (or paused) project's phases, leaving the
    dates set by hand alone. A system write, audited as such; returns the phases changed."""
    if project.status not in (Project.Status.RUNNING, Project.Status.ON_HOLD):
        return []
    inferred = inferred_phase_dates(project)
    changed = []
    with transaction.atomic():
        for phase in project.phases.select_for_update().order_by("kind"):
            start, end = inferred[phase.kind]
            before = (phase.actual_start, phase.actual_end)
            if not phase.actual_start_manual:
                phase.actual_start = start
            if not phase.actual_end_manual:
                phase.actual_end = end
            if phase.actual_end and phase.actual_start is None:
                phase.actual_start = phase.actual_end
            if phase.actual_start and phase.actual_end and phase.actual_end < phase.actual_start:
                if phase.actual_end_manual:
                    phase.actual_start = phase.actual_end
                else:
                    phase.actual_end = phase.actual_start
            after = (phase.actual_start, phase.actual_end)
            if after != before:
                phase.save(update_fields=["actual_start", "actual_end"])
                audit.record(
                    None,
                    "infer_dates",
                    phase,
                    changes={
                        "actual": [
                            [audit._plain(before[0]), audit._plain(before[1])],
                            [audit._plain(after[0]), audit._plain(after[1])],
                        ]
                    },
                )
                changed.append(phase)
    return changed


# -- tasks -------------------------------------------------------------------------------------


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


# -- documents ---------------------------------------------------------------------------------


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


# -- meetings ------------------------------------------------------------------------------------

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


# -- specifications ------------------------------------------------------------------------------


@transaction.atomic
def add_spec(actor: Actor, project: Project, *, area: str, title: str = "") -> SpecDocument:
    actor.require("delivery.manage", project.organization)
    _writable(project)
    if area not in Module.values:
        raise ValidationError({"area": _("Choose an area.")})
    if project.specs.filter(area=area).exists():
        raise ValidationError({"area": _("The project already has a specification of this area.")})
    spec = SpecDocument.objects.create(
        project=project,
        organization=project.organization,
        area=area,
        title=_text(title) or _("Specification: %(area)s") % {"area": Module(area).label},
    )
    audit.record(actor.user, "create", spec)
    return spec


@transaction.atomic
def save_spec_version(actor: Actor, spec: SpecDocument, body: str) -> SpecVersion:
    """Every save is a new version; earlier ones are kept for the diff."""
    actor.require("delivery.manage", spec.organization)
    _writable(spec.project)
    body = _required(body, "body")
    latest = spec.versions.order_by("-number").first()
    if latest and latest.body == body:
        raise ValidationError(
            {"body": _("Nothing changed since version %(n)s.") % {"n": latest.number}}
        )
    version = SpecVersion.objects.create(
        spec=spec,
        organization=spec.organization,
        number=(latest.number + 1) if latest else 1,
        body=body,
        created_by=actor.user,
    )
    audit.record(actor.user, "create", version, changes={"number": [None, version.number]})
    return version


@transaction.atomic
def send_spec_for_review(actor: Actor, version: SpecVersion) -> SpecVersion:
    actor.require("delivery.manage", version.organization)
    _writable(version.spec.project)
    if version.status != SpecVersion.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft can be sent for review.")})
    version.status, version.sent_at = SpecVersion.Status.IN_REVIEW, timezone.now()
    version.save(update_fields=["status", "sent_at"])
    audit.record(actor.user, "send_for_review", version, changes={"status": ["draft", "in_review"]})
    spec = version.spec
    _email(
        customer_recipients(spec.organization),
        lambda: _("Awaiting your approval: %(title)s") % {"title": spec.title},
        "delivery/email/spec.txt",
        {"spec": spec, "version": version, "link": _link(f"/delivery/specs/{spec.pk}/")},
    )
    return version


@transaction.atomic
def approve_spec_version(actor: Actor, version: SpecVersion) -> SpecVersion:
    """Only the customer's main user approves; the earlier approved version is superseded."""
    actor.require("delivery.approve", version.organization)
    _writable(version.spec.project)
    version = SpecVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != SpecVersion.Status.IN_REVIEW:
        raise ValidationError({"status": _("Only a version sent for review can be approved.")})
    now = timezone.now()
    for old in SpecVersion.objects.filter(
        spec_id=version.spec_id, status=SpecVersion.Status.APPROVED
    ):
        old.status, old.superseded_at = SpecVersion.Status.SUPERSEDED, now
        old.save(update_fields=["status", "superseded_at"])
        audit.record(actor.user, "supersede", old, changes={"status": ["approved", "superseded"]})
    version.status, version.approved_by, version.approved_at = (
        SpecVersion.Status.APPROVED,
        actor.user,
        now,
    )
    version.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(actor.user, "approve", version, changes={"status": ["in_review", "approved"]})
    return version


# -- training -------------------------------------------------------------------------------------


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
                % {"total": committed + session.hours, "available": available}
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
        {"session": session, "link": _link(f"/delivery/projects/{session.project_id}/")},
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
    infer_phase_dates(session.project)
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


# -- change requests ------------------------------------------------------------------------------

CR_TRANSITIONS = {
    ChangeRequest.Status.PROPOSED: {ChangeRequest.Status.QUOTED, ChangeRequest.Status.REJECTED},
    ChangeRequest.Status.QUOTED: {ChangeRequest.Status.AGREED, ChangeRequest.Status.REJECTED},
    ChangeRequest.Status.AGREED: {ChangeRequest.Status.DONE},
    ChangeRequest.Status.REJECTED: set(),
    ChangeRequest.Status.DONE: set(),
}


def _euros_to_cents(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        euros = Decimal(str(value).strip().replace(",", ".").replace("\xa0", "").replace(" ", ""))
    except InvalidOperation:
        raise ValidationError({field: _("Enter euros as a number, e.g. 1200.00.")}) from None
    if euros < 0:
        raise ValidationError({field: _("The estimate cannot be negative.")})
    # Rounded half up to the cent here, at the edge; stored as integer cents.
    return int((euros * 100).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


@transaction.atomic
def create_change_request(
    actor: Actor,
    organization: Organization,
    *,
    title: str,
    description: str,
    project: Project | None = None,
    asked_by: User | None = None,
    estimate_hours=None,
    estimate_euros=None,
) -> ChangeRequest:
    """A need outside the contract and specification. Staff record it; a customer's main user may raise one."""
    if not (
        actor.can("delivery.contracts", organization) or actor.can("delivery.approve", organization)
    ):
        actor.require("delivery.contracts", organization)
    if project is not None and project.organization_id != organization.pk:
        raise ValidationError({"project": _("Choose a project of this organization.")})
    _writable(project)
    if asked_by is None and not _is_staff(actor, organization):
        asked_by = actor.user
    if asked_by is not None:
        _customer_user(asked_by, organization, "asked_by")
    cr = ChangeRequest.objects.create(
        organization=organization,
        project=project,
        title=_required(title, "title"),
        description=_required(description, "description"),
        asked_by=asked_by,
        estimate_hours=None
        if estimate_hours in (None, "")
        else _hours(estimate_hours, "estimate_hours"),
        estimate_cents=_euros_to_cents(estimate_euros, "estimate_euros"),
    )
    audit.record(actor.user, "create", cr, changes={"title": [None, cr.title]})
    return cr


@transaction.atomic
def set_change_request_status(
    actor: Actor, cr: ChangeRequest, status: str, *, estimate_hours=None, estimate_euros=None
) -> ChangeRequest:
    """proposed → quoted → agreed / rejected → done. Quoting needs the estimate; the
    customer's main user may agree or reject a quote."""
    customer_decision = (
        status in (ChangeRequest.Status.AGREED, ChangeRequest.Status.REJECTED)
        and cr.status == ChangeRequest.Status.QUOTED
        and actor.can("delivery.approve", cr.organization)
    )
    if not customer_decision:
        actor.require("delivery.contracts", cr.organization)
    _writable(cr.project)
    if status not in CR_TRANSITIONS.get(cr.status, set()):
        raise ValidationError(
            {
                "status": _("A change request cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": ChangeRequest.Status(cr.status).label,
                    "new": ChangeRequest.Status(status).label
                    if status in ChangeRequest.Status.values
                    else status,
                }
            }
        )
    before = audit.snapshot(cr, ["status", "estimate_hours", "estimate_cents"])
    if status == ChangeRequest.Status.QUOTED:
        if estimate_hours not in (None, ""):
            cr.estimate_hours = _hours(estimate_hours, "estimate_hours")
        if estimate_euros not in (None, ""):
            cr.estimate_cents = _euros_to_cents(estimate_euros, "estimate_euros")
        if cr.estimate_hours is None or cr.estimate_cents is None:
            raise ValidationError(
                {"estimate_euros": _("A quote needs the estimate in hours and in euros.")}
            )
    if status in (ChangeRequest.Status.AGREED, ChangeRequest.Status.REJECTED):
        cr.decided_at = timezone.now()
    cr.status = status
    cr.save()
    audit.record(
        actor.user,
        "update",
        cr,
        changes=audit.changes_since(before, cr),
    )
    return cr


# -- test environment ------------------------------------------------------------------------------


@transaction.atomic
def create_project_test_environment(actor: Actor, project: Project, company: Company) -> Company:
    """The lead makes a test company for the customer's trainees (core copies the configuration)."""
    actor.require("delivery.manage", project.organization)
    _writable(project)
    if (
        company.organization_id != project.organization_id
        or company.is_test_environment
        or not company.is_active
    ):
        raise ValidationError({"company": _("Choose a real company of the customer.")})
    if project.test_company_id:
        raise ValidationError({"company": _("The project already has a test environment.")})
    test = core_services.create_test_environment(actor, company)
    project.test_company = test
    project.test_source = company
    project.save(update_fields=["test_company", "test_source"])
    audit.record(actor.user, "update", project, changes={"test_company": [None, test.pk]})
    return test


def _reset_action(actor: Actor, project: Project) -> str:
    """The permission a reset goes by: the lead's side (project lead, or lead-level staff with
    delivery.contracts) or the customer's main user (delivery.approve)."""
    organization = project.organization
    if actor.user.pk == project.lead_id and actor.can("delivery.manage", organization):
        return "delivery.manage"
    if actor.can("delivery.contracts", organization):
        return "delivery.contracts"
    actor.require("delivery.approve", organization)
    return "delivery.approve"


def source_of_test_environment(project: Project) -> Company | None:
    """The real company the test environment is a copy of (older projects: found by business ID)."""
    if project.test_source_id:
        return project.test_source
    if project.test_company is None:
        return None
    return Company.objects.filter(
        organization_id=project.organization_id,
        business_id=project.test_company.business_id,
        is_test_environment=False,
        is_active=True,
    ).first()


@transaction.atomic
def reset_test_environment(actor: Actor, project: Project) -> Company:
    """Give the customer a fresh copy of production to test in. Posted vouchers are immutable,
    so the old copy is archived (inactive, renamed with the date, hidden from pickers) and a new
    one is copied from the real company; the project points at the new one, and "customer has
    tested" counts from it."""
    action = _reset_action(actor, project)
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("test_company")
        .get(pk=project.pk)
    )
    _writable(project)
    if project.test_company is None:
        raise ValidationError({"test_company": _("The project has no test environment yet.")})
    source = source_of_test_environment(project)
    if source is None or not source.is_active:
        raise ValidationError(
            {"test_company": _("The real company the test environment was copied from is gone.")}
        )
    old = project.test_company
    if old.is_active:
        core_services.archive_test_environment(actor, old, action=action)
    new = core_services.create_test_environment(actor, source, action=action)
    project.test_company, project.test_source = new, source
    project.test_reset_at = timezone.now()
    project.save(update_fields=["test_company", "test_source", "test_reset_at"])
    audit.record(
        actor.user,
        "reset_test_environment",
        project,
        changes={"test_company": [old.pk, new.pk]},
    )
    return new


# -- go-live -----------------------------------------------------------------------------------------


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
    go_live.checklist = checklist
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
