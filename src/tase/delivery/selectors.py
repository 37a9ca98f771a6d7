"""Reads of implementation projects, always scoped to the acting user."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core.access import Actor
from tase.core.models import Membership, Organization, User
from tase.core.registry import STATE_CHECKS
from tase.core.roles import STAFF_ROLES, Role

from . import hooks
from .models import (
    AccountRelationship,
    ChangeRequest,
    Contract,
    Document,
    KeyPerson,
    Meeting,
    Module,
    Phase,
    PhaseKind,
    Project,
    SpecDocument,
    SpecVersion,
    Task,
    TimeEntry,
    TrainingSession,
)

# Staff roles that see every project of their vendor; others (consultants) see the ones they are on.
ALL_PROJECT_ROLES = {Role.ADMIN, Role.ACCOUNT_MANAGER, Role.PROJECT_LEAD, Role.SUPPORT_SPECIALIST}
CUSTOMER_READERS = (Role.MAIN_USER, Role.ACCOUNTANT, Role.PAYROLL_CLERK, Role.VIEWER)


def projects_for(actor: Actor, action: str = "delivery.view") -> QuerySet[Project]:
    organizations = actor.organizations(action)
    projects = Project.objects.filter(organization__in=organizations)
    staff_roles = {Role(m.role) for m in actor.staff_memberships}
    if staff_roles and not (staff_roles & ALL_PROJECT_ROLES) and not actor.customer_memberships:
        projects = projects.filter(Q(lead=actor.user) | Q(consultants=actor.user)).distinct()
    return projects


def project(actor: Actor, pk, action: str = "delivery.view") -> Project:
    """The project ``pk`` if the actor may see it (else 404), checked for ``action`` (else 403)."""
    try:
        found = projects_for(actor).select_related("organization", "contract", "lead").get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if action != "delivery.view":
        actor.require(action, found.organization)
    return found


def is_staff_view(actor: Actor, organization: Organization) -> bool:
    """Staff see everything of a project; customer users only what is visible to them."""
    return bool(actor.roles_in(organization) & STAFF_ROLES)


def contracts_for(actor: Actor) -> QuerySet[Contract]:
    """The contracts the actor may open (the list and the detail agree): those of the
    vendor's customers for its staff, a customer's own for whoever approves for it
    (``delivery.approve``)."""
    vendor_ids = {m.organization_id for m in actor.staff_memberships}
    staff = Q(organization__vendor_id__in=vendor_ids) | Q(organization_id__in=vendor_ids)
    approver = Q(organization__in=actor.organizations("delivery.approve"))
    return Contract.objects.filter(
        Q(organization__in=actor.organizations("delivery.view")) & (staff | approver)
    )


def contract(actor: Actor, pk, action: str = "delivery.view") -> Contract:
    try:
        found = contracts_for(actor).select_related("organization").get(pk=pk)
    except (Contract.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if action != "delivery.view":
        actor.require(action, found.organization)
    if not is_staff_view(actor, found.organization):
        actor.require("delivery.approve", found.organization)
    return found


def _child(actor: Actor, model, pk, action: str):
    """A row of a project the actor may see; customers only reach customer-visible rows."""
    try:
        row = model.objects.select_related("project", "organization").get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if row.project_id is None:
        raise Http404
    project(actor, row.project_id)  # 404 across the tenant wall
    if not is_staff_view(actor, row.organization) and not getattr(row, "customer_visible", True):
        raise Http404
    if action != "delivery.view":
        actor.require(action, row.organization)
    return row


def task(actor: Actor, pk, action: str = "delivery.view") -> Task:
    return _child(actor, Task, pk, action)


def meeting(actor: Actor, pk, action: str = "delivery.view") -> Meeting:
    return _child(actor, Meeting, pk, action)


def training(actor: Actor, pk, action: str = "delivery.view") -> TrainingSession:
    return _child(actor, TrainingSession, pk, action)


def change_request(actor: Actor, pk, action: str = "delivery.view") -> ChangeRequest:
    try:
        row = ChangeRequest.objects.select_related("organization").get(pk=pk)
    except (ChangeRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not actor.organizations("delivery.view").filter(pk=row.organization_id).exists():
        raise Http404
    if action != "delivery.view":
        actor.require(action, row.organization)
    return row


def spec(actor: Actor, pk, action: str = "delivery.view") -> SpecDocument:
    return _child(actor, SpecDocument, pk, action)


def spec_version(actor: Actor, pk, action: str = "delivery.view") -> SpecVersion:
    try:
        row = SpecVersion.objects.select_related("spec", "organization").get(pk=pk)
    except (SpecVersion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    spec(actor, row.spec_id)
    if not is_staff_view(actor, row.organization) and row.status == SpecVersion.Status.DRAFT:
        raise Http404
    if action != "delivery.view":
        actor.require(action, row.organization)
    return row


def document(actor: Actor, pk, action: str = "delivery.view") -> Document:
    try:
        row = Document.objects.select_related("organization", "project", "contract").get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if row.project_id:
        project(actor, row.project_id)
    elif row.contract_id:
        contract(actor, row.contract_id)
    else:
        raise Http404
    if not is_staff_view(actor, row.organization) and not (
        row.customer_visible and row.published_at and not row.archived_at
    ):
        raise Http404
    if action != "delivery.view":
        actor.require(action, row.organization)
    return row


# -- visible children -------------------------------------------------------------------


def visible_tasks(actor: Actor, project_: Project) -> QuerySet[Task]:
    tasks = project_.tasks.select_related("phase", "owner").prefetch_related("comments__author")
    if not is_staff_view(actor, project_.organization):
        tasks = tasks.filter(customer_visible=True)
    return tasks


def visible_documents(actor: Actor, project_: Project) -> QuerySet[Document]:
    documents = Document.objects.filter(
        Q(project=project_) | Q(contract_id=project_.contract_id, project__isnull=True)
    ).select_related("approved_by")
    if not is_staff_view(actor, project_.organization):
        documents = documents.filter(
            customer_visible=True, published_at__isnull=False, archived_at__isnull=True
        )
    return documents


def visible_versions(actor: Actor, spec_: SpecDocument) -> list[SpecVersion]:
    versions = spec_.versions.select_related("created_by", "approved_by")
    if not is_staff_view(actor, spec_.organization):
        versions = versions.exclude(status=SpecVersion.Status.DRAFT)
    return list(versions)


# -- schedule ------------------------------------------------------------------------------


def project_slip(phases: list[Phase], today: dt.date | None = None) -> int | None:
    """Days behind (+) or ahead (-) of the agreed target for the whole project: the worst
    slip of phases 1-5 when any is behind, else the go-live's (how far ahead it is)."""
    today = today or timezone.localdate()
    slips = {p.kind: p.slip_days(today) for p in phases if p.kind <= PhaseKind.GO_LIVE}
    if not slips or any(v is None for v in slips.values()):
        return None
    worst = max(slips.values())
    return worst if worst > 0 else slips.get(PhaseKind.GO_LIVE, worst)


