"""The bulk paths of issue 14's Scale section: a recurring run (drafts and lines inserted in
bulk, sent together), the operator's Finvoice batch and many invoices in one PDF, each with
queries that do not grow per invoice beyond the voucher every invoice posts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from tase.formats.bank_barcode import barcode_svg
from tase.ledger.models import Voucher
from tase.sales import services
from tase.sales.models import Invoice
from tase.sales.pdf import barcode_path_svg, invoice_pdf, invoice_pdfs, invoices_pdf
from tase.sales.services import delivery

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _agreements(actor, company, count, language="fi"):
    services.update_sales_settings(
        actor, company, einvoice_address="003707375462", einvoice_operator="003721291126"
    )
    for n in range(count):
        services.create_agreement(
            actor,
            company,
            customer_data=CUSTOMER
            | {
                "name": f"Asiakas {n} Oy",
                "language": language,
                "einvoice_address": f"0037{n:08d}",
                "einvoice_operator": "003721291126",
            },
            name="Ylläpito",
            start=dt.date(2026, 3, 1),
            lines=lines(("Ylläpito", "1", "120.00", "S"), ("Kirjat", "1", "20.00", "S-R2")),
        )


def _run(actor, company):
    with CaptureQueriesContext(connection) as queries:
        made = services.generate_recurring(actor, company, until=dt.date(2026, 3, 1))
    return made, len(queries)


def test_a_run_numbers_posts_and_grows_by_the_vouchers_only(accountant, books):
    _agreements(accountant, books, 2)
    made, few = _run(accountant, books)
    assert [i.number for i in made] == [1001, 1002]
    _agreements(accountant, books, 6)
    Invoice.objects.filter(pk__in=[i.pk for i in made]).update(agreement=None)
    more, many = _run(accountant, books)
    assert [i.number for i in more] == list(range(1003, 1009))
    # the vouchers posted together (post_vouchers), the invoices updated with one prepared
    # statement, the audit events appended together: nothing per invoice
    assert many <= few, (few, many)
    for invoice in Invoice.objects.filter(pk__in=[i.pk for i in more]):
        assert invoice.status == "sent" and invoice.lines.count() == 2
        voucher = Voucher.objects.get(pk=invoice.voucher_id)
        assert (voucher.source, voucher.source_ref) == ("sales.invoice", str(invoice.pk))
        assert invoice.reference and invoice.buyer["name"].startswith("Asiakas")


def test_the_finvoice_batch_reads_the_database_a_fixed_number_of_times(accountant, books):
    _agreements(accountant, books, 6)
    made = services.generate_recurring(accountant, books, until=dt.date(2026, 3, 1))
    counts = []
    for size in (2, 6):
        chosen = list(Invoice.objects.filter(pk__in=[i.pk for i in made[:size]]))
        with CaptureQueriesContext(connection) as queries:
            data, skipped = delivery.finvoice_batch(chosen)
        assert not skipped and data.count(b"<Finvoice ") == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_many_invoices_in_one_pdf_each_on_its_page_with_its_giro_form(accountant, books, pdf_texts):
    _agreements(accountant, books, 2, "fi")
    _agreements(accountant, books, 1, "sv")
    made = services.generate_recurring(accountant, books, until=dt.date(2026, 3, 1))
    data = invoices_pdf(made)
    assert data.startswith(b"%PDF")
    assert len(pdf_texts) == 3
    for page, invoice in zip(pdf_texts, made, strict=True):
        assert str(invoice.number) in page
        assert invoice.buyer["name"] in page
        assert "Saajan tilinumero" in page and "Eräpäivä" in page  # the giro form
    assert "Lasku" in pdf_texts[0] and "Faktura" in pdf_texts[2]
    assert invoices_pdf([]) == b""


def test_many_invoice_pdfs_print_in_the_pool_each_the_file_printed_alone(
    accountant, books, steady_parameters
):
    """Each invoice its own PDF (to email), printed in tase.core.pdf's process pool: in order,
    byte for byte the file of invoice_pdf, and the database read a fixed number of times."""
    _agreements(accountant, books, 8, "fi")
    _agreements(accountant, books, 1, "sv")
    made = services.generate_recurring(accountant, books, until=dt.date(2026, 3, 1))
    alone = [invoice_pdf(invoice) for invoice in made]
    counts = []
    for size in (2, 8):  # the Finnish ones (a Swedish one reads its language once more)
        chosen = list(Invoice.objects.filter(pk__in=[i.pk for i in made[:size]]).order_by("pk"))
        with CaptureQueriesContext(connection) as queries:
            printed = list(invoice_pdfs(chosen, workers=2))
        counts.append(len(queries))
        assert [invoice.pk for invoice, _data in printed] == [i.pk for i in made[:size]]
        assert [data for _invoice, data in printed] == alone[:size]
    assert counts[0] == counts[1], counts


def test_the_barcode_path_draws_the_same_bars():
    """One dashed stroke: each dash a bar of barcode_svg's, at its place, as wide and high."""
    code = "479405202003608200001200000000000000000000001234526"
    rects = etree.fromstring(barcode_svg(code).encode()).findall(f".//{SVG}rect")[1:]
    bars = [
        tuple(float(r.get(k).removesuffix("mm")) for k in ("x", "y", "width", "height"))
        for r in rects
    ]
    svg = etree.fromstring(barcode_path_svg(code).encode())
    stroke = svg.find(f"{SVG}path")
    start, length = stroke.get("d").removeprefix("M").split("h")
    x, middle = map(float, start.split())
    high = float(stroke.get("stroke-width"))
    drawn, runs = [], [float(v) for v in stroke.get("stroke-dasharray").split()]
    for i, run in enumerate(runs):
        if i % 2 == 0 and x < float(start.split()[0]) + float(length):
            drawn.append((x, middle - high / 2, run, high))
        x += run
    assert drawn == bars and len(bars) > 50
    assert stroke.get("fill") == "none" and not stroke.get("stroke-linecap")  # butt ends
    assert svg.get("width") == etree.fromstring(barcode_svg(code).encode()).get("width")


def test_a_line_break_typed_into_an_address_prints_as_a_space(accountant, books):
    """The PDFs' address blocks and the giro form break their lines with white-space: pre-line;
    a value's own line break stays a space (one_line), as it was between <br> elements, and the
    value is still escaped."""
    from tase.core import pdf as core_pdf
    from tase.sales import pdf as sales_pdf

    _agreements(accountant, books, 1)
    invoice = services.generate_recurring(accountant, books, until=dt.date(2026, 3, 1))[0]
    invoice.buyer = invoice.buyer | {"street": "Kauppatori 2\nB <rappu>"}
    html = sales_pdf._html("sales/invoice_pdf.html", sales_pdf.invoice_context(invoice), invoice)
    assert "Kauppatori 2 B &lt;rappu&gt;" in html

    def texts(box):
        if hasattr(box, "text"):
            yield box.text.strip()
        for child in getattr(box, "children", ()):
            yield from texts(child)

    page = core_pdf.layout(html).pages[0]._page_box
    lines = list(texts(page))
    assert lines.count("Kauppatori 2 B <rappu>") == 2  # the parties and the giro form
    assert lines.index("Allekirjoitus") + 1 == lines.index("Underskrift")  # a label's two lines
