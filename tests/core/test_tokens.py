"""API tokens: scopes, expiry, revoked by a password change or a membership ending,
refused to staff without two-factor authentication like their session; the CLI."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tase.core import services
from tase.core.models import ApiToken, AuditEvent, Membership
from tase.core.roles import Role


def bearer(raw):
    return Client(headers={"authorization": f"Bearer {raw}"})


def test_scopes_narrow_the_owner_roles(world):
    user = world.users[Role.MAIN_USER]
    _token, raw = services.create_api_token(user, "reader", scopes=["platform:read"])
    client = bearer(raw)
    assert client.get("/api/v1/me").status_code == 200
    assert client.get(f"/api/v1/ledger/companies/{world.company.pk}/accounts").status_code == 403
    patch = client.patch(
        f"/api/v1/companies/{world.company.pk}", {"city": "Oulu"}, content_type="application/json"
    )
    assert patch.status_code == 403 and "platform:write" in patch.text
    _token, writer = services.create_api_token(user, "writer", scopes=["platform:write"])
    assert bearer(writer).get("/api/v1/me").status_code == 200  # write includes read


def test_unknown_or_no_scope_is_refused(world):
    user = world.users[Role.MAIN_USER]
    for scopes in (["ledger:admin"], []):
        with pytest.raises(Exception, match="scopes"):
            services.create_api_token(user, "x", scopes=scopes)


def test_a_token_expires(world):
    user = world.users[Role.MAIN_USER]
    _token, raw = services.create_api_token(
        user, "short", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    assert bearer(raw).get("/api/v1/me").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert bearer(raw).get("/api/v1/me").status_code == 401


def test_a_default_token_expires_after_the_configured_days(world, settings):
    settings.TASE_TOKEN_DAYS = 30
    token, _raw = services.create_api_token(world.users[Role.MAIN_USER], "default")
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)


def test_a_password_change_ends_the_tokens(world):
    user = world.users[Role.MAIN_USER]
    _token, raw = services.create_api_token(user, "script")
    assert bearer(raw).get("/api/v1/me").status_code == 200
    user.set_password("Uusi-pitkä-salasana-2026")
    user.save()
    assert bearer(raw).get("/api/v1/me").status_code == 401


def test_a_membership_ending_revokes_the_tokens(world):
    user = world.users[Role.ACCOUNTANT]
    token, raw = services.create_api_token(user, "script")
    membership = Membership.objects.get(user=user, organization=world.org)
    services.set_membership_active(world.actor(Role.MAIN_USER), membership, False)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="revoke", object_id=str(token.pk)).exists()
    services.set_membership_active(world.actor(Role.MAIN_USER), membership, True)
    assert bearer(raw).get("/api/v1/me").status_code == 401  # not back with the membership


def test_staff_without_two_factor_cannot_use_a_token_either(world, settings):
    staff = world.users[Role.CONSULTANT]
    _token, raw = services.create_api_token(staff, "script")  # made before 2FA was required
    settings.TASE_REQUIRE_STAFF_2FA = True
    response = bearer(raw).get("/api/v1/me")
    assert response.status_code == 403 and "Two-factor" in response.text
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    assert bearer(raw).get("/api/v1/me").status_code == 200
    customer = world.users[Role.ACCOUNTANT]  # customers may choose
    _token, raw = services.create_api_token(customer, "script")
    assert bearer(raw).get("/api/v1/me").status_code == 200


def test_cli_creates_a_token_printed_once_and_revokes_it(world):
    user = world.users[Role.MAIN_USER]
    out = io.StringIO()
    call_command(
        "token",
        "create",
        "--user",
        user.email.upper(),
        "--scope",
        "ledger:read",
        "--scope",
        "platform:read",
        "--expires",
        "2099-12-31",
        stdout=out,
    )
    raw = out.getvalue().strip()
    assert raw.startswith("tase_")
    token = ApiToken.objects.get(user=user)
    assert token.scopes == ["ledger:read", "platform:read"]
    assert timezone.localtime(token.expires_at).date() == dt.date(2099, 12, 31)
    assert raw not in str(vars(token))  # only the digest is stored
    assert bearer(raw).get("/api/v1/me").status_code == 200
    call_command("token", "revoke", raw, stdout=io.StringIO())
    assert bearer(raw).get("/api/v1/me").status_code == 401
    with pytest.raises(CommandError):
        call_command("token", "revoke", raw + "x", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command(
            "token",
            "create",
            "--user",
            "nobody@example.com",
            "--scope",
            "ledger:read",
            "--expires",
            "2099-01-01",
            stdout=io.StringIO(),
        )
