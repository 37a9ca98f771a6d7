"""Invoice and payment reminder PDFs (WeasyPrint through tase.core.pdf) in the customer's
language, with the bank giro form (tilisiirtolomake) and its Code 128 bank barcode.

The giro form's labels are bilingual Finnish/Swedish by the standard form itself, whatever
the language of the invoice; the barcode is drawn as SVG (tase.formats.bank_barcode) and
embedded as a data URL (a PDF fetches nothing else).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

from barcode import Code128
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tase.core import pdf
from tase.formats.bank_barcode import virtual_barcode as make_virtual_barcode
from tase.formats.reference import format_reference

from . import selectors
from .services import delivery
from .services.common import cents

# The geometry of tase.formats.bank_barcode.barcode_svg (python-barcode's SVG writer with its
# options there): modules of 0.25 mm, a quiet zone of ten modules each side, bars 13 mm high
# from 1 mm below the top, the symbol 15 mm high.
_MODULE, _QUIET, _TOP, _BAR_HEIGHT, _HEIGHT = 0.25, 10, 1.0, 13.0, 15.0
_RUNS = re.compile("1+|0+")


def barcode_path_svg(code: str) -> str:
    """The barcode of :func:`tase.formats.bank_barcode.barcode_svg`: the same bars at the same
    places in millimetres, drawn as one straight stroke as high as the bars whose dash
    pattern is the symbol's runs of bars and spaces (a PDF dash array with butt ends: exact
    edges). WeasyPrint reads and draws that several times faster than a path of ~50
    rectangles (profiled: the path was about a twelfth of an invoice PDF's time, the
    rectangles before it an eighth). The runs come straight from the symbol's modules
    (python-barcode's ``Code128.build``); a Code 128 symbol starts and ends with a bar, and the
    pattern closes with the right quiet zone as its last gap."""
    modules = Code128(code).build()[0]
    width = (len(modules) + 2 * _QUIET) * _MODULE
    runs = [len(run.group()) for run in _RUNS.finditer(modules)] + [_QUIET]
    dashes = " ".join(f"{run * _MODULE:g}" for run in runs)
    middle = _TOP + _BAR_HEIGHT / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.3f}mm" height="{_HEIGHT:.3f}mm" '
        f'viewBox="0 0 {width:.3f} {_HEIGHT:.3f}"><rect width="{width:.3f}" height="{_HEIGHT:.3f}" '
        f'fill="#fff"/><path fill="none" stroke="#000" stroke-width="{_BAR_HEIGHT:.3f}" '
        f'stroke-dasharray="{dashes}" d="M{_QUIET * _MODULE:.3f} {middle:.3f}'
        f'h{len(modules) * _MODULE:.3f}"/></svg>'
    )


def _barcode_image(code: str) -> str:
    if not code:
        return ""
    svg = barcode_path_svg(code).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def invoice_context(invoice, *, own: dict | None = None) -> dict:
    """``own``: a cache of the companies' sales settings for a batch (company id → row)."""
    code = delivery.virtual_barcode(invoice)
    data = delivery.finvoice_invoice(invoice, own=own)
    giro = (
        None if invoice.is_credit_note else {"due": invoice.due_date, "amount": invoice.open_cents}
    )
    return {
        "invoice": invoice,
        "company": invoice.company,
        "buyer": invoice.buyer,
        "lines": list(invoice.lines.all()),
        "vat_lines": data.vat_lines,
        "notes": data.notes,
        "reference_printed": format_reference(invoice.reference) if invoice.reference else "",
        "iban_printed": " ".join(invoice.iban[i : i + 4] for i in range(0, len(invoice.iban), 4)),
        "virtual_barcode": code,
        "barcode": _barcode_image(code),
        "seller_vat_number": delivery.seller_vat_number(invoice),
        "giro": giro,
    }


def reminder_context(reminder) -> dict:
    """The invoice's context with the reminder's amounts: the giro form and barcode carry the
    open amount, this reminder's charges and any earlier charges still unpaid, due on the
    reminder's due date."""
    invoice = reminder.invoice
    earlier = sum(
        r.charges_cents for r in invoice.reminders.all() if r.sequence < reminder.sequence
    )
    earlier_open = max(0, earlier - invoice.charges_paid_cents)
    amount = reminder.total_cents + earlier_open
    code = ""
    if invoice.iban.startswith("FI"):
        code = make_virtual_barcode(
            invoice.iban, cents(amount), invoice.reference, reminder.due_date
        )
    spans = [
        {
            "first": dt.date.fromisoformat(span["start"]) + dt.timedelta(days=1),
            "last": dt.date.fromisoformat(span["end"]),
            "days": span["days"],
            "principal": span["principal"],
            "rate": Decimal(span["rate"]).normalize(),
        }
        for span in reminder.interest_spans
    ]
    return invoice_context(invoice) | {
        "reminder": reminder,
        "paid_cents": invoice.gross_cents - reminder.open_cents,
        "earlier_charges": earlier_open,
        "spans": spans,
        "virtual_barcode": code,
        "barcode": _barcode_image(code),
        "giro": {"due": reminder.due_date, "amount": amount},
    }


def _html(template: str, context: dict, invoice) -> str:
    language = invoice.buyer.get("language") or "fi"
    with translation.override(language):
        return render_to_string(template, context | {"LANGUAGE_CODE": language})


def _render(template: str, context: dict, invoice) -> bytes:
    html = _html(template, context, invoice)
    with translation.override(invoice.buyer.get("language") or "fi"):
        return pdf.render(html, test_environment=invoice.company.is_test_environment)


def invoice_pdf(invoice) -> bytes:
    return _render("sales/invoice_pdf.html", invoice_context(invoice), invoice)


def invoice_pdfs(invoices, *, workers: int | None = None) -> Iterator[tuple[object, bytes]]:
    """(invoice, PDF) for each sent invoice, in order, each the same file :func:`invoice_pdf`
    writes, printed in tase.core.pdf's process pool over the cores. The invoices' lines,
    products and credit notes are fetched in three queries whatever their number."""
    invoices = list(invoices)
    prefetch_related_objects(invoices, "company", "lines__product", "credit_notes")
    own: dict = {}

    def job(invoice) -> pdf.Job:
        context = invoice_context(invoice, own=own)
        return pdf.Job(
            html=_html("sales/invoice_pdf.html", context, invoice),
            name=f"Invoice {invoice.number or invoice.pk}",
            language=invoice.buyer.get("language") or "fi",
            test_environment=invoice.company.is_test_environment,
        )

    return pdf.render_many(invoices, job, workers=workers)


# A batch: each invoice one A4 page box of its own, so its giro form sits at the foot of its
# own page (the page's height less the top margin of pdf_base.html's @page).
_BATCH_CSS = (
    ".doc { position: relative; min-height: 283mm; break-before: page; }"
    " .doc:first-child { break-before: auto; }</style>"
)


def invoices_pdf(invoices) -> bytes:
    """Many sent invoices as one PDF to print or post, each starting a page with its giro
    form, each in its customer's language. One WeasyPrint document for the batch: the style
    sheet is read, laid out and the fonts embedded once, which profiling showed to be about a
    quarter of a single invoice's time. The invoices' lines, products and credit notes are
    fetched in three queries whatever their number."""
    invoices = list(invoices)
    if not invoices:
        return b""
    prefetch_related_objects(invoices, "company", "lines__product", "credit_notes")
    own: dict = {}
    head, bodies = "", []
    for invoice in invoices:
        html = _html("sales/invoice_pdf.html", invoice_context(invoice, own=own), invoice)
        start, end = html.index("<body>"), html.rindex("</body>")
        head = head or html[:start].replace("</style>", _BATCH_CSS, 1)
        bodies.append(f'<section class="doc">{html[start + 6 : end]}</section>')
    test_environment = any(invoice.company.is_test_environment for invoice in invoices)
    return pdf.render(
        f"{head}<body>{''.join(bodies)}</body></html>", test_environment=test_environment
    )


# A period's PDF is printed while the user waits (about 55-65 ms of CPU an invoice on one
# core, docs/performance.md): more than this is asked a shorter period at a time.
PRINT_LIMIT = 200


def period_pdf(company, start: dt.date, end: dt.date, *, paper: bool = False) -> bytes:
    """The sent invoices and credit notes of ``start`` … ``end`` (``paper``: only those without
    an e-invoice address) as one PDF to print or post (:func:`invoices_pdf`), in number order.
    None, or more than :data:`PRINT_LIMIT`, is an error naming the period."""
    invoices = list(selectors.to_print(company, start, end, paper=paper)[: PRINT_LIMIT + 1])
    if not invoices:
        raise ValidationError({"start": _("No sent invoice of the period to print.")})
    if len(invoices) > PRINT_LIMIT:
        raise ValidationError(
            {
                "end": _(
                    "The period has more than %(limit)s invoices to print; choose a shorter period."
                )
                % {"limit": PRINT_LIMIT}
            }
        )
    return invoices_pdf(invoices)


def reminder_pdf(reminder) -> bytes:
    return _render("sales/reminder_pdf.html", reminder_context(reminder), reminder.invoice)