def current_phase(phases: list[Phase]) -> Phase | None:
    """The first phase not yet ended (by actual end), else the last."""
    for phase in phases:
        if phase.actual_end is None:
            return phase
    return phases[-1] if phases else None


def next_milestone(phases: list[Phase], today: dt.date | None = None) -> dict | None:
    today = today or timezone.localdate()
    for phase in phases:
        if phase.actual_end is None and phase.planned_end and phase.planned_end >= today:
            return {"label": phase.get_kind_display(), "on": phase.planned_end}
    return None


# -- state checks ----------------------------------------------------------------------------


def check_state(code: str, organization: Organization) -> bool | None:
    """The registered check's answer, None if the code is not registered."""
    check = STATE_CHECKS.get(code)
    if check is None:
        return None
    try:
        return bool(check.check(organization))
    except Exception:  # a broken check of another app must not break the project page
        return False


def task_done(task_: Task, check_results: dict[str, bool | None]) -> bool:
    if task_.status == Task.Status.DONE:
        return True
    if task_.state_check:
        return bool(task_.check_overridden or check_results.get(task_.state_check))
    return False


READINESS = [
    ("delivery.spec_approved", "Specification approved"),
    ("delivery.implementation_done", "Implementation tasks done"),
    ("delivery.first_training_held", "First training held"),
    ("delivery.customer_tested", "Customer has tested"),
    ("delivery.closing_meeting", "Closing meeting with customer, account manager and project lead"),
]


