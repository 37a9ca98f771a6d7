"""Payroll pages: calculator, employees, settings, wage types, pay runs, payslips, summary."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.access import Actor
from tase.core.templatetags.tase import format_money
from tase.core.views import form_errors_from
from tase.rules.payroll_catalogue import RETRO_WAGE_TYPES

from . import selectors, services
from .api import calculate_dict
from .forms import (
    CalculatorForm,
    EmployeeForm,
    EmploymentForm,
    EmploymentReportDataForm,
    HolidayCalculatorForm,
    ImportForm,
    PayItemForm,
    PayRunForm,
    SalaryChangeForm,
    SettingsForm,
    TaxCardForm,
    TaxCardImportForm,
)
from .holidays_api import calculate_dict as calculate_holidays
from .models import CompanyWageType, Employment, PayItem, PayRun, Payslip
from .pdf import payslip_pdf

BACKGROUND_FROM = 300  # employees: a larger run is calculated as a background task

GRID_CODES = [
    "hourly_wage",
    "overtime_50",
    "overtime_100",
    "evening_supplement",
    "bonus",
    "mileage_allowance",
]


def actor_of(request) -> Actor:
    return Actor.of(request.user)


def language() -> str:
    return translation.get_language() or "fi"


def engine_errors_to(form, error: ValidationError) -> None:
    """Put a calculator's field errors (``items[1].quantity``) on the form's fields."""
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_engine_error(field, message)


# -- start and calculator ----------------------------------------------------------------
@login_required
def index(request):
    actor = actor_of(request)
    companies = list(actor.companies("payroll.view"))
    if len(companies) == 1 and not request.GET.get("all"):
        return redirect("payroll:runs", companies[0].pk)
    own = selectors.own_payslips(actor)[:5]
    return render(request, "payroll/index.html", {"companies": companies, "own": own})


@login_required
def calculator(request):
    form = CalculatorForm(request.POST or None, language=language())
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = calculate_dict(form.to_request(), language())
        except ValidationError as error:
            engine_errors_to(form, error)
    totals = None
    if result is not None:
        totals = {k: Decimal(v) for k, v in result.items() if isinstance(v, str)}
        totals["total_cost"] = Decimal(result["employer"]["total_cost"])
    return render(
        request, "payroll/calculator.html", {"form": form, "result": result, "totals": totals}
    )


@login_required
def holiday_calculator(request):
    """Annual holiday days, holiday pay and compensation for one credit year (stateless)."""
    form = HolidayCalculatorForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = calculate_holidays(form.to_request(), language())
        except ValidationError as error:
            engine_errors_to(form, error)
    if result is not None:
        for line in result["lines"]:  # money has cents; days and months are counts
            line["money"] = "." in line["amount"]
            line["value"] = Decimal(line["amount"])
        for key in ("average_daily_wage", "holiday_pay", "holiday_bonus", "compensation"):
            result[key] = None if result[key] is None else Decimal(result[key])
    return render(request, "payroll/holiday_calculator.html", {"form": form, "result": result})


# -- employees ---------------------------------------------------------------------------
@login_required
def employees(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.view")
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.employees(company, query), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "payroll/employees.html",
        {
            "company": company,
            "page": page,
            "query": query,
            "can_manage": actor.can_in_company("payroll.manage", company),
        },
    )


@login_required
def employee_create(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.manage")
    form = EmployeeForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            employee = services.create_employee(actor, company, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Employee saved."))
            return redirect("payroll:employee_detail", employee.pk)
    return render(request, "core/form_page.html", {"form": form, "title": _("New employee")})


@login_required
def employee_detail(request, pk):
    actor = actor_of(request)
    employee = services.ensure_visible_employee(actor, pk)
    company = employee.company
    can_manage = actor.can_in_company("payroll.manage", company)
    employments = list(employee.employments.prefetch_related("salaries"))
    labels = {
        row.code: row.label(language())
        for row in CompanyWageType.objects.filter(company=company, code__in=RETRO_WAGE_TYPES)
    }
    for employment in employments:
        # The retro pay still due after a salary change with an earlier effective date.
        employment.retro_lines = [
            {"label": labels.get(line.wage_type, line.wage_type), **line.__dict__}
            for line in services.retro_differences(actor, employment)
        ]
        employment.next_run = (
            services.next_draft_run(employment) if employment.retro_lines else None
        )
        employment.report_form = EmploymentReportDataForm(
            instance=employment, prefix=f"ir{employment.pk}"
        )
    return render(
        request,
        "payroll/employee_detail.html",
        {
            "employee": employee,
            "iban": selectors.shown_iban(actor, employee, company),
            "company": company,
            "employments": employments,
            "tax_cards": employee.tax_cards.all(),
            "payslips": employee.payslips.filter(pay_run__status__in=selectors.LOCKED)
            .select_related("pay_run")
            .order_by("-payment_date")[:24],
            "can_manage": can_manage,
            "can_see_code": actor.can_in_company("payroll.identity_codes", company),
            "can_personal_data": actor.can_in_company("payroll.personal_data", company),
            "employment_form": EmploymentForm(prefix="employment"),
            "tax_card_form": TaxCardForm(prefix="card", initial={"year": dt.date.today().year}),
            "salary_form": SalaryChangeForm(prefix="salary"),
        },
    )


@login_required
def employee_identity_code(request, pk):
    """Reveal the unmasked identity code (audited) for payroll roles; masked otherwise."""
    actor = actor_of(request)
    employee = services.ensure_visible_employee(actor, pk)
    code = services.identity_code_for(actor, employee)
    return HttpResponse(f'<span data-testid="identity-code">{code}</span>')


@login_required
def employee_edit(request, pk):
    actor = actor_of(request)
    employee = services.ensure_visible_employee(actor, pk, "payroll.manage")
    initial = {"identity_code": "", "user_email": employee.user.email if employee.user else ""}
    form = EmployeeForm(request.POST or None, instance=employee, initial=initial)
    if request.method != "POST":
        form.initial["identity_code"] = ""
    form.fields["identity_code"].help_text = _(
        "Leave empty to keep the current code (%(masked)s)."
    ) % {"masked": employee.masked_identity_code or "—"}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("identity_code"):
            data.pop("identity_code")
        try:
            services.update_employee(actor, employee, **data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Employee saved."))
            return redirect("payroll:employee_detail", employee.pk)
    return render(request, "core/form_page.html", {"form": form, "title": employee.name})


@login_required
@require_POST
def employment_add(request, pk):
    actor = actor_of(request)
    employee = services.ensure_visible_employee(actor, pk, "payroll.manage")
    form = EmploymentForm(request.POST, prefix="employment")
    if form.is_valid():
        try:
            services.add_employment(actor, employee, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Employment saved."))
    else:
        messages.error(
            request,
            _("Check the employment fields: %(fields)s") % {"fields": ", ".join(form.errors)},
        )
    return redirect("payroll:employee_detail", employee.pk)


@login_required
@require_POST
def employment_report_data(request, pk):
    """Full or part time and the car benefit's data of an employment (Incomes Register)."""
    actor = actor_of(request)
    employment = get_object_or_404(Employment.objects.select_related("employee"), pk=pk)
    services.ensure_visible_employee(actor, employment.employee_id, "payroll.manage")
    form = EmploymentReportDataForm(request.POST, prefix=f"ir{employment.pk}")
    if form.is_valid():
        try:
            services.update_employment_report_data(actor, employment, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Employment saved."))
    else:
        messages.error(
            request,
            _("Check the employment fields: %(fields)s") % {"fields": ", ".join(form.errors)},
        )
    return redirect("payroll:employee_detail", employment.employee_id)


@login_required
@require_POST
def salary_change(request, pk):
    actor = actor_of(request)
    employment = get_object_or_404(Employment.objects.select_related("employee"), pk=pk)
    services.ensure_visible_employee(actor, employment.employee_id, "payroll.manage")
    form = SalaryChangeForm(request.POST, prefix="salary")
    if form.is_valid():
        try:
            services.change_salary(actor, employment, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Salary change saved."))
            due = services.retro_differences(actor, employment)
            if due:
                messages.info(
                    request,
                    _(
                        "The change reaches back to payments already made: retro pay of "
                        "%(amount)s is due. Check it below and add it to the next pay run."
                    )
                    % {"amount": format_money(sum(line.amount for line in due))},
                )
    else:
        messages.error(request, _("Check the salary change."))
    return redirect("payroll:employee_detail", employment.employee_id)


@login_required
@require_POST
def tax_card_add(request, pk):
    actor = actor_of(request)
    employee = services.ensure_visible_employee(actor, pk, "payroll.manage")
    form = TaxCardForm(request.POST, prefix="card")
    if form.is_valid():
        data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items()}
        data["valid_from"] = form.cleaned_data.get("valid_from")
        try:
            services.add_tax_card(actor, employee, **data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Tax card saved."))
    else:
        messages.error(request, _("Check the tax card fields."))
    return redirect("payroll:employee_detail", employee.pk)


@login_required
def tax_card_import(request, company_pk):
    """Many employees' tax cards of a year from a CSV file or the Tax Administration's
    withholding data file (services.tax_cards_bulk tells them apart)."""
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.manage")
    form = TaxCardImportForm(
        request.POST or None, request.FILES or None, initial={"year": dt.date.today().year}
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.import_tax_cards(
                actor, company, form.cleaned_data["file"], year=form.cleaned_data["year"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(count)s tax cards imported.") % {"count": count})
            return redirect("payroll:employees", company.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Import tax cards"), "subtitle": company.name},
    )


# -- settings and wage types ---------------------------------------------------------------
@login_required
def settings_edit(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.manage")
    row = services.ensure_setup(company)
    initial = {field: getattr(row, field) for field in services.SETTINGS_FIELDS}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(actor, company, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Payroll settings saved."))
            return redirect("payroll:runs", company.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Payroll settings"), "subtitle": company.name},
    )


@login_required
def wage_types(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.view")
    services.ensure_setup(company)
    can_manage = actor.can_in_company("payroll.manage", company)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        wage_type = get_object_or_404(CompanyWageType, pk=request.POST.get("id"), company=company)
        try:
            services.update_wage_type(
                actor,
                wage_type,
                label_fi=request.POST.get("label_fi", wage_type.label_fi),
                label_en=request.POST.get("label_en", wage_type.label_en),
                ledger_account=request.POST.get("ledger_account", wage_type.ledger_account),
                hidden=request.POST.get("hidden") == "on",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Wage type saved."))
        return redirect("payroll:wage_types", company.pk)
    return render(
        request,
        "payroll/wage_types.html",
        {
            "company": company,
            "rows": CompanyWageType.objects.filter(company=company),
            "can_manage": can_manage,
        },
    )


# -- pay runs ------------------------------------------------------------------------------
@login_required
def runs(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.view")
    page = Paginator(PayRun.objects.filter(company=company), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "payroll/runs.html",
        {
            "company": company,
            "page": page,
            "can_manage": actor.can_in_company("payroll.manage", company),
        },
    )


@login_required
def run_create(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.manage")
    form = PayRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.create_pay_run(actor, company, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Pay run created."))
            return redirect("payroll:run_detail", run.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New pay run"), "subtitle": company.name},
    )


def _run_for(actor, pk, action="payroll.view") -> PayRun:
    run = get_object_or_404(PayRun.objects.select_related("company__organization"), pk=pk)
    actor.company(run.company_id, action)
    return run


@login_required
def run_detail(request, pk):
    actor = actor_of(request)
    run = _run_for(actor, pk)
    company = run.company
    catalogue = CompanyWageType.objects.filter(company=company, hidden=False)
    item_form = PayItemForm(run=run, wage_types=catalogue, language=language(), prefix="item")
    if request.method == "POST":
        actor.company(company.pk, "payroll.manage")
        item_form = PayItemForm(
            request.POST, run=run, wage_types=catalogue, language=language(), prefix="item"
        )
        if item_form.is_valid():
            data = item_form.cleaned_data
            try:
                item = services.add_item(
                    actor,
                    run,
                    data["employee"],
                    wage_type=data["wage_type"],
                    amount=data["amount"],
                    quantity=data["quantity"],
                    unit_price=data["unit_price"],
                )
            except ValidationError as error:
                form_errors_from(item_form, error)
            else:
                messages.success(request, _("Item added."))
                if item.entry_note:
                    messages.info(request, item.entry_note)
                return redirect("payroll:run_detail", run.pk)
    labels = {
        row.code: row.label(language()) for row in CompanyWageType.objects.filter(company=company)
    }
    items = [
        {"item": item, "label": labels.get(item.wage_type, item.wage_type)}
        for item in run.items.select_related("employee")
    ]
    payslips = run.payslips.select_related("employee")
    totals = {
        field: sum(getattr(slip, field) for slip in payslips)
        for field in ("gross_cents", "withholding_cents", "net_cents", "total_cost_cents")
    }
    return render(
        request,
        "payroll/run_detail.html",
        {
            "run": run,
            "company": company,
            "employees": run.employees.all(),
            "items": items,
            "payslips": payslips,
            "totals": totals,
            "item_form": item_form,
            "can_manage": actor.can_in_company("payroll.manage", company),
            "can_approve": actor.can_in_company("payroll.approve", company),
            "progress": _progress(run),
            "warnings": services.pay_run_warnings(run) if run.is_draft else [],
        },
    )


@login_required
@require_POST
def run_action(request, pk, action):
    actor = actor_of(request)
    run = _run_for(actor, pk)
    handlers = {
        "calculate": (services.calculate_pay_run, _("Pay run calculated.")),
        "approve": (services.approve_pay_run, _("Pay run approved.")),
        "paid": (services.mark_paid, _("Pay run marked paid.")),
        "cancel": (services.cancel_pay_run, _("Pay run cancelled.")),
        "delete": (services.delete_pay_run, _("Pay run deleted.")),
        "absence-lines": (services.absence_lines, _("Lines from absences generated.")),
        "holiday-lines": (services.holiday_lines, _("Lines from holidays generated.")),
    }
    if action not in handlers:
        raise Http404
    handler, done = handlers[action]
    if action == "calculate" and run.employees.count() > BACKGROUND_FROM:
        try:
            services.start_calculation(actor, run)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.info(request, _("The pay run is being calculated in the background."))
        return redirect("payroll:run_detail", run.pk)
    options = {}
    if action == "approve":
        options["confirm_warnings"] = request.POST.get("confirm_warnings") == "on"
    try:
        handler(actor, run, **options)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
        if action == "delete":
            return redirect("payroll:runs", run.company_id)
    return redirect("payroll:run_detail", run.pk)


@login_required
def run_sepa(request, pk):
    """Download the validated SEPA salary payment file of an approved run."""
    actor = actor_of(request)
    run = _run_for(actor, pk, "payroll.approve")
    try:
        version = request.GET.get("version") or "pain.001.001.03"
        document = services.salary_payment_file(actor, run, version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("payroll:run_detail", run.pk)
    response = HttpResponse(document, content_type="application/xml")
    response["Content-Disposition"] = (
        f'attachment; filename="salaries-{run.payment_date}-{version}.xml"'
    )
    return response


def _progress(run: PayRun) -> dict:
    """The background calculation's state as the templates show it (from the run's row)."""
    return {
        "state": run.progress_state,
        "done": run.progress_done,
        "total": run.progress_total,
        "message": run.progress_message,
        "stalled": run.calculation_stalled,
        "updated_at": run.progress_updated_at,
    }


@login_required
def run_progress(request, pk):
    """The background calculation's progress bar (polled by htmx); reloads the page when the
    calculation has finished, failed or stalled (the page then shows the result or why)."""
    actor = actor_of(request)
    run = _run_for(actor, pk)
    state = _progress(run)
    response = render(request, "payroll/_progress.html", {"run": run, "state": state})
    if state["state"] != PayRun.Progress.RUNNING or state["stalled"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def item_delete(request, pk):
    actor = actor_of(request)
    item = get_object_or_404(PayItem.objects.select_related("pay_run"), pk=pk)
    _run_for(actor, item.pay_run_id, "payroll.manage")
    try:
        services.delete_item(actor, item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("payroll:run_detail", item.pay_run_id)


@login_required
def run_grid(request, pk):
    """Mass entry: one row per employee, one column per common wage type."""
    actor = actor_of(request)
    run = _run_for(actor, pk, "payroll.manage")
    wage_rows = {
        row.code: row
        for row in CompanyWageType.objects.filter(
            company=run.company, code__in=GRID_CODES, hidden=False
        )
    }
    codes = [code for code in GRID_CODES if code in wage_rows]
    employees_ = list(run.employees.all())
    if request.method == "POST":
        entries = {}
        for employee in employees_:
            for code in codes:
                value = request.POST.get(f"v-{employee.pk}-{code}", "").strip()
                if value:
                    entries[(employee.pk, code)] = value
        try:
            count = services.save_grid(actor, run, codes, entries)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)s items saved.") % {"count": count})
            return redirect("payroll:run_detail", run.pk)
    existing = {}
    for item in run.items.filter(wage_type__in=codes):
        value = item.quantity if item.quantity is not None else services.euros(item.amount_cents)
        existing[(item.employee_id, item.wage_type)] = value
    rows = [
        {
            "employee": employee,
            "cells": [
                {"name": f"v-{employee.pk}-{code}", "value": existing.get((employee.pk, code), "")}
                for code in codes
            ],
        }
        for employee in employees_
    ]
    columns = [
        wage_rows[code].label(language())
        + (f" ({wage_rows[code].unit})" if wage_rows[code].unit else " (€)")
        for code in codes
    ]
    return render(request, "payroll/run_grid.html", {"run": run, "rows": rows, "columns": columns})


@login_required
def run_import(request, pk):
    actor = actor_of(request)
    run = _run_for(actor, pk, "payroll.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.import_items_csv(actor, run, form.cleaned_data["file"])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(count)s items imported.") % {"count": count})
            return redirect("payroll:run_detail", run.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Import pay items"), "subtitle": str(run)},
    )


# -- payslips ------------------------------------------------------------------------------
def payslip_context(slip: Payslip, lang: str, *, iban: str | None = None) -> dict:
    """What a payslip shows; ``iban``: the account as the viewer may see it (default whole,
    as on the payslip the employee gets)."""
    sections = []
    names = {
        "pay": _("Pay"),
        "benefit": _("Benefits in kind"),
        "tax_free": _("Tax-free reimbursements"),
        "pre_tax": _("Deductions before withholding"),
        "withholding": _("Withholding"),
        "contribution": _("Employee contributions"),
        "deduction": _("Deductions"),
        "employer": _("Employer's contributions"),
    }
    for key, title in names.items():
        lines = [
            {
                **line,
                "label": line["label_en"] if lang == "en" else line["label_fi"],
                "amount_d": Decimal(line["amount"]),
                "base_d": None if line["base"] is None else Decimal(line["base"]),
            }
            for line in slip.lines
            if line["section"] == key
        ]
        if lines:
            sections.append({"key": key, "title": title, "lines": lines})
    ytd = selectors.employee_year_to_date(slip.employee, slip.payment_date.year, slip.payment_date)
    return {
        "slip": slip,
        "sections": sections,
        "ytd": ytd,
        "employee": slip.employee,
        "iban": slip.employee.iban if iban is None else iban,
        "company": slip.company,
    }


@login_required
def payslip_detail(request, pk):
    actor = actor_of(request)
    slip = selectors.payslip_for(actor, pk)
    iban = selectors.shown_iban(actor, slip.employee, slip.company)
    return render(request, "payroll/payslip.html", payslip_context(slip, language(), iban=iban))


@login_required
def payslip_pdf_view(request, pk):
    actor = actor_of(request)
    slip = selectors.payslip_for(actor, pk)
    data = payslip_pdf(slip, iban=selectors.shown_iban(actor, slip.employee, slip.company))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="payslip-{slip.number or slip.pk}.pdf"'
    return response


@login_required
def my_payslips(request):
    actor = actor_of(request)
    return render(request, "payroll/my_payslips.html", {"payslips": selectors.own_payslips(actor)})


# -- employer's monthly summary ------------------------------------------------------------
def _year(request) -> int:
    try:
        return int(request.GET.get("year") or dt.date.today().year)
    except ValueError:
        return dt.date.today().year


@login_required
def summary(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.view")
    year = _year(request)
    return render(
        request,
        "payroll/summary.html",
        {
            "company": company,
            "year": year,
            "months": selectors.monthly_summary(company, year),
            "ytd": selectors.year_to_date(company, year),
        },
    )


@login_required
def summary_csv(request, company_pk):
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.view")
    year = _year(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payroll-summary-{year}.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "month",
            "payslips",
            "gross_pay",
            "withholding",
            "employer_health_insurance",
            "due_to_tax_administration",
            "due_date",
            "employee_health_insurance_tax_at_source",
        ]
    )
    for row in selectors.monthly_summary(company, year):
        writer.writerow(
            [
                f"{year}-{row['month']:02d}",
                row["payslips"],
                services.euros(row["gross_cents"]),
                services.euros(row["withholding_cents"]),
                services.euros(row["employer_health_cents"]),
                services.euros(row["due_cents"]),
                row["due_date"].isoformat(),
                services.euros(row["employee_health_cents"]),
            ]
        )
    return response
