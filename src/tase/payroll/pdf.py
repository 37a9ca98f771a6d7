"""Payslip PDFs (WeasyPrint through tase.core.pdf), in the employee's language.

What a payslip costs to print, measured with cProfile (bench/payroll.py):

- Embedding fonts dominated when WeasyPrint had to subset the system font with fontTools (about
  0.2 s of a 0.27 s payslip). With the HarfBuzz subsetter (the ``libharfbuzz-subset0`` package,
  which ``make test`` and ``make bench`` install and docs/deployment.md lists) that is a few
  milliseconds, and a payslip takes about 0.1 s, mostly layout: the template keeps its tables
  fixed in width (no min/max-content measuring of every cell).
- A run's payslips (:func:`payslip_pdfs`) are printed in a process pool over the machine's
  cores; the HTML is rendered in this process (it reads the database), the workers only turn
  HTML into PDF.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

from django.template.loader import render_to_string
from django.utils import translation

from tase.core import pdf

# A run with at least this many payslips is printed in a process pool.
POOL_MIN = 8
CHUNK = 64


def payslip_html(slip, *, iban: str | None = None) -> str:
    """The payslip's HTML for print; ``iban`` as the reader may see it (default whole)."""
    from .views import payslip_context

    lang = slip.employee.language or "fi"
    with translation.override(lang):
        context = payslip_context(slip, lang, iban=iban) | {"pdf": True, "LANGUAGE_CODE": lang}
        return render_to_string("payroll/payslip_pdf.html", context)


def _print(job: tuple[str, str, bool]) -> bytes:
    html, lang, test_environment = job
    with translation.override(lang):
        return pdf.render(html, test_environment=test_environment)


def _job(slip, iban: str | None = None) -> tuple[str, str, bool]:
    html = payslip_html(slip, iban=iban)
    return (html, slip.employee.language or "fi", slip.company.is_test_environment)


def payslip_pdf(slip, *, iban: str | None = None) -> bytes:
    return _print(_job(slip, iban))


def pool_size(count: int) -> int:
    """How many worker processes print ``count`` payslips: one per core, none for a few,
    and none in a multi-threaded process (a web server's request thread), where forking
    could copy a lock another thread holds."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if count < POOL_MIN or not cores or cores < 2 or threading.active_count() > 1:
        return 0
    return min(cores, count)


def payslip_pdfs(slips: Iterable, *, workers: int | None = None) -> Iterator[tuple[object, bytes]]:
    """(slip, PDF) for each slip, in order. ``slips`` may be a lazy iterable of many; the
    HTML is rendered here in chunks, the PDFs in a pool of ``workers`` processes (default:
    one per core when there are at least POOL_MIN slips; 0 prints here)."""
    slips = iter(slips)
    first = list(islice(slips, CHUNK))
    if workers is None:
        workers = pool_size(len(first))
    if workers < 2:
        for chunk in (first, slips):
            for slip in chunk:
                yield slip, payslip_pdf(slip)
        return
    # A worker never touches the database: this process renders the HTML and reads every row.
    # The inherited connections are left alone (closing one would end this process's session);
    # a worker leaves through os._exit, which runs no finalizers.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        chunk = first
        while chunk:
            jobs = [_job(slip) for slip in chunk]
            size = max(1, len(jobs) // (workers * 4))
            yield from zip(chunk, pool.map(_print, jobs, chunksize=size), strict=True)
            chunk = list(islice(slips, CHUNK))
