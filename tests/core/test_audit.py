"""The audit trail is append-only and readable only inside one's organizations."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tase.core import audit, services
from tase.core.models import AuditEvent
from tase.core.roles import Role


@pytest.fixture
def event(world):
    return audit.record(
        world.users[Role.MAIN_USER], "update", world.company, changes={"city": ["A", "B"]}
    )


def test_model_refuses_change_and_delete(event):
    event.action = "forged"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_trigger_refuses_raw_update_and_delete(event):
    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.action == "update"


def test_main_user_sees_own_organization_only(world, event):
    audit.record(world.other_users[Role.MAIN_USER], "update", world.other_company)
    page = world.client(Role.MAIN_USER).get("/audit/")
    assert page.status_code == 200
    assert str(world.company) in page.text and str(world.other_company) not in page.text
    api = world.client(Role.MAIN_USER).get("/api/v1/audit-events").json()["items"]
    # and the sign-ins of its own people, which belong to no organization
    assert {row["organization_id"] for row in api} == {world.org.pk, None}


def test_staff_see_per_object_history(world, event):
    response = world.client(Role.SUPPORT_SPECIALIST).get(
        f"/api/v1/audit-events?object_type=core.company&object_id={world.company.pk}"
    )
    assert [row["changes"] for row in response.json()["items"]] == [{"city": ["A", "B"]}]


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.PAYROLL_CLERK, Role.VIEWER, Role.EMPLOYEE])
def test_other_customer_roles_cannot_read_the_trail(world, role, event):
    assert world.client(role).get("/audit/").status_code == 404
    assert world.client(role).get("/api/v1/audit-events").status_code == 404


def test_failed_service_leaves_no_event(world):
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.create_company(
            world.actor(Role.MAIN_USER), world.org, name="", business_id="2345678-0"
        )
    assert AuditEvent.objects.count() == count


def test_trail_page_shows_a_change_of_a_field_called_items(world):
    """Payroll records {"items": [None, 3]} for a mass entry; the page once answered 500
    because a template's ``changes.items`` took the key for the method."""
    audit.record(
        world.users[Role.MAIN_USER], "mass_entry", world.company, changes={"items": [None, 3]}
    )
    page = world.client(Role.MAIN_USER).get("/audit/")
    assert page.status_code == 200
    assert "<strong>Rivit</strong>: \N{EN DASH} → 3" in page.text
