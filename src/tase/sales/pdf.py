"""Invoice PDFs (WeasyPrint through tase.core.pdf) in the customer's language, with the
bank giro form (tilisiirtolomake) and its Code 128 bank barcode.

The giro form's labels are bilingual Finnish/Swedish by the standard form itself, whatever
the language of the invoice; the barcode is drawn as SVG (tase.formats.bank_barcode) and
embedded as a data URL (a PDF fetches nothing else).
"""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils import translation

from tase.core import pdf
from tase.formats.bank_barcode import barcode_svg
from tase.formats.reference import format_reference

from .services import delivery


def invoice_context(invoice) -> dict:
    code = delivery.virtual_barcode(invoice)
    barcode = ""
    if code:
        svg = barcode_svg(code).encode()
        barcode = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    data = delivery.finvoice_invoice(invoice)
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
        "barcode": barcode,
        "seller_vat_number": delivery.seller_vat_number(invoice),
    }


def invoice_html(invoice) -> str:
    language = invoice.buyer.get("language") or "fi"
    with translation.override(language):
        return render_to_string(
            "sales/invoice_pdf.html", invoice_context(invoice) | {"LANGUAGE_CODE": language}
        )


def invoice_pdf(invoice) -> bytes:
    with translation.override(invoice.buyer.get("language") or "fi"):
        return pdf.render(
            invoice_html(invoice), test_environment=invoice.company.is_test_environment
        )
