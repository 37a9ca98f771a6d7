"""PDF rendering (WeasyPrint) shared by every product.

- One font configuration and one URL fetcher per process: WeasyPrint's font lookup and
  building a fetcher (an SSL context) are the slow parts of a small document.
- A template's style sheet (its first ``<style>`` element) is parsed once per process and
  reused while its text stays the same (:func:`_stylesheet`): an invoice's styles took about a
  tenth of its PDF's time to parse, again for every invoice.
- WeasyPrint's user-agent style sheet is used without its footnote and note rules
  (:func:`_html_class`), which made it compute five unused styles for every element.
- Many documents (a run's payslips, a batch of invoices, the parts of the archive's books)
  print in one pool of worker processes over the machine's cores (:func:`render_many`).
- ``variant="pdf/a-3b"`` writes PDF/A-3b (ISO 19005-3) for long-term keeping: XMP metadata
  naming the part and conformance, an sRGB output intent, every font embedded.
- A PDF never reaches out: only ``data:`` URLs are fetched. User-written Markdown may hold image
  links, and a server that fetches them on request is an open door to the inside network (SSRF).
  Templates embed what they need (styles inline, images as data URLs).
- A document printed from a test environment (``Company.is_test_environment``) carries a band
  on every page, so a practice copy is never mistaken for the books or a real payslip.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache

from django.http import HttpResponse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext

PDF_A = "pdf/a-3b"  # ISO 19005-3, level B: the archive's books
POOL_MIN = 8  # fewer documents than this print in this process

TEST_ENVIRONMENT_CSS = """
html::after {
  content: "%s";
  position: fixed; top: 0; left: 0; right: 0;
  padding: 1mm 0; text-align: center;
  font: bold 9pt sans-serif; letter-spacing: .1em;
  color: #fff; background: #b3261e;
}
"""


@cache
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


@cache
def _test_environment_css(label: str):
    from weasyprint import CSS

    escaped = label.replace("\\", "\\\\").replace('"', '\\"')
    return CSS(string=TEST_ENVIRONMENT_CSS % escaped, font_config=_fonts())


def test_environment_label() -> str:
    return gettext("TEST ENVIRONMENT — not the books")


_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
# WeasyPrint's own footnote and note pseudo-elements (``::footnote-call`` …): they apply only
# to an element floated as a footnote or positioned as a note, which no template here makes.
_NOTE_RULE = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.MULTILINE)
_NOTE_RULES = 5


@cache
def _html_class():
    """WeasyPrint's ``HTML`` with its HTML user-agent style sheet less the footnote and note
    rules (:data:`_NOTE_RULE`). Those rules select a pseudo-element of every element, and
    WeasyPrint computes a style for each before it knows none will be drawn: five styles an
    element, about a tenth of an invoice PDF's time. The PDFs are the same bytes (tested).
    Should WeasyPrint's sheet change shape, its own sheet is used unchanged."""
    from weasyprint import CSS, HTML
    from weasyprint import html as html_module
    from weasyprint.css.counters import CounterStyle

    text, removed = _NOTE_RULE.subn("", html_module.UA)
    if removed != _NOTE_RULES:
        return HTML
    # The counter styles the sheet defines are the ones WeasyPrint already holds (its copy of
    # UA_COUNTER_STYLE is what a document uses); this parse fills a throwaway.
    sheet = CSS(string=text, counter_style=CounterStyle())

    class Html(HTML):
        def _ua_stylesheets(self, forms=False):
            return super()._ua_stylesheets(forms) if forms else [sheet]

    return Html


@lru_cache(maxsize=64)
def _stylesheet(text: str):
    from weasyprint import CSS

    return CSS(string=text, url_fetcher=_fetcher(), font_config=_fonts())


def layout(html: str, *, test_environment: bool = False):
    """The laid-out WeasyPrint document; ``test_environment`` stamps every page.

    The document's first ``<style>`` element is taken out and given to WeasyPrint as a parsed
    style sheet from :func:`_stylesheet`'s cache. It keeps its place in the cascade: the
    templates have no other author style sheet and no ``!important``, so the same rules win.
    """
    stylesheets = []
    found = _STYLE.search(html)
    if found:
        stylesheets.append(_stylesheet(found.group(1)))
        html = html[: found.start()] + html[found.end() :]
    if test_environment:
        stylesheets.append(_test_environment_css(test_environment_label()))
    return _html_class()(string=html, url_fetcher=_fetcher()).render(
        stylesheets=stylesheets, font_config=_fonts()
    )


