"""The go-live checklist, override approval and the signature."""

from __future__ import annotations

from tase.apiutil import actor

from .. import selectors, services
from ..models import Project
from ._common import router
from .schemas import (
    GoLiveOut,
)

# -- go-live -------------------------------------------------------------------------------------


def _go_live(project: Project) -> dict:
    project.refresh_from_db()
    go_live = getattr(project, "go_live", None) if hasattr(project, "go_live") else None
    out = {"checklist": selectors.go_live_checklist(project), "project_status": project.status}
    if go_live:
        out |= {
            f: getattr(go_live, f)
            for f in (
                "customer_signed_by_id",
                "customer_signed_at",
                "lead_signed_by_id",
                "lead_signed_at",
                "handover_at",
            )
        }
    return out


@router.get("/projects/{int:project_id}/go-live", response=GoLiveOut)
def get_go_live(request, project_id: int):
    project = selectors.project(actor(request), project_id)
    services.follow_product([project])
    return _go_live(project)


@router.post("/projects/{int:project_id}/go-live/approve-overrides", response=GoLiveOut)
def approve_go_live_overrides(request, project_id: int):
    """The account manager approves the overrides (needed above the set share of items)."""
    a = actor(request)
    project = selectors.project(a, project_id)
    services.approve_overrides(a, project)
    return _go_live(project)


@router.post("/projects/{int:project_id}/go-live/sign", response=GoLiveOut)
def sign_go_live(request, project_id: int):
    a = actor(request)
    project = selectors.project(a, project_id)
    services.sign_go_live(a, project)
    return _go_live(project)
