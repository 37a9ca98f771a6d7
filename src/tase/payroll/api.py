"""Payroll API: the stateless calculator, employees, tax cards, pay runs and payslips.

Money is given and returned as decimal strings ("3500.00"). Service errors answer 422
with the field at fault: ``{"detail": [{"loc": ["body", "tax_card.base_rate"], ...}]}``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from tase.apiutil import Day, Pagination, actor
from tase.rules import payroll as engine

from . import selectors, services
from .api_absences import router as absences_router
from .api_holiday_records import router as holiday_records_router
from .api_setup import router as setup_router
from .models import Employee, PayItem, PayRun

router = Router(tags=["payroll"])
router.add_router("", setup_router)
router.add_router("", absences_router)
router.add_router("", holiday_records_router)


# -- the calculator ------------------------------------------------------------------------
class TaxCardIn(Schema):
    base_rate: Decimal | None = None
    additional_rate: Decimal | None = None
    income_limit: Decimal | None = None
    income_paid_before: Decimal | None = None
    tax_at_source: bool = False
    rate: Decimal | None = None
    monthly_deduction: Decimal | None = None
    # With tax at source: insured in Finland, so the employee's health insurance contributions
    # are withheld separately (medical care and daily allowance contribution lines).
    health_insurance: bool = True


class ItemIn(Schema):
    wage_type: str
    amount: Decimal | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    cost_centre: str = ""


class EmployerIn(Schema):
    tyel_rate: Decimal | None = None
    above_unemployment_threshold: bool = False
    accident_rate: Decimal | None = None
    group_life_rate: Decimal | None = None


class CalculateIn(Schema):
    payment_date: Day
    birth_date: Day
    tax_card: TaxCardIn | None = None
    items: list[ItemIn] = []
    union_dues_rate: Decimal | None = None
    employer: EmployerIn | None = None


class PayslipLineOut(Schema):
    code: str
    label: str
    base: str | None
    rate: str | None
    quantity: str | None
    amount: str
    parameter: str
    source: str


class EmployerOut(Schema):
    health_insurance: str
    tyel: str
    unemployment: str
    accident: str
    group_life: str
    total_cost: str


class PayslipOut(Schema):
    gross_pay: str
    benefits_in_kind: str
    taxable_income: str
    withholding: str
    employee_tyel: str
    employee_unemployment: str
    employee_health_insurance: str  # only with tax at source (withheld separately)
    union_dues: str
    deductions: str
    # Deductions before withholding (income type 419): lowered the bases, not net pay.
    deductions_before_withholding: str
    tax_free: str
    net_pay: str
    employer: EmployerOut
    lines: list[PayslipLineOut]
    notes: list[str]


# The engine's fixed messages, translated (the engine itself is pure Python, without gettext).
ENGINE_MESSAGES = {
    "is not a number.": _("is not a number."),
    "must be between 0 and 100.": _("must be between 0 and 100."),
    "must not be negative.": _("must not be negative."),
    "must be before the payment date.": _("must be before the payment date."),
    "give an amount or a quantity.": _("give an amount or a quantity."),
    "a quantity needs a unit price.": _("a quantity needs a unit price."),
    "is required.": _("is required."),
    "expected true or false.": _("expected true or false."),
    "is not a date (YYYY-MM-DD).": _("is not a date (YYYY-MM-DD)."),
}


def engine_error(error: engine.PayrollInputError) -> ValidationError:
    message = ENGINE_MESSAGES.get(error.message, error.message)
    return ValidationError({error.field: f"{error.field}: {message}"})


def calculate_dict(data: dict, language: str | None = None) -> dict:
    """Run the engine on the calculator's JSON shape; bad input → ValidationError(field)."""
    try:
        result = engine.calculate(engine.input_from_dict(data))
    except engine.PayrollInputError as error:
        raise engine_error(error) from None
    return result.to_dict(language or translation.get_language() or "fi")


@router.post(
    "/calculate",
    response=PayslipOut,
    summary="Calculate one payslip from its inputs (stateless)",
    description=(
        "Omitted or null employer rates mean the year's statutory or average figure. "
        "Every line names its base, rate or unit price, parameter and source."
    ),
)
def calculate(request, payload: CalculateIn):
    return calculate_dict(payload.dict())


