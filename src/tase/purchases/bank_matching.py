"""Purchases' matcher for bank lines (registered with :mod:`tase.bank.matching`).

- claim: an outgoing line whose end-to-end id is one we wrote into a pain.001 file
  (:func:`tase.purchases.selectors.payments_by_end_to_end_ids`) pays that invoice through
  :func:`tase.purchases.services.mark_paid`: trade payables (debit) / the statement's bank
  account (credit), the payment recorded dated and from the line. A line for a payment booked
  already (the same file paid twice), or for more than the invoice has open, is not claimed:
  it stays open for the accountant.
- propose: for the outgoing lines left open, the approved, unpaid invoices of that amount,
  those whose supplier's IBAN or name the line's matches first; and the invoices with a cash
  discount whose gross less the discount is the amount, when the line is booked by the discount
  date or within the company's grace after it (:attr:`PurchaseSettings.discount_grace_days`,
  banking days, default 2: a payment made without Tase's end-to-end id, by hand in the online
  bank or through a bank that drops the id, after the cut-off time or before a day off).
- accept: the invoice the accountant picked, paid with the line; a discounted invoice's
  discount is booked as a payment in time books it (:func:`tase.purchases.services.mark_paid`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tase.bank.matching import (
    PROPOSED,
    Claim,
    Context,
    Matcher,
    Proposal,
    names_alike,
    propose_by_amount,
)
from tase.core.templatetags.tase import format_money
from tase.rules.deadlines import weekdays_after

from .models import Payment, PurchaseInvoice
from .selectors import payments_by_end_to_end_ids
from .services import mark_paid
from .services.common import settings_of

PREFIX = "purchases.invoice:"
OPEN = (PurchaseInvoice.Status.APPROVED, PurchaseInvoice.Status.IN_PAYMENT)


def _grace(company) -> int:
    """The company's grace for a cash discount, in banking days (see :class:`PurchaseSettings`)."""
    return settings_of(company).discount_grace_days


def _lookback(grace: int) -> dt.timedelta:
    """How far before a line's date a discount date may lie and the line still be in time:
    the grace's banking days, the weekends between them and the longest run of days off (Easter
    and Christmas), generously; the exact test is :func:`_in_discount_time`."""
    return dt.timedelta(days=2 * grace + 10)


def _in_discount_time(line, invoice: PurchaseInvoice, grace: int) -> bool:
    """Whether ``line`` is booked in time for the invoice's cash discount: by its date or
    within ``grace`` banking days after it."""
    return bool(
        invoice.discount_on(invoice.cash_discount_date)
        and line.date <= weekdays_after(invoice.cash_discount_date, grace)
    )


def _matched_to(invoice: PurchaseInvoice) -> str:
    return _("Purchase invoice %(number)s, %(supplier)s") % {
        "number": invoice.number,
        "supplier": invoice.supplier.name,
    }


def _pay(ctx: Context, line, invoice: PurchaseInvoice, grace: int) -> Claim:
    in_time = _in_discount_time(line, invoice, grace)
    paid = mark_paid(
        ctx.actor,
        invoice,
        amount_cents=-line.amount_cents,
        date=line.date,
        bank_line=line,
        bank_ledger_account=ctx.bank_ledger_account,
        discount_by=invoice.cash_discount_date if in_time else None,
    )
    record = paid.payment_records.order_by("-pk").first()
    note = ""
    if paid.open_cents > 0:
        note = _("%(amount)s left open") % {"amount": format_money(paid.open_cents)}
    elif record and record.discount_cents:
        note = _("cash discount %(amount)s taken") % {"amount": format_money(record.discount_cents)}
    return Claim(_matched_to(paid), record.voucher_id if record else None, note)


def claim(ctx: Context, lines) -> dict[int, Claim]:
    """Outgoing lines with the end-to-end id of a payment in an accepted proposal."""
    wanted = [line for line in lines if line.amount_cents < 0 and line.end_to_end_id]
    payments = payments_by_end_to_end_ids(ctx.company, [line.end_to_end_id for line in wanted])
    claims: dict[int, Claim] = {}
    grace = _grace(ctx.company) if payments else 0  # not used without payments
    for line in wanted:
        payment = payments.get(line.end_to_end_id.strip())
        if payment is None or payment.status != Payment.Status.SENT:
            continue
        try:
            with transaction.atomic():
                claims[line.pk] = _pay(ctx, line, payment.invoice, grace)
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


def _discounted_label(invoice: PurchaseInvoice) -> str:
    return _("%(invoice)s, less the cash discount %(discount)s") % {
        "invoice": _label(invoice),
        "discount": format_money(invoice.cash_discount_cents),
    }


def propose(ctx: Context, lines) -> dict[int, list[Proposal]]:
    """Outgoing lines: the approved, unpaid invoices of the amount, and those whose gross less
    the cash discount is the amount when the line is in time for it (:func:`propose_by_amount`
    each), together by the same preference: a similar supplier first, then the earliest due."""
    invoices = PurchaseInvoice.objects.filter(company=ctx.company, status__in=OPEN).select_related(
        "supplier"
    )
    found = propose_by_amount(
        lines, invoices, sign=-1, prefix=PREFIX, label=_label, similar=_similar
    )
    days = [line.date for line in lines if line.amount_cents < 0]
    if not days:
        return found
    grace = _grace(ctx.company)
    discounted = propose_by_amount(
        lines,
        invoices.filter(
            paid_cents=0,
            cash_discount_cents__gt=0,
            cash_discount_date__gte=min(days) - _lookback(grace),
        ),
        sign=-1,
        prefix=PREFIX,
        label=_discounted_label,
        similar=_similar,
        left=F("gross_cents") - F("cash_discount_cents"),
        fits=lambda line, invoice: _in_discount_time(line, invoice, grace),
    )
    for pk, more in discounted.items():
        found[pk] = sorted([*found.get(pk, []), *more], key=lambda p: -p.score)[:PROPOSED]
    return found


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
    return _pay(ctx, line, invoice, _grace(ctx.company))


MATCHER = Matcher(
    key="purchases.end_to_end",
    claim=claim,
    propose=propose,
    accept=accept,
    prefix=PREFIX,
    order=20,
)
