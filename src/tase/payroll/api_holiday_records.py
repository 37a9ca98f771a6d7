"""Recorded holidays API: balances per employee per credit year, planning and recording
holidays (refused beyond the balance), saved leave, a draft run's holiday lines, the
employee's own balance, and the holiday-pay liability with its posting at a month end.
Bad input answers 422 naming the field; another organization's rows answer 404."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from tase.apiutil import Day, Pagination, actor

from . import selectors, services
from .models import HolidayPostponement, HolidayRecord, PayRun

router = Router(tags=["payroll: holidays"])


class HolidayIn(Schema):
    start_date: Day
    end_date: Day
    kind: str = "planned"
    credit_year_end: Day | None = None
    note: str = ""
    # Saved leave taken (vuosilomalaki 27 § 3 mom.): from the saved days of
    # ``credit_year_end`` (default: the oldest year with saved days left).
    from_saved: bool = False
    # Free time of a credit year in which no holiday was earned (vuosilomalaki 8 § 1 mom.):
    # the year's 16 § holiday compensation is paid with it (19 § 1 mom.).
    free_time: bool = False


class SavedLeaveIn(Schema):
    credit_year_end: Day
    days: int
    note: str = ""
    # Agreed with the employer: the days beyond 18 may be saved; otherwise the employee's
    # own right, beyond 24 (vuosilomalaki 27 § 1 mom.).
    agreed: bool = True


class HolidayOut(Schema):
    id: int
    employee_id: int
    credit_year_end: dt.date
    kind: str
    part: str
    start_date: dt.date | None
    end_date: dt.date | None
    days: int
    from_saved: bool
    free_time: bool
    note: str


class PostponementIn(Schema):
    # The employee's sick leave (an absence of kind "sick") that overlaps the holiday.
    absence_id: int
    # When the employee asked: before the holiday began or during it (vuosilomalaki 25 §).
    requested_on: Day
    note: str = ""


class PostponementOut(Schema):
    id: int
    holiday_id: int
    absence_id: int
    requested_on: dt.date
    made_before: bool
    # at_start (25 § 1 mom.), known_beforehand (25 § 1 mom.) or during (25 § 2 mom.)
    ground: str
    first_day: dt.date
    last_day: dt.date
    incapacity_days: int
    # The first holiday days of an incapacity that began during the holiday, not postponed:
    # six at most per credit year, never below four weeks of the days earned (25 § 2 mom.).
    deductible_days: int
    postponed_days: int
    postponed_from: dt.date | None
    note: str


class BalanceOut(Schema):
    employee_id: int
    employee: str
    credit_year_end: dt.date
    earned: int
    carried_over: int
    taken: int
    planned: int
    saved: int
    saved_left: int
    # Days the continuing incapacity kept from being given, paid as holiday compensation
    # (vuosilomalaki 26 § 1 mom.): off the balance from 31 December of the following year.
    compensated: int
    # Days of the year's holidays postponed for incapacity (vuosilomalaki 25 §): off taken
    # and planned, in left until given (26 §).
    postponed: int
    left: int
    day_pay: str


class BalanceQuery(Schema):
    credit_year_end: Day | None = None
    on: Day | None = None
    limit: int = 100
    offset: int = 0


class LiabilityRowOut(Schema):
    employee_id: int
    employee: str
    days: int
    saved_days: int
    holiday_pay: str
    holiday_bonus: str
    social_costs: str
    total: str


class LiabilityOut(Schema):
    on: dt.date
    social_cost_rate: str
    days: int
    holiday_pay: str
    holiday_bonus: str
    social_costs: str
    total: str
    employees: list[LiabilityRowOut]


class PostIn(Schema):
    month_end: Day


class PostedOut(Schema):
    voucher_id: int
    reversal_id: int
    total: str


class HolidayLinesOut(Schema):
    lines: int


def balance_out(row: services.Balance) -> dict:
    return {
        "employee_id": row.employee.pk,
        "employee": row.employee.name,
        "credit_year_end": row.year_end,
        "earned": row.earned,
        "carried_over": row.carried_over,
        "taken": row.taken,
        "planned": row.planned,
        "saved": row.saved,
        "saved_left": row.saved_left,
        "compensated": row.compensated,
        "postponed": row.postponed,
        "left": row.left,
        "day_pay": str(row.day_pay),
    }


def liability_out(result: services.Liability) -> dict:
    return {
        "on": result.on,
        "social_cost_rate": str(result.rates.total),
        "days": result.days,
        "holiday_pay": str(result.holiday_pay),
        "holiday_bonus": str(result.holiday_bonus),
        "social_costs": str(result.social_costs),
        "total": str(result.total),
        "employees": [
            {
                "employee_id": row.employee_id,
                "employee": row.employee,
                "days": row.days,
                "saved_days": row.saved_days,
                "holiday_pay": str(row.holiday_pay),
                "holiday_bonus": str(row.holiday_bonus),
                "social_costs": str(row.social_costs),
                "total": str(row.total),
            }
            for row in result.rows
        ],
    }


def _record(request, record_id: int) -> HolidayRecord:
    row = get_object_or_404(HolidayRecord.objects.select_related("company"), pk=record_id)
    actor(request).company(row.company_id, "payroll.manage")
    return row


@router.get("/companies/{int:company_id}/holiday-balances", response=list[BalanceOut])
def company_balances(request, company_id: int, query: Query[BalanceQuery]):
    """Balances of the company's employees (``limit`` / ``offset`` over them, by name) for
    the credit year ending ``credit_year_end`` (default: the last ended) at ``on`` (today)."""
    company = actor(request).company(company_id, "payroll.view")
    on = query.on or dt.date.today()
    year_end = query.credit_year_end or services.year_used_by(on)
    limit = max(1, min(query.limit, 500))
    page = selectors.employees(company)[max(query.offset, 0) : max(query.offset, 0) + limit]
    rows = services.balances(company, year_end, on, employees=page)
    return [balance_out(row) for row in rows]


@router.get("/employees/{int:employee_id}/holiday-balances", response=list[BalanceOut])
def employee_balances(request, employee_id: int):
    employee = services.ensure_visible_employee(actor(request), employee_id)
    return [balance_out(row) for row in services.employee_balances(employee, dt.date.today())]


@router.get("/my/holiday-balances", response=list[BalanceOut])
def my_balances(request):
    """The signed-in employee's own balances (the employee role)."""
    rows = []
    for employee in selectors.own_employees(actor(request)):
        rows += services.employee_balances(employee, dt.date.today())
    return [balance_out(row) for row in rows]