def go_live_checklist(project_: Project, today: dt.date | None = None) -> list[dict]:
    """The readiness checklist, live: the fixed readiness items and every task tied to a
    state check, each with whether it holds and any override (who, why, when); then the gate's
    own conditions, which no one overrides: the kickoff has been reached, no customer-visible
    task is overdue without a written reason, and — when more than the set share of the items
    is overridden (``TASE_GO_LIVE_OVERRIDE_SHARE``) — the account manager has approved those
    overrides. An override of a customer-owned item or of the first training counts for nothing."""
    from django.conf import settings

    from .checks import CUSTOMER_OWNED, NOT_OVERRIDABLE

    today = today or timezone.localdate()
    tasks = list(project_.tasks.filter(~Q(state_check="")).select_related("overridden_by"))
    by_code = {t.state_check: t for t in tasks}
    items = []
    codes = [code for code, _label in READINESS] + [
        t.state_check for t in tasks if t.state_check not in dict(READINESS)
    ]
    seen = set()
    for code in codes:
        if code in seen:
            continue
        seen.add(code)
        check = STATE_CHECKS.get(code)
        label = str(check.label) if check else code
        holds = check_state_for_project(code, project_)
        task_ = by_code.get(code)
        overridable = code not in NOT_OVERRIDABLE or code in CUSTOMER_OWNED
        overridden = bool(task_ and task_.check_overridden and overridable)
        if overridden and code in CUSTOMER_OWNED:  # counts only when the customer confirmed it
            overridden = Membership.objects.filter(
                user_id=task_.overridden_by_id,
                organization_id=project_.organization_id,
                is_active=True,
            ).exists()
        items.append(
            {
                "code": code,
                "label": label,
                "holds": bool(holds),
                "known": check is not None,
                "overridable": overridable,
                "overridden": overridden,
                "reason": task_.override_reason if overridden else "",
                "overridden_by": str(task_.overridden_by) if overridden else "",
                "overridden_at": task_.overridden_at if overridden else None,
                "task_id": task_.pk if task_ else None,
                "ok": bool(holds) or overridden,
                "detail": "",
            }
        )

    def gate(code, label, ok, detail=""):
        items.append(
            {
                "code": code,
                "label": str(label),
                "holds": ok,
                "known": True,
                "overridable": False,
                "overridden": False,
                "reason": "",
                "overridden_by": "",
                "overridden_at": None,
                "task_id": None,
                "ok": ok,
                "detail": detail,
            }
        )

    gate(
        "delivery.kickoff_reached",
        _("The project has kicked off (%(date)s)")
        % {"date": project_.kickoff_on.strftime("%d.%m.%Y")},
        project_.kickoff_on <= today,
    )
    late = list(
        project_.tasks.filter(customer_visible=True, due_on__lt=today, overdue_reason="")
        .exclude(status=Task.Status.DONE)
        .exclude(check_overridden=True)
        .values_list("title", flat=True)
    )
    gate(
        "delivery.no_unexplained_overdue",
        _("No customer-visible task is overdue without a written reason"),
        not late,
        "; ".join(late),
    )
    overridden = [i for i in items if i["overridden"] and not i["holds"]]
    if overridden and len(overridden) > settings.TASE_GO_LIVE_OVERRIDE_SHARE * len(items):
        approved = set(project_.overrides_approved_tasks or [])
        gate(
            "delivery.overrides_approved",
            _("The account manager has approved the overrides (%(n)s of %(total)s items)")
            % {"n": len(overridden), "total": len(items)},
            all(i["task_id"] in approved for i in overridden),
        )
    return items


def overrides_needing_approval(checklist: list[dict]) -> list[int]:
    """The tasks whose overrides the account manager is asked to approve."""
    return [i["task_id"] for i in checklist if i["overridden"] and not i["holds"]]


def production_companies(project_: Project):
    """The customer's real companies: what the go-live is about (never a test environment)."""
    from tase.core.models import Company

    return Company.objects.filter(
        organization_id=project_.organization_id, is_test_environment=False, is_active=True
    )


def check_state_for_project(code: str, project_: Project) -> bool | None:
    """Delivery's own project checks run against this project; a product's check (ledger,
    payroll) against the customer's production companies only; others against the
    organization."""
    from . import checks

    own = checks.PROJECT_CHECKS.get(code)
    if own is not None:
        return own(project_)
    per_company = hooks.PRODUCTION_CHECKS.get(code)
    if per_company is not None:
        try:
            return any(per_company(c) for c in production_companies(project_))
        except Exception:  # a broken check of another app must not break the project page
            return False
    return check_state(code, project_.organization)


def archived_test_environments(project_: Project) -> list:
    """Earlier copies of the project's test environment, archived at a reset (newest first)."""
    from tase.core.models import Company

    if project_.test_company_id is None:
        return []
    return list(
        Company.objects.filter(
            organization_id=project_.organization_id,
            is_test_environment=True,
            is_active=False,
            business_id=project_.test_company.business_id,
        ).order_by("-created_at", "-id")
    )


