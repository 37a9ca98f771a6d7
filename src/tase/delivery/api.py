"""API of implementation projects at /api/v1/delivery/: thin over the same services and
selectors as the pages. Customers see only their organization's projects and only
customer-visible tasks and published documents; other organizations' rows answer 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from tase.apiutil import Pagination, actor
from tase.core.models import User

from . import selectors, services
from .models import Phase, Project

router = Router(tags=["delivery"])


# -- schemas --------------------------------------------------------------------------------


class ContractOut(Schema):
    id: int
    organization_id: int
    title: str
    signed_on: dt.date
    modules: list[str]
    training_hours: Decimal
    scope: str


class ContractIn(Schema):
    organization_id: int
    title: str = Field(min_length=1, max_length=200)
    signed_on: dt.date
    modules: list[str]
    training_hours: Decimal = Field(ge=0, max_digits=6, decimal_places=2)
    scope: str = ""


class PhaseOut(Schema):
    id: int
    kind: int
    name: str
    planned_start: dt.date
    planned_end: dt.date | None
    baseline_start: dt.date | None
    baseline_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    actual_start_manual: bool
    actual_end_manual: bool
    slip_days: int | None

    @staticmethod
    def resolve_name(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_slip_days(obj):
        return obj.slip_days()


class ProjectOut(Schema):
    id: int
    organization_id: int
    contract_id: int
    name: str
    status: str
    status_reason: str
    kickoff_on: dt.date
    lead_id: int
    consultant_ids: list[int]
    test_company_id: int | None
    baseline_set_at: dt.datetime | None

    @staticmethod
    def resolve_consultant_ids(obj):
        if isinstance(obj, dict):
            return obj["consultant_ids"]
        return [u.pk for u in obj.consultants.all()]


class ProjectDetailOut(ProjectOut):
    phases: list[PhaseOut]
    slip_days: int | None
    training_hours: dict[str, Decimal]


class ProjectIn(Schema):
    contract_id: int
    lead_id: int
    kickoff_on: dt.date
    consultant_ids: list[int] = []
    name: str = Field("", max_length=200)


class PhaseDatesIn(Schema):
    kind: int = Field(ge=1, le=6)
    start: dt.date
    end: dt.date | None = None


class PhaseActualIn(Schema):
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None


class ScheduleIn(Schema):
    phases: list[PhaseDatesIn]
    set_baseline: bool = False


class TaskOut(Schema):
    id: int
    phase: int
    title: str
    description: str
    owner_id: int | None
    due_on: dt.date | None
    status: str
    customer_visible: bool
    state_check: str
    check_overridden: bool
    override_reason: str
    overdue_reason: str
    overdue: bool

    @staticmethod
    def resolve_phase(obj):
        return obj.phase.kind

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue


class TaskIn(Schema):
    phase: int = Field(ge=1, le=6)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner_id: int | None = None
    due_on: dt.date | None = None
    status: str = Field("todo", max_length=10)
    customer_visible: bool = True
    state_check: str = Field("", max_length=80)


class TaskStatusIn(Schema):
    status: str


class KeyPersonOut(Schema):
    id: int
    user_id: int
    role: str
    name: str
    email: str
    phone: str
    is_main_user: bool
    is_active: bool
    removed_at: dt.datetime | None

    @staticmethod
    def resolve_name(obj):
        return obj.display_name

    @staticmethod
    def resolve_email(obj):
        return obj.contact_email

    @staticmethod
    def resolve_phone(obj):
        return obj.contact_phone


class KeyPersonEditIn(Schema):
    role: str = Field(max_length=120)
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class KeyPersonIn(KeyPersonEditIn):
    user_id: int


class TestActivityOut(Schema):
    label: str
    count: int


class ArchivedCompanyOut(Schema):
    id: int
    name: str


class TestEnvironmentOut(Schema):
    company_id: int | None
    name: str | None
    source_company_id: int | None
    reset_at: dt.datetime | None
    activity: list[TestActivityOut]
    archived: list[ArchivedCompanyOut]


class TestEnvironmentIn(Schema):
    company_id: int


class ProjectStatusIn(Schema):
    status: str = Field(max_length=12)
    reason: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str


class MeetingOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: dt.datetime
    duration_minutes: int
    place: str
    video_link: str
    participant_ids: list[int]
    agenda_id: int | None
    minutes_id: int | None

    @staticmethod
    def resolve_participant_ids(obj):
        return [u.pk for u in obj.participants.all()]


class MeetingIn(Schema):
    kind: str
    starts_at: dt.datetime
    title: str = Field("", max_length=200)
    duration_minutes: int = Field(60, ge=15, le=24 * 60)
    place: str = Field("", max_length=200)
    video_link: str = Field("", max_length=200)
    participant_ids: list[int] = []


class SpecOut(Schema):
    id: int
    area: str
    title: str


class VersionOut(Schema):
    id: int
    spec_id: int
    number: int
    body: str
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    approved_by_id: int | None
    approved_at: dt.datetime | None
    superseded_at: dt.datetime | None


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    project_id: int | None
    contract_id: int | None
    customer_visible: bool
    needs_approval: bool
    approved_by_id: int | None
    approved_at: dt.datetime | None
    published_at: dt.datetime | None
    archived_at: dt.datetime | None


class BodyIn(Schema):
    body: str


class TrainingOut(Schema):
    id: int
    part: int
    starts_at: dt.datetime
    hours: Decimal
    trainer_id: int | None
    participant_ids: list[int]
    topics: str
    materials: str
    ask_questions: bool
    status: str

    @staticmethod
    def resolve_participant_ids(obj):
        return [u.pk for u in obj.participants.all()]


class TrainingIn(Schema):
    part: int = Field(ge=1, le=99)
    starts_at: dt.datetime
    hours: Decimal = Field(gt=0, max_digits=5, decimal_places=2)
    trainer_id: int | None = None
    participant_ids: list[int] = []
    topics: str = ""
    materials: str = ""


class HeldIn(Schema):
    hours: Decimal | None = Field(None, gt=0, max_digits=5, decimal_places=2)


class ChangeRequestOut(Schema):
    id: int
    organization_id: int
    project_id: int | None
    title: str
    description: str
    asked_by_id: int | None
    estimate_hours: Decimal | None
    estimate_euros: str | None
    status: str

    @staticmethod
    def resolve_estimate_euros(obj):
        return None if obj.estimate_cents is None else f"{Decimal(obj.estimate_cents) / 100:.2f}"


class ChangeRequestIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    asked_by_id: int | None = None
    estimate_hours: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    estimate_euros: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class ChangeStatusIn(Schema):
    status: str
    estimate_hours: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    estimate_euros: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class ChecklistItemOut(Schema):
    code: str
    label: str
    holds: bool
    overridable: bool = True
    overridden: bool
    reason: str
    overridden_by: str = ""
    overridden_at: dt.datetime | None = None
    detail: str = ""
    ok: bool


class GoLiveOut(Schema):
    checklist: list[ChecklistItemOut]
    customer_signed_by_id: int | None = None
    customer_signed_at: dt.datetime | None = None
    lead_signed_by_id: int | None = None
    lead_signed_at: dt.datetime | None = None
    handover_at: dt.datetime | None = None
    project_status: str


# -- helpers ---------------------------------------------------------------------------------


def _users(ids) -> list[User]:
    if any(not 0 < i < 2**63 for i in ids):
        raise ValidationError({"participant_ids": "Unknown user."})
    users = list(User.objects.filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise ValidationError({"participant_ids": "Unknown user."})
    return users


def _user(pk, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if user is None:
        raise ValidationError({field: "Unknown user."})
    return user


def _project_detail(project: Project) -> dict:
    phases = list(Phase.objects.filter(project=project).order_by("kind"))
    return {
        **{
            f: getattr(project, f)
            for f in (
                "id",
                "organization_id",
                "contract_id",
                "name",
                "status",
                "status_reason",
                "kickoff_on",
                "lead_id",
                "test_company_id",
                "baseline_set_at",
            )
        },
        "consultant_ids": [u.pk for u in project.consultants.all()],
        "phases": phases,
        "slip_days": selectors.project_slip(phases),
        "training_hours": selectors.training_hours(project),
    }


# -- contracts -----------------------------------------------------------------------------


@router.get("/contracts", response=list[ContractOut])
@paginate(Pagination)
def list_contracts(request):
    return selectors.contracts_for(actor(request))


@router.post("/contracts", response={201: ContractOut})
def create_contract(request, payload: ContractIn):
    a = actor(request)
    if not 0 < payload.organization_id < 2**63:
        raise ValidationError({"organization_id": "Unknown organization."})
    organization = a.organization(payload.organization_id)
    data = payload.dict(exclude={"organization_id"})
    return Status(201, services.create_contract(a, organization, **data))


@router.get("/contracts/{int:contract_id}", response=ContractOut)
def get_contract(request, contract_id: int):
    return selectors.contract(actor(request), contract_id)


# -- projects ------------------------------------------------------------------------------


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination)
def list_projects(request, status: str = "", organization_id: int | None = None):
    projects = (
        selectors.projects_for(actor(request))
        .prefetch_related("consultants")
        .order_by("-kickoff_on", "-id")
    )
    if status:
        projects = projects.filter(status=status)
    if organization_id:
        projects = projects.filter(organization_id=organization_id)
    return projects


@router.post("/projects", response={201: ProjectDetailOut})
def create_project(request, payload: ProjectIn):
    a = actor(request)
    contract = selectors.contract(a, payload.contract_id)
    project = services.create_project(
        a,
        contract,
        lead=_user(payload.lead_id, "lead_id"),
        kickoff_on=payload.kickoff_on,
        consultants=_users(payload.consultant_ids),
        name=payload.name,
    )
    return Status(201, _project_detail(project))


@router.get("/projects/{int:project_id}", response=ProjectDetailOut)
def get_project(request, project_id: int):
    project = selectors.project(actor(request), project_id)
    services.follow_product([project])
    return _project_detail(project)


@router.post("/projects/{int:project_id}/schedule", response=ProjectDetailOut)
def set_schedule(request, project_id: int, payload: ScheduleIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    services.reschedule(
        a,
        project,
        {p.kind: (p.start, p.end) for p in payload.phases},
        set_baseline=payload.set_baseline,
    )
    return _project_detail(project)


@router.post("/projects/{int:project_id}/status", response=ProjectDetailOut)
def set_project_status(request, project_id: int, payload: ProjectStatusIn):
    """Put on hold, resume (status "running") or cancel, with a reason; cancelled is final."""
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.contracts")
    project = services.set_project_status(a, project, payload.status, payload.reason)
    return _project_detail(project)


@router.post("/phases/{int:phase_id}/actual", response=PhaseOut)
def set_phase_actual(request, phase_id: int, payload: PhaseActualIn):
    """Correct a phase's actual dates by hand (they win); null goes back to the inferred date."""
    a = actor(request)
    phase = Phase.objects.filter(pk=phase_id).first() if 0 < phase_id < 2**63 else None
    if phase is None:
        raise Http404
    selectors.project(a, phase.project_id, "delivery.manage")
    return services.record_phase_progress(a, phase, **payload.dict())


