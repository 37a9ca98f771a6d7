"""A user account's personal data: export (JSON, PDF) and pseudonymisation.

Who: the user themselves (export only), or whoever manages the users of an organization the
user belongs to (``users.manage``; ``staff.manage`` for a vendor's own staff). The export from
an organization holds the account, its memberships and audit events in the organizations the
actor manages, and the person's own events (sign-ins, tokens), which the audit trail shows to
every organization the person belongs to.

Pseudonymisation ends the account for good: name, email and phone are replaced, the password
is made unusable, tokens and authenticators are deleted. It is refused while the account has an
active membership anywhere, or a membership in an organization the actor does not manage (that
organization decides about its own users). What is kept, and why:

- **Audit events the person caused** stay as they were written, with the email they then had:
  the trail is append-only and hash-chained (``tase audit verify``) and is part of the proof of
  the books, kept like them 10 years (Kirjanpitolaki 1336/1997 2:10 § 1 mom.).
- **Memberships** stay, inactive, tied to the pseudonym: which role acted when.
- **Payroll employee records** linked to the account have retention periods of their own: see
  the employee's "Personal data" page (``tase.payroll.services.personal_data``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from . import audit
from .access import Actor
from .models import ApiToken, AuditEvent, Membership, Organization, User

LAW_AUDIT = "Kirjanpitolaki 1336/1997 2:10 § 1 mom."


def _manage_action(organization: Organization) -> str:
    return "staff.manage" if organization.is_vendor else "users.manage"


def _managed_organizations(actor: Actor, user: User) -> list[Organization]:
    organizations = {m.organization for m in user.memberships.select_related("organization")}
    return [o for o in organizations if actor.can(_manage_action(o), o)]


def export_user_data(actor: Actor, user: User) -> dict:
    """Everything held of ``user`` that ``actor`` may give out; the export is audited."""
    own = actor.user.pk == user.pk
    organizations = _managed_organizations(actor, user)
    if not own and not organizations:
        raise PermissionDenied
    memberships = user.memberships.select_related("organization").prefetch_related("companies")
    if not own:
        memberships = memberships.filter(organization__in=organizations)
    events = AuditEvent.objects.filter(actor=user).select_related("organization")
    if not own:
        events = events.filter(Q(organization__in=organizations) | Q(organization__isnull=True))
    data = {
        "exported_at": timezone.now().isoformat(),
        "user": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "language": user.language,
            "active": user.is_active,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "memberships": [
            {
                "organization": m.organization.name,
                "role": m.role,
                "companies": sorted(c.name for c in m.companies.all()),
                "active": m.is_active,
                "created_at": m.created_at.isoformat(),
            }
            for m in memberships.order_by("created_at", "pk")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scopes": t.scopes,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in ApiToken.objects.filter(user=user).order_by("created_at")
        ],
        "audit_events": [
            {
                "at": e.at.isoformat(),
                "organization": e.organization.name if e.organization else "",
                "action": e.action,
                "object": e.object_repr,
                "ip_address": e.ip_address,
            }
            for e in events.order_by("at", "pk")
        ],
        "kept_after_erasure": kept_after_erasure(),
    }
    audit.record(
        actor.user,
        "export_personal_data",
        user,
        organization=organizations[0] if organizations and not own else None,
        label=None,
    )
    return data


def kept_after_erasure() -> list[dict]:
    return [
        {
            "data": _("Audit events the person caused, with the email they then had"),
            "reason": _(
                "The audit trail is append-only and hash-chained, part of the proof of the "
                "books, kept like them for 10 years."
            ),
            "law": LAW_AUDIT,
        },
        {
            "data": _("Memberships (inactive, under the pseudonym)"),
            "reason": _("Which role acted when: read with the audit trail."),
            "law": LAW_AUDIT,
        },
        {
            "data": _("Payroll employee records linked to the account"),
            "reason": _("Their own retention periods: see the employee's personal data page."),
            "law": "",
        },
    ]


@transaction.atomic
def erase_user(actor: Actor, user: User) -> User:
    """Pseudonymise ``user`` for good (see the module's docstring for what is kept)."""
    if actor.user.pk == user.pk:
        raise ValidationError({"user": _("You cannot erase your own account.")})
    organizations = _managed_organizations(actor, user)
    if not organizations:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    others = user.memberships.exclude(organization__in=organizations)
    if others.exists():
        raise ValidationError(
            {
                "user": _(
                    "The user belongs to another organization too: that organization decides "
                    "about its own users."
                )
            }
        )
    if user.memberships.filter(is_active=True).exists() or user.is_superuser:
        raise ValidationError({"user": _("Deactivate the user in every organization first.")})
    number = user.pk
    user.email = f"erased-{number}@invalid"
    user.full_name = _("Erased user %(number)s") % {"number": number}
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    ApiToken.objects.filter(user=user).delete()
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit.record(
        actor.user,
        "erase_personal_data",
        user,
        organization=organizations[0],
        changes={
            "erased": [None, ["full_name", "email", "phone", "password", "tokens", "2fa"]],
            "kept": [None, ["audit_events", "memberships"]],
        },
    )
    return user


def membership_user(actor: Actor, membership_pk) -> tuple[Membership, User]:
    """The user of a membership the actor may see (else 404), the actor managing its
    organization (else 403)."""
    membership = (
        Membership.objects.select_related("organization", "user").filter(pk=membership_pk).first()
    )
    if membership is None:
        raise Http404
    organization = actor.organization(membership.organization_id)
    actor.require(_manage_action(organization), organization)
    return membership, membership.user
