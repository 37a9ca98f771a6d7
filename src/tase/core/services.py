"""Every write of the platform: organizations, companies, users, tokens, two-factor.

Each function checks the actor's permission, runs in one transaction, and records
an audit event. Bad input raises ``ValidationError`` keyed by the field at fault.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fi import ytunnus

from . import audit, tasks, two_factor
from .access import Actor
from .models import API_SCOPES, ApiToken, Company, Membership, Organization, User
from .notifications import base_url
from .roles import CUSTOMER_ROLES, STAFF_ROLES, Role

COMPANY_FIELDS = [
    "name",
    "business_id",
    "form",
    "vat_registered",
    "street_address",
    "postal_code",
    "city",
    "country",
    "contact_name",
    "contact_email",
    "contact_phone",
    "is_active",
]


def clean_business_id(value: str, field: str = "business_id") -> str:
    """A Finnish business ID (Y-tunnus) in its printed form 1234567-8, or ValidationError."""
    try:
        return ytunnus.format(ytunnus.validate(value or ""))
    except Exception:
        raise ValidationError(
            {
                field: _(
                    "“%(value)s” is not a valid business ID (format 1234567-8 with a correct check digit)."
                )
                % {"value": value}
            }
        ) from None


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    return email


def _clean_role(role: str, allowed_roles: frozenset[Role]) -> Role:
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}}) from None
    if role not in allowed_roles:
        raise ValidationError(
            {"role": _("The role “%(role)s” cannot be given here.") % {"role": role.label}}
        )
    return role


# -- organizations and companies ------------------------------------------------


@transaction.atomic
def create_customer_organization(actor: Actor, *, name: str, business_id: str = "") -> Organization:
    vendors = [
        m.organization
        for m in actor.staff_memberships
        if actor.can("organization.manage", m.organization)
    ]
    if not vendors:
        raise PermissionDenied("organization.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    organization = Organization.objects.create(
        name=name,
        kind=Organization.Kind.CUSTOMER,
        vendor=vendors[0],
        business_id=clean_business_id(business_id) if business_id else "",
    )
    audit.record(actor.user, "create", organization, changes={"name": [None, name]})
    return organization


@transaction.atomic
def create_company(actor: Actor, organization: Organization, **fields) -> Company:
    actor.require("company.manage", organization)
    if organization.is_vendor:
        raise ValidationError({"organization": _("Companies belong to customer organizations.")})
    company = Company(organization=organization)
    _apply_company_fields(company, fields)
    company.save()
    audit.record(
        actor.user,
        "create",
        company,
        changes=audit.changes_between({}, audit.snapshot(company, COMPANY_FIELDS)),
    )
    return company


@transaction.atomic
def update_company(actor: Actor, company: Company, **fields) -> Company:
    company = actor.company(company.pk, "company.manage")
    company = Company.objects.select_for_update().get(pk=company.pk)
    before = audit.snapshot(company, COMPANY_FIELDS)
    _apply_company_fields(company, fields)
    company.save()
    changes = audit.changes_since(before, company)
    if changes:
        audit.record(actor.user, "update", company, changes=changes)
    return company


def _apply_company_fields(company: Company, fields: dict) -> None:
    unknown = set(fields) - set(COMPANY_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    if "business_id" in fields:
        fields["business_id"] = clean_business_id(fields["business_id"])
    for name, value in fields.items():
        setattr(company, name, value.strip() if isinstance(value, str) else value)
    try:
        company.full_clean(exclude=["organization"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    clash = Company.objects.filter(
        organization_id=company.organization_id,
        business_id=company.business_id,
        is_test_environment=False,
    ).exclude(pk=company.pk)
    if not company.is_test_environment and clash.exists():
        raise ValidationError(
            {"business_id": _("The organization already has a company with this business ID.")}
        )


@transaction.atomic
def set_in_support(
    actor: Actor, organization: Organization, in_support: bool = True
) -> Organization:
    """Hand the organization over from implementation to support (at go-live), or back."""
    actor.require("delivery.manage", organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.in_support != in_support:
        organization.in_support = in_support
        organization.save(update_fields=["in_support"])
        audit.record(
            actor.user, "update", organization, changes={"in_support": [not in_support, in_support]}
        )
    return organization


@transaction.atomic
def create_test_environment(
    actor: Actor, company: Company, *, name: str = "", action: str = "delivery.manage"
) -> Company:
    """A test-environment copy of ``company`` for training: same organization, marked as a test
    environment everywhere, with each app's configuration copied by the registered copiers
    (chart of accounts, VAT settings, wage types …). The customer's users reach it as they
    reach the real company (memberships limited to companies also get the copy)."""
    from .registry import COMPANY_COPIERS, ordered

    actor.require(action, company.organization)
    source = Company.objects.get(pk=company.pk)
    if source.is_test_environment or not source.is_active:
        raise ValidationError({"company": _("Choose an active real company to copy.")})
    fields = audit.snapshot(source, [f for f in COMPANY_FIELDS if f not in {"is_active"}])
    fields["name"] = name.strip() or _("%(name)s (test environment)") % {"name": source.name}
    test = Company.objects.create(
        organization=source.organization, is_test_environment=True, **fields
    )
    for membership in Membership.objects.filter(organization=source.organization, companies=source):
        membership.companies.add(test)
    for copier in ordered(COMPANY_COPIERS):
        copier.copy(actor, source, test)
    audit.record(
        actor.user, "create_test_environment", test, changes={"copied_from": [None, source.pk]}
    )
    return test


@transaction.atomic
def archive_test_environment(
    actor: Actor, company: Company, *, action: str = "delivery.manage", on=None
) -> Company:
    """Retire a test-environment company when it is reset. Posted vouchers cannot be deleted
    (they are immutable), so the copy is kept: inactive, renamed with the date, and left out of
    the company lists and pickers. It stays readable by id for the record."""
    actor.require(action, company.organization)
    company = Company.objects.select_for_update().get(pk=company.pk)
    if not company.is_test_environment:
        raise ValidationError({"company": _("Only a test environment can be archived this way.")})
    if not company.is_active:
        raise ValidationError({"company": _("The test environment is already archived.")})
    on = on or timezone.localdate()
    before = audit.snapshot(company, ["name", "is_active"])
    suffix = " " + _("(archived %(date)s)") % {"date": on.strftime("%d.%m.%Y")}
    company.name = company.name[: 200 - len(suffix)] + suffix
    company.is_active = False
    company.save(update_fields=["name", "is_active"])
    audit.record(
        actor.user,
        "archive_test_environment",
        company,
        changes=audit.changes_since(before, company),
    )
    return company


# -- users -------------------------------------------------------------------------


@transaction.atomic
def invite_user(
    actor: Actor,
    organization: Organization,
    *,
    email: str,
    full_name: str,
    role: str,
    companies: list[Company] | tuple = (),
    language: str = "",
) -> Membership:
    """Add a person to ``organization`` with ``role``; a new person gets an email to set a password."""
    action = "staff.manage" if organization.is_vendor else "users.manage"
    actor.require(action, organization)
    role = _clean_role(role, STAFF_ROLES if organization.is_vendor else CUSTOMER_ROLES)
    email = _clean_email(email)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("This field is required.")})
    _check_companies(organization, companies)
    user = User.objects.filter(email__iexact=email).first()
    if user and Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a user of this organization.") % {"email": email}}
        )
    new_user = user is None
    if new_user:
        language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        user = User.objects.create_user(email, full_name=full_name, language=language)
        audit.record(
            actor.user, "create", user, organization=organization, changes={"email": [None, email]}
        )
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    membership.companies.set(companies)
    audit.record(
        actor.user,
        "invite",
        membership,
        organization=organization,
        changes={"role": [None, role.value], "companies": [None, sorted(c.pk for c in companies)]},
    )
    _send_invitation(user, organization, new_user)
    return membership


def _send_invitation(user: User, organization: Organization, set_password: bool) -> None:
    """Email the invitation after the transaction commits, with links to where this request
    was served (the worker that sends it serves no request)."""
    base = base_url()
    transaction.on_commit(
        lambda: tasks.send_invitation.enqueue(user.pk, organization.pk, set_password, base)
    )


@transaction.atomic
def resend_invitation(actor: Actor, membership: Membership) -> Membership:
    """Send a member's invitation again (the first was lost, or its link expired): a person who
    has never signed in gets a new link to set a password, others a link to sign in."""
    organization = membership.organization
    actor.require("staff.manage" if organization.is_vendor else "users.manage", organization)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(
            {"membership": _("The user is deactivated; activate them before inviting again.")}
        )
    user = membership.user
    if not user.is_active:
        raise ValidationError({"membership": _("The user's account is closed.")})
    set_password = user.last_login is None
    audit.record(
        actor.user,
        "resend_invitation",
        membership,
        organization=organization,
        changes={"email": [None, user.email]},
    )
    _send_invitation(user, organization, set_password)
    return membership


def _check_companies(organization: Organization, companies) -> None:
    if any(company.organization_id != organization.pk for company in companies):
        raise ValidationError({"companies": _("Choose companies of this organization only.")})


def _guard_last_main_user(membership: Membership, new_role: Role | None, active: bool) -> None:
    if membership.role != Role.MAIN_USER or (new_role == Role.MAIN_USER and active):
        return
    others = Membership.objects.filter(
        organization_id=membership.organization_id, role=Role.MAIN_USER, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            {
                "role": _(
                    "An organization must keep at least one active main user. Name another main user first."
                )
            }
        )


@transaction.atomic
def change_membership(
    actor: Actor, membership: Membership, *, role: str, companies: list[Company] | tuple = ()
) -> Membership:
    organization = membership.organization
    actor.require("staff.manage" if organization.is_vendor else "users.manage", organization)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    role = _clean_role(role, STAFF_ROLES if organization.is_vendor else CUSTOMER_ROLES)
    _check_companies(organization, companies)
    _guard_last_main_user(membership, role, membership.is_active)
    before = {
        "role": membership.role,
        "companies": sorted(c.pk for c in membership.companies.all()),
    }
    membership.role = role
    membership.save(update_fields=["role"])
    membership.companies.set(companies)
    after = {"role": role.value, "companies": sorted(c.pk for c in companies)}
    changes = audit.changes_between(before, after)
    if changes:
        audit.record(actor.user, "update", membership, organization=organization, changes=changes)
    return membership


@transaction.atomic
def set_membership_active(actor: Actor, membership: Membership, active: bool) -> Membership:
    organization = membership.organization
    actor.require("staff.manage" if organization.is_vendor else "users.manage", organization)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not active:
        _guard_last_main_user(membership, None, False)
    if membership.is_active != active:
        membership.is_active = active
        membership.save(update_fields=["is_active"])
        audit.record(
            actor.user,
            "activate" if active else "deactivate",
            membership,
            organization=organization,
            changes={"is_active": [not active, active]},
        )
        if not active:
            revoke_tokens_of(actor.user, membership.user, "membership ended")
    return membership


@transaction.atomic
def update_profile(
    user: User,
    *,
    full_name: str | None = None,
    phone: str | None = None,
    language: str | None = None,
) -> User:
    before = audit.snapshot(user, ["full_name", "phone", "language"])
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError(
                {"language": _("Unknown language “%(language)s”.") % {"language": language}}
            )
        user.language = language
    if full_name is not None:
        if not full_name.strip():
            raise ValidationError({"full_name": _("This field is required.")})
        user.full_name = full_name.strip()
    if phone is not None:
        user.phone = phone.strip()
    user.save(update_fields=["full_name", "phone", "language"])
    changes = audit.changes_between(
        before, audit.snapshot(user, ["full_name", "phone", "language"])
    )
    if changes:
        audit.record(user, "update", user, changes=changes)
    return user


# -- API tokens --------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def password_stamp(user: User) -> str:
    """A fingerprint of the user's current password hash: a token made under another
    password no longer matches, so changing the password ends every token."""
    return hashlib.sha256(user.password.encode()).hexdigest()


def create_api_token(
    user: User,
    name: str,
    *,
    scopes: list[str] | None = None,
    expires_at=None,
    verified_at: float | None = None,
    code: str = "",
    operator: bool = False,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; the raw value is returned once and never stored.
    ``scopes``: default every product, read and write; ``expires_at``: default
    ``TASE_TOKEN_DAYS`` days from now. A user with a second factor (or whose role requires
    one) needs a fresh check: a code entered within ``TASE_2FA_FRESH_SECONDS`` (``verified_at``,
    from the session) or a valid ``code`` now. ``operator``: made by the installation's
    operator on the server (``tase token create``), who is trusted without a code."""
    name, scopes, expires_at = _clean_token(name, scopes, expires_at)
    if not operator:
        two_factor.require_fresh(user, verified_at, code)  # a wrong code stays audited
    with transaction.atomic():
        raw = "tase_" + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            digest=token_digest(raw),
            prefix=raw[5:13],
            scopes=scopes,
            expires_at=expires_at,
            password_stamp=password_stamp(user),
        )
        audit.record(
            user,
            "create",
            token,
            changes={"scopes": [None, scopes], "expires_at": [None, expires_at.isoformat()]},
        )
    return token, raw


def _clean_token(name: str, scopes, expires_at):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    scopes = list(API_SCOPES) if scopes is None else sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in API_SCOPES]
    if unknown or not scopes:
        raise ValidationError(
            {
                "scopes": _("Choose scopes from %(all)s (unknown: %(unknown)s).")
                % {"all": ", ".join(API_SCOPES), "unknown": ", ".join(unknown) or "none"}
            }
        )
    now = timezone.now()
    if expires_at is None:
        expires_at = now + dt.timedelta(days=settings.TASE_TOKEN_DAYS)
    if expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    return name, scopes, expires_at


def revoke_tokens_of(actor_user, user: User, reason: str) -> int:
    """Revoke every live token of ``user`` (a membership ended), audited; how many."""
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor_user, "revoke", token, changes={"reason": [None, reason]})
    return len(tokens)


@transaction.atomic
def revoke_api_token(user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(user, "revoke", token)


# -- two-factor authentication: tase.core.two_factor -----------------------------------

start_totp = two_factor.start_totp
confirm_totp = two_factor.confirm_totp
disable_totp = two_factor.disable_totp
reset_two_factor = two_factor.reset_for_member
