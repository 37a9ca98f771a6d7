"""Sign-in throttling behind a proxy: per account, per address, in total; and passwords
from the common-password list or too short are refused."""

import pytest
from django.test import Client, RequestFactory

from tase.core import services
from tase.core.models import AuditEvent, User
from tase.core.roles import Role
from tase.core.throttle import client_ip
from tests.factories import UserFactory


def attempt(email, password, address, *, forwarded=None):
    """A sign-in through the proxy: the socket address is the proxy's, the client's is in
    X-Forwarded-For (``forwarded``: what the client itself claimed before the proxy)."""
    chain = ", ".join([*(forwarded or []), address])
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=chain)
    response = client.post("/login/", {"username": email, "password": password})
    return response, client


@pytest.fixture
def behind_proxy(settings):
    settings.TASE_TRUSTED_PROXIES = 1
    settings.AXES_FAILURE_LIMIT = 5
    settings.TASE_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    settings.TASE_LOGIN_TOTAL_FAILURE_LIMIT = 12


def test_one_guesser_behind_the_proxy_does_not_lock_out_everyone(world, password, behind_proxy):
    victim, bystander = world.users[Role.VIEWER], world.users[Role.ACCOUNTANT]
    for _ in range(5):
        attempt(victim.email, "wrong-password", "203.0.113.7")
    response, _ = attempt(victim.email, password, "203.0.113.7")
    assert response.status_code == 429
    # Another person behind the same proxy signs in.
    response, client = attempt(bystander.email, password, "198.51.100.20")
    assert response.status_code == 302 and "_auth_user_id" in client.session
    event = AuditEvent.objects.filter(action="login", object_id=str(bystander.pk)).get()
    assert event.ip_address == "198.51.100.20"


def test_an_address_the_client_writes_itself_is_not_trusted(world, password, behind_proxy):
    user = world.users[Role.VIEWER]
    for n in range(8):  # a different forged address each time, one real one
        attempt(f"nobody{n}@example.com", "wrong", "203.0.113.7", forwarded=[f"192.0.2.{n}"])
    response, _ = attempt(user.email, password, "203.0.113.7", forwarded=["192.0.2.99"])
    assert response.status_code == 429  # the address limit counted the real address


def test_the_account_is_locked_from_any_address(world, password, behind_proxy):
    user = world.users[Role.VIEWER]
    for n in range(5):
        attempt(user.email, "wrong-password", f"203.0.113.{n}")
    response, _ = attempt(user.email, password, "198.51.100.20")
    assert response.status_code == 429


def test_spraying_from_many_addresses_hits_the_total_limit(world, password, behind_proxy):
    users = [UserFactory() for _ in range(4)]
    for n in range(12):  # three guesses an account, one an address: under both other limits
        attempt(users[n % 4].email, "Kesä2026!", f"203.0.113.{n}")
    response, _ = attempt(users[0].email, password, "198.51.100.20")
    assert response.status_code == 429  # a sprayed account is locked
    response, _ = attempt(world.users[Role.ACCOUNTANT].email, password, "198.51.100.21")
    assert response.status_code == 302  # someone who never mistyped still gets in


@pytest.mark.parametrize("new", ["salasana123", "qwertyuiop12", "Lyhyt-9"])
def test_common_or_short_passwords_are_refused(world, password, new):
    user = world.users[Role.VIEWER]
    client = Client()
    client.force_login(user)
    response = client.post(
        "/password/change/",
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200  # the form again, with the reason; a change redirects
    user.refresh_from_db()
    assert user.check_password(password)


def test_the_header_counts_only_when_the_connection_comes_from_a_trusted_proxy(
    world, password, behind_proxy
):
    """A client reaching the app server directly (a public address, not a proxy's) writes
    X-Forwarded-For itself: its own socket address is counted, not what it claims."""
    request = RequestFactory(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request.get("/login/")) == "198.51.100.9"
    via_proxy = RequestFactory(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(via_proxy.get("/login/")) == "203.0.113.7"
    user = world.users[Role.VIEWER]
    for n in range(8):  # a new forged address each time, from one real one
        Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            "/login/", {"username": f"nobody{n}@example.com", "password": "wrong"}
        )
    direct = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.200")
    response = direct.post("/login/", {"username": user.email, "password": password})
    assert response.status_code == 429  # the address limit counted the socket's address


def test_trusted_proxy_networks_are_a_setting(behind_proxy, settings):
    settings.TASE_TRUSTED_PROXY_NETWORKS = ["192.0.2.0/24"]
    proxy = RequestFactory(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(proxy.get("/")) == "203.0.113.7"
    private = RequestFactory(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(private.get("/")) == "10.0.0.1"  # no longer a trusted proxy
    settings.TASE_TRUSTED_PROXIES = 0
    assert client_ip(proxy.get("/")) == "192.0.2.10"  # no proxies configured


def test_one_address_is_limited_across_accounts(world, password, behind_proxy):
    for n in range(8):  # one guess each at eight accounts: under the per-account limit
        attempt(f"person{n}@example.com", "wrong-password", "203.0.113.50")
    response, _ = attempt(world.users[Role.VIEWER].email, password, "203.0.113.50")
    assert response.status_code == 429
    response, client = attempt(world.users[Role.VIEWER].email, password, "203.0.113.51")
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize("new", ["salasana123", "Lyhyt-9"])
def test_accepting_an_invitation_refuses_common_or_short_passwords(
    world, new, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_user(
            world.actor(Role.MAIN_USER),
            world.org,
            email="uusi.kayttaja@example.com",
            full_name="Uusi Käyttäjä",
            role=Role.VIEWER,
        )
    link = next(line for line in mailoutbox[-1].body.split() if "/password/reset/" in line)
    client = Client()
    form_url = client.get(link.split("127.0.0.1:8000", 1)[-1], follow=True).redirect_chain[-1][0]
    refused = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert refused.status_code == 200 and refused.context["form"].errors["new_password2"]
    user = User.objects.get(email="uusi.kayttaja@example.com")
    assert not user.has_usable_password()
    good = "Kolme-vihreää-omenaa-2026"
    accepted = client.post(form_url, {"new_password1": good, "new_password2": good})
    assert accepted.status_code == 302
    user.refresh_from_db()
    assert user.check_password(good)


def test_every_password_form_uses_the_validators():
    """Invitation acceptance and password reset (SetPasswordForm), password change
    (PasswordChangeForm) and the admin's forms all call validate_password, which runs
    AUTH_PASSWORD_VALIDATORS: a short or common password is refused by each."""
    from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm

    user = User(email="x@example.com", full_name="X")
    for form in (
        SetPasswordForm(user, {"new_password1": "salasana", "new_password2": "salasana"}),
        PasswordChangeForm(user, {"new_password1": "salasana", "new_password2": "salasana"}),
    ):
        assert not form.is_valid() and form.errors["new_password2"]