def render(html: str, *, test_environment: bool = False, variant: str | None = None) -> bytes:
    """The PDF of an HTML document (see :func:`layout`); ``variant`` e.g. :data:`PDF_A`."""
    document = layout(html, test_environment=test_environment)
    return document.write_pdf(pdf_variant=variant) if variant else document.write_pdf()


# -- many documents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One document to print, as a worker process gets it: text only, no database rows.

    ``name`` says which document it is in an error (e.g. "Invoice 1042"); ``language`` is
    active while it prints (the test-environment band speaks it). ``write``, when given, makes
    the PDF itself instead of laying out ``html`` (the archive's long books are written
    directly, see :mod:`tase.formats.pdfa_text`); it must pickle (a module function or a
    :func:`functools.partial` of one)."""

    html: str
    name: str
    language: str = "fi"
    test_environment: bool = False
    variant: str | None = None
    write: Callable[[], bytes] | None = None


class RenderError(Exception):
    """A document of :func:`render_many` failed; the message names it."""

    def __init__(self, name: str, cause: BaseException):
        super().__init__(f"{name}: {type(cause).__name__}: {cause}")
        self.name = name


def _print(job: Job) -> bytes:
    if job.write is not None:
        return job.write()
    with translation.override(job.language):
        return render(job.html, test_environment=job.test_environment, variant=job.variant)


def pool_size(count: int | None = None) -> int:
    """How many worker processes print ``count`` documents (None: many): one per core, none
    for fewer than :data:`POOL_MIN`, and none in a multi-threaded process (a web server's
    request thread), where forking could copy a lock another thread holds."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (count is not None and count < POOL_MIN) or not cores or cores < 2:
        return 0
    if threading.active_count() > 1:
        return 0
    return cores if count is None else min(cores, count)


def render_many[T](
    items: Iterable[T], job: Callable[[T], Job], *, workers: int | None = None
) -> Iterator[tuple[T, bytes]]:
    """(item, PDF) for each item, in the items' order.

    ``job(item)`` builds each document's :class:`Job` here, in this process (it may read the
    database), lazily as the workers need more; the workers only turn HTML into PDF. At most
    two documents a worker are in flight, so memory stays flat however many there are.
    ``workers``: default :func:`pool_size` of the first :data:`POOL_MIN` items; below 2 prints
    here. A failing document raises :class:`RenderError` naming it, after the documents
    before it were yielded.
    """
    items = iter(items)
    first = []
    for item in items:
        first.append(item)
        if len(first) >= POOL_MIN:
            break
    if workers is None:
        workers = pool_size(None if len(first) >= POOL_MIN else len(first))
    pending = (item for chunk in (first, items) for item in chunk)
    if workers < 2:
        for item in pending:
            work = job(item)
            yield item, _named(work, _print, work)
        return
    # Forked workers never touch the database: this process renders the HTML and reads every
    # row. The inherited connections are left alone (closing one would end this process's
    # session); a worker leaves through os._exit, which runs no finalizers.
    _warm()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        flight: deque = deque()
        for item in pending:
            work = job(item)
            flight.append((item, work, pool.submit(_print, work)))
            if len(flight) >= workers * 2:
                item, work, future = flight.popleft()
                yield item, _named(work, future.result)
        while flight:
            item, work, future = flight.popleft()
            yield item, _named(work, future.result)


@cache
def _warm() -> None:
    """Load the fonts and WeasyPrint's caches here once, before forking: each worker inherits
    them instead of loading its own (about a second of CPU a worker, measured)."""
    render("<p>Åäö 0,00 €</p>")


def _named(work: Job, call, *args) -> bytes:
    try:
        return call(*args)
    except Exception as exc:
        raise RenderError(work.name, exc) from exc


def page_texts(document) -> list[str]:
    """The text on each page of a laid-out document, for checks and tests."""

    def texts(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", ()):
            yield from texts(child)

    return [" ".join(texts(page._page_box)) for page in document.pages]


def response(pdf: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """An HTTP response carrying ``pdf``, named ``filename``.pdf (slugified)."""
    disposition = "attachment" if attachment else "inline"
    name = slugify(filename.removesuffix(".pdf")) or "document"
    result = HttpResponse(pdf, content_type="application/pdf")
    result["Content-Disposition"] = f'{disposition}; filename="{name}.pdf"'
    return result
