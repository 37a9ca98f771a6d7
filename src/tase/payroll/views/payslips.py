"""Payslips: a slip's page and PDF, and the employee's own slips."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Payslip
from ..pdf import payslip_pdf
from .common import (
    actor_of,
    language,
)


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
