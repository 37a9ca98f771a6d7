"""Sales' matcher for bank lines (registered with :mod:`tase.bank.matching`).

- claim: an incoming payment whose reference is a sent invoice's is recorded on it through
  :func:`tase.sales.services.record_payment` (partial: the rest stays open; over: the customer's
  credit balance; a shortfall within the company's tolerance written off). A payment to an
  invoice paid already is not claimed: it stays open for the accountant (refund or post).
- propose: for the incoming lines left open, the open invoices of that amount, those whose
  customer's name the payer's matches first.
- accept: the invoice the accountant picked, paid with the line.
"""

from __future__ import annotations

from collections import defaultdict

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
from tase.core.templatetags.tase import format_money as _euros

from .models import Invoice
from .services.payments import Payable, Received, payables, record_payment, record_payments

PREFIX = "sales.invoice:"
OPEN = (Invoice.Status.SENT, Invoice.Status.PARTLY_PAID)
CHUNK = 500


def _invoices(company):
    return Invoice.objects.filter(company=company, kind=Invoice.Kind.INVOICE).exclude(
        status=Invoice.Status.DRAFT
    )


def _note(invoice: Invoice | Payable, before: int, paid: int) -> str:
    if invoice.open_cents > 0:
        return _("%(amount)s left open") % {"amount": _euros(invoice.open_cents)}
    if invoice.open_cents < 0:
        return _("paid %(amount)s over: the customer's credit") % {
            "amount": _euros(-invoice.open_cents)
        }
    if paid < before:
        return _("%(amount)s short, written off") % {"amount": _euros(before - paid)}
    return ""


def _batch_note(ctx: Context, before: int, amount: int) -> tuple[str, int]:
    """:func:`_note` of one payment of a batch (several may pay one invoice, each against what
    the ones before it left open: ``before``), and what it leaves open, the shortfall written
    off as :func:`record_payments` writes it off."""
    short = before - amount
    written_off = short if 0 < short <= ctx.write_off_cents and ctx.write_off_account else 0
    after = short - written_off
    if after > 0:
        return _("%(amount)s left open") % {"amount": _euros(after)}, after
    if after < 0:
        return _("paid %(amount)s over: the customer's credit") % {"amount": _euros(-after)}, after
    if written_off:
        return _("%(amount)s short, written off") % {"amount": _euros(written_off)}, after
    return "", after


def _pay(ctx: Context, line, invoice: Invoice) -> Claim:
    before = invoice.open_cents
    payment = record_payment(
        ctx.actor,
        invoice,
        date=line.date,
        amount=line.amount_cents / 100,
        bank_ledger_account=ctx.bank_ledger_account,
        write_off_up_to=ctx.write_off_cents,
        write_off_account=ctx.write_off_account,
    )
    invoice = Invoice.objects.get(pk=invoice.pk)
    return Claim(
        _matched_to(invoice), payment.voucher_id, _note(invoice, before, line.amount_cents)
    )


def _matched_to(invoice: Invoice | Payable) -> str:
    return _("Sales invoice %(number)s") % {"number": invoice.number}


def _by_reference(company, refs: list[str]) -> dict[str, Payable]:
    """The open invoice of each reference (the first due when several share one), locked,
    read as rows (:func:`payables`)."""
    found: dict[str, Payable] = {}
    for start in range(0, len(refs), CHUNK):
        for invoice in payables(
            _invoices(company)
            .filter(reference__in=refs[start : start + CHUNK], status__in=OPEN)
            .select_for_update(of=("self",))
            .order_by("due_date", "pk")
        ):
            found.setdefault(invoice.reference, invoice)
    return found


def _record_together(ctx: Context, received: list[Received]) -> tuple[dict, set]:
    """The payments booked together, a voucher a day (:func:`record_payments`), and the days
    refused. If a day is in a closed or locked period, which refuses the whole batch, day by
    day: that day's payments are refused (the single service would refuse them the same way:
    same date, same accounts), and stay open without being tried one by one. A day booked
    before under the same reference (the batch refuses to reuse its voucher) is not refused:
    its payments go to the single service, each a voucher of its own."""
    options = {
        "bank_ledger_account": ctx.bank_ledger_account,
        "source": ctx.batch_source,
        "source_ref": ctx.batch_ref,
        "write_off_up_to": ctx.write_off_cents,
        "write_off_account": ctx.write_off_account,
    }
    try:
        with transaction.atomic():
            return record_payments(ctx.actor, ctx.company, received, **options), set()
    except ValidationError:
        pass
    paid, refused = {}, set()
    days: dict = defaultdict(list)
    for item in received:
        days[item.date].append(item)
    for day, day_items in days.items():
        try:
            with transaction.atomic():
                paid |= record_payments(ctx.actor, ctx.company, day_items, **options)
        except ValidationError as error:
            if "source_ref" not in getattr(error, "error_dict", {}):
                refused.add(day)  # a closed period: left open
    return paid, refused


