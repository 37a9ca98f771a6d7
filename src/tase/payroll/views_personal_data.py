"""An employee's personal data page: what is held, until when and why (the law cited), the
export as JSON and PDF, and erasure of what may go (ticked once more: it cannot be undone)."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core import pdf
from tase.core.access import Actor
from tase.core.editing import run_action

from . import services


def _employee(request, pk):
    actor = Actor.of(request.user)
    return actor, services.ensure_visible_employee(actor, pk, "payroll.personal_data")


@login_required
def personal_data(request, pk):
    actor, employee = _employee(request, pk)
    plan = services.plan_for(actor, employee)
    return render(
        request,
        "payroll/personal_data.html",
        {"employee": employee, "company": employee.company, "plan": plan},
    )


def _filename(employee, ext: str) -> str:
    return f"henkilotiedot-{employee.company_id}-{employee.number}.{ext}"


@login_required
def personal_data_json(request, pk):
    actor, employee = _employee(request, pk)
    data = services.export_employee_data(actor, employee)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(employee, "json")}"'
    return response


DATE_KEYS = {"start_date", "end_date", "valid_from", "payment_date", "kept_until"}


def _dated(row: dict) -> dict:
    """``row`` with its ISO dates as dates, so that the PDF prints them the Finnish way."""
    return {
        key: dt.date.fromisoformat(value) if key in DATE_KEYS and value else value
        for key, value in row.items()
    }


def _pdf_context(data: dict) -> dict:
    return {
        "data": data,
        "exported_at": dt.datetime.fromisoformat(data["exported_at"]),
        "birth_date": dt.date.fromisoformat(data["employee"]["birth_date"]),
        "employments": [
            _dated(e) | {"salaries": [_dated(s) for s in e["salaries"]]}
            for e in data["employments"]
        ],
        "tax_cards": [_dated(c) for c in data["tax_cards"]],
        "payslips": [_dated(s) for s in data["payslips"]],
        "retention": [_dated(r) for r in data["retention"]],
    }


@login_required
def personal_data_pdf(request, pk):
    actor, employee = _employee(request, pk)
    return pdf_response(request, employee, services.export_employee_data(actor, employee))


def pdf_response(request, employee, data: dict) -> HttpResponse:
    html = render_to_string("payroll/personal_data_pdf.html", _pdf_context(data), request=request)
    response = HttpResponse(
        pdf.render(html, test_environment=employee.company.is_test_environment),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(employee, "pdf")}"'
    return response


@login_required
@require_POST
def personal_data_erase(request, pk):
    actor, employee = _employee(request, pk)

    def erase():
        if request.POST.get("confirm") != "1":
            raise ValidationError(
                {"confirm": _("Tick the box to confirm: erased data cannot be restored.")}
            )
        return services.erase_employee_data(actor, employee)

    return run_action(
        request,
        erase,
        success=lambda plan: (
            _("Erased: %(erased)s.") % {"erased": ", ".join(h.label for h in plan.erasable)}
        ),
        back=reverse("payroll:personal_data", args=[employee.pk]),
    )
