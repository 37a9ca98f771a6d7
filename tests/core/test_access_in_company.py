"""Actor.can_in_company decides from the loaded memberships, without a query, by the same rule as
Actor.companies(): checked against that query for every role, action and company, with a
membership limited to some companies, an archived company, another vendor's customer and an
inactive organization."""

import pytest

from tase.core.access import Actor
from tase.core.models import Membership
from tase.core.permissions import MATRIX
from tase.core.roles import Role
from tests.factories import CompanyFactory, OrganizationFactory, VendorFactory, member

pytestmark = pytest.mark.django_db


def _fresh(user) -> Actor:
    user.__dict__.pop("_tase_actor", None)
    return Actor.of(user)


def test_can_in_company_answers_as_the_companies_query(world, django_assert_num_queries):
    second = CompanyFactory(organization=world.org, name="Gamma Oy")
    archived = CompanyFactory(organization=world.org, name="Delta Oy", is_active=False)
    stranger = CompanyFactory(
        organization=OrganizationFactory(vendor=VendorFactory(name="Toinen toimittaja")),
        name="Muu Oy",
    )
    closed_org = OrganizationFactory(vendor=world.vendor, is_active=False)
    closed = CompanyFactory(organization=closed_org, name="Suljettu Oy")
    limited = member(world.org, Role.ACCOUNTANT)
    Membership.objects.get(user=limited).companies.set([second])
    users = [*world.users.values(), *world.other_users.values(), limited]
    companies = [world.company, second, archived, world.other_company, stranger, closed]
    actions = sorted(MATRIX)
    checked = allowed = 0
    for user in users:
        actor = _fresh(user)
        for company in companies:
            company.organization  # noqa: B018  (loaded, as Actor.company() loads it)
            for action in actions:
                expected = (
                    actor.companies(action, include_inactive=True).filter(pk=company.pk).exists()
                )
                with django_assert_num_queries(0):
                    answer = actor.can_in_company(action, company)
                assert answer == expected, (user.email, company.name, action)
                checked += 1
                allowed += answer
    assert allowed and allowed < checked  # both answers occur
    assert not _fresh(limited).can_in_company("ledger.view", world.company)
    assert _fresh(limited).can_in_company("ledger.view", second)
