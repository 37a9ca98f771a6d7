"""Events of no organization (sign-ins, tokens, second factor) stay with the person's
organizations: two vendors, each with customers, in one installation."""

import pytest
from django.test import Client

from tase.core import audit, services
from tase.core.roles import Role
from tests.factories import CompanyFactory, OrganizationFactory, UserFactory, VendorFactory, member


@pytest.fixture
def installation(world):
    """The world's vendor and a second vendor with a customer of its own, each person
    having signed in and made a token."""
    vendor_b = VendorFactory(name="Toinen Toimittaja")
    customer_b = OrganizationFactory(name="Toisen Asiakas", vendor=vendor_b)
    CompanyFactory(organization=customer_b)
    people = {
        "a_admin": world.users[Role.ADMIN],
        "a_customer": world.users[Role.ACCOUNTANT],
        "a_other_customer": world.other_users[Role.ACCOUNTANT],
        "b_admin": member(vendor_b, Role.ADMIN),
        "b_customer": member(customer_b, Role.MAIN_USER),
    }
    for person in people.values():
        audit.record(person, "login", person)
        services.create_api_token(person, f"token of {person.email}")
    audit.record(None, "login_failed", people["b_customer"], label=people["b_customer"].email)
    return people


def _emails(client: Client) -> tuple[set[str], set[str]]:
    """The people named by the no-organization events on the page and in the API."""
    page = client.get("/audit/?page=1")
    assert page.status_code == 200
    api = client.get("/api/v1/audit-events?limit=500").json()["items"]
    return page.text, {row["actor"] for row in api if row["organization_id"] is None}


def test_vendor_admin_sees_only_own_people(installation, world):
    page, seen = _emails(world.client(Role.ADMIN))
    mine = {installation[k].email for k in ("a_admin", "a_customer", "a_other_customer")}
    theirs = {installation[k].email for k in ("b_admin", "b_customer")}
    assert mine <= seen
    assert not seen & theirs
    for email in theirs:
        assert email not in page


def test_other_vendor_admin_sees_only_its_people(installation):
    client = Client()
    client.force_login(installation["b_admin"])
    page, seen = _emails(client)
    assert seen == {installation["b_admin"].email, installation["b_customer"].email}
    assert installation["a_customer"].email not in page


def test_main_user_sees_own_organization_people_not_vendor_staff(installation, world):
    _, seen = _emails(world.client(Role.MAIN_USER))
    assert installation["a_customer"].email in seen
    assert not seen & {installation[k].email for k in ("a_admin", "a_other_customer", "b_admin")}


def test_failed_sign_in_of_other_vendor_customer_stays_there(installation, world):
    events = world.client(Role.ADMIN).get("/api/v1/audit-events?limit=500").json()["items"]
    assert "login_failed" not in {row["action"] for row in events}
    client = Client()
    client.force_login(installation["b_admin"])
    events = client.get("/api/v1/audit-events?limit=500").json()["items"]
    assert "login_failed" in {row["action"] for row in events}


def test_platform_operator_sees_everything(installation):
    operator = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(operator)
    _, seen = _emails(client)
    assert {person.email for person in installation.values()} <= seen


def test_person_without_the_trail_right_sees_nothing(installation, world):
    assert world.client(Role.VIEWER).get("/api/v1/audit-events").status_code == 404
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/audit/").status_code == 404
