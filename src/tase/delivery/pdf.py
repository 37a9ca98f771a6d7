"""PDF export of agendas, minutes, other documents and specification versions."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string

from tase.core import pdf


def render_pdf(template: str, context: dict, filename: str) -> HttpResponse:
    return pdf.response(pdf.render(render_to_string(template, context)), filename)
