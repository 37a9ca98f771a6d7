"""Tasks: list, create, status, check override, reason for being late."""

from __future__ import annotations

from ninja import Status
from ninja.pagination import paginate

from tase.apiutil import Pagination, actor

from .. import selectors, services
from ._common import _user, router
from .schemas import (
    ReasonIn,
    TaskIn,
    TaskOut,
    TaskStatusIn,
)

# -- tasks -----------------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/tasks", response=list[TaskOut])
@paginate(Pagination)
def list_tasks(request, project_id: int):
    a = actor(request)
    project = selectors.project(a, project_id)
    services.follow_product([project])  # a self-checking task says what the product says
    return selectors.visible_tasks(a, project)


@router.post("/projects/{int:project_id}/tasks", response={201: TaskOut})
def create_task(request, project_id: int, payload: TaskIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    data = payload.dict(exclude={"owner_id", "phase"})
    return Status(
        201,
        services.save_task(
            a,
            project,
            phase=project.phases.get(kind=payload.phase),
            owner=_user(payload.owner_id, "owner_id"),
            **data,
        ),
    )


@router.post("/tasks/{int:task_id}/status", response=TaskOut)
def set_task_status(request, task_id: int, payload: TaskStatusIn):
    a = actor(request)
    return services.set_task_status(
        a,
        selectors.task(a, task_id),
        payload.status,  # staff, or the customer who owns it
    )


@router.post("/tasks/{int:task_id}/override", response=TaskOut)
def override_task_check(request, task_id: int, payload: ReasonIn):
    a = actor(request)
    return services.override_check(a, selectors.task(a, task_id, "delivery.manage"), payload.reason)


@router.post("/tasks/{int:task_id}/overdue-reason", response=TaskOut)
def explain_overdue_task(request, task_id: int, payload: ReasonIn):
    """Write why a customer-visible task is late (the go-live waits for one)."""
    a = actor(request)
    return services.explain_overdue(
        a, selectors.task(a, task_id, "delivery.manage"), payload.reason
    )
