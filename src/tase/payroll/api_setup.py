"""Payroll API for setting payroll up: employments, salary changes and the company's
payroll settings — what the employee and settings pages do (mounted from payroll/api.py).

Money is given and returned as decimal strings; rates in percent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tase.apiutil import Day, actor

from . import services
from .models import CompanyWageType, Employment, PayrollSettings, PayRun

router = Router(tags=["payroll"])


class EmploymentIn(Schema):
    start_date: Day
    end_date: Day | None = None
    pay_basis: Literal["monthly", "weekly", "hourly", "performance"]
    # monthly or weekly salary or hourly rate (performance pay: its basic hourly rate)
    salary: Decimal | None = None
    weekly_hours: Decimal = Decimal("37.5")
    days_per_week: Decimal = Decimal("5")  # the contract's working days a week
    # The weekdays of work, ISO numbers ("135": Mon, Wed, Fri); empty: Monday to Friday.
    # When given, days_per_week is its length.
    working_weekdays: str = ""
    job_title: str = ""
    profession_code: str = ""  # TK10 (Statistics Finland's classification of occupations)
    collective_agreement: str = ""
    hourly_divisor: Decimal | None = None  # monthly salary / divisor prices hours
    cost_centre: str = ""
    union_dues_rate: Decimal = Decimal("0")
    # Reported to the Incomes Register: "full_time", "part_time" or "" (not reported); the
    # car benefit's type ("limited", "full") and the car's age group ("A", "B", "C", "U").
    working_time: Literal["", "full_time", "part_time"] = ""
    car_benefit_type: Literal["", "limited", "full"] = ""
    car_age_group: Literal["", "A", "B", "C", "U"] = ""


class SalaryOut(Schema):
    valid_from: dt.date
    amount: str

    @staticmethod
    def resolve_amount(obj):
        return str(services.euros(obj.amount_cents))


class EmploymentOut(Schema):
    id: int
    employee_id: int
    start_date: dt.date
    end_date: dt.date | None
    pay_basis: str
    weekly_hours: Decimal
    days_per_week: Decimal
    working_weekdays: str
    job_title: str
    profession_code: str
    collective_agreement: str
    hourly_divisor: Decimal | None
    cost_centre: str
    union_dues_rate: Decimal
    working_time: str
    car_benefit_type: str
    car_age_group: str
    salaries: list[SalaryOut]

    @staticmethod
    def resolve_salaries(obj):
        return list(obj.salaries.all())


class SalaryChangeIn(Schema):
    valid_from: Day
    amount: Decimal


@router.post("/employees/{int:employee_id}/employments", response={201: EmploymentOut})
def create_employment(request, employee_id: int, payload: EmploymentIn):
    current = actor(request)
    employee = services.ensure_visible_employee(current, employee_id, "payroll.manage")
    return Status(201, services.add_employment(current, employee, **payload.dict()))


@router.get("/employees/{int:employee_id}/employments", response=list[EmploymentOut])
def list_employments(request, employee_id: int):
    employee = services.ensure_visible_employee(actor(request), employee_id)
    return employee.employments.prefetch_related("salaries")


class EmploymentPatch(Schema):
    """What the Incomes Register is told of an employment, and its contract from a date; a
    field left out keeps its value."""

    working_time: Literal["", "full_time", "part_time"] | None = None
    car_benefit_type: Literal["", "limited", "full"] | None = None
    car_age_group: Literal["", "A", "B", "C", "U"] | None = None
    # The contract from ``valid_from`` (required with any of them): a change from a later day
    # than the employment's start ends it the day before and begins a new one (the response).
    valid_from: Day | None = None
    pay_basis: Literal["monthly", "weekly", "hourly", "performance"] | None = None
    days_per_week: Decimal | None = None
    working_weekdays: str | None = None
    weekly_hours: Decimal | None = None
    salary: Decimal | None = None  # from valid_from; required with a new pay basis


@router.patch("/employments/{int:employment_id}", response=EmploymentOut)
def update_employment(request, employment_id: int, payload: EmploymentPatch):
    """Full or part time and the car benefit's data of an employment, and its pay basis,
    working days a week (or weekdays), weekly hours and salary from ``valid_from``: returns
    the employment in force from that date (a new one when the contract changed from a day
    after the employment's start; docs/holidays.md)."""
    current = actor(request)
    employment = get_object_or_404(Employment, pk=employment_id)
    services.ensure_visible_employee(current, employment.employee_id, "payroll.manage")
    changed = services.update_employment(current, employment, **payload.dict(exclude_none=True))
    return Employment.objects.prefetch_related("salaries").get(pk=changed.pk)


@router.post("/employments/{int:employment_id}/salary-changes", response={201: SalaryOut})
def create_salary_change(request, employment_id: int, payload: SalaryChangeIn):
    current = actor(request)
    employment = get_object_or_404(Employment, pk=employment_id)
    services.ensure_visible_employee(current, employment.employee_id, "payroll.manage")
    return Status(201, services.change_salary(current, employment, **payload.dict()))


class SettingsOut(Schema):
    tyel_insurer: str
    tyel_policy_number: str
    tyel_rate: Decimal | None  # empty: the year's average, see the settings page
    above_unemployment_threshold: bool
    accident_rate: Decimal
    group_life_rate: Decimal
    hourly_divisor: Decimal | None
    post_to_ledger: bool
    payer_iban: str
    payer_bic: str


class SettingsPatch(Schema):
    tyel_insurer: str | None = None
    tyel_policy_number: str | None = None
    tyel_rate: Decimal | None = None
    above_unemployment_threshold: bool | None = None
    accident_rate: Decimal | None = None
    group_life_rate: Decimal | None = None
    hourly_divisor: Decimal | None = None
    post_to_ledger: bool | None = None
    payer_iban: str | None = None
    payer_bic: str | None = None


@router.get("/companies/{int:company_id}/settings", response=SettingsOut)
def get_settings(request, company_id: int):
    company = actor(request).company(company_id, "payroll.view")
    return services.ensure_setup(company)


@router.patch("/companies/{int:company_id}/settings", response=SettingsOut)
def patch_settings(request, company_id: int, payload: SettingsPatch):
    """Change the given fields; ``"tyel_rate": null`` (or ``hourly_divisor``) given
    explicitly clears it."""
    current = actor(request)
    company = current.company(company_id, "payroll.manage")
    row: PayrollSettings = services.ensure_setup(company)
    given = payload.dict(exclude_unset=True)
    data = {field: getattr(row, field) for field in services.SETTINGS_FIELDS} | given
    return services.update_settings(current, company, **data)


class WageTypeOut(Schema):
    code: str
    label_fi: str
    label_en: str
    kind: str
    income_type: int | None
    ledger_account: str
    hidden: bool
    holiday_other_pay: bool


class WageTypePatch(Schema):
    label_fi: str | None = None
    label_en: str | None = None
    ledger_account: str | None = None
    hidden: bool | None = None
    # Other pay besides a weekly or monthly salary whose share joins the holiday pay
    # (vuosilomalaki 10 § 1 mom., second sentence); money wage types only.
    holiday_other_pay: bool | None = None


@router.get("/companies/{int:company_id}/wage-types", response=list[WageTypeOut])
def list_wage_types(request, company_id: int):
    company = actor(request).company(company_id, "payroll.view")
    services.ensure_setup(company)
    return list(CompanyWageType.objects.filter(company=company))


@router.patch("/companies/{int:company_id}/wage-types/{code}", response=WageTypeOut)
def patch_wage_type(request, company_id: int, code: str, payload: WageTypePatch):
    """Change the given fields of the company's wage type, the others kept, as the
    wage-types page does; ``null`` is refused naming the field."""
    current = actor(request)
    company = current.company(company_id, "payroll.manage")
    services.ensure_setup(company)
    row = get_object_or_404(CompanyWageType, company=company, code=code)
    return services.update_wage_type(current, row, **payload.dict(exclude_unset=True))


@router.post("/companies/{int:company_id}/tax-cards/csv", response={201: dict})
def import_tax_cards(request, company_id: int, year: Form[int], file: File[UploadedFile]):
    """Many employees' tax cards of ``year`` from a CSV file (multipart: ``year``, ``file``);
    any bad row answers 422 naming every bad row, and nothing is written."""
    current = actor(request)
    company = current.company(company_id, "payroll.manage")
    count = services.import_tax_cards_csv(current, company, file, year=year)
    return Status(201, {"imported": count})


@router.post("/companies/{int:company_id}/tax-cards/withholding-file", response={201: dict})
def import_tax_card_file(request, company_id: int, year: Form[int], file: File[UploadedFile]):
    """Many employees' tax cards of ``year`` from the Tax Administration's withholding data
    file (XML or JSON; multipart: ``year``, ``file``; docs/payroll.md). Malformed XML, an
    unknown employee or another year answers 422 naming the record's line; nothing is
    written."""
    current = actor(request)
    company = current.company(company_id, "payroll.manage")
    count = services.import_tax_cards_file(current, company, file, year=year)
    return Status(201, {"imported": count})


@router.post("/pay-runs/{int:run_id}/items/csv", response={201: dict})
def import_pay_items(request, run_id: int, file: File[UploadedFile]):
    """Pay items of a draft run from a CSV file (multipart ``file``; columns employee,
    wage_type, quantity, unit_price, amount, cost_centre). Any bad row answers 422 listing
    every bad row; nothing is written."""
    current = actor(request)
    run = get_object_or_404(PayRun.objects.select_related("company"), pk=run_id)
    current.company(run.company_id, "payroll.manage")
    return Status(201, {"imported": services.import_items_csv(current, run, file)})
