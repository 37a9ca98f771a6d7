"""Payments received on sales invoices: full, partial or over the open amount.

Each payment posts bank (debit) / trade receivables (credit) through
:func:`tase.ledger.services.post_voucher` in the bank statement series TI, on the payment
date, to the ledger account of the company's bank account the invoice names. What a payment
brings beyond the open amount first pays the reminder fees, compensation and penalty interest
that reminders charged (:mod:`.collection`); they are booked only now, when paid, to the
interest income account (role ``interest_income``, 9000 Korkotuotot in the shipped charts:
financial income, outside VAT). Any rest stays on the receivables account as the customer's
credit balance (the invoice's open amount turns negative) until it is refunded or used. On an
invoice sent with cash-based VAT the voucher also recognises the payment's share of the VAT
(:mod:`.cash_vat`).

A payment read from a bank statement names the ledger account of the bank account the money
came to (``bank_ledger_account``), and may settle a small shortfall: when what stays open is at
most ``write_off_up_to`` cents, it is written off to ``write_off_account`` on the same voucher
and the invoice is paid. A bank's batch of one day's reference payments is booked as the
statement shows it, one voucher a booking day, the days of a statement posted together
(:func:`record_payments`), each payment still kept on its invoice; cash-based VAT invoices go one by one through :func:`record_payment`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase import db
from tase.core import audit
from tase.ledger import selectors as ledger_selectors
from tase.ledger import services as ledger

from ..models import Invoice, Payment
from . import cash_vat
from .common import as_date, cents, guard, to_cents

SOURCE = "sales.payment"
SERIES = "TI"


def _lines(
    invoice, bank: str, amount: int, charges: int, receivables: str, income, text: str
) -> list:
    lines = [{"account": bank, "debit": cents(amount), "text": text}]
    if amount - charges:
        lines.append({"account": receivables, "credit": cents(amount - charges), "text": text})
    if charges:
        charge_text = _("Reminder charges and interest, invoice %(number)s") % {
            "number": invoice.number
        }
        lines.append({"account": income, "credit": cents(charges), "text": charge_text})
    return lines


@transaction.atomic
def record_payment(
    actor,
    invoice: Invoice,
    *,
    date,
    amount,
    bank_ledger_account: str = "",
    write_off_up_to: int = 0,
    write_off_account: str = "",
) -> Payment:
    guard(actor, invoice.company, "sales.payments")
    invoice = (
        Invoice.objects.select_for_update()
        .select_related("company", "customer")
        .prefetch_related("credit_notes")  # read once, not at each look at what is open
        .get(pk=invoice.pk)
    )
    if invoice.is_draft:
        raise ValidationError({"invoice": _("A draft invoice cannot be paid; send it first.")})
    if invoice.is_credit_note:
        raise ValidationError({"invoice": _("A credit note is not paid.")})
    if invoice.status == Invoice.Status.CREDITED:
        raise ValidationError(
            {
                "invoice": _("Invoice %(number)s is credited; a payment to it is refused.")
                % {"number": invoice.number}
            }
        )
    open_charges = invoice.charged_cents - invoice.charges_paid_cents
    if invoice.open_cents <= 0 and open_charges <= 0:
        raise ValidationError(
            {"invoice": _("Invoice %(number)s is paid already.") % {"number": invoice.number}}
        )
    on = as_date(date, "date")
    amount_cents = to_cents(amount, "amount")
    if amount_cents <= 0:
        raise ValidationError({"amount": _("The amount must be positive.")})
    if on < invoice.invoice_date:
        raise ValidationError({"date": _("The payment date is before the invoice date.")})
    receivables = ledger_selectors.account_number_for_role(invoice.company, "receivables")
    if receivables is None:
        raise ValidationError(
            {"receivables": _("The chart of accounts has no trade receivables account.")}
        )
    charges_cents = min(max(0, amount_cents - max(0, invoice.open_cents)), open_charges)
    income = None
    if charges_cents:
        income = ledger_selectors.account_number_for_role(invoice.company, "interest_income")
        if income is None:
            raise ValidationError(
                {"interest_income": _("The chart of accounts has no interest income account.")}
            )
    bank = bank_ledger_account or invoice.bank_ledger_account
    shortfall = invoice.open_cents - (amount_cents - charges_cents)
    write_off = shortfall if 0 < shortfall <= write_off_up_to and write_off_account else 0
    payment = Payment.objects.create(
        company=invoice.company,
        invoice=invoice,
        date=on,
        amount_cents=amount_cents,
        charges_cents=charges_cents,
        bank_ledger_account=bank,
        created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
    )
    text = _("Payment of invoice %(number)s") % {"number": invoice.number}
    paid_after = invoice.paid_cents + amount_cents - charges_cents
    lines = _lines(invoice, bank, amount_cents, charges_cents, receivables, income, text)
    lines += cash_vat.payment_lines(invoice, invoice.paid_cents, paid_after, text)
    if write_off:
        off_text = _("Short payment written off, invoice %(number)s") % {"number": invoice.number}
        lines += [
            {"account": write_off_account, "debit": cents(write_off), "text": off_text},
            {"account": receivables, "credit": cents(write_off), "text": off_text},
        ]
    voucher = ledger.post_voucher(
        actor,
        invoice.company,
        date=on,
        series=SERIES,
        description=f"{text}, {invoice.customer.name}",
        lines=lines,
        source=SOURCE,
        source_ref=str(payment.pk),
    )
    payment.voucher_id = voucher.pk
    payment.save(update_fields=["voucher_id"])
    invoice.paid_cents += amount_cents - charges_cents + write_off
    invoice.charges_paid_cents += charges_cents
    invoice.status = Invoice.Status.PAID if invoice.open_cents <= 0 else Invoice.Status.PARTLY_PAID
    invoice.save(update_fields=["paid_cents", "charges_paid_cents", "status"])
    audit.record(
        actor.user,
        "payment",
        invoice,
        company=invoice.company,
        changes={
            "paid": [None, str(cents(amount_cents))],
            "date": [None, on.isoformat()],
            **({"written_off": [None, str(cents(write_off))]} if write_off else {}),
        },
    )
    return payment


@dataclass(slots=True)
class Payable:
    """What :func:`record_payments` reads and writes of an open invoice, as a plain row
    (:func:`payables`) rather than a model instance with its company, customer and credit
    notes: a batch of a year's reference payments reads tens of thousands of them."""

    pk: int
    number: int | None
    reference: str
    kind: str
    status: str
    cash_vat: bool
    invoice_date: dt.date
    gross_cents: int
    paid_cents: int
    charged_cents: int
    charges_paid_cents: int
    credited_cents: int  # what its sent credit notes took off (positive)

    @property
    def open_cents(self) -> int:
        """As :attr:`Invoice.open_cents`."""
        if self.status == Invoice.Status.DRAFT or self.kind == Invoice.Kind.CREDIT_NOTE:
            return 0
        return self.gross_cents - self.paid_cents - self.credited_cents


