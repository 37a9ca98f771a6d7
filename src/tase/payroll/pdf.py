"""Payslip PDFs (WeasyPrint through tase.core.pdf), in the employee's language.

What a payslip costs to print, measured with cProfile (bench/payroll.py):

- Embedding fonts dominated when WeasyPrint had to subset the system font with fontTools (about
  0.2 s of a 0.27 s payslip). With the HarfBuzz subsetter (the ``libharfbuzz-subset0`` package,
  which ``make test`` and ``make bench`` install and docs/deployment.md lists) that is a few
  milliseconds, and a payslip takes about 0.1 s, mostly layout: the template keeps its tables
  fixed in width (no min/max-content measuring of every cell).
- A run's payslips (:func:`payslip_pdfs`) are printed in tase.core.pdf's process pool over the
  machine's cores; the HTML is rendered in this process (it reads the database), the workers
  only turn HTML into PDF.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.template.loader import render_to_string
from django.utils import translation

from tase.core import pdf


def payslip_html(slip, *, iban: str | None = None) -> str:
    """The payslip's HTML for print; ``iban`` as the reader may see it (default whole)."""
    from .views import payslip_context

    lang = slip.employee.language or "fi"
    with translation.override(lang):
        context = payslip_context(slip, lang, iban=iban) | {"pdf": True, "LANGUAGE_CODE": lang}
        return render_to_string("payroll/payslip_pdf.html", context)


def _job(slip, iban: str | None = None) -> pdf.Job:
    return pdf.Job(
        html=payslip_html(slip, iban=iban),
        name=f"Payslip {slip.number or slip.pk}",
        language=slip.employee.language or "fi",
        test_environment=slip.company.is_test_environment,
    )


def payslip_pdf(slip, *, iban: str | None = None) -> bytes:
    job = _job(slip, iban)
    with translation.override(job.language):
        return pdf.render(job.html, test_environment=job.test_environment)


def payslip_pdfs(slips: Iterable, *, workers: int | None = None) -> Iterator[tuple[object, bytes]]:
    """(slip, PDF) for each slip, in order; ``slips`` may be a lazy iterable of many
    (see :func:`tase.core.pdf.render_many`; ``workers`` 0 prints here)."""
    return pdf.render_many(slips, _job, workers=workers)
