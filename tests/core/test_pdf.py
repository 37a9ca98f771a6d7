"""The shared PDF renderer: the test-environment band, and no fetching from the network."""

import http.server
import threading

import pytest
from django.utils import translation

from tase.core import pdf

PAGES = "<h1>Payslip</h1>" + "".join(f'<p style="break-after: page">Page {n}</p>' for n in range(3))


def test_a_test_environment_document_is_stamped_on_every_page():
    with translation.override("fi"):
        document = pdf.layout(PAGES, test_environment=True)
    texts = pdf.page_texts(document)
    assert len(texts) >= 3
    assert all("TESTIYMPÄRISTÖ" in text for text in texts)


def test_a_real_document_carries_no_stamp():
    texts = pdf.page_texts(pdf.layout(PAGES))
    assert not any("TESTIYMP" in text or "TEST ENVIRONMENT" in text for text in texts)


def test_the_stamp_speaks_the_active_language():
    with translation.override("en"):
        texts = pdf.page_texts(pdf.layout(PAGES, test_environment=True))
    assert "TEST ENVIRONMENT" in texts[0]


def test_a_pdf_fetches_nothing_from_the_network():
    """User-written Markdown may hold image links; rendering must not request them (SSRF)."""
    requested = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/internal"
        html = f'<p>x</p><img src="{url}"><link rel="stylesheet" href="{url}.css">'
        assert pdf.render(html).startswith(b"%PDF")
    finally:
        server.shutdown()
    assert requested == []


@pytest.mark.parametrize("attachment", [False, True])
def test_response_names_the_file(attachment):
    response = pdf.response(b"%PDF-1.7", "Päiväkirja 2026.pdf", attachment=attachment)
    assert response["Content-Type"] == "application/pdf"
    disposition = "attachment" if attachment else "inline"
    assert response["Content-Disposition"] == f'{disposition}; filename="paivakirja-2026.pdf"'


def test_the_user_agent_sheet_without_note_rules_prints_the_same_bytes(monkeypatch):
    """tase.core.pdf lays out with WeasyPrint's user-agent sheet less its footnote and note
    rules (five pseudo-element styles an element fewer): the PDF is byte for byte the one
    WeasyPrint's own sheet gives, lists, tables, headings (bookmarks) and line breaks alike."""
    import weasyprint

    html = (
        "<style>@page { size: A4; margin: 10mm } body { font-family: sans-serif }</style>"
        "<h1>Lasku</h1><p>Åäö<br>rivi</p><ul><li>yksi</li><li>kaksi</li></ul><ol><li>a</li></ol>"
        "<table><tr><th>A</th><td>1,00 €</td></tr></table><dl><dt>x</dt><dd>y</dd></dl>"
    )
    assert pdf._html_class() is not weasyprint.HTML
    trimmed = [pdf.render(html), pdf.render(html, test_environment=True)]
    monkeypatch.setattr(pdf, "_html_class", lambda: weasyprint.HTML)
    assert trimmed == [pdf.render(html), pdf.render(html, test_environment=True)]
