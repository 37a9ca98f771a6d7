"""Implementation projects (käyttöönotto): contract → project → six phases → go-live → support.

Every table carries the customer ``organization`` (tenant key). Nothing here is ever
deleted by the services: documents and specification versions are kept, a
withdrawn document is archived, a superseded version stays readable.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tase.core.models import Company, Organization

USER = settings.AUTH_USER_MODEL


class Module(models.TextChoices):
    BOOKKEEPING = "bookkeeping", _("Bookkeeping")
    PAYROLL = "payroll", _("Payroll")
    INTEGRATIONS = "integrations", _("Integrations")
    DATA_MIGRATION = "data_migration", _("Data migration")
    REPORTING = "reporting", _("Reporting")


class PhaseKind(models.IntegerChoices):
    KICKOFF = 1, _("Kickoff meeting")
    SPECIFICATION = 2, _("Specification")
    IMPLEMENTATION = 3, _("Implementation")
    TRAINING = 4, _("Training")
    GO_LIVE = 5, _("Go-live")
    MAINTENANCE = 6, _("Maintenance and further development")


# Default schedule in weeks from the kickoff (DELIVERY.md); a template can override it.
DEFAULT_SCHEDULE = {
    "1": [0, 0],
    "2": [1, 3],
    "3": [3, 8],
    "4": [8, 12],
    "5": [10, 10],
    "6": [10, None],
}
DEFAULT_SECOND_TRAINING_GAP_WEEKS = 4


def default_schedule() -> dict:
    return {k: list(v) for k, v in DEFAULT_SCHEDULE.items()}


class Contract(models.Model):
    """The signed contract (sopimus): the input of specification with the tender request and tender."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="delivery_contracts",
    )
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    modules = models.JSONField(_("modules"), default=list)
    training_hours = models.DecimalField(
        _("contracted training hours"), max_digits=6, decimal_places=2, default=0
    )
    # Contracted consulting hours per module: {"bookkeeping": "40.00", …} (Decimal as text).
    module_hours = models.JSONField(_("contracted hours per module"), default=dict, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "-id"]

    def __str__(self):
        return f"{self.organization.name}: {self.title}"

    def module_labels(self) -> list[str]:
        labels = dict(Module.choices)
        return [str(labels.get(code, code)) for code in self.modules]


