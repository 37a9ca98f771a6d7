"""Test environments: archived (kept, inactive, renamed with the date) when reset, and left out
of company lists and pickers while still reachable by id."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tase.core import services
from tase.core.models import AuditEvent
from tase.core.roles import Role

pytestmark = pytest.mark.django_db


def test_archive_keeps_the_copy_inactive_renamed_and_out_of_pickers(world):
    lead = world.actor(Role.PROJECT_LEAD)
    test = services.create_test_environment(lead, world.company)
    name = test.name
    archived = services.archive_test_environment(lead, test, on=dt.date(2026, 11, 30))
    assert not archived.is_active and archived.name.startswith(name)
    assert archived.name.endswith("30.11.2026)")
    event = AuditEvent.objects.get(action="archive_test_environment", object_id=str(test.pk))
    assert event.changes["is_active"] == [True, False]
    main = world.actor(Role.MAIN_USER)
    assert test.pk not in set(main.companies().values_list("pk", flat=True))
    assert test.pk not in set(main.companies("ledger.view").values_list("pk", flat=True))
    assert test.pk in set(main.companies(include_inactive=True).values_list("pk", flat=True))
    assert main.company(test.pk) == test  # still reachable for the record
    assert main.can_in_company("ledger.view", test)
    with pytest.raises(ValidationError):
        services.archive_test_environment(lead, archived)


def test_only_test_environments_are_archived_and_copied_from_real_ones(world):
    lead = world.actor(Role.PROJECT_LEAD)
    with pytest.raises(ValidationError):
        services.archive_test_environment(lead, world.company)
    test = services.create_test_environment(lead, world.company)
    with pytest.raises(ValidationError):
        services.create_test_environment(lead, test)


def test_the_caller_names_the_permission(world):
    main = world.actor(Role.MAIN_USER)
    with pytest.raises(PermissionDenied):
        services.create_test_environment(main, world.company)
    test = services.create_test_environment(main, world.company, action="delivery.approve")
    assert test.is_test_environment
    with pytest.raises(PermissionDenied):
        services.archive_test_environment(main, test)
    services.archive_test_environment(main, test, action="delivery.approve")
    with pytest.raises(Http404):  # another customer's company: across the tenant wall
        services.create_test_environment(
            world.actor(Role.MAIN_USER),
            world.other_company,
            action="delivery.approve",
        )
