"""Sending an invoice: number it gaplessly, give it its reference, post it to the books.

Numbers come from the company's :class:`~tase.sales.models.InvoiceCounter`, locked with
``SELECT … FOR UPDATE`` inside the sending transaction, so concurrent senders queue and
numbers stay gapless and unique. The reference is the national 7-3-1 reference of the
number (or its RF form) unless the draft carries its own. Posting goes through
:func:`tase.ledger.services.post_voucher`: receivables (debit) / sales per VAT code and
account (credit, the ledger splits the output VAT) at the rates of the delivery date, in
the sales invoice series ML, with ``source="sales.invoice"`` and the invoice's id so the
books drill down to the invoice and the invoice to its voucher. With cash-based VAT the VAT
waits on the unrecognised VAT account for the payments (:mod:`.cash_vat`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase import db
from tase.core import audit
from tase.formats.reference import fi_reference, rf_reference
from tase.ledger import selectors as ledger_selectors
from tase.ledger import services as ledger

from ..models import Invoice, InvoiceCounter, InvoiceLine
from . import cash_vat
from .common import as_date, cents, guard, invoice_totals
from .invoices import refuse_unless_draft

SOURCE = "sales.invoice"
SERIES = "ML"


def _counter(company) -> InvoiceCounter:
    counter, _created = InvoiceCounter.objects.get_or_create(company=company)
    return InvoiceCounter.objects.select_for_update().get(pk=counter.pk)


def _next_number(company) -> int:
    counter = _counter(company)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def continue_numbers_after(company, number: int) -> None:
    """Tase's own numbers continue after ``number`` if it is higher than the last one (an
    open invoice brought from the previous system keeps its number; the series goes on)."""
    counter = _counter(company)
    if number > counter.last_number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])


def _voucher_lines(invoice: Invoice, receivables: str) -> list[dict]:
    totals = invoice_totals(invoice)
    text = _("Invoice %(number)s") % {"number": invoice.number}
    side = "debit" if invoice.gross_cents >= 0 else "credit"
    result = [{"account": receivables, side: cents(abs(invoice.gross_cents)), "text": text}]
    for group in totals.groups:
        if group.amount == 0:
            continue
        result.append(
            {
                "account": group.account,
                "credit" if group.amount > 0 else "debit": cents(abs(group.amount)),
                "vat_code": group.vat_code or None,
                "gross": invoice.prices_include_vat,
                "text": text,
                # The rate follows the delivery, not the invoice date (AVL 15 §).
                "delivery_date": invoice.delivery_date,
                **({"vat_basis": "cash"} if invoice.cash_vat else {}),
            }
        )
    if invoice.is_credit_note and invoice.credits is not None:
        result += cash_vat.credit_lines(invoice.credits, text)
    return result


def take_bank_account(invoice: Invoice) -> str:
    """Fix the company's default bank account on the invoice; returns the receivables account.
    Both must exist (a clear error names what is missing)."""
    company = invoice.company
    bank = ledger.default_bank_account(company)
    receivables = ledger_selectors.account_number_for_role(company, "receivables")
    errors = {}
    if bank is None:
        errors["bank_account"] = _(
            "The company has no bank account; add one in the bookkeeping settings."
        )
    if receivables is None:
        errors["receivables"] = _("The chart of accounts has no trade receivables account.")
    if errors:
        raise ValidationError(errors)
    invoice.iban, invoice.bic, invoice.bank_ledger_account = (
        bank.iban,
        bank.bic,
        bank.account.number,
    )
    return receivables


def _voucher(invoice: Invoice, receivables: str) -> ledger.NewVoucher:
    """The invoice's voucher: receivables / sales per VAT code and account, dated the
    invoice date, in the sales invoice series, its source the invoice."""
    description = (
        _("Credit note %(number)s, %(customer)s")
        if invoice.is_credit_note
        else _("Sales invoice %(number)s, %(customer)s")
    ) % {"number": invoice.number, "customer": invoice.customer.name}
    return ledger.NewVoucher(
        date=invoice.invoice_date,
        series=SERIES,
        description=description,
        lines=_voucher_lines(invoice, receivables),
        source=SOURCE,
        source_ref=str(invoice.pk),
        label=_("Invoice %(number)s") % {"number": invoice.number},
    )


def _post(actor, invoice: Invoice, receivables: str | None = None) -> None:
    if receivables is None:
        receivables = take_bank_account(invoice)
    voucher = _voucher(invoice, receivables)
    posted = ledger.post_voucher(
        actor,
        invoice.company,
        date=voucher.date,
        series=voucher.series,
        description=voucher.description,
        lines=voucher.lines,
        source=voucher.source,
        source_ref=voucher.source_ref,
    )
    invoice.voucher_id = posted.pk


def buyer_of(invoice: Invoice) -> dict:
    customer = invoice.customer
    return {
        name: getattr(customer, name)
        for name in (
            "number",
            "name",
            "kind",
            "business_id",
            "vat_number",
            "street",
            "postcode",
            "town",
            "country",
            "language",
            "email",
            "einvoice_address",
            "einvoice_operator",
        )
    }


def _send(actor, invoice: Invoice) -> Invoice:
    invoice.number = _next_number(invoice.company)
    if not invoice.reference:
        national = fi_reference(invoice.number)
        invoice.reference = rf_reference(national) if invoice.reference_type == "rf" else national
    invoice.buyer = buyer_of(invoice)
    if not invoice.is_credit_note:
        invoice.cash_vat = cash_vat.applies_to(invoice)
    _post(actor, invoice)
    invoice.status = Invoice.Status.SENT
    invoice.sent_at = timezone.now()
    invoice.save()
    audit.record(
        actor.user,
        "send",
        invoice,
        company=invoice.company,
        changes={"number": [None, invoice.number], "reference": [None, invoice.reference]},
    )
    return invoice


def send_drafts(actor, company, invoices: list[Invoice]) -> list[Invoice]:
    """Send many drafts of ``company`` at once (a recurring run; the caller has guarded and
    holds the transaction): numbers taken in one counter update, in the order given; the bank
    account, the receivables account and the VAT method read once; the invoices' vouchers,
    each the one :func:`send_invoice` posts, posted together
    (:func:`tase.ledger.services.post_vouchers`: one numbering, bulk inserts); the invoices
    saved with one prepared UPDATE (``tase.db.update_rows``), their audit events appended
    together (``audit.record_many``). ``invoices`` have their lines prefetched."""
    if not invoices:
        return []
    counter = _counter(company)
    first = counter.last_number + 1
    counter.last_number += len(invoices)
    counter.save(update_fields=["last_number"])
    receivables = take_bank_account(invoices[0])
    bank = (invoices[0].iban, invoices[0].bic, invoices[0].bank_ledger_account)
    cash_basis = ledger_selectors.cash_basis_vat(company)
    now = timezone.now()
    vouchers = []
    for offset, invoice in enumerate(invoices):
        invoice.number = first + offset
        if not invoice.reference:
            national = fi_reference(invoice.number)
            invoice.reference = (
                rf_reference(national) if invoice.reference_type == "rf" else national
            )
        invoice.buyer = buyer_of(invoice)
        invoice.cash_vat = cash_basis and invoice.gross_cents > 0 and not invoice.is_credit_note
        invoice.iban, invoice.bic, invoice.bank_ledger_account = bank
        invoice.status = Invoice.Status.SENT
        invoice.sent_at = now
        vouchers.append(_voucher(invoice, receivables))
    try:
        posted = ledger.post_vouchers(actor, company, vouchers)
    except ValidationError as error:
        # The caller names the invoice's agreement and period: the first one refused.
        first = error.messages[0]
        error.invoice = next(
            (
                inv
                for inv, v in zip(invoices, vouchers, strict=True)
                if first.startswith(v.label + ":")
            ),
            None,
        )
        raise
    for invoice, voucher in zip(invoices, posted, strict=True):
        invoice.voucher_id = voucher.pk
    db.update_rows(
        Invoice,
        [
            "number", "reference", "buyer", "cash_vat", "iban", "bic", "bank_ledger_account",
            "voucher_id", "status", "sent_at",
        ],
        invoices,
    )  # fmt: skip
    audit.record_many(
        actor.user,
        "send",
        (
            (
                invoice,
                {
                    "number": [None, invoice.number],
                    "reference": [None, invoice.reference],
                    "gross": [None, invoice.gross_cents],
                },
            )
            for invoice in invoices
        ),
        company=company,
    )
    return invoices


@transaction.atomic
def send_invoice(actor, invoice: Invoice) -> Invoice:
    """Number, reference and post a draft; from now on it never changes."""
    guard(actor, invoice.company, "sales.invoice")
    invoice = (
        Invoice.objects.select_for_update().select_related("company", "customer").get(pk=invoice.pk)
    )
    refuse_unless_draft(invoice)
    return _send(actor, invoice)


@transaction.atomic
def credit_invoice(actor, invoice: Invoice, *, date=None) -> Invoice:
    """A credit note for the whole of a sent invoice: its lines with the quantities
    negated, the same delivery date (so the same VAT rates), referring to the original,
    numbered in the same series and posted the other way round. The original is credited."""
    guard(actor, invoice.company, "sales.invoice")
    original = (
        Invoice.objects.select_for_update().select_related("company", "customer").get(pk=invoice.pk)
    )
    if original.is_draft or original.is_credit_note or original.status == Invoice.Status.CREDITED:
        raise ValidationError(
            {"invoice": _("Only a sent invoice that is not credited can be credited.")}
        )
    on = as_date(date, "date") if date else dt.date.today()
    if on < original.invoice_date:
        raise ValidationError({"date": _("A credit note cannot be dated before the invoice.")})
    note = Invoice.objects.create(
        company=original.company,
        customer=original.customer,
        kind=Invoice.Kind.CREDIT_NOTE,
        credits=original,
        invoice_date=on,
        delivery_date=original.delivery_date,
        due_date=on,
        reference_type=original.reference_type,
        reference=original.reference,
        our_reference=original.our_reference,
        your_reference=original.your_reference,
        order_number=original.order_number,
        prices_include_vat=original.prices_include_vat,
        cash_vat=original.cash_vat,
        net_cents=-original.net_cents,
        vat_cents=-original.vat_cents,
        gross_cents=-original.gross_cents,
        created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=note,
                position=line.position,
                product_id=line.product_id,
                description=line.description,
                quantity=-line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                vat_code=line.vat_code,
                vat_rate=line.vat_rate,
                sales_account=line.sales_account,
                amount_cents=-line.amount_cents,
                vat_cents=-line.vat_cents,
            )
            for line in original.lines.all()
        ]
    )
    _send(actor, note)
    original.status = Invoice.Status.CREDITED
    original.save(update_fields=["status"])
    audit.record(
        actor.user,
        "credit",
        original,
        company=original.company,
        changes={"credit_note": [None, note.number]},
    )
    return note