_PAYABLE = [f.name for f in fields(Payable) if f.name != "credited_cents"]


def payables(invoices) -> list[Payable]:
    """The rows of the ``invoices`` queryset (its filter, order and lock kept) as
    :class:`Payable`: one query for the invoices, one for the credit notes of each 500."""
    rows = list(invoices.values(*_PAYABLE))
    credited: dict[int, int] = {}
    for start in range(0, len(rows), 500):
        notes = Invoice.objects.filter(
            credits__in=[row["pk"] for row in rows[start : start + 500]],
            kind=Invoice.Kind.CREDIT_NOTE,
        ).exclude(status=Invoice.Status.DRAFT)
        for credits_id, gross in notes.values_list("credits_id", "gross_cents"):
            credited[credits_id] = credited.get(credits_id, 0) - gross
    return [Payable(**row, credited_cents=credited.get(row["pk"], 0)) for row in rows]


@dataclass(frozen=True)
class Received:
    """One payment of a batch: ``key`` is the caller's (a bank line's id)."""

    key: int
    invoice: Payable
    date: dt.date
    amount_cents: int


def _simple(invoice: Payable, item: Received) -> bool:
    """A payment the batch books as the single service would: a sent, open invoice without
    reminder charges to pay first or cash-based VAT to recognise, paid on or after its date."""
    return (
        invoice.status in (Invoice.Status.SENT, Invoice.Status.PARTLY_PAID)
        and not invoice.cash_vat
        and invoice.kind != Invoice.Kind.CREDIT_NOTE
        and invoice.charged_cents == invoice.charges_paid_cents
        and invoice.open_cents > 0
        and item.amount_cents > 0
        and item.date >= invoice.invoice_date
    )


def _day_lines(
    day_items: list[Received],
    write_offs: dict[int, int],
    *,
    bank: str,
    receivables: str,
    write_off_account: str,
    text: str,
) -> list[dict]:
    """One day's voucher lines as the statement shows the batch: the bank debited with the
    day's sum, receivables credited; the day's written-off shortfalls on two more lines."""
    total = sum(item.amount_cents for item in day_items)
    lines = [
        {"account": bank, "debit": cents(total), "text": text},
        {"account": receivables, "credit": cents(total), "text": text},
    ]
    off = sum(write_offs.get(item.key, 0) for item in day_items)
    if off:
        off_text = _("Short payments written off")
        lines += [
            {"account": write_off_account, "debit": cents(off), "text": off_text},
            {"account": receivables, "credit": cents(off), "text": off_text},
        ]
    return lines


