"""Delivering a sent invoice: its Finvoice 3.0 e-invoice, its PDF with the giro form and
bank barcode, and email with the PDF attached (Django's mail backend)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tase.core import audit
from tase.formats import finvoice
from tase.formats.bank_barcode import virtual_barcode as make_virtual_barcode
from tase.rules import invoicing

from ..models import Invoice
from .common import cents, guard, invoice_totals
from .settings import settings_of

# Finvoice (UNTDID 5305) category of each sales VAT code: S standard, Z zero rated,
# K intra-community supply, AE reverse charge (EN 16931 code list).
UNTDID_5305 = {
    "S": "S",
    "S-R": "S",
    "S-R2": "S",
    "S0": "Z",
    "S-EUG": "K",
    "S-EUS": "AE",
    "S-RC": "AE",
}


def vat_notes(invoice: Invoice) -> list[str]:
    """The grounds an invoice must state for sales without Finnish VAT (Verohallinto,
    Laskutusvaatimukset arvonlisäverotuksessa), in the active language."""
    codes = {line.vat_code for line in invoice.lines.all()}
    notes = []
    if codes & {"S-EUS", "S-RC"}:
        notes.append(_("Reverse charge: the buyer is liable for the VAT."))
    if "S-EUG" in codes:
        notes.append(_("Intra-community supply of goods, exempt from VAT."))
    if notes:
        notes.append(
            _("VAT numbers: seller %(seller)s, buyer %(buyer)s")
            % {"seller": seller_vat_number(invoice), "buyer": invoice.buyer.get("vat_number", "")}
        )
    if invoice.cash_vat:
        notes.append(cash_vat_mark())
    return notes


def cash_vat_mark() -> str:
    """The mark of an invoice whose VAT the seller pays on the cash basis (AVL 137 § 2 mom.),
    in the active language: "Maksuperusteinen arvonlisävero", the Tax Administration's name
    of the method. The VAT Act's list of invoice marks (209 e §) does not demand it in
    Finland; the invoice states it so the buyer and the books see why the VAT waits."""
    return pgettext("invoice mark", "Cash-based VAT")


def seller_vat_number(invoice: Invoice) -> str:
    """The Finnish VAT number is FI and the business ID's digits (Verohallinto)."""
    return "FI" + invoice.company.business_id.replace("-", "")


def virtual_barcode(invoice: Invoice) -> str:
    """The 54-digit virtual barcode of a sent invoice with an open amount, else ''."""
    if invoice.is_draft or invoice.is_credit_note or not invoice.iban.startswith("FI"):
        return ""
    amount = cents(max(invoice.open_cents, 0))
    return make_virtual_barcode(invoice.iban, amount, invoice.reference, invoice.due_date)


def finvoice_invoice(invoice: Invoice, *, own: dict | None = None) -> finvoice.Invoice:
    """The invoice as Finvoice data; ``own`` caches the companies' sales settings over a
    batch (company id → settings)."""
    company, buyer = invoice.company, invoice.buyer
    if own is None:
        own = {}
    if company.pk not in own:
        own[company.pk] = settings_of(company)
    own = own[company.pk]
    on = invoice.delivery_date
    rows = []
    for line in invoice.lines.all():
        net, vat = invoicing.split(
            line.amount_cents, line.vat_code, on, gross=invoice.prices_include_vat
        )
        unit_price = line.unit_price
        if invoice.prices_include_vat and line.vat_rate:
            unit_price = (unit_price * 100 / (100 + line.vat_rate)).quantize(Decimal("0.0001"))
        rows.append(
            finvoice.Row(
                description=line.description,
                quantity=line.quantity.normalize(),
                unit=line.unit,
                unit_price=unit_price,
                vat_rate=line.vat_rate.normalize(),
                vat_code=UNTDID_5305.get(line.vat_code, "S"),
                net=cents(net),
                vat=cents(vat),
                discount_percent=line.discount_percent.normalize(),
                article=line.product.code if line.product_id else "",
            )
        )
    totals = invoice_totals(invoice)
    with translation.override(buyer.get("language") or "fi"):
        notes = vat_notes(invoice)
        vat_lines = [
            finvoice.VatLine(
                rate=rate.rate.normalize(),
                code=UNTDID_5305.get(rate.vat_code, "S"),
                base=cents(rate.net),
                vat=cents(rate.vat),
                free_text=_vat_free_text(invoice, rate.vat_code, notes),
            )
            for rate in totals.by_rate
        ]
    return finvoice.Invoice(
        seller=finvoice.Party(
            name=company.name,
            business_id=company.business_id,
            vat_number=seller_vat_number(invoice) if company.vat_registered else "",
            street=company.street_address,
            postcode=company.postal_code,
            town=company.city,
            country=company.country,
            edi_address=own.einvoice_address,
            intermediator=own.einvoice_operator,
        ),
        buyer=finvoice.Party(
            name=buyer.get("name", ""),
            business_id=buyer.get("business_id", ""),
            vat_number=buyer.get("vat_number", ""),
            street=buyer.get("street", ""),
            postcode=buyer.get("postcode", ""),
            town=buyer.get("town", ""),
            country=buyer.get("country", "FI"),
            email=buyer.get("email", ""),
            edi_address=buyer.get("einvoice_address", ""),
            intermediator=buyer.get("einvoice_operator", ""),
        ),
        number=str(invoice.number),
        date=invoice.invoice_date,
        due_date=invoice.due_date,
        reference=invoice.reference,
        iban=invoice.iban,
        bic=invoice.bic,
        rows=rows,
        vat_lines=vat_lines,
        net=cents(invoice.net_cents),
        vat=cents(invoice.vat_cents),
        gross=cents(invoice.gross_cents),
        credit_note=invoice.is_credit_note,
        original_number=str(invoice.credits.number) if invoice.credits_id else "",
        delivery_date=invoice.delivery_date,
        order_number=invoice.order_number,
        buyer_reference=invoice.your_reference,
        seller_reference=invoice.our_reference,
        language=buyer.get("language") or "fi",
        virtual_barcode=virtual_barcode(invoice),
        notes=notes + ([invoice.notes] if invoice.notes else []),
    )


