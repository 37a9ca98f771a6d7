"""Payslip PDFs (WeasyPrint through tase.core.pdf), in the employee's language.

What a payslip costs to print, measured with cProfile (bench/payroll.py):

- Embedding fonts dominated: WeasyPrint subsets every font it embeds, and without the
  HarfBuzz subsetter (libharfbuzz-subset, often not installed) it does so with fontTools on the
  whole system font (DejaVu Sans: 6,000 glyphs, 750 kB), regular and bold, for every PDF:
  about 0.2 s of a 0.27 s payslip. The payslip therefore names its own font: the system's
  sans-serif cut down once per process to the Latin letters, digits and punctuation a payslip
  uses (about 30 kB a weight), loaded from a ``data:`` URL (the only kind core.pdf fetches)
  into core.pdf's shared font configuration once per process (:func:`font_family`).
  WeasyPrint then subsets that small font in milliseconds. A character outside it (a name in
  another script) falls back to the full system font, as before.
- Laying out the page is what is left (about 0.08 s): the template keeps its tables fixed
  in width (no min/max-content measuring of every cell) with separate borders.
- A run's payslips (:func:`payslip_pdfs`) are printed in a process pool over the machine's
  cores; the HTML is rendered in this process (it reads the database), the workers only turn
  HTML into PDF.
"""

from __future__ import annotations

import base64
import io
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from itertools import islice

from django.template.loader import render_to_string
from django.utils import translation

from tase.core import pdf

FONT_FAMILY = "Tase Payslip"
# Basic Latin, Latin-1, Latin Extended-A and the Romanian comma letters (Finnish, Swedish,
# Sami, Estonian and other European names), and the punctuation and signs a payslip prints.
FONT_CHARACTERS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "".join(chr(c) for c in range(0xA0, 0x180))
    + "\u0218\u0219\u021a\u021b"
    + "\u2010\u2011\u2012\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026"
    + "\u2030\u2039\u203a\u20ac\u2116\u2122\u2212\u00d7"
)
# A run with at least this many payslips is printed in a process pool.
POOL_MIN = 8
CHUNK = 64


def _system_font_path(style: bytes) -> str | None:
    """The file fontconfig picks for sans-serif in ``style`` (b"Regular" or b"Bold")."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
        fontconfig.FcPatternAddString(pattern, b"family", b"sans-serif")
        fontconfig.FcPatternAddString(pattern, b"style", style)
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            return None
        match = ffi.gc(match, fontconfig.FcPatternDestroy)
        string = ffi.new("FcChar8 **")
        if fontconfig.FcPatternGetString(match, b"file", 0, string) != 0:
            return None
        return ffi.string(string[0]).decode()
    finally:
        fontconfig.FcConfigDestroy(config)


def _subset(path: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(hinting=False, layout_features=[], notdef_outline=True)
    options.drop_tables += ["GSUB", "GPOS", "kern", "SVG"]
    font = TTFont(path)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=FONT_CHARACTERS)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@cache
def font_face_css() -> str:
    """``@font-face`` rules for the payslip's own small font; empty if no usable system
    sans-serif font is found (the payslip then uses sans-serif as it is)."""
    import logging

    # fontTools reports every table it drops; that is expected here.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    rules = []
    for weight, style in (("normal", b"Regular"), ("bold", b"Bold")):
        try:
            path = _system_font_path(style)
            data = _subset(path) if path else None
        except Exception:  # a missing or unreadable font: fall back to sans-serif
            data = None
        if not data:
            return ""
        encoded = base64.b64encode(data).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
            f"src: url(data:font/ttf;base64,{encoded}); }}"
        )
    return "\n".join(rules)


@cache
def font_family() -> str:
    """The payslip's font family, registered once per process with core.pdf's shared font
    configuration (laying out a one-line document that carries the ``@font-face`` rules).
    Each payslip then names the family without carrying the 60 kB of font data, which
    WeasyPrint would otherwise parse again for every PDF (about 15 ms)."""
    css = font_face_css()
    if not css:
        return "sans-serif"
    pdf.layout(
        f"<html><head><style>{css}</style></head>"
        f"<body style=\"font-family: '{FONT_FAMILY}'\">a <b>b</b></body></html>"
    )
    return FONT_FAMILY


def payslip_html(slip) -> str:
    from .views import payslip_context

    lang = slip.employee.language or "fi"
    with translation.override(lang):
        context = payslip_context(slip, lang) | {
            "pdf": True,
            "LANGUAGE_CODE": lang,
            "font_family": font_family(),
        }
        return render_to_string("payroll/payslip_pdf.html", context)


def _print(job: tuple[str, str, bool]) -> bytes:
    html, lang, test_environment = job
    with translation.override(lang):
        return pdf.render(html, test_environment=test_environment)


def _job(slip) -> tuple[str, str, bool]:
    return (payslip_html(slip), slip.employee.language or "fi", slip.company.is_test_environment)


def payslip_pdf(slip) -> bytes:
    return _print(_job(slip))


def pool_size(count: int) -> int:
    """How many worker processes print ``count`` payslips: one per core, none for a few,
    and none in a multi-threaded process (a web server's request thread), where forking
    could copy a lock another thread holds."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if count < POOL_MIN or not cores or cores < 2 or threading.active_count() > 1:
        return 0
    return min(cores, count)


def _start_worker() -> None:
    # A worker never touches the database: the parent renders the HTML and reads every row.
    # The inherited connections are left alone (closing one would end the parent's session);
    # a worker leaves through os._exit, which runs no finalizers.
    font_family()


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
    font_family()  # register once here, so each forked worker has it already
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
        chunk = first
        while chunk:
            jobs = [_job(slip) for slip in chunk]
            size = max(1, len(jobs) // (workers * 4))
            yield from zip(chunk, pool.map(_print, jobs, chunksize=size), strict=True)
            chunk = list(islice(slips, CHUNK))
