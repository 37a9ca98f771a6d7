"""A main user resets a member's lost authenticator: the app and the recovery codes stop
working, the member must set up a new one at the next sign-in (and tokens wait for it), the
reset is audited, and it reaches only the main user's own organization."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tase.core import services, two_factor
from tase.core.models import AuditEvent, Membership, RecoveryCode
from tase.core.roles import Role
from tests.core.test_two_factor import bearer, code, device_of
from tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _no_totp_slowdown(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def membership_of(user, organization):
    return Membership.objects.get(user=user, organization=organization)


@pytest.fixture
def lost(world):
    """The accountant, who had an authenticator and recovery codes."""
    user = world.users[Role.ACCOUNTANT]
    device_of(user)
    two_factor._make_recovery_codes(user)
    return membership_of(user, world.org)


def test_the_main_user_resets_on_the_page_and_the_member_sets_up_again(world, lost, password):
    main_user = world.client(Role.MAIN_USER)
    detail = main_user.get(f"/organizations/{world.org.pk}/")
    url = f"/memberships/{lost.pk}/two-factor/reset/"
    assert url in detail.text  # offered for a member with an authenticator only
    viewer = membership_of(world.users[Role.VIEWER], world.org)
    assert f"/memberships/{viewer.pk}/two-factor/reset/" not in detail.text
    page = main_user.get(url)
    assert page.status_code == 200 and "Nollaa todennussovellus" in page.text
    unconfirmed = main_user.post(url, {"confirm": ""})
    assert unconfirmed.status_code == 422 and two_factor.has_two_factor(lost.user)

    done = main_user.post(url, {"confirm": "on"})
    assert done.status_code == 302 and done.url == f"/organizations/{world.org.pk}/"
    user = lost.user
    user.refresh_from_db()
    assert user.must_set_up_2fa
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="2fa_reset")
    assert event.actor == world.users[Role.MAIN_USER] and event.organization == world.org
    assert event.object_id == str(user.pk)
    assert "Todennussovellus nollattu" in main_user.get(f"/organizations/{world.org.pk}/").text

    # The member signs in with the password and must set up a new authenticator first.
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": password})
    assert response.status_code == 302
    assert client.get("/").url == "/account/2fa/setup/"
    setup = client.get("/account/2fa/setup/")
    assert "Todennussovelluksesi nollattiin" in setup.text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/account/2fa/setup/", {"token": code(device)}).status_code == 200
    user.refresh_from_db()
    assert not user.must_set_up_2fa
    assert client.get("/").status_code == 200


def test_a_reset_members_tokens_wait_for_the_new_authenticator(world, lost):
    _token, raw = services.create_api_token(lost.user, "script", code=code(device_of(lost.user)))
    assert bearer(raw).get("/api/v1/me").status_code == 200
    services.reset_two_factor(world.actor(Role.MAIN_USER), lost)
    assert bearer(raw).get("/api/v1/me").status_code == 403
    lost.user.refresh_from_db()
    device = two_factor.start_totp(lost.user)
    two_factor.confirm_totp(lost.user, device, code(device))
    assert bearer(raw).get("/api/v1/me").status_code == 200


def test_reset_through_the_api(world, lost):
    main_user = world.client(Role.MAIN_USER)
    listed = main_user.get(f"/api/v1/organizations/{world.org.pk}/members").json()["items"]
    row = next(item for item in listed if item["id"] == lost.pk)
    assert row["has_two_factor"] is True and row["must_set_up_2fa"] is False
    response = main_user.post(f"/api/v1/members/{lost.pk}/reset-two-factor")
    assert response.status_code == 200
    assert response.json()["has_two_factor"] is False
    assert response.json()["must_set_up_2fa"] is True
    again = main_user.post(f"/api/v1/members/{lost.pk}/reset-two-factor")
    assert again.status_code == 422 and "ei ole nollattavaa" in again.json()["detail"][0]["msg"]
    assert AuditEvent.objects.filter(action="2fa_reset").count() == 1


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.PAYROLL_CLERK, Role.VIEWER])
def test_only_the_main_user_of_the_customer_may_reset(world, lost, role):
    if role == Role.ACCOUNTANT:
        lost = membership_of(world.users[Role.VIEWER], world.org)
        device_of(lost.user)
    client = world.client(role)
    assert client.post(f"/api/v1/members/{lost.pk}/reset-two-factor").status_code == 403
    assert client.get(f"/memberships/{lost.pk}/two-factor/reset/").status_code == 403
    assert two_factor.has_two_factor(lost.user)


def test_another_customers_main_user_gets_404(world, lost):
    other = world.client(Role.MAIN_USER, other=True)
    assert other.post(f"/api/v1/members/{lost.pk}/reset-two-factor").status_code == 404
    assert other.get(f"/memberships/{lost.pk}/two-factor/reset/").status_code == 404
    page = other.post(f"/memberships/{lost.pk}/two-factor/reset/", {"confirm": "on"})
    assert page.status_code == 404
    assert two_factor.has_two_factor(lost.user)
    assert not AuditEvent.objects.filter(action="2fa_reset").exists()


def test_refused_for_oneself_and_for_a_member_of_another_organization(world, lost):
    main_user = world.users[Role.MAIN_USER]
    device_of(main_user)
    own = membership_of(main_user, world.org)
    response = world.client(Role.MAIN_USER).post(f"/api/v1/members/{own.pk}/reset-two-factor")
    assert response.status_code == 422 and "omaa" in response.json()["detail"][0]["msg"]
    # The accountant also keeps the books of customer B: A's main user cannot reset them.
    MembershipFactory(user=lost.user, organization=world.other_org, role=Role.ACCOUNTANT)
    response = world.client(Role.MAIN_USER).post(f"/api/v1/members/{lost.pk}/reset-two-factor")
    assert response.status_code == 422
    assert "toiseen organisaatioon" in response.json()["detail"][0]["msg"]
    assert two_factor.has_two_factor(lost.user) and two_factor.has_two_factor(main_user)
    # The vendor's administrator acts on both customers and may.
    admin = world.client(Role.ADMIN)
    assert admin.post(f"/api/v1/members/{lost.pk}/reset-two-factor").status_code == 200


def test_the_member_sees_the_reset_among_their_sign_in_events(world, lost):
    services.reset_two_factor(world.actor(Role.MAIN_USER), lost)
    client = world.client(Role.ACCOUNTANT)
    assert client.get("/account/").url == "/account/2fa/setup/"
    lost.user.refresh_from_db()
    device = two_factor.start_totp(lost.user)
    two_factor.confirm_totp(lost.user, device, code(device))
    assert "Todennussovellus nollattu" in client.get("/account/").text  # the 2fa_reset event, named
