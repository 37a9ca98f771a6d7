"""Platform services: companies, invitations, roles, deactivation — and what bad input gets."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tase.core import services
from tase.core.models import AuditEvent, Company, Membership, User
from tase.core.roles import Role

VALID_ID = "2345678-0"


def test_create_company_validates_and_audits(world):
    actor = world.actor(Role.MAIN_USER)
    company = services.create_company(actor, world.org, name="Uusi Oy", business_id="23456780")
    assert company.business_id == VALID_ID  # printed form
    event = AuditEvent.objects.get(
        object_type="core.company", object_id=str(company.pk), action="create"
    )
    assert event.actor == world.users[Role.MAIN_USER] and event.organization == world.org
    assert event.changes["name"] == [None, "Uusi Oy"]


@pytest.mark.parametrize("bad", ["", "1234567-8", "abc", "2345678-1", "23456789-0"])
def test_invalid_business_id_names_the_field_and_writes_nothing(world, bad):
    before = Company.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        services.create_company(
            world.actor(Role.MAIN_USER), world.org, name="X Oy", business_id=bad
        )
    assert "business_id" in error.value.message_dict
    assert (Company.objects.count(), AuditEvent.objects.count()) == before


def test_duplicate_business_id_in_one_organization_is_refused(world):
    actor = world.actor(Role.MAIN_USER)
    with pytest.raises(ValidationError) as error:
        services.create_company(
            actor, world.org, name="Twin", business_id=world.company.business_id
        )
    assert "business_id" in error.value.message_dict


def test_update_company_records_old_and_new(world):
    actor = world.actor(Role.CONSULTANT)
    services.update_company(actor, world.company, city="Turku")
    event = AuditEvent.objects.filter(action="update", object_id=str(world.company.pk)).get()
    assert event.changes == {"city": ["", "Turku"]}


def test_viewer_may_not_edit_companies(world):
    with pytest.raises(PermissionDenied):
        services.update_company(world.actor(Role.VIEWER), world.company, city="Turku")


def test_invite_new_user_sends_set_password_link(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.invite_user(
            world.actor(Role.MAIN_USER),
            world.org,
            email="New.Person@Example.com",
            full_name="Uusi Henkilö",
            role="accountant",
            companies=[world.company],
            language="en",
        )
    user = membership.user
    assert user.email == "new.person@example.com" and not user.has_usable_password()
    assert membership.role == Role.ACCOUNTANT and list(membership.companies.all()) == [
        world.company
    ]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@example.com"]
    assert "/password/reset/" in mail.outbox[0].body and "invited" in mail.outbox[0].subject


def test_invite_existing_member_again_is_a_duplicate(world):
    existing = world.users[Role.VIEWER]
    with pytest.raises(ValidationError) as error:
        services.invite_user(
            world.actor(Role.MAIN_USER),
            world.org,
            email=existing.email.upper(),
            full_name="X",
            role="viewer",
        )
    assert "email" in error.value.message_dict


@pytest.mark.parametrize("role", ["superhero", "admin", "consultant", ""])
def test_unknown_or_staff_role_for_a_customer_is_refused(world, role):
    count = User.objects.count()
    with pytest.raises(ValidationError) as error:
        services.invite_user(
            world.actor(Role.MAIN_USER), world.org, email="a@b.fi", full_name="A", role=role
        )
    assert "role" in error.value.message_dict
    assert User.objects.count() == count  # nothing half-written


def test_companies_of_another_organization_are_refused(world):
    with pytest.raises(ValidationError) as error:
        services.invite_user(
            world.actor(Role.ADMIN),
            world.org,
            email="a@b.fi",
            full_name="A",
            role="viewer",
            companies=[world.other_company],
        )
    assert "companies" in error.value.message_dict


def test_the_last_main_user_cannot_be_removed(world):
    actor = world.actor(Role.ADMIN)
    main = Membership.objects.get(user=world.users[Role.MAIN_USER], organization=world.org)
    with pytest.raises(ValidationError):
        services.set_membership_active(actor, main, False)
    with pytest.raises(ValidationError):
        services.change_membership(actor, main, role="viewer")
    second = services.invite_user(
        actor, world.org, email="m2@example.com", full_name="M2", role="main_user"
    )
    services.change_membership(actor, main, role="viewer")
    main.refresh_from_db()
    assert main.role == Role.VIEWER and second.role == Role.MAIN_USER


def test_main_user_changes_roles_and_deactivates(world):
    actor = world.actor(Role.MAIN_USER)
    viewer = Membership.objects.get(user=world.users[Role.VIEWER], organization=world.org)
    services.change_membership(actor, viewer, role="accountant")
    services.set_membership_active(actor, viewer, False)
    viewer.refresh_from_db()
    assert viewer.role == Role.ACCOUNTANT and not viewer.is_active
    actions = list(
        AuditEvent.objects.filter(
            object_type="core.membership", object_id=str(viewer.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["deactivate", "update"]


def test_only_vendor_admin_manages_staff(world):
    with pytest.raises(PermissionDenied):
        services.invite_user(
            world.actor(Role.ACCOUNT_MANAGER),
            world.vendor,
            email="s@v.fi",
            full_name="S",
            role="consultant",
        )
    membership = services.invite_user(
        world.actor(Role.ADMIN), world.vendor, email="s@v.fi", full_name="S", role="consultant"
    )
    assert membership.organization == world.vendor


def test_customer_main_user_cannot_touch_the_vendor(world):
    from django.http import Http404

    with pytest.raises(Http404):
        services.invite_user(
            world.actor(Role.MAIN_USER), world.vendor, email="s@v.fi", full_name="S", role="admin"
        )


def test_test_environment_copies_the_company_and_is_marked(world):
    test = services.create_test_environment(world.actor(Role.PROJECT_LEAD), world.company)
    assert test.is_test_environment and test.business_id == world.company.business_id
    assert (
        test.organization == world.org
        and world.company.name in test.name
        and test.pk != world.company.pk
    )


def test_set_in_support_is_audited(world):
    services.set_in_support(world.actor(Role.PROJECT_LEAD), world.org)
    world.org.refresh_from_db()
    assert world.org.in_support
    assert AuditEvent.objects.filter(action="update", object_type="core.organization").exists()
