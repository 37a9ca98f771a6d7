"""Invoice and payment reminder PDFs (WeasyPrint through tase.core.pdf) in the customer's
language, with the bank giro form (tilisiirtolomake) and its Code 128 bank barcode.

The giro form's labels are bilingual Finnish/Swedish by the standard form itself, whatever
the language of the invoice; the barcode is drawn as SVG (tase.formats.bank_barcode) and
embedded as a data URL (a PDF fetches nothing else).
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from tase.core import pdf
from tase.formats.bank_barcode import barcode_svg
from tase.formats.bank_barcode import virtual_barcode as make_virtual_barcode
from tase.formats.reference import format_reference

from .services import delivery
from .services.common import cents


def _barcode_image(code: str) -> str:
    if not code:
        return ""
    svg = barcode_svg(code).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def invoice_context(invoice) -> dict:
    code = delivery.virtual_barcode(invoice)
    data = delivery.finvoice_invoice(invoice)
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


def _render(template: str, context: dict, invoice) -> bytes:
    language = invoice.buyer.get("language") or "fi"
    with translation.override(language):
        html = render_to_string(template, context | {"LANGUAGE_CODE": language})
        return pdf.render(html, test_environment=invoice.company.is_test_environment)


def invoice_pdf(invoice) -> bytes:
    return _render("sales/invoice_pdf.html", invoice_context(invoice), invoice)


def reminder_pdf(reminder) -> bytes:
    return _render("sales/reminder_pdf.html", reminder_context(reminder), reminder.invoice)