# -- test environment --------------------------------------------------------------------------


def _test_environment(project: Project) -> dict:
    project.refresh_from_db()
    test = project.test_company
    source = services.source_of_test_environment(project)
    return {
        "company_id": test.pk if test else None,
        "name": test.name if test else None,
        "source_company_id": source.pk if source else None,
        "reset_at": project.test_reset_at,
        "activity": [
            {"label": str(r["label"]), "count": r["count"]}
            for r in selectors.customer_tested_detail(project)
        ],
        "archived": selectors.archived_test_environments(project),
    }


@router.get("/projects/{int:project_id}/test-environment", response=TestEnvironmentOut)
def get_test_environment(request, project_id: int):
    """The current test company, what was done there, and the earlier (archived) copies."""
    return _test_environment(selectors.project(actor(request), project_id))


@router.post("/projects/{int:project_id}/test-environment", response={201: TestEnvironmentOut})
def create_test_environment(request, project_id: int, payload: TestEnvironmentIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    if not 0 < payload.company_id < 2**63:
        raise ValidationError({"company_id": "Unknown company."})
    company = project.organization.companies.filter(pk=payload.company_id).first()
    if company is None:
        raise ValidationError({"company_id": "Choose a real company of the customer."})
    services.create_project_test_environment(a, project, company)
    return Status(201, _test_environment(project))


@router.post("/projects/{int:project_id}/test-environment/reset", response=TestEnvironmentOut)
def reset_test_environment(request, project_id: int):
    """Archive the current copy and start from a fresh copy of production (lead or main user)."""
    a = actor(request)
    project = selectors.project(a, project_id)
    services.reset_test_environment(a, project)
    return _test_environment(project)


# -- key persons -----------------------------------------------------------------------------


def _key_person_out(person):
    """The person as listed (with the live main-user marker)."""
    return next(p for p in selectors.key_persons(person.project) if p.pk == person.pk)


@router.get("/projects/{int:project_id}/key-persons", response=list[KeyPersonOut])
def list_key_persons(request, project_id: int):
    """Current and former key persons; ``is_main_user`` follows the organization's main users."""
    return selectors.key_persons(selectors.project(actor(request), project_id))


@router.post("/projects/{int:project_id}/key-persons", response={201: KeyPersonOut})
def add_key_person(request, project_id: int, payload: KeyPersonIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    person = services.add_key_person(
        a,
        project,
        user=_user(payload.user_id, "user_id"),
        **payload.dict(exclude={"user_id"}),
    )
    return Status(201, _key_person_out(person))


@router.post("/key-persons/{int:person_id}", response=KeyPersonOut)
def update_key_person(request, person_id: int, payload: KeyPersonEditIn):
    a = actor(request)
    person = selectors.key_person(a, person_id, "delivery.manage")
    return _key_person_out(services.update_key_person(a, person, **payload.dict()))


@router.post("/key-persons/{int:person_id}/remove", response=KeyPersonOut)
def remove_key_person(request, person_id: int):
    """Deactivate, never delete: the person stays listed as a former key person."""
    a = actor(request)
    person = selectors.key_person(a, person_id, "delivery.manage")
    return _key_person_out(services.remove_key_person(a, person))


# -- tasks -----------------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/tasks", response=list[TaskOut])
@paginate(Pagination)
def list_tasks(request, project_id: int):
    a = actor(request)
    project = selectors.project(a, project_id)
    services.follow_product([project])  # a self-checking task says what the product says
    return selectors.visible_tasks(a, project)


@router.post("/projects/{int:project_id}/tasks", response={201: TaskOut})
def create_task(request, project_id: int, payload: TaskIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    data = payload.dict(exclude={"owner_id", "phase"})
    return Status(
        201,
        services.save_task(
            a,
            project,
            phase=project.phases.get(kind=payload.phase),
            owner=_user(payload.owner_id, "owner_id"),
            **data,
        ),
    )


@router.post("/tasks/{int:task_id}/status", response=TaskOut)
def set_task_status(request, task_id: int, payload: TaskStatusIn):
    a = actor(request)
    return services.set_task_status(
        a, selectors.task(a, task_id, "delivery.manage"), payload.status
    )


@router.post("/tasks/{int:task_id}/override", response=TaskOut)
def override_task_check(request, task_id: int, payload: ReasonIn):
    a = actor(request)
    return services.override_check(a, selectors.task(a, task_id, "delivery.manage"), payload.reason)


@router.post("/tasks/{int:task_id}/overdue-reason", response=TaskOut)
def explain_overdue_task(request, task_id: int, payload: ReasonIn):
    """Write why a customer-visible task is late (the go-live waits for one)."""
    a = actor(request)
    return services.explain_overdue(
        a, selectors.task(a, task_id, "delivery.manage"), payload.reason
    )


# -- meetings --------------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/meetings", response=list[MeetingOut])
@paginate(Pagination)
def list_meetings(request, project_id: int):
    a = actor(request)
    return selectors.project(a, project_id).meetings.prefetch_related("participants")


@router.post("/projects/{int:project_id}/meetings", response={201: MeetingOut})
def create_meeting(request, project_id: int, payload: MeetingIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    data = payload.dict(exclude={"participant_ids"})
    return Status(
        201,
        services.create_meeting(a, project, participants=_users(payload.participant_ids), **data),
    )


@router.post("/meetings/{int:meeting_id}/minutes", response={201: dict})
def write_minutes(request, meeting_id: int, payload: BodyIn):
    a = actor(request)
    document = services.write_minutes(
        a, selectors.meeting(a, meeting_id, "delivery.manage"), payload.body
    )
    return Status(201, {"document_id": document.pk})


@router.get("/projects/{int:project_id}/documents", response=list[DocumentOut])
@paginate(Pagination)
def list_documents(request, project_id: int):
    """The project's documents; a customer gets only the published, customer-visible ones."""
    a = actor(request)
    return selectors.visible_documents(a, selectors.project(a, project_id))


@router.post("/documents/{int:document_id}/publish", response=dict)
def publish_document(request, document_id: int):
    a = actor(request)
    document = services.publish_document(a, selectors.document(a, document_id, "delivery.manage"))
    return {"id": document.pk, "published_at": document.published_at}


@router.post("/documents/{int:document_id}/approve", response=dict)
def approve_document(request, document_id: int):
    a = actor(request)
    document = services.approve_document(a, selectors.document(a, document_id, "delivery.approve"))
    return {
        "id": document.pk,
        "approved_by_id": document.approved_by_id,
        "approved_at": document.approved_at,
    }


# -- specifications ---------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/specs", response=list[SpecOut])
def list_specs(request, project_id: int):
    return list(selectors.project(actor(request), project_id).specs.all())


@router.get("/specs/{int:spec_id}/versions", response=list[VersionOut])
def list_versions(request, spec_id: int):
    a = actor(request)
    return selectors.visible_versions(a, selectors.spec(a, spec_id))


@router.post("/specs/{int:spec_id}/versions", response={201: VersionOut})
def save_version(request, spec_id: int, payload: BodyIn):
    a = actor(request)
    return Status(
        201,
        services.save_spec_version(a, selectors.spec(a, spec_id, "delivery.manage"), payload.body),
    )


@router.post("/spec-versions/{int:version_id}/send", response=VersionOut)
def send_version(request, version_id: int):
    a = actor(request)
    return services.send_spec_for_review(
        a, selectors.spec_version(a, version_id, "delivery.manage")
    )


@router.post("/spec-versions/{int:version_id}/approve", response=VersionOut)
def approve_version(request, version_id: int):
    a = actor(request)
    return services.approve_spec_version(
        a, selectors.spec_version(a, version_id, "delivery.approve")
    )


# -- training ----------------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/trainings", response=list[TrainingOut])
def list_trainings(request, project_id: int):
    return list(
        selectors.project(actor(request), project_id).trainings.prefetch_related("participants")
    )


@router.post("/projects/{int:project_id}/trainings", response={201: TrainingOut})
def plan_training(request, project_id: int, payload: TrainingIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    data = payload.dict(exclude={"participant_ids", "trainer_id"})
    return Status(
        201,
        services.plan_training(
            a,
            project,
            trainer=_user(payload.trainer_id, "trainer_id"),
            participants=_users(payload.participant_ids),
            **data,
        ),
    )


@router.post("/trainings/{int:training_id}/confirm", response=TrainingOut)
def confirm_training(request, training_id: int):
    a = actor(request)
    return services.confirm_training(a, selectors.training(a, training_id, "delivery.manage"))


@router.post("/trainings/{int:training_id}/held", response=TrainingOut)
def training_held(request, training_id: int, payload: HeldIn):
    a = actor(request)
    return services.mark_training_held(
        a, selectors.training(a, training_id, "delivery.manage"), hours=payload.hours
    )


# -- change requests ----------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/change-requests", response=list[ChangeRequestOut])
def list_change_requests(request, project_id: int):
    return list(selectors.project(actor(request), project_id).change_requests.all())


@router.post("/projects/{int:project_id}/change-requests", response={201: ChangeRequestOut})
def create_change_request(request, project_id: int, payload: ChangeRequestIn):
    a = actor(request)
    project = selectors.project(a, project_id)
    data = payload.dict(exclude={"asked_by_id"})
    return Status(
        201,
        services.create_change_request(
            a,
            project.organization,
            project=project,
            asked_by=_user(payload.asked_by_id, "asked_by_id"),
            **data,
        ),
    )


@router.post("/change-requests/{int:cr_id}/status", response=ChangeRequestOut)
def change_request_status(request, cr_id: int, payload: ChangeStatusIn):
    a = actor(request)
    return services.set_change_request_status(
        a,
        selectors.change_request(a, cr_id),
        payload.status,
        estimate_hours=payload.estimate_hours,
        estimate_euros=payload.estimate_euros,
    )


# -- go-live -------------------------------------------------------------------------------------


def _go_live(project: Project) -> dict:
    project.refresh_from_db()
    go_live = getattr(project, "go_live", None) if hasattr(project, "go_live") else None
    out = {"checklist": selectors.go_live_checklist(project), "project_status": project.status}
    if go_live:
        out |= {
            f: getattr(go_live, f)
            for f in (
                "customer_signed_by_id",
                "customer_signed_at",
                "lead_signed_by_id",
                "lead_signed_at",
                "handover_at",
            )
        }
    return out


@router.get("/projects/{int:project_id}/go-live", response=GoLiveOut)
def get_go_live(request, project_id: int):
    project = selectors.project(actor(request), project_id)
    services.follow_product([project])
    return _go_live(project)


@router.post("/projects/{int:project_id}/go-live/approve-overrides", response=GoLiveOut)
def approve_go_live_overrides(request, project_id: int):
    """The account manager approves the overrides (needed above the set share of items)."""
    a = actor(request)
    project = selectors.project(a, project_id)
    services.approve_overrides(a, project)
    return _go_live(project)


@router.post("/projects/{int:project_id}/go-live/sign", response=GoLiveOut)
def sign_go_live(request, project_id: int):
    a = actor(request)
    project = selectors.project(a, project_id)
    services.sign_go_live(a, project)
    return _go_live(project)
