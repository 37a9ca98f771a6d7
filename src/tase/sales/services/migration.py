"""Open invoices brought from the previous system (avoimet myyntilaskut, käyttöönotto).

The previous system sent them and posted them; the receivables account's opening balance
carries what is still open. So a migrated invoice keeps its **original number and reference**,
is created sent (or partly paid) and **posts nothing**; from then on its payments, reminders
and credit notes go through Tase like any invoice's. What was paid before the move is recorded
as a payment without a voucher (the old books hold it), so the receivables ledger and its aging
show the open amount. Tase's own numbers continue after the highest migrated number.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.formats.reference import fi_reference, rf_reference

from ..models import Invoice, Payment
from .common import guard, to_cents
from .invoices import customer_for, prepare, write_lines
from .sending import buyer_of, continue_numbers_after, take_bank_account


def _number(company: Company, value) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise ValidationError({"number": _("The invoice number is a positive whole number.")})
    if Invoice.objects.filter(company=company, number=number).exists():
        raise ValidationError(
            {"number": _("Invoice number %(number)s is taken.") % {"number": number}}
        )
    return number


@transaction.atomic
def migrate_open_invoice(
    actor, company: Company, *, number, customer=None, customer_data=None, open_amount=None, **data
) -> Invoice:
    """An open invoice of the previous system with its ``number`` and (optional, validated;
    default made from the number) ``reference``; ``open_amount`` is what is still unpaid
    (default: all of it). The rest of ``data`` is as for a draft (lines, dates); a line may
    leave out its VAT code: the VAT was reported by the previous system."""
    guard(actor, company, "sales.invoice")
    number = _number(company, number)
    customer = customer_for(actor, company, customer, customer_data)
    fields, lines, _totals = prepare(company, data, customer, vat_optional=True)
    gross = fields["gross_cents"]
    open_cents = gross if open_amount in (None, "") else to_cents(open_amount, "open_amount")
    if gross <= 0:
        raise ValidationError({"lines": _("An open invoice's total must be positive.")})
    if not 0 < open_cents <= gross:
        raise ValidationError(
            {"open_amount": _("The open amount is more than zero and at most the total.")}
        )
    invoice = Invoice(
        company=company,
        created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        number=number,
        migrated=True,
        sent_at=timezone.now(),
        paid_cents=gross - open_cents,
        status=Invoice.Status.SENT if open_cents == gross else Invoice.Status.PARTLY_PAID,
        **fields,
    )
    if not invoice.reference:
        national = fi_reference(number)
        invoice.reference = rf_reference(national) if invoice.reference_type == "rf" else national
    take_bank_account(invoice)
    invoice.buyer = buyer_of(invoice)
    invoice.save()
    write_lines(invoice, lines)
    if open_cents < gross:
        Payment.objects.create(
            company=company,
            invoice=invoice,
            date=invoice.invoice_date,
            amount_cents=gross - open_cents,
            bank_ledger_account=invoice.bank_ledger_account,
        )
    continue_numbers_after(company, number)
    audit.record(
        actor.user,
        "migrate",
        invoice,
        company=company,
        changes={"number": [None, number], "open": [None, open_cents]},
    )
    return invoice
