"""Two-factor authentication: the authenticator app (TOTP, django-otp), recovery codes, who
must use a second factor, and the fresh check that sensitive acts ask for.

- Every user may turn it on (account page). Turning it on makes ten recovery codes, shown
  once and stored as SHA-256 digests; each works once in place of the app's code, at sign-in
  or for a fresh check. A new set replaces the old one.
- It is required of the vendor's staff when ``TASE_REQUIRE_STAFF_2FA`` is on (production),
  and of a customer's finance and payroll roles (:data:`tase.core.roles.FINANCE_ROLES`) when
  their organization says so (``Organization.require_2fa_for_finance``). A session of such a
  user without a verified second factor is sent to set one up or to enter its code; a token
  of such a user without an authenticator is refused (tase.apiutil.TokenAuth).
- A main user may reset a member's lost authenticator (:func:`reset_for_member`): the
  authenticator and recovery codes go, and the member must set up a new one before doing
  anything else (``User.must_set_up_2fa``), at the next request or sign-in.
- A fresh check: making an API token, turning the second factor off and making new recovery
  codes need a code entered within ``TASE_2FA_FRESH_SECONDS`` (the session remembers when).
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .access import Actor
from .models import Membership, Organization, RecoveryCode, User
from .roles import FINANCE_ROLES

SESSION_KEY = "tase_2fa_at"  # when the session's user last entered a code (epoch seconds)
RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper


# -- who -------------------------------------------------------------------------------------


def has_two_factor(user: User) -> bool:
    """Whether ``user`` has a confirmed authenticator."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required(user: User) -> bool:
    """Whether ``user`` must sign in with a second factor: vendor staff under
    ``TASE_REQUIRE_STAFF_2FA``, and a finance or payroll role of a customer organization
    that requires it; and a user whose lost authenticator was reset, until a new one is set
    up. Reads the user's memberships once (cached by :class:`Actor`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.must_set_up_2fa:
        return True
    actor = Actor.of(user)
    if settings.TASE_REQUIRE_STAFF_2FA and actor.is_vendor_staff:
        return True
    return any(
        m.organization.require_2fa_for_finance and m.role in FINANCE_ROLES
        for m in actor.customer_memberships
    )


# -- fresh checks -----------------------------------------------------------------------------


def mark_verified(session) -> None:
    """Remember in ``session`` that its user has just entered a code."""
    session[SESSION_KEY] = time.time()


def verified_at(session) -> float | None:
    return session.get(SESSION_KEY) if session is not None else None


def is_fresh(at: float | None) -> bool:
    return at is not None and time.time() - at <= settings.TASE_2FA_FRESH_SECONDS


def needs_fresh_check(user: User) -> bool:
    """Whether a sensitive act of ``user`` asks for a fresh code: when the user has a second
    factor, or must have one."""
    return has_two_factor(user) or two_factor_required(user)


def require_fresh(user: User, at: float | None, code: str = "", *, field: str = "code") -> None:
    """Refuse (ValidationError on ``field``) unless ``user`` entered a code within
    ``TASE_2FA_FRESH_SECONDS`` (``at``) or ``code`` is a valid one now. A user who must use a
    second factor but has none is told to turn it on first."""
    if not needs_fresh_check(user):
        return
    if not has_two_factor(user):
        raise ValidationError(
            {field: _("Turn on two-factor authentication first: your role requires it.")}
        )
    if code:
        check_code(user, code, field=field)
    elif not is_fresh(at):
        minutes = settings.TASE_2FA_FRESH_SECONDS // 60
        raise ValidationError(
            {
                field: _(
                    "Enter a code from your authenticator app: this needs a code entered "
                    "within the last %(minutes)d minutes."
                )
                % {"minutes": minutes}
            }
        )


def check_code(user: User, code: str, *, field: str = "code", recovery: bool = True) -> str:
    """Check a code of ``user``: the authenticator's, or (``recovery``) an unused recovery
    code, which is then spent. Returns ``"totp"`` or ``"recovery"``; a wrong code is a
    ValidationError on ``field`` and an audit event."""
    plain = _normalise(code)
    digits = plain.isdigit()
    if digits:
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(plain):
                return "totp"
    elif recovery and plain and _spend_recovery_code(user, plain):
        return "recovery"
    with transaction.atomic():
        audit.record(user, "2fa_failed", user, label=user.email)
    raise ValidationError({field: _("The code is not correct.")})


def _normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


# -- recovery codes --------------------------------------------------------------------------


def recovery_digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _make_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, digest=recovery_digest(code)) for code in codes]
    )
    return codes


@transaction.atomic
def _spend_recovery_code(user: User, plain: str) -> bool:
    row = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, digest=recovery_digest(plain), used_at__isnull=True)
        .first()
    )
    if row is None:
        return False
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    audit.record(user, "recovery_code_used", user, changes={"left": [left + 1, left]})
    return True


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def renew_recovery_codes(user: User, *, at: float | None = None, code: str = "") -> list[str]:
    """A new set of recovery codes for ``user`` (the old set stops working), after a fresh
    check. Returned once; only digests are kept."""
    if not has_two_factor(user):
        raise ValidationError({"code": _("Turn on two-factor authentication first.")})
    require_fresh(user, at, code)  # outside the write's transaction: a wrong code stays audited
    with transaction.atomic():
        codes = _make_recovery_codes(user)
        audit.record(user, "recovery_codes_renewed", user)
    return codes


# -- the authenticator -----------------------------------------------------------------------


@transaction.atomic
def start_totp(user: User) -> TOTPDevice:
    """An unconfirmed authenticator device for ``user`` (replacing any unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


@transaction.atomic
def confirm_totp(user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the new device with a code it shows; it replaces any earlier one. Returns a
    new set of recovery codes, to be shown once."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(_normalise(token)):
        raise ValidationError(
            {"token": _("The code is not correct. Check your device's clock and try again.")}
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if user.must_set_up_2fa:
        user.must_set_up_2fa = False
        user.save(update_fields=["must_set_up_2fa"])
    codes = _make_recovery_codes(user)
    audit.record(user, "2fa_enabled", user)
    return codes


def disable_totp(user: User, *, at: float | None = None, code: str = "") -> None:
    """Turn the second factor off after a fresh check; refused while the user's role
    requires it. The recovery codes go with it."""
    if two_factor_required(user):
        raise ValidationError(
            {"code": _("Your role requires two-factor authentication; it cannot be turned off.")}
        )
    if not has_two_factor(user):
        TOTPDevice.objects.filter(user=user).delete()  # an unconfirmed one, if any
        return
    require_fresh(user, at, code)  # outside the write's transaction: a wrong code stays audited
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit.record(user, "2fa_disabled", user)


def _reset_action(organization: Organization) -> str:
    return "staff.manage" if organization.is_vendor else "users.reset_2fa"


@transaction.atomic
def reset_for_member(actor: Actor, membership: Membership) -> Membership:
    """Reset the lost authenticator of ``membership``'s user: the device and the recovery
    codes are removed, and the user must set up a new authenticator at the next request or
    sign-in (until then their tokens are refused too). Audited in the organization.

    Refused for oneself (use a recovery code, or ask another main user), for a user who has
    no authenticator, and for a user who also belongs to an organization where the actor
    may not reset it: a second factor is the person's, not one organization's."""
    organization = membership.organization
    actor.require(_reset_action(organization), organization)
    user = User.objects.select_for_update().get(pk=membership.user_id)
    if user.pk == actor.user.pk:
        raise ValidationError(
            {
                "user": _(
                    "You cannot reset your own authenticator: sign in with a recovery code, "
                    "or ask another main user."
                )
            }
        )
    others = (
        Membership.objects.filter(user=user)
        .exclude(organization=organization)
        .select_related("organization")
    )
    if any(not actor.can(_reset_action(m.organization), m.organization) for m in others):
        raise ValidationError(
            {
                "user": _(
                    "%(name)s also belongs to another organization: ask the vendor's "
                    "administrator to reset the authenticator."
                )
                % {"name": user.full_name}
            }
        )
    if not has_two_factor(user):
        raise ValidationError(
            {"user": _("%(name)s has no authenticator to reset.") % {"name": user.full_name}}
        )
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    user.must_set_up_2fa = True
    user.save(update_fields=["must_set_up_2fa"])
    audit.record(
        actor.user,
        "2fa_reset",
        user,
        organization=organization,
        changes={"must_set_up_2fa": [False, True]},
    )
    membership.user = user
    return membership


# -- the organization's requirement ----------------------------------------------------------


@transaction.atomic
def set_finance_requirement(actor: Actor, organization: Organization, required: bool):
    """Require (or stop requiring) two-factor authentication of the organization's finance
    and payroll roles. Its people without an authenticator are asked to set one up at their
    next request."""
    actor.require("organization.security", organization)
    if organization.is_vendor:
        raise ValidationError(
            {
                "require_2fa_for_finance": _(
                    "The vendor's staff follow the installation's setting (TASE_REQUIRE_STAFF_2FA)."
                )
            }
        )
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.require_2fa_for_finance != required:
        organization.require_2fa_for_finance = required
        organization.save(update_fields=["require_2fa_for_finance"])
        audit.record(
            actor.user,
            "update",
            organization,
            changes={"require_2fa_for_finance": [not required, required]},
        )
    return organization
