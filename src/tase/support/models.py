"""Customer support: service requests, replies, attachments, announcements, guides,
extra training orders, the phone price and the phone call log.

Every table belongs to an organization: a customer's (requests, calls, training
orders) or the vendor's (announcements, guides, phone prices).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tase.core.models import Company, Organization

AUTO_CLOSE_DAYS = 14


class Category(models.TextChoices):
    BOOKKEEPING = "bookkeeping", _("Bookkeeping")
    PAYROLL = "payroll", _("Payroll")
    USER_RIGHTS = "user_rights", _("User rights")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("service request status", "New")
    IN_PROGRESS = "in_progress", pgettext_lazy("service request status", "In progress")
    WAITING = "waiting", pgettext_lazy("service request status", "Waiting for customer")
    RESOLVED = "resolved", pgettext_lazy("service request status", "Resolved")
    CLOSED = "closed", pgettext_lazy("service request status", "Closed")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)

# Which status may follow which (staff moves; the customer only reopens a resolved one).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED}),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.RESOLVED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class ServiceRequest(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    number = models.PositiveIntegerField(_("number"), unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(pgettext_lazy("service request", "description"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned specialist"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rating_comment = models.TextField(_("feedback"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    # The SLA clock stops while support waits for the customer: when the request left for
    # "waiting", and the support time its targets were moved on by all such pauses.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused (s)"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )
    cc = models.TextField(
        _("copies to"), blank=True, help_text=_("Email addresses, one a line or comma-separated.")
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("watchers"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["status", "resolution_due"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="support_request_rating_1_5",
            )
        ]

    def __str__(self):
        return f"#{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Reply(models.Model):
    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Seen by the vendor's staff only.")
    )
    from_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.request} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def organization(self):
        return self.request.organization


def attachment_path(instance, filename):
    return f"support/{instance.request.organization_id}/{instance.request_id}/{filename}"


class CannedReply(models.Model):
    """A reply the specialists use often; ``{requester}``, ``{number}`` and ``{subject}`` are
    filled in from the request."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="canned_replies"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "id"]

    def __str__(self):
        return self.title


class SavedView(models.Model):
    """A specialist's named set of queue filters (their own; nobody else sees it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_views"
    )
    name = models.CharField(_("name"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="support_saved_view_name_once")
        ]

    def __str__(self):
        return self.name


class InboundAddress(models.Model):
    """The organization's address for replying by email: support+<token>@<domain>."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="support_inbound"
    )
    token = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.token


class Attachment(models.Model):
    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Module(models.TextChoices):
    LEDGER = "ledger", _("Bookkeeping")
    PAYROLL = "payroll", _("Payroll")
    DELIVERY = "delivery", _("Implementation projects")
    SUPPORT = "support", _("Customer support")


# The action that makes a user a "user of the module".
MODULE_ACTIONS = {
    Module.LEDGER: "ledger.view",
    Module.PAYROLL: "payroll.view",
    Module.DELIVERY: "delivery.view",
    Module.SUPPORT: "support.use",
}


class Announcement(models.Model):
    class Kind(models.TextChoices):
        INFO = "info", _("Information")
        SERVICE_BREAK = "service_break", _("Service break")
        RELEASE = "release", _("Release notes")
        LEGAL = "legal", _("Legal change")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        MODULE = "module", _("Users of a module")
        ORGANIZATIONS = "organizations", _("Chosen organizations")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("publisher"),
        on_delete=models.PROTECT,
        related_name="announcements",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.INFO)
    audience = models.CharField(
        _("audience"), max_length=15, choices=Audience.choices, default=Audience.EVERYONE
    )
    module = models.CharField(_("module"), max_length=10, choices=Module.choices, blank=True)
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations"), blank=True, related_name="+"
    )
    publish_at = models.DateTimeField(_("published"))
    expire_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-publish_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expire_at__isnull=True) | Q(expire_at__gt=models.F("publish_at")),
                name="support_announcement_expires_after_publish",
            )
        ]

    def __str__(self):
        return self.title


class AnnouncementRead(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="support_read_once")
        ]

    def __str__(self):
        return f"{self.announcement_id} · {self.user_id}"


class GuideCategory(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="guide_categories"
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("guide category")
        verbose_name_plural = _("guide categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Guide(models.Model):
    class Language(models.TextChoices):
        FI = "fi", _("Finnish")
        EN = "en", _("English")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        CUSTOMERS = "customers", _("Customers only")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="guides")
    category = models.ForeignKey(
        GuideCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="guides"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown; images as ![text](address)."))
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FI
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.CUSTOMERS
    )
    related = models.ManyToManyField("self", verbose_name=_("related guides"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(_("published"), default=True)
    # The title and text as Finnish stems (tase.support.search), written when the guide is saved.
    search_title = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        ordering = ["category__order", "title"]

    def __str__(self):
        return self.title


class GuideVersion(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "version"], name="support_guide_version_once")
        ]

    def __str__(self):
        return f"{self.guide_id} v{self.version}"

    @property
    def organization(self):
        return self.guide.organization


def guide_image_path(instance, filename):
    return f"guides/{instance.guide_id}/{filename}"


class GuideImage(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=guide_image_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name

    @property
    def organization(self):
        return self.guide.organization


class TrainingOrder(models.Model):
    class Reason(models.TextChoices):
        MAIN_USER_CHANGED = "main_user_changed", _("Main user changed")
        NEW_EMPLOYEES = "new_employees", _("New employees")
        NEW_FEATURE = "new_feature", _("New feature")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        QUOTED = "quoted", _("Quoted")
        ACCEPTED = "accepted", _("Accepted")
        PLANNED = "planned", _("Planned")
        DONE = "done", pgettext_lazy("training", "Done")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="training_orders",
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    topics = models.TextField(_("topics"))
    participants = models.PositiveSmallIntegerField(_("participants"))
    preferred_dates = models.CharField(_("preferred dates"), max_length=300, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"))
    status = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.ORDERED
    )
    quote_cents = models.BigIntegerField(_("quoted price"), null=True, blank=True)
    quote_note = models.TextField(_("quote terms"), blank=True)
    quoted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training order")
        verbose_name_plural = _("training orders")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.organization} · {self.get_reason_display()}"


class TrainingSession(models.Model):
    order = models.ForeignKey(TrainingOrder, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (min)"))
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.CharField(_("place or link"), max_length=200, blank=True)
    topics = models.CharField(_("topics"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self):
        return f"{self.order_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def organization(self):
        return self.order.organization


class PhonePrice(models.Model):
    """The vendor's price per started minute of phone support, VAT included, from a date."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="phone_prices"
    )
    effective_from = models.DateField(_("in force from"))
    cents_per_minute = models.PositiveIntegerField(_("price per minute (cents, VAT included)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "effective_from"], name="support_phone_price_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.effective_from}: {self.cents_per_minute} c/min"


class PhoneCall(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="phone_calls",
    )
    caller = models.CharField(_("caller"), max_length=200)
    started_at = models.DateTimeField(pgettext_lazy("phone call", "start"))
    duration_seconds = models.PositiveIntegerField(_("duration (s)"))
    topic = models.CharField(_("topic"), max_length=200)
    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    notes = models.TextField(_("internal notes"), blank=True)
    minutes = models.PositiveIntegerField(_("minutes"))
    cents_per_minute = models.PositiveIntegerField(_("price per minute"))
    cost_cents = models.BigIntegerField(_("cost"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["organization", "started_at"])]

    def __str__(self):
        return f"{self.organization} · {self.started_at:%Y-%m-%d %H:%M}"