# -- employees -----------------------------------------------------------------------------
class EmployeeOut(Schema):
    id: int
    company_id: int
    number: str
    first_name: str
    last_name: str
    identity_code: str
    birth_date: dt.date
    email: str
    language: str
    iban: str = Field(
        description="Whole for roles that manage payroll; masked (FI** **** **** **07 85) "
        "for roles that only view it"
    )
    is_active: bool

    @staticmethod
    def resolve_identity_code(obj):
        return obj.masked_identity_code

    @staticmethod
    def resolve_iban(obj, context):
        """Whole for payroll.manage (and the employee); masked for payroll.view only."""
        return selectors.shown_iban(actor(context["request"]), obj)


class EmployeeIn(Schema):
    number: str = ""
    first_name: str
    last_name: str
    identity_code: str = ""
    birth_date: Day | None = None
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    language: str = "fi"
    iban: str = ""
    email_payslips: bool = False
    user_email: str = ""


class IdentityCodeOut(Schema):
    identity_code: str


@router.get("/companies/{int:company_id}/employees", response=list[EmployeeOut])
@paginate(Pagination)
def list_employees(request, company_id: int):
    company = actor(request).company(company_id, "payroll.view")
    return selectors.employees(company)


@router.post("/companies/{int:company_id}/employees", response={201: EmployeeOut})
def create_employee(request, company_id: int, payload: EmployeeIn):
    current = actor(request)
    company = current.company(company_id, "payroll.manage")
    return Status(201, services.create_employee(current, company, **payload.dict()))


@router.get("/employees/{int:employee_id}", response=EmployeeOut)
def get_employee(request, employee_id: int):
    return services.ensure_visible_employee(actor(request), employee_id)


class EmployeePatch(Schema):
    """The employee's details as the edit page changes them; a field left out keeps its
    value. An empty or omitted ``identity_code`` keeps the current code (as on the page); a
    new code without ``birth_date`` sets the birth date from it."""

    number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    identity_code: str | None = None
    birth_date: Day | None = None
    street_address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    language: str | None = None
    iban: str | None = None
    email_payslips: bool | None = None
    is_active: bool | None = None
    user_email: str | None = None  # "" unlinks the user account


@router.patch("/employees/{int:employee_id}", response=EmployeeOut)
def update_employee(request, employee_id: int, payload: EmployeePatch):
    """Change the given fields of an employee, as the edit page does (the same service and
    checks); ``null`` is refused naming the field, except ``birth_date`` (then taken from the
    identity code). Bad fields answer 422 naming the field, and nothing is written."""
    current = actor(request)
    employee = services.ensure_visible_employee(current, employee_id, "payroll.manage")
    data = payload.dict(exclude_unset=True)
    if not data.get("identity_code"):
        data.pop("identity_code", None)
    return services.update_employee(current, employee, **data)


@router.get("/employees/{int:employee_id}/identity-code", response=IdentityCodeOut)
def get_identity_code(request, employee_id: int):
    """The unmasked code for payroll roles (audited); masked for everyone else."""
    current = actor(request)
    employee = services.ensure_visible_employee(current, employee_id)
    return {"identity_code": services.identity_code_for(current, employee)}


class TaxCardCreate(Schema):
    year: int
    valid_from: Day | None = None
    kind: str = "card"
    base_rate: Decimal | None = None
    additional_rate: Decimal | None = None
    income_limit: Decimal | None = None
    source_rate: Decimal | None = None
    monthly_deduction: Decimal | None = None
    source_health_insurance: bool = True


class TaxCardOut(Schema):
    id: int
    year: int
    valid_from: dt.date
    kind: str
    base_rate: str
    additional_rate: str
    income_limit: str

    @staticmethod
    def resolve_base_rate(obj):
        return str(obj.base_rate.normalize())

    @staticmethod
    def resolve_additional_rate(obj):
        return str(obj.additional_rate.normalize())

    @staticmethod
    def resolve_income_limit(obj):
        return str(services.euros(obj.income_limit_cents))


@router.post("/employees/{int:employee_id}/tax-cards", response={201: TaxCardOut})
def create_tax_card(request, employee_id: int, payload: TaxCardCreate):
    current = actor(request)
    employee = services.ensure_visible_employee(current, employee_id, "payroll.manage")
    data = {k: ("" if v is None else v) for k, v in payload.dict().items()}
    data["valid_from"] = payload.valid_from
    return Status(201, services.add_tax_card(current, employee, **data))


# -- pay runs ------------------------------------------------------------------------------
class PayRunIn(Schema):
    period_start: Day
    period_end: Day
    payment_date: Day
    description: str = ""


