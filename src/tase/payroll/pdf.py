"""Payslip PDFs (WeasyPrint), in the employee's language."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from tase.core import pdf


def payslip_html(slip) -> str:
    from .views import payslip_context

    lang = slip.employee.language or "fi"
    with translation.override(lang):
        context = payslip_context(slip, lang) | {"pdf": True, "LANGUAGE_CODE": lang}
        return render_to_string("payroll/payslip_pdf.html", context)


def payslip_pdf(slip) -> bytes:
    lang = slip.employee.language or "fi"
    with translation.override(lang):
        return pdf.render(payslip_html(slip), test_environment=slip.company.is_test_environment)