def _refused(invoice: Payable, line) -> bool:
    """Whether :func:`record_payment` would refuse the line's payment, read off the row (kept
    up to date by the payments before it): the invoice is paid, its reminder charges too, or
    the payment is dated before the invoice."""
    open_charges = invoice.charged_cents - invoice.charges_paid_cents
    return (invoice.open_cents <= 0 and open_charges <= 0) or line.date < invoice.invoice_date


def _pay_alone(ctx: Context, line, invoice: Payable) -> Claim:
    """A payment the batch left to the single service (reminder charges first, cash-based
    VAT, a day booked before under the same reference): recorded by :func:`record_payment`,
    which locks and reads the invoice once; the row then updated from it, no other read."""
    before = invoice.open_cents
    payment = record_payment(
        ctx.actor,
        Invoice(pk=invoice.pk, company=ctx.company),
        date=line.date,
        amount=line.amount_cents / 100,
        bank_ledger_account=ctx.bank_ledger_account,
        write_off_up_to=ctx.write_off_cents,
        write_off_account=ctx.write_off_account,
    )
    paid = payment.invoice  # as the service left it
    invoice.paid_cents, invoice.status = paid.paid_cents, paid.status
    invoice.charges_paid_cents = paid.charges_paid_cents
    return Claim(
        _matched_to(invoice), payment.voucher_id, _note(invoice, before, line.amount_cents)
    )


def claim(ctx: Context, lines) -> dict[int, Claim]:
    """The reference payments booked together, one voucher a booking day as the bank's
    batches show on the statement (:func:`record_payments`, which takes several payments of
    one invoice in date order), the invoices read as rows (:func:`payables`) a chunk at a
    time. What the batch leaves is decided on the rows: a payment the single service would
    refuse (the invoice paid already: a duplicate) or of a day refused (a closed period)
    stays open without a query; one that needs more (reminder charges first, cash-based VAT)
    goes through :func:`record_payment` on its own (:func:`_pay_alone`), each its voucher."""
    wanted = [line for line in lines if line.amount_cents > 0 and line.reference]
    invoices = _by_reference(ctx.company, sorted({line.reference for line in wanted}))
    wanted = sorted(
        (line for line in wanted if line.reference in invoices), key=lambda line: line.date
    )
    received = [
        Received(line.pk, invoices[line.reference], line.date, line.amount_cents) for line in wanted
    ]
    left = {item.invoice.pk: item.invoice.open_cents for item in received}  # before the batch
    paid, refused = _record_together(ctx, received) if received else ({}, set())
    claims: dict[int, Claim] = {}
    for item in received:  # in date order, as the batch took them
        payment = paid.get(item.key)
        if payment is not None:
            before = left[item.invoice.pk]
            note, left[item.invoice.pk] = _batch_note(ctx, before, item.amount_cents)
            claims[item.key] = Claim(_matched_to(item.invoice), payment.voucher_id, note)
    for line in wanted:
        invoice = invoices[line.reference]
        if line.pk in claims or line.date in refused or _refused(invoice, line):
            continue  # a duplicate, a closed period: the accountant decides
        try:
            with transaction.atomic():
                claims[line.pk] = _pay_alone(ctx, line, invoice)
        except ValidationError:
            continue  # credited meanwhile, a period closed: the accountant decides
    return claims


def _label(invoice: Invoice) -> str:
    return _("Invoice %(number)s, %(customer)s, due %(due)s") % {
        "number": invoice.number,
        "customer": invoice.customer.name,
        "due": invoice.due_date.strftime("%-d.%-m.%Y"),
    }


def propose(ctx: Context, lines) -> dict[int, list[Proposal]]:
    """Incoming lines: the open invoices of the amount (:func:`propose_by_amount`)."""
    return propose_by_amount(
        lines,
        _invoices(ctx.company).filter(status__in=OPEN).select_related("customer"),
        sign=1,
        prefix=PREFIX,
        label=_label,
        similar=lambda line, invoice: names_alike(line.counterparty, invoice.customer.name),
    )


def accept(ctx: Context, line, target: str) -> Claim:
    pk = target.removeprefix(PREFIX)
    invoice = (
        _invoices(ctx.company).filter(pk=int(pk)).select_related("company", "customer").first()
        if pk.isdigit()
        else None
    )
    if invoice is None:
        raise ValidationError({"target": _("No such invoice.")})
    if line.amount_cents <= 0:
        raise ValidationError({"target": _("Only money in pays a sales invoice.")})
    return _pay(ctx, line, invoice)


MATCHER = Matcher(
    key="sales.reference",
    claim=claim,
    propose=propose,
    accept=accept,
    prefix=PREFIX,
    order=10,
)
