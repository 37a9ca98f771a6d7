"""API of the signed-in user's own account: API tokens and two-factor authentication, and an
organization's requirement of two-factor authentication for its finance and payroll roles.

The same services as the account page. A fresh check (making a token, turning two-factor
authentication off, new recovery codes) takes ``code`` in the body, or a code entered in the
same browser session within ``TASE_2FA_FRESH_SECONDS``."""

import base64
import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Field, Router, Schema, Status

from tase.apiutil import Day, actor

from . import services, two_factor
from .models import API_SCOPES

router = Router(tags=["platform"])

CODE_DESCRIPTION = (
    "A code from the authenticator app (or a recovery code). Needed when the user has "
    "two-factor authentication on or the role requires it, unless the same browser session "
    "entered a code within the last few minutes."
)


def _session(request):
    """The browser session when the call came with one; a token's call has none to trust
    (a client that keeps cookies must not carry a fresh check over to its token)."""
    if getattr(request, "api_token", None) is not None:
        return None
    return getattr(request, "session", None)


def _session_verified_at(request):
    return two_factor.verified_at(_session(request))


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters after tase_, to tell it apart")
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Literal[API_SCOPES]] = Field(min_length=1, description="Write includes read")
    expires_on: Day = Field(description="The last day the token works")
    code: str = Field("", max_length=20, description=CODE_DESCRIPTION)


class TokenCreatedOut(Schema):
    token: TokenOut
    secret: str = Field(description="The token itself, shown only in this answer")


@router.get("/me/tokens", response=list[TokenOut], summary="The signed-in user's live API tokens")
def list_tokens(request):
    return request.auth.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")


@router.post("/me/tokens", response={201: TokenCreatedOut}, summary="Make an API token")
def create_token(request, payload: TokenIn):
    if payload.expires_on.year >= dt.MAXYEAR:
        raise ValidationError({"expires_on": "Choose a date before the year 9999."})
    try:
        token, raw = services.create_api_token(
            request.auth,
            payload.name,
            scopes=payload.scopes,
            expires_at=timezone.make_aware(dt.datetime.combine(payload.expires_on, dt.time.max)),
            verified_at=_session_verified_at(request),
            code=payload.code,
        )
    except ValidationError as error:  # the service names its expires_at; the body expires_on
        raise ValidationError(
            {
                "expires_on" if field == "expires_at" else field: messages
                for field, messages in error.message_dict.items()
            }
        ) from None
    return Status(201, {"token": token, "secret": raw})


@router.post(
    "/me/tokens/{int:token_id}/revoke",
    response=TokenOut,
    summary="Revoke one of the signed-in user's tokens; it stops working at once",
)
def revoke_token(request, token_id: int):
    token = request.auth.api_tokens.filter(pk=token_id).first()
    if token is None:
        raise Http404
    services.revoke_api_token(request.auth, token)
    return token


class TwoFactorOut(Schema):
    enabled: bool
    required: bool = Field(description="Whether the user's roles require it")
    recovery_codes_left: int


class TotpSetupOut(Schema):
    otpauth_url: str = Field(
        description="For the authenticator app (the page shows it as a QR code)"
    )
    secret: str = Field(description="The same key in base32, to type by hand")


class CodeIn(Schema):
    code: str = Field("", max_length=20, description=CODE_DESCRIPTION)


class RecoveryCodesOut(Schema):
    recovery_codes: list[str] = Field(description="Shown only in this answer; each works once")


def _status(user) -> dict:
    enabled = two_factor.has_two_factor(user)
    return {
        "enabled": enabled,
        "required": two_factor.two_factor_required(user),
        "recovery_codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
    }


@router.get("/me/two-factor", response=TwoFactorOut, summary="Two-factor authentication status")
def two_factor_status(request):
    return _status(request.auth)


@router.post(
    "/me/two-factor/setup",
    response=TotpSetupOut,
    summary="Start turning on two-factor authentication: a new authenticator key",
)
def two_factor_setup(request):
    device = services.start_totp(request.auth)
    return {
        "otpauth_url": device.config_url,
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }


@router.post(
    "/me/two-factor/confirm",
    response=RecoveryCodesOut,
    summary="Confirm the new authenticator with its code; answers the recovery codes once",
)
def two_factor_confirm(request, payload: CodeIn):
    device = TOTPDevice.objects.filter(user=request.auth, confirmed=False).first()
    if device is None:
        raise ValidationError({"code": "Start with POST /api/v1/me/two-factor/setup."})
    try:
        codes = services.confirm_totp(request.auth, device, payload.code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from None
    if _session(request) is not None:
        two_factor.mark_verified(request.session)
    return {"recovery_codes": codes}


@router.post(
    "/me/two-factor/disable",
    response=TwoFactorOut,
    summary="Turn two-factor authentication off (refused while the role requires it)",
)
def two_factor_disable(request, payload: CodeIn):
    two_factor.disable_totp(request.auth, at=_session_verified_at(request), code=payload.code)
    return _status(request.auth)


@router.post(
    "/me/two-factor/recovery-codes",
    response=RecoveryCodesOut,
    summary="Make a new set of recovery codes; the earlier ones stop working",
)
def renew_recovery_codes(request, payload: CodeIn):
    codes = two_factor.renew_recovery_codes(
        request.auth, at=_session_verified_at(request), code=payload.code
    )
    return {"recovery_codes": codes}


class OrganizationSecurityIn(Schema):
    require_2fa_for_finance: bool


class OrganizationSecurityOut(Schema):
    id: int
    require_2fa_for_finance: bool


@router.patch(
    "/organizations/{int:organization_id}/security",
    response=OrganizationSecurityOut,
    summary="Require two-factor authentication of the organization's finance and payroll roles",
)
def organization_security(request, organization_id: int, payload: OrganizationSecurityIn):
    current = actor(request)
    organization = current.organization(organization_id)
    return two_factor.set_finance_requirement(
        current, organization, payload.require_2fa_for_finance
    )
