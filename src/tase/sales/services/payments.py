"""Payments received on sales invoices: full, partial or over the open amount.

Each payment posts bank (debit) / trade receivables (credit) through
:func:`tase.ledger.services.post_voucher` in the bank statement series TI, on the payment
date, to the ledger account of the company's bank account the invoice names. What a payment
brings beyond the open amount first pays the reminder fees, compensation and penalty interest
that reminders charged (:mod:`.collection`); they are booked only now, when paid, to the
interest income account (role ``interest_income``, 9000 Korkotuotot in the shipped charts:
financial income, outside VAT). Any rest stays on the receivables account as the customer's
credit balance (the invoice's open amount turns negative) until it is refunded or used.

A payment read from a bank statement names the ledger account of the bank account the money
came to (``bank_ledger_account``), and may settle a small shortfall: when what stays open is at
most ``write_off_up_to`` cents, it is written off to ``write_off_account`` on the same voucher
and the invoice is paid.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.ledger import selectors as ledger_selectors
from tase.ledger import services as ledger

from ..models import Invoice, Payment
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
        Invoice.objects.select_for_update().select_related("company", "customer").get(pk=invoice.pk)
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
    lines = _lines(invoice, bank, amount_cents, charges_cents, receivables, income, text)
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
