"""Many PDFs in one process pool (tase.core.pdf.render_many), the parsed style sheet reused,
and the PDF/A variant's metadata."""

import contextlib
import re
import zlib

import pytest
from django.utils import translation

from tase.core import pdf
from tase.core.models import Organization

STYLE = "<style>@page { size: A5; margin: 10mm } h1 { color: #123456; font-size: 20pt }</style>"


def _html(n: int) -> str:
    return f"<html><head><title>Doc {n}</title>{STYLE}</head><body><h1>Document {n}</h1></body>"


def _job(n: int) -> pdf.Job:
    return pdf.Job(html=_html(n), name=f"Document {n}")


def test_the_pool_yields_each_document_in_order_the_same_bytes_as_printed_alone():
    numbers = list(range(10))
    alone = [pdf.render(_html(n)) for n in numbers]
    pooled = list(pdf.render_many(iter(numbers), _job, workers=2))
    assert [n for n, _data in pooled] == numbers
    assert [data for _n, data in pooled] == alone
    assert len(set(alone)) == len(numbers)  # each document is its own


@pytest.mark.parametrize("workers", [0, 2])
def test_a_failing_document_is_named_after_the_ones_before_it(workers):
    def job(n):
        return _job(n) if n != 5 else pdf.Job(html=_html(n), name="Invoice 1005", variant="pdf/?")

    done = []
    with pytest.raises(pdf.RenderError, match="Invoice 1005") as error:
        for n, _data in pdf.render_many(range(10), job, workers=workers):
            done.append(n)
    assert done == [0, 1, 2, 3, 4]
    assert error.value.name == "Invoice 1005"


@pytest.mark.django_db(transaction=False)
def test_the_pool_reads_rows_here_and_leaves_the_database_connection_working():
    """The jobs read the database in this process while forked workers print; afterwards the
    connection (SQLite file or PostgreSQL session, whichever the run uses) still reads and
    writes."""
    names = [f"Pool {n}" for n in range(9)]
    Organization.objects.bulk_create(Organization(name=name, kind="vendor") for name in names)
    rows = Organization.objects.filter(name__startswith="Pool ").order_by("name").iterator(2)

    def job(org):
        org.refresh_from_db()  # a query per document, made here and not in a worker
        return pdf.Job(html=f"<p>{org.name}</p>", name=org.name)

    printed = list(pdf.render_many(rows, job, workers=2))
    assert [org.name for org, _data in printed] == names
    assert all(data.startswith(b"%PDF") for _org, data in printed)
    Organization.objects.create(name="After the pool", kind="vendor")
    assert Organization.objects.filter(name__startswith="Pool ").count() == len(names)
    assert Organization.objects.filter(name="After the pool").exists()


def test_pool_only_for_many_documents_and_never_in_a_threaded_process(monkeypatch):
    monkeypatch.setattr(pdf.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(pdf.threading, "active_count", lambda: 1)
    assert pdf.pool_size(pdf.POOL_MIN - 1) == 0
    assert pdf.pool_size(100) == 2
    assert pdf.pool_size() == 2  # a lazy stream of many
    monkeypatch.setattr(pdf.threading, "active_count", lambda: 3)
    assert pdf.pool_size(100) == 0  # a threaded server: no fork
    monkeypatch.setattr(pdf.threading, "active_count", lambda: 1)
    monkeypatch.setattr(pdf.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert pdf.pool_size(100) == 0


def test_the_style_sheet_is_parsed_once_and_prints_the_same_as_inline():
    from weasyprint import HTML

    pdf._stylesheet.cache_clear()
    inline = HTML(string=_html(1), url_fetcher=pdf._fetcher()).render(font_config=pdf._fonts())
    assert pdf.render(_html(1)) == inline.write_pdf()
    pdf.render(_html(2))
    assert pdf._stylesheet.cache_info().hits == 1 and pdf._stylesheet.cache_info().misses == 1
    document = pdf.layout(_html(3))
    assert document.pages[0].width == pytest.approx(148 / 25.4 * 96)  # A5 from the sheet


def _objects(data: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated (object streams, XMP metadata)."""
    parts = [data]
    for start in re.finditer(rb"stream\r?\n", data):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(data[start.end() :]))
    return b"\n".join(parts)


def test_pdf_a_carries_its_part_and_conformance_an_output_intent_and_embedded_fonts():
    with translation.override("fi"):
        data = pdf.render(_html(1).replace("Doc 1", "Päiväkirja"), variant=pdf.PDF_A)
    found = _objects(data)
    assert b'pdfaid:part="3"' in found and b'pdfaid:conformance="B"' in found
    assert b"/S /GTS_PDFA1" in found and b"/DestOutputProfile" in found
    assert b"/FontFile2" in found
    assert "Päiväkirja".encode() in found  # the title in the XMP metadata
    plain = _objects(pdf.render(_html(1)))
    assert b"pdfaid:part" not in plain and b"GTS_PDFA1" not in plain
