"""PDF rendering (WeasyPrint) shared by every product.

- One font configuration and one URL fetcher per process: WeasyPrint's font lookup and
  building a fetcher (an SSL context) are the slow parts of a small document.
- A PDF never reaches out: only ``data:`` URLs are fetched. User-written Markdown may hold image
  links, and a server that fetches them on request is an open door to the inside network (SSRF).
  Templates embed what they need (styles inline, images as data URLs).
- A document printed from a test environment (``Company.is_test_environment``) carries a band
  on every page, so a practice copy is never mistaken for the books or a real payslip.
"""

from __future__ import annotations

from functools import cache

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext

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


def layout(html: str, *, test_environment: bool = False):
    """The laid-out WeasyPrint document; ``test_environment`` stamps every page."""
    from weasyprint import HTML

    stylesheets = [_test_environment_css(test_environment_label())] if test_environment else []
    return HTML(string=html, url_fetcher=_fetcher()).render(
        stylesheets=stylesheets, font_config=_fonts()
    )


def render(html: str, *, test_environment: bool = False) -> bytes:
    """The PDF of an HTML document (see :func:`layout`)."""
    return layout(html, test_environment=test_environment).write_pdf()


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