@router.get("/companies/{int:company_id}/holidays", response=list[HolidayOut])
@paginate(Pagination)
def list_holidays(request, company_id: int):
    company = actor(request).company(company_id, "payroll.view")
    return selectors.holidays(company)


@router.post("/employees/{int:employee_id}/holidays", response={201: HolidayOut})
def create_holiday(request, employee_id: int, payload: HolidayIn):
    current = actor(request)
    employee = services.ensure_visible_employee(current, employee_id, "payroll.manage")
    return Status(201, services.record_holiday(current, employee, **payload.dict()))


@router.post("/employees/{int:employee_id}/saved-leave", response={201: HolidayOut})
def create_saved_leave(request, employee_id: int, payload: SavedLeaveIn):
    current = actor(request)
    employee = services.ensure_visible_employee(current, employee_id, "payroll.manage")
    return Status(201, services.save_leave(current, employee, **payload.dict()))


@router.post("/holidays/{int:record_id}/taken", response=HolidayOut)
def holiday_taken(request, record_id: int):
    return services.mark_taken(actor(request), _record(request, record_id))


@router.delete("/holidays/{int:record_id}", response={204: None})
def delete_holiday(request, record_id: int):
    services.delete_holiday(actor(request), _record(request, record_id))
    return Status(204, None)


@router.get("/holidays/{int:record_id}/postponements", response=list[PostponementOut])
def list_postponements(request, record_id: int):
    """The holiday's postponements for incapacity for work (vuosilomalaki 25 §)."""
    row = get_object_or_404(HolidayRecord.objects.select_related("company"), pk=record_id)
    actor(request).company(row.company_id, "payroll.view")
    return list(row.postponements.all())


@router.post("/holidays/{int:record_id}/postponements", response={201: PostponementOut})
def create_postponement(request, record_id: int, payload: PostponementIn):
    """Record the employee's request to postpone the holiday for the incapacity of a sick
    leave that overlaps it (vuosilomalaki 25 §): the incapacity's holiday days within the
    holiday less the deductible days (25 § 2 mom.) are postponed, off the holiday and back
    in the credit year's balance, paid as sick leave, not as holiday."""
    current = actor(request)
    record = _record(request, record_id)
    data = payload.dict()
    return Status(
        201,
        services.postpone_holiday(
            current,
            record,
            absence=data["absence_id"],
            requested_on=data["requested_on"],
            note=data["note"],
        ),
    )


@router.delete("/holiday-postponements/{int:postponement_id}", response={204: None})
def delete_postponement(request, postponement_id: int):
    current = actor(request)
    row = get_object_or_404(
        HolidayPostponement.objects.select_related("company"), pk=postponement_id
    )
    current.company(row.company_id, "payroll.manage")
    services.delete_postponement(current, row)
    return Status(204, None)


@router.post("/pay-runs/{int:run_id}/holiday-lines", response=HolidayLinesOut)
def holiday_lines(request, run_id: int):
    """Replace the draft run's lines generated from planned and taken holidays."""
    current = actor(request)
    run = get_object_or_404(PayRun, pk=run_id)
    current.company(run.company_id, "payroll.manage")
    return {"lines": services.holiday_lines(current, run)}


@router.get("/companies/{int:company_id}/holiday-liability", response=LiabilityOut)
def get_liability(request, company_id: int, on: Day | None = None):
    """The holiday-pay liability at the end of ``on`` (default today)."""
    current = actor(request)
    company = current.company(company_id, "payroll.view")
    return liability_out(services.liability(current, company, on or dt.date.today()))


@router.post("/companies/{int:company_id}/holiday-liability/post", response={201: PostedOut})
def post_liability(request, company_id: int, payload: PostIn):
    """Post the liability at a month end and its reversal on the next month's first day."""
    current = actor(request)
    company = current.company(company_id, "payroll.approve")
    voucher, reversal = services.post_liability(current, company, payload.month_end)
    debits = sum(entry.amount_cents for entry in voucher.entries.all() if entry.amount_cents > 0)
    return Status(
        201,
        {
            "voucher_id": voucher.pk,
            "reversal_id": reversal.pk,
            "total": str(services.euros(debits)),
        },
    )
