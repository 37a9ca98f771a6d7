"""Personal data API: what is held of an employee, until when and why; the export (JSON, or
the PDF the page gives); erasure of what may go. The roles of ``payroll.personal_data``;
another organization's employee answers 404."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Router, Schema

from tase.apiutil import actor

from . import services
from .views_personal_data import pdf_response

router = Router(tags=["payroll: personal data"])


class HoldingOut(Schema):
    key: str
    data: str
    kept_until: dt.date | None
    reason: str
    law: str
    erased: bool
    may_be_erased_now: bool


class PlanOut(Schema):
    employee_id: int
    erasure_blocked: str
    holdings: list[HoldingOut]


class ErasureOut(Schema):
    employee_id: int
    erased: list[str]
    kept: list[HoldingOut]


def _holding(plan, h) -> dict:
    return {
        "key": h.key,
        "data": h.label,
        "kept_until": h.until,
        "reason": h.reason,
        "law": h.law,
        "erased": h.erased,
        "may_be_erased_now": h in plan.erasable,
    }


def _employee(request, employee_id: int):
    current = actor(request)
    return current, services.ensure_visible_employee(current, employee_id, "payroll.personal_data")


@router.get("/employees/{int:employee_id}/personal-data", response=PlanOut)
def personal_data(request, employee_id: int):
    """What is held of the employee, until when it is kept and why (the law cited)."""
    current, employee = _employee(request, employee_id)
    plan = services.plan_for(current, employee)
    return {
        "employee_id": employee.pk,
        "erasure_blocked": plan.blocked,
        "holdings": [_holding(plan, h) for h in plan.holdings],
    }


@router.get("/employees/{int:employee_id}/personal-data/export", response=dict)
def export(request, employee_id: int):
    """Everything held of the employee (unmasked; the export is audited)."""
    current, employee = _employee(request, employee_id)
    return services.export_employee_data(current, employee)


@router.get(
    "/employees/{int:employee_id}/personal-data/export.pdf",
    summary="The export as a PDF (application/pdf)",
)
def export_pdf(request, employee_id: int) -> HttpResponse:
    current, employee = _employee(request, employee_id)
    return pdf_response(request, employee, services.export_employee_data(current, employee))


@router.post("/employees/{int:employee_id}/personal-data/erase", response=ErasureOut)
def erase(request, employee_id: int):
    """Erase or pseudonymise what may go today; the answer lists what went and what is kept
    until when. 422 while the person is employed, a pay run is open, or nothing may go yet."""
    current, employee = _employee(request, employee_id)
    plan = services.erase_employee_data(current, employee)
    return {
        "employee_id": employee.pk,
        "erased": [h.key for h in plan.erasable],
        "kept": [_holding(plan, h) for h in plan.kept],
    }
