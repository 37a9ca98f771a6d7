"""Pay runs: the list, a new run, its page and acts, the payment file, the grid and the
import of pay items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core import editing
from tase.core.editing import post_or_message, save_form
from tase.payroll import views as payroll_views

from .. import services
from ..forms import (
    ImportForm,
    PayItemForm,
    PayRunForm,
)
from ..models import CompanyWageType, PayItem, PayRun
from .common import (
    actor_of,
    language,
)


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
    done = save_form(
        request,
        form,
        lambda data: services.create_pay_run(actor, company, **data),
        success=_("Pay run created."),
        redirect_to=lambda run: reverse("payroll:run_detail", args=[run.pk]),
    )
    if done is not None:
        return done
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
        done = save_form(
            request,
            item_form,
            lambda data: services.add_item(
                actor,
                run,
                data["employee"],
                wage_type=data["wage_type"],
                amount=data["amount"],
                quantity=data["quantity"],
                unit_price=data["unit_price"],
            ),
            success=_("Item added."),
            redirect_to=reverse("payroll:run_detail", args=[run.pk]),
            note=lambda item: item.entry_note,
        )
        if done is not None:
            return done
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
            "absence_changes": (
                run.absence_changes.select_related("absence__employee") if run.is_correction else []
            ),
            "warnings": services.pay_run_warnings(run) if run.is_draft else [],
            "absence_notices": services.absence_notices(run),
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
    back = reverse("payroll:run_detail", args=[run.pk])
    if action == "calculate" and run.employees.count() > payroll_views.BACKGROUND_FROM:

        def start() -> None:
            services.start_calculation(actor, run)
            messages.info(request, _("The pay run is being calculated in the background."))

        return editing.run_action(request, start, success=None, back=back, joined=True)
    options = {}
    if action == "approve":
        options["confirm_warnings"] = request.POST.get("confirm_warnings") == "on"
    return editing.run_action(
        request,
        lambda: handler(actor, run, **options),
        success=done,
        back=back,
        joined=True,
        done_to=reverse("payroll:runs", args=[run.company_id]) if action == "delete" else None,
    )


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
    return editing.run_action(
        request,
        lambda: services.delete_item(actor, item),
        success=None,
        back=reverse("payroll:run_detail", args=[item.pay_run_id]),
        joined=True,
    )


@login_required
def run_grid(request, pk):
    """Mass entry: one row per employee, one column per common wage type."""
    actor = actor_of(request)
    run = _run_for(actor, pk, "payroll.manage")
    codes = services.grid_codes(run.company)
    wage_rows = {
        row.code: row for row in CompanyWageType.objects.filter(company=run.company, code__in=codes)
    }
    employees_ = list(run.employees.all())
    if request.method == "POST":
        entries = {}
        for employee in employees_:
            for code in codes:
                value = request.POST.get(f"v-{employee.pk}-{code}", "").strip()
                if value:
                    entries[(employee.pk, code)] = value

        def save() -> None:
            count = services.save_grid(actor, run, codes, entries)
            messages.success(request, _("%(count)s items saved.") % {"count": count})

        done = post_or_message(
            request, save, redirect_to=reverse("payroll:run_detail", args=[run.pk])
        )
        if done is not None:
            return done
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
    done = save_form(
        request,
        form,
        lambda data: services.import_items_csv(actor, run, data["file"]),
        success=lambda count: _("%(count)s items imported.") % {"count": count},
        redirect_to=reverse("payroll:run_detail", args=[run.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Import pay items"), "subtitle": str(run)},
    )
