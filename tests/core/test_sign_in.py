"""Signing in: passwords, throttling, two-factor, reset links, sessions — all in the audit trail."""

import datetime as dt

import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tase.core.models import AuditEvent
from tase.core.roles import Role


def sign_in(client, email, password):
    return client.post("/login/", {"username": email, "password": password})


def test_sign_in_and_out_are_audited(world, password):
    user = world.users[Role.ACCOUNTANT]
    client = Client()
    assert sign_in(client, user.email, password).url == "/"
    client.post("/logout/")
    actions = list(
        AuditEvent.objects.filter(object_id=str(user.pk), object_type="core.user")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["login", "logout"]


def test_failed_sign_in_is_audited_and_named(world):
    user = world.users[Role.VIEWER]
    response = sign_in(Client(), user.email, "wrong-password")
    assert response.status_code == 200 and "form-errors" in response.text
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor_label == user.email and event.object_id == str(user.pk)


def test_guessing_is_locked_out(world, password, settings):
    user = world.users[Role.VIEWER]
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.email, "wrong-password")
    response = sign_in(client, user.email, password)  # even the right password is refused now
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_production_hasher_is_argon2():
    from tase import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    validators = [v["NAME"].rsplit(".", 1)[1] for v in project_settings.AUTH_PASSWORD_VALIDATORS]
    assert "CommonPasswordValidator" in validators and "MinimumLengthValidator" in validators


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_a_used_session_slides_its_expiry_without_a_write_on_every_page(world):
    from django.contrib.sessions.models import Session

    client = Client()

    def expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    with time_machine.travel(dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        client.force_login(world.users[Role.ACCOUNTANT])  # the sign-in saves the session
        assert client.get("/").status_code == 200
        first = expiry()
        assert first == dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
        clock.shift(30)
        client.get("/")
        assert expiry() == first  # read, not written
        clock.shift(31)
        client.get("/")
        assert expiry() == first + dt.timedelta(seconds=61)  # slid: idle time counts from now
        clock.shift(3 * 3600)
        assert client.get("/").status_code == 302  # idle past SESSION_COOKIE_AGE: signed out


def _device(user):
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device, lambda: f"{totp(device.bin_key):06d}"


def test_two_factor_sign_in(world, password, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows down retries after a wrong code
    user = world.users[Role.MAIN_USER]
    _, code = _device(user)
    client = Client()
    response = sign_in(client, user.email, password)
    assert response.url == "/login/verify/"
    assert client.get("/").status_code == 302  # not signed in yet
    assert (
        client.post(
            "/login/verify/", {"code": "000000" if code() != "000000" else "111111"}
        ).status_code
        == 200
    )
    response = client.post("/login/verify/", {"code": code()})
    assert response.status_code == 302 and client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="2fa_failed", object_id=str(user.pk)).count() == 1


def test_two_factor_setup_and_disable_are_audited(world):
    user = world.users[Role.ACCOUNTANT]
    client = world.client(Role.ACCOUNTANT)
    assert client.get("/account/2fa/setup/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/2fa/setup/", {"token": "12345"})
    assert "token" in response.context["form"].errors
    response = client.post("/account/2fa/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    client.post("/account/2fa/disable/", {"off-confirm": "1"})  # the code was just entered
    actions = set(
        AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert {"2fa_enabled", "2fa_disabled"} <= actions


def test_staff_must_use_two_factor_when_required(world, settings):
    settings.TASE_REQUIRE_STAFF_2FA = True
    staff = world.client(Role.CONSULTANT)
    assert staff.get("/organizations/").url == "/account/2fa/setup/"
    assert staff.get("/api/v1/me").status_code == 403
    customer = world.client(Role.ACCOUNTANT)  # customers may choose
    assert customer.get("/").status_code == 200


def test_password_reset_by_email_and_expired_link(world):
    user = world.users[Role.PAYROLL_CLERK]
    Client().post("/password/reset/", {"email": user.email})
    assert len(mail.outbox) == 1 and "/password/reset/" in mail.outbox[0].body
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    client = Client()
    response = client.get(f"/password/reset/{uid}/{token}/", follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Uusi-salasana-2026!", "new_password2": "Uusi-salasana-2026!"},
    )
    assert response.status_code == 302
    # The same link again is spent; so is a forged one.
    response = Client().get(f"/password/reset/{uid}/{token}/", follow=True)
    assert not response.context["validlink"] and 'data-testid="invalid-link"' in response.text


def test_expired_reset_link_is_refused(world, settings):
    user = world.users[Role.VIEWER]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    a_day_later = dt.datetime.now(dt.UTC) + dt.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT, hours=3
    )
    with time_machine.travel(a_day_later):
        response = Client().get(f"/password/reset/{uid}/{token}/", follow=True)
    assert not response.context["validlink"]


def test_password_change_keeps_validators(world, password):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(
        "/password/change/",
        {"old_password": password, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200 and response.context["form"].errors["new_password2"]


def test_password_reset_mail_that_cannot_be_sent_is_not_reported_sent(world, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }
    user = world.users[Role.PAYROLL_CLERK]
    response = Client().post("/password/reset/", {"email": user.email})
    assert response.status_code == 503
    assert "could not be sent" in response.text or "lähettää" in response.text
    assert 'role="alert"' in response.text