class PayRunOut(Schema):
    id: int
    company_id: int
    period_start: dt.date
    period_end: dt.date
    payment_date: dt.date
    description: str
    status: str
    kind: str  # "regular" | "correction"
    corrects_id: int | None  # a correction run: the approved run it corrects
    voucher_id: int | None
    stale: bool
    progress_state: str  # "" | "running" | "done" | "error": a background calculation
    progress_done: int
    progress_total: int
    progress_message: str
    # "running", but no progress for PayRun.STALLED_AFTER: the calculation has stopped
    progress_stalled: bool
    # Payslips out of all proportion to the salaries, and absences changed with a correction
    # run since the draft's lines were made that it has no lines from: approval needs
    # confirm_warnings.
    warnings: list[str]
    # A draft's notices of absences changed or removed with correction runs since its lines
    # from absences were made: lines made again, or (also in warnings) none made from it.
    # POST /api/v1/payroll/pay-runs/{id}/absence-lines makes them again and clears these.
    absence_notices: list[str]

    @staticmethod
    def resolve_progress_stalled(obj) -> bool:
        return obj.calculation_stalled

    @staticmethod
    def resolve_warnings(obj) -> list[str]:
        return services.pay_run_warnings(obj) if obj.is_draft else []

    @staticmethod
    def resolve_absence_notices(obj) -> list[str]:
        return services.absence_notices(obj)


class PayItemIn(Schema):
    employee_id: int
    wage_type: str
    amount: Decimal | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


class PayslipSummaryOut(Schema):
    id: int
    number: int | None
    employee_id: int
    employee: str
    payment_date: dt.date
    gross_pay: str
    withholding: str
    net_pay: str
    total_cost: str

    @staticmethod
    def resolve_employee(obj):
        return obj.employee.name

    @staticmethod
    def resolve_gross_pay(obj):
        return str(services.euros(obj.gross_cents))

    @staticmethod
    def resolve_withholding(obj):
        return str(services.euros(obj.withholding_cents))

    @staticmethod
    def resolve_net_pay(obj):
        return str(services.euros(obj.net_cents))

    @staticmethod
    def resolve_total_cost(obj):
        return str(services.euros(obj.total_cost_cents))


def _run(request, run_id: int, action: str) -> PayRun:
    run = get_object_or_404(PayRun.objects.select_related("company"), pk=run_id)
    actor(request).company(run.company_id, action)
    return run


@router.get("/companies/{int:company_id}/pay-runs", response=list[PayRunOut])
@paginate(Pagination)
def list_pay_runs(request, company_id: int):
    company = actor(request).company(company_id, "payroll.view")
    return PayRun.objects.filter(company=company)


@router.post("/companies/{int:company_id}/pay-runs", response={201: PayRunOut})
def create_pay_run(request, company_id: int, payload: PayRunIn):
    current = actor(request)
    company = current.company(company_id, "payroll.manage")
    return Status(201, services.create_pay_run(current, company, **payload.dict()))


@router.get("/pay-runs/{int:run_id}", response=PayRunOut)
def get_pay_run(request, run_id: int):
    return _run(request, run_id, "payroll.view")


@router.post("/pay-runs/{int:run_id}/items", response={201: dict})
def add_pay_item(request, run_id: int, payload: PayItemIn):
    current = actor(request)
    run = _run(request, run_id, "payroll.manage")
    employee = get_object_or_404(Employee, pk=payload.employee_id, company=run.company)
    item = services.add_item(
        current,
        run,
        employee,
        wage_type=payload.wage_type,
        amount=payload.amount,
        quantity=payload.quantity,
        unit_price=payload.unit_price,
    )
    # "note": a reimbursement above its tax-free maximum was split, the excess paid as
    # taxable pay of its own wage type.
    return Status(201, {"id": item.pk, "note": item.entry_note})


@router.delete("/pay-items/{int:item_id}", response={204: None})
def delete_pay_item(request, item_id: int):
    """Remove a pay item of a draft run (the run is to be calculated again); an item of an
    approved, paid or cancelled run answers 422 at ``status``."""
    current = actor(request)
    item = get_object_or_404(PayItem.objects.select_related("pay_run__company"), pk=item_id)
    current.company(item.pay_run.company_id, "payroll.manage")
    services.delete_item(current, item)
    return Status(204, None)


class GridCellIn(Schema):
    employee_id: int
    wage_type: str  # one of the grid's columns (GridOut.columns)
    # The quantity (hours, km) when the wage type is counted in units, else the amount in
    # euros; as the page's cell takes it ("7,5" or "7.5"); "" leaves the cell empty.
    value: str


