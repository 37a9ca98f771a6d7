"""Two-factor authentication: offered to everyone, required of an organization's finance and
payroll roles when it says so (at sign-in, for sessions and for tokens), recovery codes, and
the fresh code that making a token, turning 2FA off and renewing the codes ask for."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tase.core import services, two_factor
from tase.core.models import ApiToken, AuditEvent, RecoveryCode
from tase.core.permissions import allowed
from tase.core.roles import CUSTOMER_ROLES, FINANCE_ROLES, Role

FINANCE_ACTIONS = (
    "ledger.post",
    "ledger.manage",
    "sales.invoice",
    "sales.payments",
    "payroll.view",
    "payroll.manage",
    "payroll.approve",
)


@pytest.fixture(autouse=True)
def _no_totp_slowdown(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows down retries after a wrong code


def device_of(user):
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code(device) -> str:
    return f"{totp(device.bin_key):06d}"


def later(minutes):
    """A moment ``minutes`` from now: a TOTP code is accepted once per 30-second step."""
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)


def bearer(raw):
    return Client(headers={"authorization": f"Bearer {raw}"})


def require_finance_2fa(world, org=None):
    org = org or world.org
    two_factor.set_finance_requirement(world.actor(Role.MAIN_USER), org, True)


def test_finance_roles_are_the_customer_roles_that_keep_books_or_payroll():
    derived = {
        role for role in CUSTOMER_ROLES if any(allowed(role, action) for action in FINANCE_ACTIONS)
    }
    assert derived == FINANCE_ROLES == {Role.MAIN_USER, Role.ACCOUNTANT, Role.PAYROLL_CLERK}


def test_every_user_may_turn_it_on_with_a_qr_code(world):
    client = world.client(Role.EMPLOYEE)
    page = client.get("/account/")
    assert page.status_code == 200 and "/account/2fa/setup/" in page.text
    setup = client.get("/account/2fa/setup/")
    assert setup.status_code == 200 and "<svg" in setup.text  # the QR code, drawn inline
    assert 'data-testid="totp-secret"' in setup.text


def test_organization_requirement_reaches_finance_sessions_only(world):
    require_finance_2fa(world)
    accountant = world.client(Role.ACCOUNTANT)
    assert accountant.get("/").url == "/account/2fa/setup/"
    assert accountant.get("/api/v1/me").status_code == 403
    assert world.client(Role.VIEWER).get("/").status_code == 200  # not a finance role
    assert world.client(Role.ACCOUNTANT, other=True).get("/").status_code == 200  # other org
    assert world.client(Role.CONSULTANT).get("/").status_code == 200  # staff: the setting's
    # With an authenticator but a session that never entered its code: asked for the code.
    device = device_of(world.users[Role.ACCOUNTANT])
    response = accountant.get("/ledger/?x=1")
    assert response.status_code == 302
    assert response.url.startswith("/account/2fa/verify/?next=")
    response = accountant.post(response.url, {"code": code(device), "next": "/ledger/?x=1"})
    assert response.url == "/ledger/?x=1"
    assert accountant.get("/").status_code == 200


def test_organization_requirement_is_enforced_at_sign_in(world, password):
    require_finance_2fa(world)
    user = world.users[Role.PAYROLL_CLERK]
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": password})
    assert response.status_code == 302
    assert client.get("/").url == "/account/2fa/setup/"  # no authenticator yet
    setup = client.get("/account/2fa/setup/")
    assert "Roolisi edellyttää" in setup.text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/account/2fa/setup/", {"token": code(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert client.get("/").status_code == 200
    # Next time the password alone is not enough.
    fresh = Client()
    response = fresh.post("/login/", {"username": user.email, "password": password})
    assert response.url == "/login/verify/"


def test_a_finance_token_without_an_authenticator_is_refused(world):
    user = world.users[Role.ACCOUNTANT]
    _token, raw = services.create_api_token(user, "script")
    assert bearer(raw).get("/api/v1/me").status_code == 200
    require_finance_2fa(world)
    response = bearer(raw).get("/api/v1/me")
    assert response.status_code == 403 and "Two-factor" in response.text
    device_of(user)
    assert bearer(raw).get("/api/v1/me").status_code == 200
    viewer_token = services.create_api_token(world.users[Role.VIEWER], "viewer")[1]
    assert bearer(viewer_token).get("/api/v1/me").status_code == 200


def test_the_requirement_is_set_on_the_page_and_through_the_api(world):
    main_user = world.client(Role.MAIN_USER)
    url = f"/organizations/{world.org.pk}/security/"
    assert main_user.get(url).status_code == 200
    response = main_user.post(url, {"require_2fa_for_finance": "on"})
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.require_2fa_for_finance
    event = AuditEvent.objects.get(action="update", object_type="core.organization")
    assert event.changes == {"require_2fa_for_finance": [False, True]}
    api = f"/api/v1/organizations/{world.org.pk}/security"
    body = {"require_2fa_for_finance": False}
    answer = main_user.patch(api, body, content_type="application/json")
    # The main user is a finance role of an organization that now requires it: first a code.
    assert answer.status_code == 403
    admin = world.client(Role.ADMIN)
    answer = admin.patch(api, body, content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {
        "id": world.org.pk,
        "require_2fa_for_finance": False,
    }
    assert world.client(Role.VIEWER).post(url, {}).status_code == 403
    assert world.client(Role.MAIN_USER, other=True).get(url).status_code == 404
    other = world.client(Role.MAIN_USER, other=True)
    assert other.patch(api, body, content_type="application/json").status_code == 404
    assert admin.get(f"/organizations/{world.vendor.pk}/security/").status_code == 404


def test_recovery_codes_are_shown_once_stored_hashed_and_work_once(world, password):
    user = world.users[Role.MAIN_USER]
    client = world.client(Role.MAIN_USER)
    client.get("/account/2fa/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    codes = client.post("/account/2fa/setup/", {"token": code(device)}).context["codes"]
    assert len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert all(c not in client.get("/account/").text for c in codes)  # shown once
    # Sign in with a recovery code instead of the app's code (typed with spaces, upper case).
    signer = Client()
    signer.post("/login/", {"username": user.email, "password": password})
    typed = codes[0].upper().replace("-", " ")
    assert signer.post("/login/verify/", {"code": typed}).status_code == 302
    assert signer.get("/").status_code == 200
    assert two_factor.recovery_codes_left(user) == 9
    assert AuditEvent.objects.filter(action="recovery_code_used", object_id=str(user.pk)).exists()
    # The same code does not work twice.
    again = Client()
    again.post("/login/", {"username": user.email, "password": password})
    refused = again.post("/login/verify/", {"code": codes[0]})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert again.get("/").status_code == 302


def test_renewing_recovery_codes_needs_a_fresh_code_and_ends_the_old_ones(world):
    user = world.users[Role.ACCOUNTANT]
    device = device_of(user)
    old = two_factor._make_recovery_codes(user)
    client = world.client(Role.ACCOUNTANT)  # a session that never entered a code
    refused = client.post("/account/2fa/recovery-codes/", {"renew-confirm": "1"})
    assert refused.status_code == 422 and "koodi" in refused.text
    unconfirmed = client.post("/account/2fa/recovery-codes/", {"renew-code": code(device)})
    assert unconfirmed.status_code == 422  # the consequence is confirmed once more
    with later(1):
        response = client.post(
            "/account/2fa/recovery-codes/", {"renew-code": code(device), "renew-confirm": "1"}
        )
    new = response.context["codes"]
    assert response.status_code == 200 and len(new) == 10
    with pytest.raises(Exception, match="code"):
        two_factor.check_code(user, old[0])
    assert two_factor.check_code(user, new[0]) == "recovery"


def test_making_a_token_on_the_page_needs_a_fresh_code(world):
    user = world.users[Role.PAYROLL_CLERK]
    device = device_of(user)
    client = world.client(Role.PAYROLL_CLERK)
    form = {"name": "palkat", "scopes": ["payroll:read"], "expires_at": "30.6.2027"}
    refused = client.post("/account/tokens/", form)
    assert refused.status_code == 422
    assert refused.context["token_form"].errors["code"]
    assert not ApiToken.objects.filter(user=user).exists()
    wrong = client.post("/account/tokens/", form | {"code": "000000"})
    assert wrong.status_code == 422 and not ApiToken.objects.filter(user=user).exists()
    made = client.post("/account/tokens/", form | {"code": code(device)})
    assert made.status_code == 200 and "tase_" in made.text
    token = ApiToken.objects.get(user=user)
    assert token.scopes == ["payroll:read"]
    assert timezone.localtime(token.expires_at).date() == dt.date(2027, 6, 30)
    # Within the next five minutes no code is asked again; after them it is.
    with later(4):
        assert client.post("/account/tokens/", form | {"name": "toinen"}).status_code == 200
    with later(6):
        assert client.post("/account/tokens/", form | {"name": "kolmas"}).status_code == 422
    assert ApiToken.objects.filter(user=user).count() == 2


def test_making_a_token_through_the_api_needs_a_code_in_the_body(world):
    user = world.users[Role.MAIN_USER]
    device = device_of(user)
    _old, raw = services.create_api_token(user, "old", operator=True)
    body = {"name": "robot", "scopes": ["ledger:read"], "expires_on": "2027-06-30"}
    client = bearer(raw)
    refused = client.post("/api/v1/me/tokens", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "code"]
    made = client.post(
        "/api/v1/me/tokens", body | {"code": code(device)}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    secret = made.json()["secret"]
    assert made.json()["token"]["scopes"] == ["ledger:read"]
    assert (
        bearer(secret).get(f"/api/v1/ledger/companies/{world.company.pk}/accounts").status_code
        == 200
    )
    listed = client.get("/api/v1/me/tokens").json()
    assert {t["name"] for t in listed} == {"old", "robot"}
    past = client.post(
        "/api/v1/me/tokens",
        body | {"expires_on": "2020-01-01"},
        content_type="application/json",
    )
    assert past.status_code == 422 and past.json()["detail"][0]["loc"] == ["body", "expires_on"]


def test_a_user_who_must_use_2fa_but_has_none_cannot_make_a_token(world, settings):
    settings.TASE_REQUIRE_STAFF_2FA = True
    staff = world.users[Role.CONSULTANT]
    with pytest.raises(Exception, match=r"two-factor|kaksivaiheinen"):
        services.create_api_token(staff, "script")
    token, _raw = services.create_api_token(staff, "cli", operator=True)  # `tase token create`
    assert token.pk


def test_a_user_without_2fa_makes_tokens_without_a_code(world):
    client = world.client(Role.VIEWER)
    form = {"name": "raportit", "scopes": ["ledger:read"], "expires_at": "31.12.2027"}
    assert client.post("/account/tokens/", form).status_code == 200


def test_turning_2fa_off_needs_a_code_and_confirmation_and_is_refused_when_required(world):
    user = world.users[Role.ACCOUNTANT]
    device = device_of(user)
    two_factor._make_recovery_codes(user)
    client = world.client(Role.ACCOUNTANT)
    assert client.post("/account/2fa/disable/", {"off-confirm": "1"}).status_code == 422
    assert client.post("/account/2fa/disable/", {"off-code": code(device)}).status_code == 422
    assert TOTPDevice.objects.filter(user=user).exists()
    with later(1):
        response = client.post(
            "/account/2fa/disable/", {"off-code": code(device), "off-confirm": "1"}
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    # Required by the organization: cannot be turned off.
    device = device_of(user)
    require_finance_2fa(world)
    with pytest.raises(Exception, match=r"role|Roolisi"):
        two_factor.disable_totp(user, code=code(device))


def test_the_account_page_lists_tokens_with_scopes_and_expiry_and_revokes(
    world, django_assert_max_num_queries
):
    user = world.users[Role.ACCOUNTANT]
    for n in range(5):
        services.create_api_token(user, f"t{n}", scopes=["ledger:read", "sales:write"])
    expired, raw = services.create_api_token(user, "vanha")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    client = world.client(Role.ACCOUNTANT)
    client.get("/account/")  # warm the session
    with django_assert_max_num_queries(16):
        page = client.get("/account/")
    assert page.status_code == 200
    assert page.text.count("<code>sales:write</code>") == 6  # "vanha" has every scope
    assert "Vanhentunut" in page.text  # the expired one, marked
    unconfirmed = client.post(f"/account/tokens/{expired.pk}/revoke/")
    assert unconfirmed.status_code == 302
    expired.refresh_from_db()
    assert expired.revoked_at is None
    client.post(f"/account/tokens/{expired.pk}/revoke/", {"confirm": "1"})
    expired.refresh_from_db()
    assert expired.revoked_at is not None
    other = world.client(Role.ACCOUNTANT, other=True)
    token = ApiToken.objects.filter(user=user, revoked_at__isnull=True).first()
    assert other.post(f"/account/tokens/{token.pk}/revoke/", {"confirm": "1"}).status_code == 404
    assert other.post(f"/api/v1/me/tokens/{token.pk}/revoke").status_code == 404
    own = world.client(Role.ACCOUNTANT)
    answer = own.post(f"/api/v1/me/tokens/{token.pk}/revoke")
    assert answer.status_code == 200 and answer.json()["id"] == token.pk
    assert bearer(raw).get("/api/v1/me").status_code == 401  # expired, and revoked


def test_two_factor_through_the_api(world):
    user = world.users[Role.VIEWER]
    _token, raw = services.create_api_token(user, "script")
    client = bearer(raw)
    assert client.get("/api/v1/me/two-factor").json() == {
        "enabled": False,
        "required": False,
        "recovery_codes_left": 0,
    }
    setup = client.post("/api/v1/me/two-factor/setup").json()
    assert setup["otpauth_url"].startswith("otpauth://totp/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(
        "/api/v1/me/two-factor/confirm", {"code": "1"}, content_type="application/json"
    )
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "code"]
    codes = client.post(
        "/api/v1/me/two-factor/confirm", {"code": code(device)}, content_type="application/json"
    ).json()["recovery_codes"]
    assert len(codes) == 10
    assert client.get("/api/v1/me/two-factor").json()["recovery_codes_left"] == 10
    renewed = client.post(
        "/api/v1/me/two-factor/recovery-codes", {"code": codes[0]}, content_type="application/json"
    )
    assert (
        renewed.status_code == 200 and len(set(renewed.json()["recovery_codes"]) - set(codes)) == 10
    )
    no_code = client.post("/api/v1/me/two-factor/disable", {}, content_type="application/json")
    assert no_code.status_code == 422
    with later(1):
        off = client.post(
            "/api/v1/me/two-factor/disable", {"code": code(device)}, content_type="application/json"
        )
    assert off.status_code == 200 and off.json()["enabled"] is False


# Every page write here beside the API operation doing the same.
PAGE_WRITES = {
    "token_create": ("post", "/api/v1/me/tokens"),
    "token_revoke": ("post", "/api/v1/me/tokens/{token_id}/revoke"),
    "two_factor_setup": ("post", "/api/v1/me/two-factor/confirm"),
    "two_factor_disable": ("post", "/api/v1/me/two-factor/disable"),
    "recovery_codes_renew": ("post", "/api/v1/me/two-factor/recovery-codes"),
    "organization_security": ("patch", "/api/v1/organizations/{organization_id}/security"),
    "member_reset_two_factor": ("post", "/api/v1/members/{membership_id}/reset-two-factor"),
}


@pytest.mark.parametrize("page", sorted(PAGE_WRITES))
def test_page_write_has_an_api_operation(page):
    from django.urls import reverse

    from tase.api import api

    schema = api.get_openapi_schema()
    method, path = PAGE_WRITES[page]
    assert method in schema["paths"][path]
    assert reverse(page, args=[1]) if "{" in path else reverse(page)