@transaction.atomic
def record_payments(
    actor,
    company,
    received: list[Received],
    *,
    bank_ledger_account: str,
    source: str,
    source_ref: str,
    write_off_up_to: int = 0,
    write_off_account: str = "",
) -> dict[int, Payment]:
    """Many payments (a bank's batches of reference payments), booked as the statement
    shows them: one voucher per booking day (source reference ``source_ref:YYYY-MM-DD``),
    the bank debited with the day's sum and receivables credited, each payment kept on its
    invoice. The vouchers are posted together (:func:`tase.ledger.services.post_vouchers`:
    one permission check, one numbering, one audit event for the vouchers and one for the
    payments). The invoices are :class:`Payable` rows read by :func:`payables` from the
    caller's query, which locks them; their paid amount and status are updated in place.
    Payments of the same invoice are taken in date order, each against what the ones before
    it left open (a partial payment and then the rest; a second payment of an invoice paid in
    full is not simple any more). Payments that need the single service (reminder charges,
    cash-based VAT, a paid or credited invoice) are left out of the result for the caller to
    record one by one. A day in a closed or locked period refuses the whole call
    (``ValidationError``), the rows left as they were."""
    guard(actor, company, "sales.payments")
    receivables = ledger_selectors.account_number_for_role(company, "receivables")
    if receivables is None:
        raise ValidationError(
            {"receivables": _("The chart of accounts has no trade receivables account.")}
        )
    before = {item.invoice.pk: (item.invoice.paid_cents, item.invoice.status) for item in received}
    days, write_offs = _take(received, write_off_up_to if write_off_account else 0)
    if not days:
        return {}
    try:
        return _book_together(
            actor, company, days, write_offs, receivables=receivables,
            bank_ledger_account=bank_ledger_account, source=source, source_ref=source_ref,
            write_off_account=write_off_account,
        )  # fmt: skip
    except ValidationError:
        for item in received:  # refused: the rows as they were
            item.invoice.paid_cents, item.invoice.status = before[item.invoice.pk]
        raise


def _take(
    received: list[Received], write_off_up_to: int
) -> tuple[dict[dt.date, list[Received]], dict[int, int]]:
    """The simple payments by day, each applied to its invoice's row in date order (its paid
    amount and status updated in place), and the shortfalls written off by key."""
    days: dict[dt.date, list[Received]] = {}
    write_offs: dict[int, int] = {}
    for item in sorted(received, key=lambda item: item.date):
        invoice = item.invoice
        if not _simple(invoice, item):
            continue
        shortfall = invoice.open_cents - item.amount_cents
        write_off = shortfall if 0 < shortfall <= write_off_up_to else 0
        if write_off:
            write_offs[item.key] = write_off
        invoice.paid_cents += item.amount_cents + write_off
        invoice.status = (
            Invoice.Status.PAID if invoice.open_cents <= 0 else Invoice.Status.PARTLY_PAID
        )
        days.setdefault(item.date, []).append(item)
    return days, write_offs


def _book_together(
    actor,
    company,
    days: dict[dt.date, list[Received]],
    write_offs: dict[int, int],
    *,
    receivables: str,
    bank_ledger_account: str,
    source: str,
    source_ref: str,
    write_off_account: str,
) -> dict[int, Payment]:
    """The vouchers, payments and invoice rows of what :func:`_take` took."""
    refs = [f"{source_ref}:{day.isoformat()}" for day in days]
    if ledger_selectors.posted_under(company, source, refs):
        # ``post_vouchers`` would hand back the day's earlier voucher, which does not hold
        # these payments: they would be on their invoices but not in the books.
        raise ValidationError(
            {"source_ref": _("A day of these payments was booked before under the same reference.")}
        )
    vouchers = []
    for day, day_items in sorted(days.items()):
        text = _("Reference payments %(date)s") % {"date": f"{day.day}.{day.month}.{day.year}"}
        lines = _day_lines(
            day_items,
            write_offs,
            bank=bank_ledger_account,
            receivables=receivables,
            write_off_account=write_off_account,
            text=text,
        )
        vouchers.append(
            ledger.NewVoucher(
                day, SERIES, text, lines, source, f"{source_ref}:{day.isoformat()}", label=text
            )
        )
    posted = ledger.post_vouchers(actor, company, vouchers)
    voucher_of = {voucher.date: voucher.pk for voucher in posted}
    taken = [item for _day, day_items in sorted(days.items()) for item in day_items]
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    payments = [
        Payment(
            company=company,
            invoice_id=item.invoice.pk,
            date=item.date,
            amount_cents=item.amount_cents,
            bank_ledger_account=bank_ledger_account,
            voucher_id=voucher_of[item.date],
            created_by=user,
        )
        for item in taken
    ]
    db.insert_rows(Payment, payments)
    rows = {item.invoice.pk: item.invoice for item in taken}  # paid as :func:`_take` left them
    db.update_rows(Invoice, ["paid_cents", "status"], list(rows.values()))
    audit.record(
        actor.user,
        "payments",
        company,
        company=company,
        changes={
            "payments": [None, len(taken)],
            "paid": [None, str(cents(sum(item.amount_cents for item in taken)))],
            "dates": [None, [min(days).isoformat(), max(days).isoformat()]],
        },
    )
    return {item.key: payment for item, payment in zip(taken, payments, strict=True)}