def customer_tested_detail(project_: Project) -> list[dict]:
    company = project_.test_company
    return hooks.test_activity(company, since=project_.test_seeded_at) if company else []


# -- hours ---------------------------------------------------------------------------------


def training_hours(project_: Project) -> dict:
    sessions = list(project_.trainings.exclude(status=TrainingSession.Status.CANCELLED))
    contracted = Decimal(project_.contract.training_hours)
    extra = hooks.extra_training_hours(project_.organization)
    used = sum((s.hours for s in sessions if s.status == TrainingSession.Status.HELD), Decimal(0))
    booked = sum(
        (s.hours for s in sessions if s.status == TrainingSession.Status.CONFIRMED), Decimal(0)
    )
    return {
        "contracted": contracted,
        "extra": extra,
        "used": used,
        "booked": booked,
        "left": contracted + extra - used,
    }


# Warn once this share of a module's (or the training's) contracted hours is used. A product
# choice of ours, not a statutory figure.
HOURS_WARN_SHARE = Decimal("0.8")
CENTI = Decimal("0.01")


def _hours_row(label: str, contracted: Decimal, used: Decimal, key: str = "") -> dict:
    contracted, used = contracted.quantize(CENTI), used.quantize(CENTI)
    left = contracted - used
    return {
        "key": key,
        "label": label,
        "contracted": contracted,
        "used": used,
        "left": left,
        "over": (contracted > 0 and left < 0) or (contracted == 0 and used > 0),
        "warn": contracted > 0 and used >= contracted * HOURS_WARN_SHARE,
    }


def hours_summary(project_: Project) -> dict:
    """Hours logged against the contract, summed in the database: per contracted module and
    for the training (the contract's hours plus approved extra-training orders), used and
    left, with a warning when a row has used 80 % or more; and the out-of-scope hours, those
    already on a change request and those waiting for one."""
    used: dict = defaultdict(Decimal)
    open_out = on_cr = Decimal(0)
    for row in (
        TimeEntry.objects.filter(project=project_)
        .annotate(open=Q(change_request__isnull=True))
        .values("kind", "module", "open")
        .annotate(total=Sum("hours"))
    ):
        # SQLite sums decimals as floats or trims their zeros: back to hundredths of an hour.
        total = Decimal(str(row["total"] or 0)).quantize(CENTI)
        if row["kind"] == TimeEntry.Kind.OUT_OF_SCOPE:
            if row["open"]:
                open_out += total
            else:
                on_cr += total
        else:
            used[(row["kind"], row["module"])] += total
    contract = project_.contract
    labels = dict(Module.choices)
    modules = [
        _hours_row(
            str(labels.get(code, code)),
            Decimal(str((contract.module_hours or {}).get(code) or 0)),
            used[(TimeEntry.Kind.MODULE, code)],
            code,
        )
        for code in contract.modules or []
    ]
    training_contracted = Decimal(contract.training_hours) + hooks.extra_training_hours(
        project_.organization
    )
    training = _hours_row(
        _("Training"), training_contracted, used[(TimeEntry.Kind.TRAINING, "")], "training"
    )
    rows = [*modules, training]
    warnings = []
    for row in rows:
        if row["over"]:
            warnings.append(
                _("%(label)s: %(used)s h used of %(contracted)s h contracted, over by %(over)s h.")
                % {
                    "label": row["label"],
                    "used": _h(row["used"]),
                    "contracted": _h(row["contracted"]),
                    "over": _h(-row["left"]),
                }
            )
        elif row["warn"]:
            warnings.append(
                _("%(label)s: only %(left)s h of %(contracted)s h left.")
                % {
                    "label": row["label"],
                    "left": _h(row["left"]),
                    "contracted": _h(row["contracted"]),
                }
            )
    return {
        "modules": modules,
        "training": training,
        "rows": rows,
        "used": sum((r["used"] for r in rows), Decimal(0)),
        "contracted": sum((r["contracted"] for r in rows), Decimal(0)),
        "left": sum((r["left"] for r in rows), Decimal(0)),
        "out_of_scope_open": open_out.quantize(CENTI),
        "out_of_scope_on_change_requests": on_cr,
        "warnings": warnings,
    }


