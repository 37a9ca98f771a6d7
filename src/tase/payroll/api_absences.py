"""Absences API: record and remove an employee's absences (one a settled run used stays), the company's sick-pay and
holiday-bonus rule, a draft run's lines from absences, and the Kela reimbursement
application data of a sick leave. Bad input answers 422 naming the field; another
organization's employee, absence or run answers 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from tase.apiutil import Day, Pagination, actor

from . import selectors, services
from .models import Absence, PayRun

router = Router(tags=["payroll: absences"])


class AbsenceIn(Schema):
    kind: str
    start_date: Day
    end_date: Day
    paid: bool = False
    note: str = ""


class AbsenceOut(Schema):
    id: int
    employee_id: int
    kind: str
    start_date: dt.date
    end_date: dt.date
    paid: bool
    note: str
    removed_with_id: int | None = None  # the draft correction run that removes it


class PolicyIn(Schema):
    sick_pay_weekdays: int
    holiday_bonus_percent: Decimal
    bonus_on_compensation: bool = False  # the bonus is paid on holiday compensation too
    # the bonus is paid after the holiday, in the run of the return, and lost without a return
    bonus_after_return: bool = False


class PolicyPatch(Schema):
    sick_pay_weekdays: int | None = None
    holiday_bonus_percent: Decimal | None = None
    bonus_on_compensation: bool | None = None
    bonus_after_return: bool | None = None


class PolicyOut(Schema):
    sick_pay_weekdays: int
    holiday_bonus_percent: str
    bonus_on_compensation: bool
    bonus_after_return: bool

    @staticmethod
    def resolve_holiday_bonus_percent(obj):
        return f"{obj.holiday_bonus_percent.normalize():f}"


class AbsenceLinesOut(Schema):
    lines: int


class KelaOut(Schema):
    absence_id: int
    employee_id: int
    employee: str
    start_date: dt.date
    end_date: dt.date
    waiting_period_end: dt.date
    employer_paid_days: int
    pay_share_percent: str
    reimbursed_from: dt.date | None
    reimbursed_to: dt.date | None
    reimbursed_weekdays: int
    wages_paid: str
    income_from: dt.date
    income_to: dt.date
    annual_income: str
    daily_allowance: str
    amount: str
    basis: str
    source: str


def _absence(request, absence_id: int, action: str) -> Absence:
    row = get_object_or_404(Absence.objects.select_related("company", "employee"), pk=absence_id)
    actor(request).company(row.company_id, action)
    return row


@router.get("/companies/{int:company_id}/absences", response=list[AbsenceOut])
@paginate(Pagination)
def list_absences(request, company_id: int):
    company = actor(request).company(company_id, "payroll.view")
    return selectors.absences(company)


@router.post("/employees/{int:employee_id}/absences", response={201: AbsenceOut})
def create_absence(request, employee_id: int, payload: AbsenceIn):
    current = actor(request)
    employee = services.ensure_visible_employee(current, employee_id, "payroll.manage")
    return Status(201, services.record_absence(current, employee, **payload.dict()))


@router.delete("/absences/{int:absence_id}", response={204: None})
def delete_absence(request, absence_id: int):
    """Remove an absence; the lines a draft run had from it go with it (the run is to be
    calculated again). An absence an approved or paid run paid or deducted, or its Incomes
    Register report carries, stays: 422 naming the run or the report."""
    services.delete_absence(actor(request), _absence(request, absence_id, "payroll.manage"))
    return Status(204, None)


@router.post("/absences/{int:absence_id}/remove-with-correction", response=AbsenceOut)
def remove_with_correction(request, absence_id: int):
    """Remove an absence an approved or paid run used with the draft correction run of that
    run that names the employee: the correction is calculated and reported without it, and
    approving it deletes the absence (deleting the draft correction keeps it). 422 naming
    the run when there is no such correction run; the absence, with ``removed_with_id``."""
    absence = _absence(request, absence_id, "payroll.manage")
    services.remove_with_correction(actor(request), absence)
    absence.refresh_from_db()
    return absence


@router.get("/absences/{int:absence_id}/kela", response=KelaOut)
def kela_application(request, absence_id: int):
    """The sickness allowance the employer applies for from Kela for a sick leave."""
    data = services.kela_application(actor(request), _absence(request, absence_id, "payroll.view"))
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


@router.get("/companies/{int:company_id}/holiday-policy", response=PolicyOut)
def get_policy(request, company_id: int):
    company = actor(request).company(company_id, "payroll.view")
    return services.policy_for(company)


@router.put("/companies/{int:company_id}/holiday-policy", response=PolicyOut)
def update_policy(request, company_id: int, payload: PolicyIn):
    """Replace the rule whole: a field left out takes its default (``bonus_on_compensation``
    and ``bonus_after_return`` false). To change some fields only, PATCH."""
    current = actor(request)
    company = current.company(company_id, "payroll.manage")
    return services.update_policy(current, company, **payload.dict())


@router.patch("/companies/{int:company_id}/holiday-policy", response=PolicyOut)
def patch_policy(request, company_id: int, payload: PolicyPatch):
    """Change the fields given, the others kept; checked as PUT is (``null`` is refused
    naming the field)."""
    current = actor(request)
    company = current.company(company_id, "payroll.manage")
    return services.patch_policy(current, company, **payload.dict(exclude_unset=True))


@router.post("/pay-runs/{int:run_id}/absence-lines", response=AbsenceLinesOut)
def absence_lines(request, run_id: int):
    """Replace the draft run's lines generated from absences."""
    current = actor(request)
    run = get_object_or_404(PayRun, pk=run_id)
    current.company(run.company_id, "payroll.manage")
    return {"lines": services.absence_lines(current, run)}
