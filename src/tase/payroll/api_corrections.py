"""Payroll API for corrections and retro pay (mounted from payroll/api.py):

- ``POST /pay-runs/{run_id}/corrections``: a draft correction run of an approved run for the
  employees named; enter its items with ``POST /pay-runs/{id}/items``, calculate and approve
  it like any run. Approving it produces the replacement Incomes Register reports.
- ``GET /employments/{id}/retro-pay``: the retro pay still due after a salary change with an
  earlier effective date, per past payment (its pay period) and wage type.
- ``POST /employments/{id}/retro-pay``: add it to a draft run (default: the employee's next).

Money is given and returned as decimal strings.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from tase.apiutil import Day, actor

from . import services
from .models import Employee, Employment, PayRun

router = Router(tags=["payroll"])


class CorrectionIn(Schema):
    payment_date: Day
    employee_ids: list[int]
    description: str = ""


def _run(request, run_id: int, action: str) -> PayRun:
    run = get_object_or_404(PayRun.objects.select_related("company"), pk=run_id)
    actor(request).company(run.company_id, action)
    return run


@router.post("/pay-runs/{int:run_id}/corrections", response={201: dict})
def create_correction_run(request, run_id: int, payload: CorrectionIn):
    """A correction run of the approved run ``run_id``; 422 naming ``corrects`` when the run
    was never approved (nothing written)."""
    current = actor(request)
    original = _run(request, run_id, "payroll.manage")
    employees = list(Employee.objects.filter(company=original.company, pk__in=payload.employee_ids))
    if len(employees) != len(set(payload.employee_ids)):
        from django.http import Http404

        raise Http404
    run = services.create_correction_run(
        current,
        original,
        payment_date=payload.payment_date,
        employees=employees,
        description=payload.description,
    )
    return Status(
        201,
        {
            "id": run.pk,
            "kind": run.kind,
            "corrects_id": run.corrects_id,
            "payment_date": run.payment_date,
            "status": run.status,
            "employee_ids": sorted(e.pk for e in employees),
        },
    )


class RetroLineOut(Schema):
    payslip_id: int
    payment_date: dt.date
    period_start: dt.date
    period_end: dt.date
    wage_type: str
    paid: str
    due: str
    already_added: str
    amount: str


class RetroPayIn(Schema):
    run_id: int | None = None  # default: the employee's next draft pay run


class RetroItemOut(Schema):
    id: int
    run_id: int
    wage_type: str
    amount: str
    earning_start: dt.date
    earning_end: dt.date


def _employment(request, employment_id: int, action: str) -> Employment:
    employment = get_object_or_404(Employment.objects.select_related("employee"), pk=employment_id)
    services.ensure_visible_employee(actor(request), employment.employee_id, action)
    return employment


@router.get("/employments/{int:employment_id}/retro-pay", response=list[RetroLineOut])
def retro_pay(request, employment_id: int):
    employment = _employment(request, employment_id, "payroll.view")
    return [
        RetroLineOut(
            payslip_id=line.payslip_id,
            payment_date=line.payment_date,
            period_start=line.period_start,
            period_end=line.period_end,
            wage_type=line.wage_type,
            paid=str(line.paid),
            due=str(line.due),
            already_added=str(line.added),
            amount=str(line.amount),
        )
        for line in services.retro_differences(actor(request), employment)
    ]


@router.post("/employments/{int:employment_id}/retro-pay", response={201: list[RetroItemOut]})
def add_retro_pay(request, employment_id: int, payload: RetroPayIn):
    current = actor(request)
    employment = _employment(request, employment_id, "payroll.manage")
    run = None
    if payload.run_id is not None:
        run = get_object_or_404(PayRun, pk=payload.run_id, company_id=employment.company_id)
    items = services.add_retro_pay(current, employment, run)
    return Status(
        201,
        [
            RetroItemOut(
                id=item.pk,
                run_id=item.pay_run_id,
                wage_type=item.wage_type,
                amount=str(services.euros(item.amount_cents)),
                earning_start=item.earning_start,
                earning_end=item.earning_end,
            )
            for item in items
        ],
    )
