"""Sign-in throttling behind a proxy: per account, per address, in total; and passwords
from the common-password list or too short are refused."""

import pytest
from django.test import Client

from tase.core.models import AuditEvent
from tase.core.roles import Role
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
