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
from django.db.models import F
from django.utils.translation import gettext as _

from tase.bank.matching import Claim, Context, Matcher, Proposal
from tase.core.templatetags.tase import format_money as _euros

from .models import Invoice
from .services import record_payment

PREFIX = "sales.invoice:"
OPEN = (Invoice.Status.SENT, Invoice.Status.PARTLY_PAID)
CHUNK = 500


def _invoices(company):
    return Invoice.objects.filter(company=company, kind=Invoice.Kind.INVOICE).exclude(
        status=Invoice.Status.DRAFT
    )


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
    note = ""
    if invoice.open_cents > 0:
        note = _("%(amount)s left open") % {"amount": _euros(invoice.open_cents)}
    elif invoice.open_cents < 0:
        note = _("paid %(amount)s over: the customer's credit") % {
            "amount": _euros(-invoice.open_cents)
        }
    elif line.amount_cents < before:
        note = _("%(amount)s short, written off") % {"amount": _euros(before - line.amount_cents)}
    return Claim(
        matched_to=_("Sales invoice %(number)s") % {"number": invoice.number},
        voucher_id=payment.voucher_id,
        note=note,
    )


def claim(ctx: Context, lines) -> dict[int, Claim]:
    wanted = [line for line in lines if line.amount_cents > 0 and line.reference]
    by_reference: dict[str, list[Invoice]] = defaultdict(list)
    refs = sorted({line.reference for line in wanted})
    for start in range(0, len(refs), CHUNK):
        for invoice in (
            _invoices(ctx.company)
            .filter(reference__in=refs[start : start + CHUNK])
            .select_related("company", "customer")
            .order_by("due_date", "pk")
        ):
            by_reference[invoice.reference].append(invoice)
    claims: dict[int, Claim] = {}
    for line in wanted:
        open_ones = [i for i in by_reference.get(line.reference, ()) if i.status in OPEN]
        if not open_ones:
            continue  # unknown reference, or paid already: the accountant decides
        try:
            with transaction.atomic():
                claims[line.pk] = _pay(ctx, line, open_ones[0])
        except ValidationError:
            continue
    return claims


def _similar(payer: str, customer: str) -> bool:
    payer, customer = payer.casefold(), customer.casefold()
    first = customer.split()[0] if customer.split() else ""
    return (
        bool(payer) and bool(first) and (customer in payer or payer in customer or first in payer)
    )


def propose(ctx: Context, lines) -> dict[int, list[Proposal]]:
    incoming = [line for line in lines if line.amount_cents > 0]
    amounts = sorted({line.amount_cents for line in incoming})
    by_amount: dict[int, list[Invoice]] = defaultdict(list)
    for start in range(0, len(amounts), CHUNK):
        for invoice in (
            _invoices(ctx.company)
            .filter(status__in=OPEN)
            .annotate(left=F("gross_cents") - F("paid_cents"))
            .filter(left__in=amounts[start : start + CHUNK])
            .select_related("customer")
            .order_by("due_date", "pk")[:2000]
        ):
            by_amount[invoice.left].append(invoice)
    proposals: dict[int, list[Proposal]] = {}
    for line in incoming:
        found = []
        for invoice in by_amount.get(line.amount_cents, [])[:20]:
            score = 2 if _similar(line.counterparty, invoice.customer.name) else 1
            label = _("Invoice %(number)s, %(customer)s, due %(due)s") % {
                "number": invoice.number,
                "customer": invoice.customer.name,
                "due": invoice.due_date.strftime("%-d.%-m.%Y"),
            }
            found.append(Proposal(f"{PREFIX}{invoice.pk}", label, score))
        if found:
            proposals[line.pk] = sorted(found, key=lambda p: -p.score)[:5]
    return proposals


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