def _h(value: Decimal) -> str:
    """Hours the Finnish way when the UI speaks Finnish (12,5), else 12.5."""
    from django.utils.formats import number_format

    return number_format(
        value.quantize(Decimal(1)) if value == value.to_integral() else value, use_l10n=True
    )


def training_open_for_questions(session: TrainingSession) -> bool:
    return (
        session.status
        in (
            TrainingSession.Status.PLANNED,
            TrainingSession.Status.CONFIRMED,
        )
        and session.starts_at > timezone.now()
    )


def time_entries(project_: Project) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(project=project_).select_related(
        "user", "task", "training", "change_request"
    )


# -- overview -----------------------------------------------------------------------------


def overview(actor: Actor, filters: dict | None = None, today: dt.date | None = None) -> list[dict]:
    """Every visible project with phase, % tasks done, slip and next milestone, filtered."""
    today = today or timezone.localdate()
    filters = filters or {}
    projects = (
        projects_for(actor)
        .select_related("organization", "contract", "lead")
        .prefetch_related(
            "consultants",
            Prefetch("phases", queryset=Phase.objects.order_by("kind")),
            Prefetch(
                "tasks",
                queryset=Task.objects.only(
                    "id",
                    "project_id",
                    "status",
                    "state_check",
                    "check_overridden",
                    "phase_id",
                    "due_on",
                    "customer_visible",
                ),
            ),
        )
    )
    if filters.get("lead"):
        projects = projects.filter(lead_id=filters["lead"])
    if filters.get("consultant"):
        projects = projects.filter(consultants=filters["consultant"])
    if filters.get("status"):
        projects = projects.filter(status=filters["status"])
    if filters.get("organization"):
        projects = projects.filter(organization_id=filters["organization"])
    rows = []
    for p in projects:
        if filters.get("module") and filters["module"] not in (p.contract.modules or []):
            continue
        phases = list(p.phases.all())
        tasks = list(p.tasks.all())
        done = sum(1 for t in tasks if t.status == Task.Status.DONE)
        slip = project_slip(phases, today)
        if filters.get("behind") and not (slip and slip > 0):
            continue
        rows.append(
            {
                "project": p,
                "phase": current_phase(phases),
                "percent_done": round(100 * done / len(tasks)) if tasks else 0,
                "slip": slip,
                "next_milestone": next_milestone(phases, today),
            }
        )
    return rows


def projects_per_phase(rows: list[dict]) -> list[tuple[str, int]]:
    counts = Counter(r["phase"].kind for r in rows if r["phase"] is not None)
    return [(str(label), counts.get(kind, 0)) for kind, label in PhaseKind.choices]


def go_lives_per_month(
    actor: Actor, months: int = 12, today: dt.date | None = None
) -> list[tuple[str, int]]:
    """Go-lives (the go-live phase's actual end) in each of the last ``months`` months."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1
    firsts = [dt.date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]
    ends = Phase.objects.filter(
        project__in=projects_for(actor), kind=PhaseKind.GO_LIVE, actual_end__gte=firsts[0]
    ).values_list("actual_end", flat=True)
    counts = Counter((d.year, d.month) for d in ends)
    return [(f"{m:%m/%Y}", counts.get((m.year, m.month), 0)) for m in firsts]


def projects_with_open_checks(actor: Actor) -> QuerySet[Project]:
    """Running projects where the actor owns an open self-checking task."""
    return (
        projects_for(actor)
        .filter(
            status=Project.Status.RUNNING,
            tasks__owner=actor.user,
            tasks__state_check__gt="",
            tasks__status__in=[Task.Status.TODO, Task.Status.DOING],
        )
        .select_related("organization", "test_company")
        .distinct()
    )


def my_tasks(actor: Actor) -> QuerySet[Task]:
    tasks = Task.objects.filter(project__in=projects_for(actor), owner=actor.user)
    if not actor.staff_memberships:
        tasks = tasks.filter(customer_visible=True)
    return (
        tasks.exclude(status=Task.Status.DONE)
        .select_related("project", "phase", "project__organization")
        .order_by("due_on", "id")
    )


def workload(actor: Actor, weeks: int = 8, today: dt.date | None = None, back: int = 4) -> dict:
    """Hours per person per week: hours logged (the last ``back`` weeks and this one) and
    training hours planned as trainer (this week on). Hours, not a count of tasks: a task of
    ten minutes and one of three days weigh differently."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    week_starts = [monday + dt.timedelta(weeks=i) for i in range(-back, weeks)]
    start, end = week_starts[0], week_starts[-1] + dt.timedelta(days=7)
    visible = projects_for(actor)
    grid: dict = defaultdict(
        lambda: {w: {"logged": Decimal(0), "planned": Decimal(0)} for w in week_starts}
    )
    names = {}
    for row in (
        TimeEntry.objects.filter(project__in=visible, on__gte=start, on__lt=end)
        .values("user_id", "user__full_name", "user__email", "on")
        .annotate(total=Sum("hours"))
    ):
        w = row["on"] - dt.timedelta(days=row["on"].weekday())
        grid[row["user_id"]][w]["logged"] += Decimal(str(row["total"] or 0)).quantize(CENTI)
        names[row["user_id"]] = row["user__full_name"] or row["user__email"]
    for s in TrainingSession.objects.filter(
        project__in=visible,
        trainer__isnull=False,
        starts_at__gte=timezone.make_aware(dt.datetime.combine(monday, dt.time())),
        status__in=[TrainingSession.Status.PLANNED, TrainingSession.Status.CONFIRMED],
    ).select_related("trainer"):
        day = timezone.localtime(s.starts_at).date()
        if not (monday <= day < end):
            continue
        w = day - dt.timedelta(days=day.weekday())
        grid[s.trainer_id][w]["planned"] += s.hours
        names[s.trainer_id] = str(s.trainer)
    rows = []
    for uid in sorted(names, key=lambda u: names[u]):
        cells = [grid[uid][w] for w in week_starts]
        for cell in cells:
            cell["total"] = cell["logged"] + cell["planned"]
        rows.append({"name": names[uid], "weeks": cells})
    return {"weeks": week_starts, "this_week": monday, "rows": rows}


