"""Absences API: record, change and remove an employee's absences (one a settled run used is
changed or removed with correction runs), the company's sick-pay and
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


class AbsencePatch(Schema):
    kind: str | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    paid: bool | None = None
    note: str | None = None


class AbsenceCorrectionIn(AbsenceIn):
    # of the correction runs created (empty: today, or the original payment date if later)
    payment_date: Day | None = None


class PendingChangeOut(Schema):
    """The change of an absence that waits for its correction runs: ``remove``, or the new
    fields; it takes effect when the last of ``correction_run_ids`` is approved."""

    remove: bool
    kind: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    paid: bool = False
    note: str = ""
    correction_run_ids: list[int]


class AbsenceOut(Schema):
    id: int
    employee_id: int
    kind: str
    start_date: dt.date
    end_date: dt.date
    paid: bool
    note: str
    removed_with_id: int | None = None  # a draft correction run that removes it
    pending_change: PendingChangeOut | None = None

    @staticmethod
    def resolve_removed_with_id(obj):
        run = obj.removed_with
        return run.pk if run else None

    @staticmethod
    def resolve_pending_change(obj):
        changes = sorted(obj.changes.all(), key=lambda change: change.pk)
        if not changes:
            return None
        first = changes[0]
        return {
            "remove": first.remove,
            "kind": None if first.remove else first.kind,
            "start_date": first.start_date,
            "end_date": first.end_date,
            "paid": first.paid,
            "note": first.note,
            "correction_run_ids": [change.run_id for change in changes],
        }


class PolicyIn(Schema):
    sick_pay_weekdays: int
    holiday_bonus_percent: Decimal
    bonus_on_compensation: bool = False  # the bonus is paid on holiday compensation too
    # the bonus is paid after the holiday, in the run of the return, and lost without a return
    bonus_after_return: bool = False
    # A collective agreement's average-hourly-earnings method for hourly and performance pay
    # (vuosilomalaki 30 §): hours per holiday day; null: the Act's average daily wage (11 §)
    average_hourly_earnings_hours: Decimal | None = None


class PolicyPatch(Schema):
    sick_pay_weekdays: int | None = None
    holiday_bonus_percent: Decimal | None = None
    bonus_on_compensation: bool | None = None
    bonus_after_return: bool | None = None
    average_hourly_earnings_hours: Decimal | None = None  # null: back to the Act's 11 §


class PolicyOut(Schema):
    sick_pay_weekdays: int
    holiday_bonus_percent: str
    bonus_on_compensation: bool
    bonus_after_return: bool
    average_hourly_earnings_hours: str | None

    @staticmethod
    def resolve_average_hourly_earnings_hours(obj):
        hours = obj.average_hourly_earnings_hours
        return None if hours is None else f"{hours.normalize():f}"

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


def _fresh(absence: Absence) -> Absence:
    return Absence.objects.prefetch_related("changes__run").get(pk=absence.pk)


@router.patch("/absences/{int:absence_id}", response=AbsenceOut)
def update_absence(request, absence_id: int, payload: AbsencePatch):
    """Change an absence no approved or paid run used (the fields given; a draft run's lines
    from it go, the run is to be calculated again). One a settled run used answers 422
    naming the run: change it with ``change-with-correction``."""
    absence = _absence(request, absence_id, "payroll.manage")
    services.update_absence(actor(request), absence, **payload.dict(exclude_unset=True))
    return _fresh(absence)


@router.post("/absences/{int:absence_id}/change-with-correction", response=AbsenceOut)
def change_with_correction(request, absence_id: int, payload: AbsenceCorrectionIn):
    """Change an absence that approved or paid runs used, with one correction run of each
    pay run concerned (created together; a draft correction of that run naming the employee
    is used when there is one): each is calculated and reported with the absence as changed
    in its own period, and approving the last of them changes the absence (deleting a draft
    correction keeps it as it is). Bad fields answer 422 naming the field, nothing written;
    the absence, with ``pending_change``."""
    absence = _absence(request, absence_id, "payroll.manage")
    services.change_with_correction(actor(request), absence, **payload.dict())
    return _fresh(absence)


@router.post("/absences/{int:absence_id}/remove-with-correction", response=AbsenceOut)
def remove_with_correction(request, absence_id: int, payment_date: Day | None = None):
    """Remove an absence that approved or paid runs used, with one correction run of each of
    them (created together; a draft correction of that run naming the employee is used when
    there is one): each is calculated and reported without it, and approving the last of
    them deletes the absence (deleting a draft correction keeps it). ``payment_date`` (query,
    optional): of the correction runs created (default today, or the original payment date
    when later). The absence, with ``removed_with_id`` and ``pending_change``."""
    absence = _absence(request, absence_id, "payroll.manage")
    services.remove_with_correction(actor(request), absence, payment_date=payment_date)
    return _fresh(absence)


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
    naming the field, except ``average_hourly_earnings_hours``, whose null is the Act's
    method)."""
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
