"""Training sessions."""

from __future__ import annotations

from ninja import Status

from tase.apiutil import actor

from .. import selectors, services
from ._common import _user, _users, router
from .schemas import (
    HeldIn,
    TrainingIn,
    TrainingOut,
)

# -- training ----------------------------------------------------------------------------------


@router.get("/projects/{int:project_id}/trainings", response=list[TrainingOut])
def list_trainings(request, project_id: int):
    return list(
        selectors.project(actor(request), project_id).trainings.prefetch_related("participants")
    )


@router.post("/projects/{int:project_id}/trainings", response={201: TrainingOut})
def plan_training(request, project_id: int, payload: TrainingIn):
    a = actor(request)
    project = selectors.project(a, project_id, "delivery.manage")
    data = payload.dict(exclude={"participant_ids", "trainer_id"})
    return Status(
        201,
        services.plan_training(
            a,
            project,
            trainer=_user(payload.trainer_id, "trainer_id"),
            participants=_users(payload.participant_ids),
            **data,
        ),
    )


@router.post("/trainings/{int:training_id}/confirm", response=TrainingOut)
def confirm_training(request, training_id: int):
    a = actor(request)
    return services.confirm_training(a, selectors.training(a, training_id, "delivery.manage"))


@router.post("/trainings/{int:training_id}/held", response=TrainingOut)
def training_held(request, training_id: int, payload: HeldIn):
    a = actor(request)
    return services.mark_training_held(
        a, selectors.training(a, training_id, "delivery.manage"), hours=payload.hours
    )
