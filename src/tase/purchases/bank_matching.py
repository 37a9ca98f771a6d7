"""Purchases' matcher for bank lines (registered with :mod:`tase.bank.matching`).

- claim: an outgoing line whose end-to-end id is one we wrote into a pain.001 file
  (:func:`tase.purchases.selectors.payments_by_end_to_end_ids`) pays that invoice through
  :func:`tase.purchases.services.mark_paid`: trade payables (debit) / the statement's bank
  account (credit), the payment recorded dated and from the line. A line for a payment booked
  already (the same file paid twice), or for more than the invoice has open, is not claimed:
  it stays open for the accountant.
- propose: for the outgoing lines left open, the approved, unpaid invoices of that amount,
  those whose supplier's IBAN or name the line's matches first.
- accept: the invoice the accountant picked, paid with the line.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.bank.matching import (
    Claim,
    Context,
    Matcher,
    Proposal,
    names_alike,
    propose_by_amount,
)
from tase.core.templatetags.tase import format_money

from .models import Payment, PurchaseInvoice
from .selectors import payments_by_end_to_end_ids
from .services import mark_paid

PREFIX = "purchases.invoice:"
OPEN = (PurchaseInvoice.Status.APPROVED, PurchaseInvoice.Status.IN_PAYMENT)


def _matched_to(invoice: PurchaseInvoice) -> str:
    return _("Purchase invoice %(number)s, %(supplier)s") % {
        "number": invoice.number,
        "supplier": invoice.supplier.name,
    }


def _pay(ctx: Context, line, invoice: PurchaseInvoice) -> Claim:
    paid = mark_paid(
        ctx.actor,
        invoice,
        amount_cents=-line.amount_cents,
        date=line.date,
        bank_line=line,
        bank_ledger_account=ctx.bank_ledger_account,
    )
    record = paid.payment_records.order_by("-pk").first()
    note = ""
    if paid.open_cents > 0:
        note = _("%(amount)s left open") % {"amount": format_money(paid.open_cents)}
    return Claim(_matched_to(paid), record.voucher_id if record else None, note)


def claim(ctx: Context, lines) -> dict[int, Claim]:
    """Outgoing lines with the end-to-end id of a payment in an accepted proposal."""
    wanted = [line for line in lines if line.amount_cents < 0 and line.end_to_end_id]
    payments = payments_by_end_to_end_ids(ctx.company, [line.end_to_end_id for line in wanted])
    claims: dict[int, Claim] = {}
    for line in wanted:
        payment = payments.get(line.end_to_end_id.strip())
        if payment is None or payment.status != Payment.Status.SENT:
            continue
        try:
            with transaction.atomic():
                claims[line.pk] = _pay(ctx, line, payment.invoice)
        except ValidationError:
            continue  # more than is open, a closed period: the accountant decides
    return claims


def _similar(line, invoice: PurchaseInvoice) -> bool:
    if line.counterparty_iban and line.counterparty_iban == invoice.iban:
        return True
    return names_alike(line.counterparty, invoice.supplier.name)


def _label(invoice: PurchaseInvoice) -> str:
    return _("Purchase invoice %(number)s, %(supplier)s, due %(due)s") % {
        "number": invoice.number,
        "supplier": invoice.supplier.name,
        "due": invoice.due_date.strftime("%-d.%-m.%Y"),
    }


def propose(ctx: Context, lines) -> dict[int, list[Proposal]]:
    """Outgoing lines: the approved, unpaid invoices of the amount (:func:`propose_by_amount`)."""
    return propose_by_amount(
        lines,
        PurchaseInvoice.objects.filter(company=ctx.company, status__in=OPEN).select_related(
            "supplier"
        ),
        sign=-1,
        prefix=PREFIX,
        label=_label,
        similar=_similar,
    )


def accept(ctx: Context, line, target: str) -> Claim:
    pk = target.removeprefix(PREFIX)
    invoice = (
        PurchaseInvoice.objects.filter(company=ctx.company, pk=int(pk))
        .select_related("company", "supplier")
        .first()
        if pk.isdigit()
        else None
    )
    if invoice is None:
        raise ValidationError({"target": _("No such purchase invoice.")})
    if line.amount_cents >= 0:
        raise ValidationError({"target": _("Only money out pays a purchase invoice.")})
    return _pay(ctx, line, invoice)


MATCHER = Matcher(
    key="purchases.end_to_end",
    claim=claim,
    propose=propose,
    accept=accept,
    prefix=PREFIX,
    order=20,
)
