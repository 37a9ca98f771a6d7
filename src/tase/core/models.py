"""Tenancy, users and the audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. What they may see comes from their memberships."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    must_set_up_2fa = models.BooleanField(
        _("must set up two-factor authentication"),
        default=False,
        help_text=_("Set when a main user resets a lost authenticator; cleared by a new one."),
    )

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organization(models.Model):
    """A party with its own users: the vendor itself, or a customer of the vendor.

    A customer organization signs the contract and owns one or more companies.
    """

    class Kind(models.TextChoices):
        VENDOR = "vendor", _("Vendor")
        CUSTOMER = "customer", _("Customer")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CUSTOMER)
    vendor = models.ForeignKey(
        "self",
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        limit_choices_to={"kind": "vendor"},
    )
    business_id = models.CharField(_("business ID"), max_length=9, blank=True)
    in_support = models.BooleanField(
        _("in support"), default=False, help_text=_("Handed over from implementation to support.")
    )
    require_2fa_for_finance = models.BooleanField(
        _("two-factor authentication required for finance and payroll roles"),
        default=False,
        help_text=_(
            "Main users, accountants and payroll clerks must sign in with an authenticator app."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="vendor", vendor__isnull=True)
                | Q(kind="customer", vendor__isnull=False),
                name="organization_customer_has_vendor",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_vendor(self) -> bool:
        return self.kind == self.Kind.VENDOR


class Company(models.Model):
    """A legal entity whose books and payroll are kept (kirjanpitovelvollinen)."""

    class Form(models.TextChoices):
        LIMITED = "oy", _("Limited company (Oy)")
        PUBLIC_LIMITED = "oyj", _("Public limited company (Oyj)")
        SOLE_TRADER = "tmi", _("Sole trader (Tmi)")
        GENERAL_PARTNERSHIP = "ay", _("General partnership (Ay)")
        LIMITED_PARTNERSHIP = "ky", _("Limited partnership (Ky)")
        COOPERATIVE = "osk", _("Cooperative (Osk)")
        ASSOCIATION = "ry", _("Association (ry)")
        FOUNDATION = "sr", _("Foundation (sr)")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="companies",
    )
    name = models.CharField(_("name"), max_length=200)
    business_id = models.CharField(_("business ID"), max_length=9)
    form = models.CharField(
        _("company form"), max_length=4, choices=Form.choices, default=Form.LIMITED
    )
    vat_registered = models.BooleanField(_("VAT registered"), default=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FI")
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_test_environment = models.BooleanField(
        _("test environment"),
        default=False,
        help_text=_("A copy for practice; excluded from real reporting."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "business_id"],
                condition=Q(is_test_environment=False),
                name="company_business_id_unique_per_organization",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.business_id})"


class Membership(models.Model):
    """A user's role in one organization, optionally limited to some of its companies."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    companies = models.ManyToManyField(
        Company,
        verbose_name=_("limited to companies"),
        blank=True,
        related_name="limited_memberships",
        help_text=_("Empty: every company of the organization."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_one_per_organization"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Audit events cannot be changed."))

    def delete(self):
        raise ValidationError(_("Audit events cannot be deleted."))


class AuditEvent(models.Model):
    """One append-only record of a change or a sign-in event.

    Written only by :func:`tase.core.audit.record`; the model refuses updates and
    deletes, and on PostgreSQL a trigger refuses them in the database too. Each event
    carries its chain's previous hash and its own (:mod:`tase.core.auditchain`), so that
    ``tase audit verify`` finds a changed, removed or reordered event.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the (organization, -at) index leads with it
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=60)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"]),
            models.Index(fields=["organization", "-at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events cannot be deleted."))


API_PRODUCTS = (
    "platform",
    "ledger",
    "payroll",
    "sales",
    "purchases",
    "delivery",
    "support",
)
API_SCOPES = tuple(f"{product}:{mode}" for product in API_PRODUCTS for mode in ("read", "write"))


def all_api_scopes() -> list[str]:
    return list(API_SCOPES)


class AuditChainHead(models.Model):
    """The newest hash of one audit chain: an organization's id, or 0 for the events
    without an organization. :func:`tase.core.audit.record` advances it with one upsert
    that locks the row until the writer commits, so concurrent writers cannot fork a chain;
    ``tase audit verify`` checks that the last event of each chain still carries it."""

    chain = models.BigIntegerField(primary_key=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    def __str__(self):
        return f"{self.chain}: {self.hash}"


class ApiToken(models.Model):
    """A personal token for the API; only its SHA-256 digest is stored.

    It acts with its owner's roles, narrowed to its ``scopes`` (``ledger:read``,
    ``ledger:write``…; write includes read; ``platform`` is /api/v1/ outside the products),
    until ``expires_at``; it stops working when its owner's password changes
    (``password_stamp`` no longer matches) and is revoked when a membership of its owner ends.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    scopes = models.JSONField(_("scopes"), default=all_api_scopes)
    password_stamp = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class ParameterValue(models.Model):
    """A statutory parameter's value entered by the vendor's admin (the new year's figures),
    with its public source: it extends (or, on the same date, replaces) the values shipped in
    ``tase/rules/params``. Entered once and kept: who entered it and when stay visible."""

    name = models.CharField(_("parameter"), max_length=200)
    effective_from = models.DateField(_("in force from"))
    value = models.JSONField(_("value"))
    source = models.URLField(_("source"), max_length=500)
    note = models.TextField(_("note"), blank=True)
    confirmed_until = models.DateField(_("confirmed until"), null=True, blank=True)
    entered_by = models.ForeignKey(
        User, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        ordering = ["name", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "effective_from"], name="core_parametervalue_unique_date"
            )
        ]

    def __str__(self):
        return f"{self.name} {self.effective_from.isoformat()}"


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator app when it is lost. Made in a
    set of ten when two-factor authentication is turned on (or the set is renewed), shown
    once; only its SHA-256 digest is stored, and it is spent on first use."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class Notification(models.Model):
    """One thing told to one user: shown in the app (``in_app``), emailed (``emailed``), or
    both, as the user chose for its kind. Also the record that a reminder was already sent
    (``dedupe_key``), so a daily run never repeats one."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    in_app = models.BooleanField(default=True)
    emailed = models.BooleanField(default=False)
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "in_app", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="core_notification_once_per_key",
            )
        ]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """A user's choice for one kind of notification; without a row the kind's default holds."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=60)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by email"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="core_notification_pref_once")
        ]

    def __str__(self):
        return f"{self.user_id} · {self.kind}"
