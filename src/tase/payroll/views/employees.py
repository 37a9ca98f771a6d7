"""Employees: the list, the card, employments, salary changes and tax cards."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.editing import save_form, save_posted_form
from tase.core.templatetags.tase import format_money
from tase.rules.payroll_catalogue import RETRO_WAGE_TYPES

from .. import selectors, services
from ..forms import (
    ContractChangeForm,
    EmployeeForm,
    EmploymentForm,
    EmploymentReportDataForm,
    SalaryChangeForm,
    TaxCardForm,
    TaxCardImportForm,
)
from ..models import CompanyWageType, Employment
from .common import (
    actor_of,
    language,
)


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
    done = save_form(
        request,
        form,
        lambda data: services.create_employee(actor, company, **data),
        success=_("Employee saved."),
        redirect_to=lambda employee: reverse("payroll:employee_detail", args=[employee.pk]),
    )
    if done is not None:
        return done
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
        employment.contract_form = ContractChangeForm(prefix=f"contract{employment.pk}")
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

    def save(data):
        data = dict(data)
        if not data.get("identity_code"):
            data.pop("identity_code")
        services.update_employee(actor, employee, **data)

    done = save_form(
        request,
        form,
        save,
        success=_("Employee saved."),
        redirect_to=reverse("payroll:employee_detail", args=[employee.pk]),
    )
    if done is not None:
        return done
    return render(request, "core/form_page.html", {"form": form, "title": employee.name})


@login_required
@require_POST
def employment_add(request, pk):
    actor = actor_of(request)
    employee = services.ensure_visible_employee(actor, pk, "payroll.manage")
    return save_posted_form(
        request,
        EmploymentForm(request.POST, prefix="employment"),
        lambda data: services.add_employment(actor, employee, **data),
        success=_("Employment saved."),
        invalid=_employment_fields,
        back=reverse("payroll:employee_detail", args=[employee.pk]),
    )


def _employment_fields(form) -> str:
    return _("Check the employment fields: %(fields)s") % {"fields": ", ".join(form.errors)}


@login_required
@require_POST
def employment_report_data(request, pk):
    """Full or part time and the car benefit's data of an employment (Incomes Register)."""
    actor = actor_of(request)
    employment = get_object_or_404(Employment.objects.select_related("employee"), pk=pk)
    services.ensure_visible_employee(actor, employment.employee_id, "payroll.manage")
    return save_posted_form(
        request,
        EmploymentReportDataForm(request.POST, prefix=f"ir{employment.pk}"),
        lambda data: services.update_employment_report_data(actor, employment, **data),
        success=_("Employment saved."),
        invalid=_employment_fields,
        back=reverse("payroll:employee_detail", args=[employment.employee_id]),
    )


@login_required
@require_POST
def employment_contract(request, pk):
    """The pay basis, working days a week and weekly hours of an employment from a date
    (services.change_contract: from a later day than its start, a new employment)."""
    actor = actor_of(request)
    employment = get_object_or_404(Employment.objects.select_related("employee"), pk=pk)
    services.ensure_visible_employee(actor, employment.employee_id, "payroll.manage")
    return save_posted_form(
        request,
        ContractChangeForm(request.POST, prefix=f"contract{employment.pk}"),
        lambda data: services.change_contract(actor, employment, **data),
        success=_("Contract changed."),
        invalid=_employment_fields,
        back=reverse("payroll:employee_detail", args=[employment.employee_id]),
    )


@login_required
@require_POST
def salary_change(request, pk):
    actor = actor_of(request)
    employment = get_object_or_404(Employment.objects.select_related("employee"), pk=pk)
    services.ensure_visible_employee(actor, employment.employee_id, "payroll.manage")

    def retro_due(_saved) -> str | None:
        due = services.retro_differences(actor, employment)
        if not due:
            return None
        return _(
            "The change reaches back to payments already made: retro pay of "
            "%(amount)s is due. Check it below and add it to the next pay run."
        ) % {"amount": format_money(sum(line.amount for line in due))}

    return save_posted_form(
        request,
        SalaryChangeForm(request.POST, prefix="salary"),
        lambda data: services.change_salary(actor, employment, **data),
        success=_("Salary change saved."),
        invalid=_("Check the salary change."),
        back=reverse("payroll:employee_detail", args=[employment.employee_id]),
        note=retro_due,
    )


@login_required
@require_POST
def tax_card_add(request, pk):
    actor = actor_of(request)
    employee = services.ensure_visible_employee(actor, pk, "payroll.manage")

    def save(cleaned):
        data = {k: ("" if v is None else v) for k, v in cleaned.items()}
        data["valid_from"] = cleaned.get("valid_from")
        services.add_tax_card(actor, employee, **data)

    return save_posted_form(
        request,
        TaxCardForm(request.POST, prefix="card"),
        save,
        success=_("Tax card saved."),
        invalid=_("Check the tax card fields."),
        back=reverse("payroll:employee_detail", args=[employee.pk]),
    )


@login_required
def tax_card_import(request, company_pk):
    """Many employees' tax cards of a year from a CSV file or the Tax Administration's
    withholding data file (services.tax_cards_bulk tells them apart)."""
    actor = actor_of(request)
    company = actor.company(company_pk, "payroll.manage")
    form = TaxCardImportForm(
        request.POST or None, request.FILES or None, initial={"year": dt.date.today().year}
    )
    done = save_form(
        request,
        form,
        lambda data: services.import_tax_cards(actor, company, data["file"], year=data["year"]),
        success=lambda count: _("%(count)s tax cards imported.") % {"count": count},
        redirect_to=reverse("payroll:employees", args=[company.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Import tax cards"), "subtitle": company.name},
    )
