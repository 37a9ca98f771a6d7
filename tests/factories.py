"""factory_boy factories for the platform's rows. Product apps add theirs beside their tests."""

import factory

from tase.core.models import Company, Membership, Organization, User
from tase.core.roles import Role

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name", locale="fi_FI")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Vendor {n}")
    kind = Organization.Kind.VENDOR


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Customer {n}")
    kind = Organization.Kind.CUSTOMER
    vendor = factory.SubFactory(VendorFactory)


def business_id(n: int) -> str:
    """The n-th valid Finnish business ID (Y-tunnus) of a deterministic sequence."""
    from stdnum.fi import ytunnus

    base = 1000000 + n * 7
    while True:
        for digit in "0123456789":
            candidate = f"{base:07d}-{digit}"
            if ytunnus.is_valid(candidate):
                return candidate
        base += 1


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Yritys {n} Oy")
    business_id = factory.Sequence(business_id)
    contact_name = "Maija Palkka"
    contact_phone = "040 123 4567"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MAIN_USER


def member(organization: Organization, role: Role, **user_fields) -> User:
    """A new user with ``role`` in ``organization``."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=organization, role=role)
    return user