def relationships(actor: Actor) -> QuerySet[AccountRelationship]:
    return (
        AccountRelationship.objects.filter(organization__in=actor.organizations("delivery.view"))
        .select_related("organization", "account_manager")
        .prefetch_related("contacts")
    )


def key_persons(project_: Project) -> list[KeyPerson]:
    """The project's key persons, current first; ``is_main_user`` is whether the person is now
    an active main user of the organization, so the marker follows the organization's users."""
    main = Membership.objects.filter(
        organization_id=project_.organization_id,
        user_id=OuterRef("user_id"),
        role=Role.MAIN_USER,
        is_active=True,
        user__is_active=True,
    )
    return list(
        KeyPerson.objects.filter(project=project_)
        .annotate(is_main_user=Exists(main))
        .select_related("user", "removed_by")
        .order_by("-is_active", "-is_main_user", "id")
    )


def main_users_missing(project_: Project, persons: list[KeyPerson]) -> list[User]:
    """The organization's active main users who are not (or no longer) key persons."""
    present = {p.user_id for p in persons if p.is_active}
    return [
        m.user
        for m in Membership.objects.filter(
            organization_id=project_.organization_id,
            role=Role.MAIN_USER,
            is_active=True,
            user__is_active=True,
        ).select_related("user")
        if m.user_id not in present
    ]


def key_person(actor: Actor, pk, action: str = "delivery.view") -> KeyPerson:
    try:
        row = KeyPerson.objects.select_related("project", "organization", "user").get(pk=pk)
    except (KeyPerson.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    project(actor, row.project_id, action)  # 404 across the tenant wall, 403 without the action
    return row


def customer_people(project_: Project) -> list[Membership]:
    return list(
        Membership.objects.filter(
            organization=project_.organization, is_active=True, role__in=CUSTOMER_READERS
        ).select_related("user")
    )


def spec_diff(old: SpecVersion, new: SpecVersion) -> list[dict]:
    """A readable line diff between two versions: [{kind: same|add|remove|hunk, text}]."""
    lines = []
    for line in difflib.unified_diff(
        old.body.splitlines(),
        new.body.splitlines(),
        fromfile=f"v{old.number}",
        tofile=f"v{new.number}",
        lineterm="",
        n=2,
    ):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append({"kind": "hunk", "text": line})
        elif line.startswith("+"):
            lines.append({"kind": "add", "text": line[1:]})
        elif line.startswith("-"):
            lines.append({"kind": "remove", "text": line[1:]})
        else:
            lines.append({"kind": "same", "text": line[1:]})
    if not lines:
        lines.append({"kind": "same", "text": _("No differences.")})
    return lines


def running_project_of(organization: Organization) -> Project | None:
    return (
        Project.objects.filter(organization=organization)
        .exclude(status=Project.Status.CANCELLED)
        .order_by("-kickoff_on", "-id")
        .first()
    )
