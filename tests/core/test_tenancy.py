"""Tenants are walls: another organization's rows answer 404 on every page and API call."""

import pytest

from tase.core.roles import CUSTOMER_ROLES, Role
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    OrganizationFactory,
    VendorFactory,
    member,
)

PAGES = [
    "/organizations/{org}/",
    "/organizations/{org}/companies/new/",
    "/organizations/{org}/users/invite/",
    "/companies/{company}/",
    "/companies/{company}/edit/",
    "/audit/?organization={org}",
]
API = [
    "/api/v1/organizations/{org}",
    "/api/v1/companies/{company}",
    "/api/v1/organizations/{org}/members",
    "/api/v1/audit-events?organization_id={org}",
]


@pytest.mark.parametrize("role", sorted(CUSTOMER_ROLES))
@pytest.mark.parametrize("url", PAGES + API)
def test_customer_cannot_reach_another_organization(world, role, url):
    client = world.client(role)
    response = client.get(url.format(org=world.other_org.pk, company=world.other_company.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("url", PAGES + API)
def test_staff_of_another_vendor_cannot_reach_our_customers(world, url):
    rival = VendorFactory(name="Rival")
    intruder = member(rival, Role.ADMIN)
    from django.test import Client

    client = Client()
    client.force_login(intruder)
    assert client.get(url.format(org=world.org.pk, company=world.company.pk)).status_code == 404


def test_writes_across_the_wall_answer_404_and_change_nothing(world):
    client = world.client(Role.MAIN_USER)
    name = world.other_company.name
    response = client.patch(
        f"/api/v1/companies/{world.other_company.pk}",
        {"name": "Hijacked"},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/organizations/{world.other_org.pk}/members",
        {"email": "x@example.com", "full_name": "X", "role": "viewer"},
        content_type="application/json",
    )
    assert response.status_code == 404
    world.other_company.refresh_from_db()
    assert world.other_company.name == name


def test_lists_show_only_own_rows(world):
    client = world.client(Role.MAIN_USER)
    companies = client.get("/api/v1/companies").json()["items"]
    assert [c["id"] for c in companies] == [world.company.pk]
    organizations = client.get("/api/v1/organizations").json()["items"]
    assert [o["id"] for o in organizations] == [world.org.pk]


def test_membership_limited_to_some_companies(world):
    second = CompanyFactory(organization=world.org, name="Gamma Oy")
    limited = member(world.org, Role.ACCOUNTANT)
    limited.memberships.get().companies.set([second])
    from tase.core.access import Actor

    actor = Actor.of(limited)
    assert list(actor.companies()) == [second]
    from django.test import Client

    client = Client()
    client.force_login(limited)
    assert client.get(f"/companies/{world.company.pk}/").status_code == 404
    assert client.get(f"/companies/{second.pk}/").status_code == 200


def test_deactivated_membership_sees_nothing(world):
    user = world.users[Role.ACCOUNTANT]
    user.memberships.update(is_active=False)
    client = world.client(Role.ACCOUNTANT)
    assert client.get(f"/companies/{world.company.pk}/").status_code == 404
    assert client.get("/api/v1/companies").json()["items"] == []


def test_organization_list_has_no_n_plus_one(world, django_assert_max_num_queries):
    for _ in range(15):
        org = OrganizationFactory(vendor=world.vendor)
        CompanyFactory(organization=org)
        MembershipFactory(organization=org)
    client = world.client(Role.ADMIN)
    with django_assert_max_num_queries(12):
        response = client.get("/organizations/")
    assert response.status_code == 200 and response.text.count("/organizations/") > 15


def test_ids_beyond_any_integer_are_404(world):
    client = world.client(Role.ADMIN)
    huge = 10**30
    assert client.get(f"/companies/{huge}/").status_code == 404
    assert client.get(f"/api/v1/companies/{huge}").status_code == 404