def _vat_free_text(invoice: Invoice, vat_code: str, notes: list[str]) -> str:
    """VatFreeText of a VAT rate: the ground of 0 % for reverse charge and intra-community
    supply, the cash-basis mark for domestic VAT of a cash-basis invoice."""
    category = UNTDID_5305.get(vat_code, "S")
    if notes and category in ("AE", "K"):
        return notes[0][:70]
    if invoice.cash_vat and category == "S":
        return cash_vat_mark()[:70]
    return ""


def refuse_draft(invoice: Invoice) -> None:
    if invoice.is_draft:
        raise ValidationError({"invoice": _("A draft is not delivered; send it first.")})


def finvoice_file(invoice: Invoice, *, soap: bool = False, own: dict | None = None) -> bytes:
    """The schema-valid Finvoice of a sent invoice; a file failing the schema is never
    offered (the error names the schema's complaint)."""
    refuse_draft(invoice)
    try:
        return finvoice.write_finvoice(finvoice_invoice(invoice, own=own), soap=soap)
    except finvoice.FinvoiceError as error:
        raise ValidationError({"finvoice": str(error)}) from None


@transaction.atomic
def email_invoice(actor, invoice: Invoice, *, to: str = "") -> str:
    """Email the invoice PDF to ``to`` (default: the customer's email); returns the address."""
    from ..pdf import invoice_pdf

    guard(actor, invoice.company, "sales.invoice")
    refuse_draft(invoice)
    address = (to or invoice.buyer.get("email") or "").strip()
    if not address:
        raise ValidationError({"email": _("The customer has no email address.")})
    with translation.override(invoice.buyer.get("language") or "fi"):
        subject = _("Invoice %(number)s from %(company)s") % {
            "number": invoice.number,
            "company": invoice.company.name,
        }
        body = _(
            "Hello,\n\nattached is invoice %(number)s, %(amount)s, due %(due)s.\n"
            "Reference: %(reference)s\n\n%(company)s"
        ) % {
            "number": invoice.number,
            "amount": f"{cents(invoice.gross_cents)} €",
            "due": invoice.due_date.strftime("%-d.%-m.%Y"),
            "reference": invoice.reference,
            "company": invoice.company.name,
        }
    message = EmailMessage(subject, body, to=[address])
    message.attach(f"invoice-{invoice.number}.pdf", invoice_pdf(invoice), "application/pdf")
    message.send()
    audit.record(
        actor.user, "email", invoice, company=invoice.company, changes={"to": [None, address]}
    )
    return address


def finvoice_batch(invoices) -> tuple[bytes, list[tuple[Invoice, str]]]:
    """One file for an e-invoice operator: each sent invoice's ebXML envelope followed by its
    Finvoice, one after another (the operators' batch form). An invoice that cannot go (a
    draft, a buyer without an e-invoice address, a Finvoice failing the schema) is left out
    and returned with the reason."""
    invoices = list(invoices)
    # lines, products, credit notes (the open amount) and settings once for the whole batch
    prefetch_related_objects(invoices, "company", "lines__product", "credit_notes")
    parts, skipped, own = [], [], {}
    for invoice in invoices:
        try:
            parts.append(finvoice_file(invoice, soap=True, own=own))
        except ValidationError as error:
            skipped.append((invoice, " ".join(error.messages)))
    return b"".join(parts), skipped
