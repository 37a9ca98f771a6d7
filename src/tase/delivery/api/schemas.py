"""Request and response schemas of the delivery API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from tase.apiutil import Day, Moment

# -- schemas --------------------------------------------------------------------------------


class ContractOut(Schema):
    id: int
    organization_id: int
    title: str
    signed_on: dt.date
    modules: list[str]
    training_hours: Decimal
    module_hours: dict[str, Decimal] = {}
    scope: str


class ContractIn(Schema):
    organization_id: int
    title: str = Field(min_length=1, max_length=200)
    signed_on: Day
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
    kickoff_on: Day
    consultant_ids: list[int] = []
    name: str = Field("", max_length=200)


class PhaseDatesIn(Schema):
    kind: int = Field(ge=1, le=6)
    start: Day
    end: Day | None = None


class PhaseActualIn(Schema):
    actual_start: Day | None = None
    actual_end: Day | None = None


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
    due_on: Day | None = None
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
    practice_data: dict = Field(
        default_factory=dict,
        description="What the copy started with: month, sales_invoices, payments, purchases, "
        "pay_runs",
    )
    practice_data_at: dt.datetime | None = None


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
    starts_at: Moment
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
    starts_at: Moment
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


class ModuleHoursIn(Schema):
    """Contracted consulting hours per module of the contract: {"bookkeeping": 40}."""

    module_hours: dict[str, Decimal]


class HoursRowOut(Schema):
    key: str
    label: str
    contracted: Decimal
    used: Decimal
    left: Decimal
    warn: bool
    over: bool


class HoursSummaryOut(Schema):
    modules: list[HoursRowOut]
    training: HoursRowOut
    contracted: Decimal
    used: Decimal
    left: Decimal
    out_of_scope_open: Decimal
    out_of_scope_on_change_requests: Decimal
    warnings: list[str]


class TimeEntryOut(Schema):
    id: int
    project_id: int
    user_id: int
    on: dt.date
    hours: Decimal
    kind: str
    module: str
    task_id: int | None
    training_id: int | None
    change_request_id: int | None
    note: str


class TimeEntryIn(Schema):
    on: Day
    hours: Decimal = Field(gt=0, max_digits=5, decimal_places=2)
    kind: str = ""
    module: str = ""
    task_id: int | None = None
    training_id: int | None = None
    note: str = ""
    user_id: int | None = None


class HoursChangeRequestIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""


class SpecReviewIn(Schema):
    kind: str = Field(description="comment, changes (request changes) or rejected")
    body: str


class SpecReviewOut(Schema):
    id: int
    version_id: int
    author_id: int
    kind: str
    body: str
    created_at: dt.datetime


class QuestionIn(Schema):
    body: str = Field(max_length=4000)


class QuestionOut(Schema):
    id: int
    training_id: int
    author_id: int
    body: str
    answer: str
    answered_at: dt.datetime | None
    created_at: dt.datetime


class TrainingMinutesIn(Schema):
    body: str = ""
    answers: dict[int, str] = {}


class ProposalIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str


class ProposalOut(Schema):
    id: int
    project_id: int
    title: str
    description: str
    proposed_by_id: int
    status: str
    change_request_id: int | None
    decision_reason: str
    created_at: dt.datetime


class ConvertProposalIn(Schema):
    estimate_hours: Decimal | None = None
    estimate_euros: Decimal | None = None


class StatusOut(Schema):
    """A project's status from its own data, as the weekly report states it."""

    health: str = Field(description="on_time, at_risk or late")
    slip_days: int | None
    tasks_done_last_week: list[str]
    tasks_due: list[str]
    tasks_overdue: list[str]
    hours: HoursSummaryOut
    risks: list[str]
    decisions: list[str]
    next_meetings: list[str]
