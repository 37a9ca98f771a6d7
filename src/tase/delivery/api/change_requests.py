"""Change requests."""

from __future__ import annotations

from ninja import Status

from tase.apiutil import actor

from .. import selectors, services
from ._common import _user, router
from .schemas import (
    ChangeRequestIn,
    ChangeRequestOut,
    ChangeStatusIn,
)

# -- change requests ----------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/change-requests", response=list[ChangeRequestOut])
def list_change_requests(request, project_id: int):
    return list(selectors.project(actor(request), project_id).change_requests.all())


@router.post("/projects/{int:project_id}/change-requests", response={201: ChangeRequestOut})
def create_change_request(request, project_id: int, payload: ChangeRequestIn):
    a = actor(request)
    project = selectors.project(a, project_id)
    data = payload.dict(exclude={"asked_by_id"})
    return Status(
        201,
        services.create_change_request(
            a,
            project.organization,
            project=project,
            asked_by=_user(payload.asked_by_id, "asked_by_id"),
            **data,
        ),
    )


@router.post("/change-requests/{int:cr_id}/status", response=ChangeRequestOut)
def change_request_status(request, cr_id: int, payload: ChangeStatusIn):
    a = actor(request)
    return services.set_change_request_status(
        a,
        selectors.change_request(a, cr_id),
        payload.status,
        estimate_hours=payload.estimate_hours,
        estimate_euros=payload.estimate_euros,
    )
