"""Projects: list, create, read, schedule, status, a phase's actual dates."""

from __future__ import annotations

from django.http import Http404
from ninja import Status
from ninja.pagination import paginate

from tase.apiutil import Pagination, actor

from .. import selectors, services
from ..models import Phase
from ._common import _project_detail, _user, _users, router
from .schemas import (
    PhaseActualIn,
    PhaseOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    ProjectStatusIn,
    ScheduleIn,
)

# -- projects ------------------------------------------------------------------------------


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination)
def list_projects(request, status: str = "", organization_id: int | None = None):
    projects = (
        selectors.projects_for(actor(request))
        .prefetch_related("consultants")
        .order_by("-kickoff_on", "-id")
    )
    if status:
        projects = projects.filter(status=status)
    if organization_id:
        projects = projects.filter(organization_id=organization_id)
    return projects


@router.post("/projects", response={201: ProjectDetailOut})
def create_project(request, payload: ProjectIn):
    a = actor(request)
    contract = selectors.contract(a, payload.contract_id)
    project = services.create_project(
        a,
        contract,
        lead=_user(payload.lead_id, "lead_id"),
        kickoff_on=payload.kickoff_on,
        consultants=_users(payload.consultant_ids),
        name=payload.name,
    )
    return Status(201, _project_detail(project))


@router.get("/projects/{int:project_id}", response=ProjectDetailOut)
def get_project(request, project_id: int):
    project = selectors.project(actor(request), project_id)
    services.follow_product([project])
    return _project_detail(project)


@router.post("/projects/{int:project_id}/schedule", response=ProjectDetailOut)
def set_schedule(request, project_id: int, payload: ScheduleIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    services.reschedule(
        a,
        project,
        {p.kind: (p.start, p.end) for p in payload.phases},
        set_baseline=payload.set_baseline,
    )
    return _project_detail(project)


@router.post("/projects/{int:project_id}/status", response=ProjectDetailOut)
def set_project_status(request, project_id: int, payload: ProjectStatusIn):
    """Put on hold, resume (status "running") or cancel, with a reason; cancelled is final."""
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.contracts")
    project = services.set_project_status(a, project, payload.status, payload.reason)
    return _project_detail(project)


@router.post("/phases/{int:phase_id}/actual", response=PhaseOut)
def set_phase_actual(request, phase_id: int, payload: PhaseActualIn):
    """Correct a phase's actual dates by hand (they win); null goes back to the inferred date."""
    a = actor(request)
    phase = Phase.objects.filter(pk=phase_id).first() if 0 < phase_id < 2**63 else None
    if phase is None:
        raise Http404
    selectors.project(a, phase.project_id, "delivery.manage")
    return services.record_phase_progress(a, phase, **payload.dict())