class GridIn(Schema):
    cells: list[GridCellIn]


class GridOut(Schema):
    saved: int
    columns: list[str]


@router.put("/pay-runs/{int:run_id}/grid", response=GridOut)
def put_grid(request, run_id: int, payload: GridIn):
    """Mass entry, as the grid page: the run's items of the grid's wage types (``columns``:
    those of hourly_wage, overtime_50, overtime_100, evening_supplement, bonus and
    mileage_allowance the company has, not hidden) are replaced by ``cells``. A bad cell
    answers 422 naming it (``<employee number>.<wage type>.quantity``), and nothing is
    written; a run that is not a draft answers 422 at ``status``."""
    current = actor(request)
    run = _run(request, run_id, "payroll.manage")
    codes = services.grid_codes(run.company)
    entries = {}
    for cell in payload.cells:
        if (cell.employee_id, cell.wage_type) in entries:
            raise ValidationError(
                {"cells": _("Employee %(id)s has two cells of %(code)s.")
                 % {"id": cell.employee_id, "code": cell.wage_type}}
            )  # fmt: skip
        entries[(cell.employee_id, cell.wage_type)] = cell.value.strip()
    saved = services.save_grid(current, run, codes, entries)
    return {"saved": saved, "columns": codes}


@router.delete("/pay-runs/{int:run_id}", response={204: None})
def delete_pay_run(request, run_id: int):
    """Delete a draft run with its items and payslips; an approved, paid or cancelled run
    answers 422 at ``status``."""
    current = actor(request)
    run = _run(request, run_id, "payroll.manage")
    services.delete_pay_run(current, run)
    return Status(204, None)


@router.post("/pay-runs/{int:run_id}/calculate", response=list[PayslipSummaryOut])
def calculate_pay_run(request, run_id: int):
    current = actor(request)
    run = _run(request, run_id, "payroll.manage")
    services.calculate_pay_run(current, run)
    return run.payslips.select_related("employee")


@router.post("/pay-runs/{int:run_id}/approve", response=PayRunOut)
def approve_pay_run(request, run_id: int, confirm_warnings: bool = False):
    """Approve a calculated draft. A run whose payslips are out of all proportion to the
    salaries (its ``warnings``) answers 422 listing them unless ``?confirm_warnings=true``."""
    current = actor(request)
    run = _run(request, run_id, "payroll.approve")
    return services.approve_pay_run(current, run, confirm_warnings=confirm_warnings)


@router.post("/pay-runs/{int:run_id}/paid", response=PayRunOut)
def mark_paid(request, run_id: int):
    current = actor(request)
    run = _run(request, run_id, "payroll.approve")
    return services.mark_paid(current, run)


@router.post("/pay-runs/{int:run_id}/cancel", response=PayRunOut)
def cancel_pay_run(request, run_id: int):
    current = actor(request)
    run = _run(request, run_id, "payroll.approve")
    return services.cancel_pay_run(current, run)


@router.get(
    "/pay-runs/{int:run_id}/salary-file",
    summary="SEPA salary payment file (pain.001.001.03 or .09, purpose SALA), XSD-validated",
)
def salary_file(
    request,
    run_id: int,
    version: Literal["pain.001.001.03", "pain.001.001.09"] = "pain.001.001.03",
):
    """The run's salary payment file in ``version`` (default pain.001.001.03), validated
    against that version's ISO XSD before it is returned."""
    from django.http import HttpResponse

    run = _run(request, run_id, "payroll.approve")
    document = services.salary_payment_file(actor(request), run, version)
    response = HttpResponse(document, content_type="application/xml")
    response["Content-Disposition"] = (
        f'attachment; filename="salaries-{run.payment_date}-{version}.xml"'
    )
    return response


@router.get("/pay-runs/{int:run_id}/payslips", response=list[PayslipSummaryOut])
def list_payslips(request, run_id: int):
    run = _run(request, run_id, "payroll.view")
    return run.payslips.select_related("employee")


@router.get("/my/payslips", response=list[PayslipSummaryOut])
def my_payslips(request):
    """The signed-in employee's own payslips of approved runs."""
    return selectors.own_payslips(actor(request))


# The Incomes Register's operations live in their own module.
from .api_incomes_register import router as incomes_register_router  # noqa: E402

router.add_router("", incomes_register_router)

from .api_corrections import router as corrections_router  # noqa: E402

router.add_router("", corrections_router)
from .api_personal_data import router as personal_data_router  # noqa: E402

router.add_router("", personal_data_router)