class AccountRelationship(models.Model):
    """The organization's account manager (asiakkuuspäällikkö) and the rhythm of regular contact."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="delivery_account",
    )
    account_manager = models.ForeignKey(
        USER, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    next_contact_on = models.DateField(_("next contact"), null=True, blank=True)

    class Meta:
        verbose_name = _("account relationship")
        verbose_name_plural = _("account relationships")
        ordering = ["next_contact_on", "id"]

    def __str__(self):
        return f"{self.organization.name} · {self.account_manager}"

    @property
    def is_overdue(self) -> bool:
        return self.next_contact_on is not None and self.next_contact_on < timezone.localdate()


class ContactLog(models.Model):
    class Channel(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        VIDEO = "video", _("Video call")

    relationship = models.ForeignKey(
        AccountRelationship, on_delete=models.PROTECT, related_name="contacts"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.on} {self.get_channel_display()}"


class ProjectTemplate(models.Model):
    """The default phases' task lists and schedule; vendor admins edit it (delivery.templates)."""

    vendor = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    is_default = models.BooleanField(_("default"), default=False)
    schedule = models.JSONField(_("schedule in weeks from kickoff"), default=default_schedule)
    second_training_gap_weeks = models.PositiveSmallIntegerField(
        _("weeks between training parts"), default=DEFAULT_SECOND_TRAINING_GAP_WEEKS
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-is_default", "name", "id"]
        verbose_name = _("project template")
        verbose_name_plural = _("project templates")

    def __str__(self):
        return self.name


class TemplateTask(models.Model):
    template = models.ForeignKey(ProjectTemplate, on_delete=models.CASCADE, related_name="tasks")
    phase = models.PositiveSmallIntegerField(_("phase"), choices=PhaseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    customer_visible = models.BooleanField(_("visible to the customer"), default=True)
    state_check = models.CharField(_("state check"), max_length=80, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["phase", "order", "id"]
        verbose_name = _("template task")
        verbose_name_plural = _("template tasks")

    def __str__(self):
        return self.title


class Project(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        ON_HOLD = "on_hold", _("On hold")
        MAINTENANCE = "maintenance", _("In maintenance")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(_("name"), max_length=200)
    lead = models.ForeignKey(
        USER, verbose_name=_("project lead"), on_delete=models.PROTECT, related_name="+"
    )
    consultants = models.ManyToManyField(
        USER, verbose_name=_("application consultants"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    kickoff_on = models.DateField(_("kickoff"))
    template = models.ForeignKey(
        ProjectTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_training_gap_weeks = models.PositiveSmallIntegerField(
        _("weeks between training parts"), default=DEFAULT_SECOND_TRAINING_GAP_WEEKS
    )
    baseline_set_at = models.DateTimeField(_("target schedule agreed"), null=True, blank=True)
    baseline_set_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    test_company = models.ForeignKey(
        Company,
        verbose_name=_("test environment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    test_source = models.ForeignKey(
        Company,
        verbose_name=_("test environment copied from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    test_reset_at = models.DateTimeField(_("test environment reset"), null=True, blank=True)
    # When the practice data was added to the current test environment, and what it was
    # ({"month": "11/2026", "sales_invoices": 6, …}): the customer's own testing counts from then.
    test_seeded_at = models.DateTimeField(_("practice data added"), null=True, blank=True)
    test_seed = models.JSONField(_("practice data"), default=dict, blank=True)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The account manager's approval of the go-live overrides (needed above a set share): the
    # tasks whose overrides it covers, so a later override needs a new approval.
    overrides_approved_tasks = models.JSONField(default=list, blank=True)
    overrides_approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overrides_approved_at = models.DateTimeField(_("overrides approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-kickoff_on", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return self.name

    @property
    def is_read_only(self) -> bool:
        return self.status == self.Status.CANCELLED


class KeyPerson(models.Model):
    """A customer's key person in the project and their role there. The main user marker is not
    stored: it follows the organization's main users (``selectors.key_persons``). A person who
    leaves the project is deactivated, never deleted, and shown as a former key person."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="key_persons")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role in the project"), max_length=120)
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("Empty: the user's own name.")
    )
    email = models.EmailField(
        _("email"), blank=True, help_text=_("Empty: the user's own email address.")
    )
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, help_text=_("Empty: the user's own phone number.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-is_active", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="delivery_keyperson_unique")
        ]

    def __str__(self):
        return f"{self.display_name} ({self.role})"

    @property
    def display_name(self) -> str:
        return self.name or self.user.full_name or self.user.email

    @property
    def contact_email(self) -> str:
        return self.email or self.user.email

    @property
    def contact_phone(self) -> str:
        return self.phone or getattr(self.user, "phone", "")


class Phase(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.PositiveSmallIntegerField(_("phase"), choices=PhaseKind.choices)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    baseline_start = models.DateField(_("target start"), null=True, blank=True)
    baseline_end = models.DateField(_("target end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    # Actual dates are inferred from the work (tasks started and done, meetings and training
    # held); a date the lead enters by hand wins until it is cleared.
    actual_start_manual = models.BooleanField(_("actual start set by hand"), default=False)
    actual_end_manual = models.BooleanField(_("actual end set by hand"), default=False)

    class Meta:
        ordering = ["project_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="delivery_phase_unique"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="delivery_phase_planned_in_order",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    def current_end(self, today: dt.date | None = None) -> dt.date | None:
        """The end as it stands now: actual if done, else planned, pushed to today when late."""
        today = today or timezone.localdate()
        if self.actual_end:
            return self.actual_end
        if self.planned_end and self.planned_end < today:
            return today
        return self.planned_end

    def slip_days(self, today: dt.date | None = None) -> int | None:
        """Days behind (+) or ahead (-) of the agreed target end; None before a baseline."""
        if self.baseline_end is None:
            return None
        end = self.current_end(today)
        return None if end is None else (end - self.baseline_end).days


class Document(models.Model):
    """A document of the project or contract: tender, contract, agenda, minutes, status report…"""

    class Kind(models.TextChoices):
        TENDER_REQUEST = "tender_request", _("Tender request")
        TENDER = "tender", _("Tender")
        CONTRACT = "contract", _("Contract")
        AGENDA = "agenda", _("Agenda")
        MINUTES = "minutes", _("Minutes")
        STATUS_REPORT = "status_report", _("Status report")
        TRAINING_MATERIAL = "training_material", _("Training material")
        ATTACHMENT = "attachment", _("Attachment")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    task = models.ForeignKey(
        "Task", on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="delivery/%Y/%m/", blank=True)
    customer_visible = models.BooleanField(_("visible to the customer"), default=False)
    needs_approval = models.BooleanField(_("awaits the customer's approval"), default=False)
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    @property
    def awaits_customer(self) -> bool:
        return self.needs_approval and self.approved_at is None and self.published_at is not None


class Task(models.Model):
    """A work step (työvaihe); with a state check it completes itself when that state holds."""

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("In progress")
        DONE = "done", _("Done")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        USER,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=5, choices=Status.choices, default=Status.TODO
    )
    customer_visible = models.BooleanField(_("visible to the customer"), default=True)
    state_check = models.CharField(_("state check"), max_length=80, blank=True)
    check_overridden = models.BooleanField(_("check overridden"), default=False)
    override_reason = models.TextField(_("reason for override"), blank=True)
    overridden_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    # Completed by its state check (not by a person): reopened when the state stops holding,
    # and no evidence that the phase's work started.
    auto_completed = models.BooleanField(_("completed by its check"), default=False)
    overdue_reason = models.TextField(_("reason for being late"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["phase__kind", "order", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != self.Status.DONE
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:50]


class Meeting(models.Model):
    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("Kickoff meeting")
        WORKSHOP = "workshop", _("Specification workshop")
        STATUS = "status", _("Status meeting")
        TRAINING = "training", _("Training")
        CLOSING = "closing", _("Go-live closing meeting")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="meetings")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    participants = models.ManyToManyField(USER, verbose_name=_("participants"), related_name="+")
    agenda = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_of"
    )
    minutes = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="minutes_of"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return self.title


class SpecDocument(models.Model):
    """A specification document (määrittelydokumentti) of one area; its versions are all kept."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="specs")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    area = models.CharField(_("area"), max_length=20, choices=Module.choices)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["project_id", "area"]
        constraints = [
            models.UniqueConstraint(fields=["project", "area"], name="delivery_spec_area_unique")
        ]
        verbose_name = _("specification document")
        verbose_name_plural = _("specification documents")

    def __str__(self):
        return self.title


class SpecVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("Sent for review")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        REJECTED = "rejected", _("Rejected")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    spec = models.ForeignKey(SpecDocument, on_delete=models.PROTECT, related_name="versions")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent for review"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        ordering = ["spec_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["spec", "number"], name="delivery_specversion_unique")
        ]

    def __str__(self):
        return f"{self.spec.title} v{self.number}"


class TrainingSession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="trainings")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    part = models.PositiveSmallIntegerField(_("part"))
    starts_at = models.DateTimeField(_("time"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    trainer = models.ForeignKey(
        USER,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    participants = models.ManyToManyField(
        USER, verbose_name=_("participants"), blank=True, related_name="+"
    )
    topics = models.TextField(_("topics"), blank=True)
    materials = models.TextField(_("materials"), blank=True)
    ask_questions = models.BooleanField(
        _("ask participants for questions beforehand"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    minutes = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="training_of"
    )

    class Meta:
        ordering = ["project_id", "part", "starts_at"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self):
        return f"{self.project.name}: {self.part}"


class ChangeRequest(models.Model):
    """A need outside the contract and the specification (jatkokehitys), agreed case by case."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        QUOTED = "quoted", _("Quoted")
        AGREED = "agreed", _("Agreed")
        REJECTED = "rejected", _("Rejected")
        DONE = "done", _("Done")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="change_requests"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    asked_by = models.ForeignKey(
        USER,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    estimate_hours = models.DecimalField(
        _("estimate (hours)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    estimate_cents = models.BigIntegerField(_("estimate (cents)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self):
        return self.title


class GoLive(models.Model):
    """The go-live sign-off (käytön aloitus): the checklist as it stood, two signatures, handover."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="go_live")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checklist = models.JSONField(_("checklist"), default=list)
    customer_signed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer_signed_at = models.DateTimeField(null=True, blank=True)
    lead_signed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead_signed_at = models.DateTimeField(null=True, blank=True)
    handover_at = models.DateTimeField(_("handed over to support"), null=True, blank=True)

    class Meta:
        verbose_name = _("go-live")
        verbose_name_plural = _("go-lives")

    def __str__(self):
        return f"{self.project}: go-live"

    @property
    def is_signed(self) -> bool:
        return bool(self.customer_signed_at and self.lead_signed_at)


class TimeEntry(models.Model):
    """Hours a consultant logged on a project (tuntikirjaus): against a contracted module (and
    optionally one of its tasks), a training session, or outside the contract's scope. Hours
    outside the scope wait until staff turn them into a change request."""

    class Kind(models.TextChoices):
        MODULE = "module", _("Contracted module")
        TRAINING = "training", _("Training")
        OUT_OF_SCOPE = "out_of_scope", _("Outside the contract")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="time_entries")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        USER, verbose_name=_("consultant"), on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    kind = models.CharField(_("against"), max_length=12, choices=Kind.choices)
    module = models.CharField(_("module"), max_length=20, choices=Module.choices, blank=True)
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    training = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours entries")
        indexes = [models.Index(fields=["project", "kind"], name="delivery_time_project_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="delivery_time_hours_range"
            )
        ]

    def __str__(self):
        return f"{self.project.name}: {self.hours} h {self.on}"


class SpecReview(models.Model):
    """What a reader said of a specification version: a comment, a request for changes or a
    rejection (the last two by the customer's main user, with the reason)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        REJECTED = "rejected", _("Rejected")

    version = models.ForeignKey(SpecVersion, on_delete=models.PROTECT, related_name="reviews")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("specification review")
        verbose_name_plural = _("specification reviews")

    def __str__(self):
        return f"{self.version}: {self.get_kind_display()}"


class TrainingQuestion(models.Model):
    """A question a participant sends before a training session; the trainer answers it in
    the session's minutes."""

    training = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="questions"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("training question")
        verbose_name_plural = _("training questions")

    def __str__(self):
        return self.body[:60]


class ScopeProposal(models.Model):
    """A need outside the contract that the customer raises (lisätarve); vendor staff turn it
    into a change request with an estimate, or decline it with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONVERTED = "converted", _("Turned into a change request")
        DECLINED = "declined", _("Declined")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="proposals")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    proposed_by = models.ForeignKey(
        USER, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    change_request = models.OneToOneField(
        ChangeRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposed need")
        verbose_name_plural = _("proposed needs")

    def __str__(self):
        return self.title
