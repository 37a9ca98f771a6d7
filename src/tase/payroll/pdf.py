"""Payslip PDFs (WeasyPrint), in the employee's language."""

from __future__ import annotations

from functools import cache

from django.template.loader import render_to_string
from django.utils import translation


@cache
def _fonts():
    """One font configuration per process: WeasyPrint's font lookup is the slow part."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _fetcher():
    """One URL fetcher per process (building one creates an SSL context, ~50 ms); a payslip
    needs no outside resources, so only data: URLs are allowed."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def payslip_html(slip) -> str:
    from .views import payslip_context

    lang = slip.employee.language or "fi"
    with translation.override(lang):
        context = payslip_context(slip, lang) | {"pdf": True, "LANGUAGE_CODE": lang}
        return render_to_string("payroll/payslip_pdf.html", context)


def payslip_pdf(slip) -> bytes:
    from weasyprint import HTML

    return HTML(string=payslip_html(slip), url_fetcher=_fetcher()).write_pdf(font_config=_fonts())
