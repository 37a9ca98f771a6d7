"""The customer's test environment: a copy of the production company, reset on request."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core import services as core_services
from tase.core.access import Actor
from tase.core.models import Company

from ..models import (
    Project,
)
from ._common import _writable
from .practice_data import seed_practice_data
from .project_tasks import sync_state_checks


@transaction.atomic
def create_project_test_environment(actor: Actor, project: Project, company: Company) -> Company:
    """The lead makes a test company for the customer's trainees (core copies the configuration)."""
    actor.require("delivery.manage", project.organization)
    _writable(project)
    if (
        company.organization_id != project.organization_id
        or company.is_test_environment
        or not company.is_active
    ):
        raise ValidationError({"company": _("Choose a real company of the customer.")})
    if project.test_company_id:
        raise ValidationError({"company": _("The project already has a test environment.")})
    test = core_services.create_test_environment(actor, company)
    project.test_company = test
    project.test_source = company
    _seed(project, company, test)
    project.save(update_fields=["test_company", "test_source", "test_seed", "test_seeded_at"])
    audit.record(actor.user, "update", project, changes={"test_company": [None, test.pk]})
    sync_state_checks(project)
    return test


def _seed(project: Project, source: Company, test: Company) -> None:
    """A month of practice data in the new copy (sales, purchases, a pay run); the
    customer's own testing counts from the moment it is in."""
    project.test_seed = seed_practice_data(source, test)
    project.test_seeded_at = timezone.now()


def _reset_action(actor: Actor, project: Project) -> str:
    """The permission a reset goes by: the lead's side (project lead, or lead-level staff with
    delivery.contracts) or the customer's main user (delivery.approve)."""
    organization = project.organization
    if actor.user.pk == project.lead_id and actor.can("delivery.manage", organization):
        return "delivery.manage"
    if actor.can("delivery.contracts", organization):
        return "delivery.contracts"
    actor.require("delivery.approve", organization)
    return "delivery.approve"


def source_of_test_environment(project: Project) -> Company | None:
    """The real company the test environment is a copy of (older projects: found by business ID)."""
    if project.test_source_id:
        return project.test_source
    if project.test_company is None:
        return None
    return Company.objects.filter(
        organization_id=project.organization_id,
        business_id=project.test_company.business_id,
        is_test_environment=False,
        is_active=True,
    ).first()


@transaction.atomic
def reset_test_environment(actor: Actor, project: Project) -> Company:
    """Give the customer a fresh copy of production to test in. Posted vouchers are immutable,
    so the old copy is archived (inactive, renamed with the date, hidden from pickers) and a new
    one is copied from the real company; the project points at the new one, and "customer has
    tested" counts from it."""
    action = _reset_action(actor, project)
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("test_company")
        .get(pk=project.pk)
    )
    _writable(project)
    if project.test_company is None:
        raise ValidationError({"test_company": _("The project has no test environment yet.")})
    source = source_of_test_environment(project)
    if source is None or not source.is_active:
        raise ValidationError(
            {"test_company": _("The real company the test environment was copied from is gone.")}
        )
    old = project.test_company
    if old.is_active:
        core_services.archive_test_environment(actor, old, action=action)
    new = core_services.create_test_environment(actor, source, action=action)
    project.test_company, project.test_source = new, source
    _seed(project, source, new)
    project.test_reset_at = timezone.now()
    project.save(
        update_fields=[
            "test_company",
            "test_source",
            "test_reset_at",
            "test_seed",
            "test_seeded_at",
        ]
    )
    audit.record(
        actor.user,
        "reset_test_environment",
        project,
        changes={"test_company": [old.pk, new.pk]},
    )
    sync_state_checks(project)  # what was ticked by testing in the old copy is open again
    return new
