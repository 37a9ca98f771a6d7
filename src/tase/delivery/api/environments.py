"""The customer's test environment: read, create, reset."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Status

from tase.apiutil import actor

from .. import selectors, services
from ..models import Project
from ._common import router
from .schemas import (
    TestEnvironmentIn,
    TestEnvironmentOut,
)

# -- test environment --------------------------------------------------------------------------


def _test_environment(project: Project) -> dict:
    project.refresh_from_db()
    test = project.test_company
    source = services.source_of_test_environment(project)
    return {
        "company_id": test.pk if test else None,
        "name": test.name if test else None,
        "source_company_id": source.pk if source else None,
        "reset_at": project.test_reset_at,
        "activity": [
            {"label": str(r["label"]), "count": r["count"]}
            for r in selectors.customer_tested_detail(project)
        ],
        "archived": selectors.archived_test_environments(project),
        "practice_data": project.test_seed,
        "practice_data_at": project.test_seeded_at,
    }


@router.get("/projects/{int:project_id}/test-environment", response=TestEnvironmentOut)
def get_test_environment(request, project_id: int):
    """The current test company, what was done there, and the earlier (archived) copies."""
    return _test_environment(selectors.project(actor(request), project_id))


@router.post("/projects/{int:project_id}/test-environment", response={201: TestEnvironmentOut})
def create_test_environment(request, project_id: int, payload: TestEnvironmentIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    if not 0 < payload.company_id < 2**63:
        raise ValidationError({"company_id": "Unknown company."})
    company = project.organization.companies.filter(pk=payload.company_id).first()
    if company is None:
        raise ValidationError({"company_id": "Choose a real company of the customer."})
    services.create_project_test_environment(a, project, company)
    return Status(201, _test_environment(project))


@router.post("/projects/{int:project_id}/test-environment/reset", response=TestEnvironmentOut)
def reset_test_environment(request, project_id: int):
    """Archive the current copy and start from a fresh copy of production (lead or main user)."""
    a = actor(request)
    project = selectors.project(a, project_id)
    services.reset_test_environment(a, project)
    return _test_environment(project)
