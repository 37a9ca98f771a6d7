"""Hours against the contract: the summary, the log, the contract's hours per module and the
hours outside the contract turned into a change request."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Status
from ninja.pagination import paginate

from tase.apiutil import Pagination, actor

from .. import selectors, services
from ..models import Task, TrainingSession
from ._common import _user, router
from .schemas import (
    ChangeRequestOut,
    ContractOut,
    HoursChangeRequestIn,
    HoursSummaryOut,
    ModuleHoursIn,
    TimeEntryIn,
    TimeEntryOut,
)


def _row(model, pk, project, field: str):
    """A task or training session of ``project`` named by id; another project's is refused."""
    if pk is None:
        return None
    row = model.objects.filter(pk=pk, project=project).first() if 0 < pk < 2**63 else None
    if row is None:
        raise ValidationError({field: "Choose one of this project's."})
    return row


@router.get("/projects/{int:project_id}/hours", response=HoursSummaryOut)
def get_hours(request, project_id: int):
    """Used and left per contracted module and the training; warnings at 80 % used."""
    return selectors.hours_summary(selectors.project(actor(request), project_id))


@router.get("/projects/{int:project_id}/time-entries", response=list[TimeEntryOut])
@paginate(Pagination)
def list_time_entries(request, project_id: int):
    """The hours logged on the project (vendor staff who run projects)."""
    a = actor(request)
    return selectors.time_entries(selectors.project(a, project_id, "delivery.manage"))


@router.post("/projects/{int:project_id}/time-entries", response={201: TimeEntryOut})
def log_hours(request, project_id: int, payload: TimeEntryIn):
    a = actor(request)
    project = selectors.project(a, project_id)
    entry = services.log_hours(
        a,
        project,
        on=payload.on,
        hours=payload.hours,
        kind=payload.kind,
        module=payload.module,
        task=_row(Task, payload.task_id, project, "task_id"),
        training=_row(TrainingSession, payload.training_id, project, "training_id"),
        note=payload.note,
        user=_user(payload.user_id, "user_id"),
    )
    return Status(201, entry)


@router.post("/projects/{int:project_id}/hours/change-request", response={201: ChangeRequestOut})
def change_request_from_hours(request, project_id: int, payload: HoursChangeRequestIn):
    a = actor(request)
    project = selectors.project(a, project_id)
    return Status(201, services.change_request_from_hours(a, project, **payload.dict()))


@router.post("/contracts/{int:contract_id}/module-hours", response=ContractOut)
def set_module_hours(request, contract_id: int, payload: ModuleHoursIn):
    a = actor(request)
    contract = selectors.contract(a, contract_id)
    return services.set_module_hours(a, contract, payload.module_hours)
