"""Reads of purchases, scoped to the acting user: suppliers, invoices, proposals, payables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.http import Http404

from tase.bank import selectors as bank_selectors
from tase.core.models import Company
from tase.ledger.models import BankAccount

from . import circulation
from .models import (
    Approver,
    Payment,
    PaymentFileFormat,
    PaymentProposal,
    PurchaseInvoice,
    Supplier,
)


def companies(actor):
    return actor.companies("purchases.view").order_by("name")


def suppliers_of(company: Company):
    return Supplier.objects.filter(company=company).order_by("name", "pk")


def invoices_of(company: Company, *, status: str = ""):
    qs = PurchaseInvoice.objects.filter(company=company).select_related("supplier", "assigned_to")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_date", "pk")


def _of(actor, model, pk, action, related=()):
    found = (
        model.objects.filter(pk=pk, company__in=actor.companies(action))
        .select_related("company", *related)
        .first()
    )
    if found is None:
        raise Http404
    return found


def invoice_of(actor, pk, action: str = "purchases.view") -> PurchaseInvoice:
    """The purchase invoice ``pk`` if the actor may see its company (``action``), else 404."""
    return _of(actor, PurchaseInvoice, pk, action, ("supplier", "assigned_to"))


def supplier_of(actor, pk, action: str = "purchases.view") -> Supplier:
    return _of(actor, Supplier, pk, action)


def proposal_of(actor, pk, action: str = "purchases.view") -> PaymentProposal:
    return _of(actor, PaymentProposal, pk, action, ("bank_account",))


def approver_of(actor, pk, action: str = "purchases.manage") -> Approver:
    return _of(actor, Approver, pk, action, ("user",))


def approvers_of(company: Company):
    """The circulation by cost centre (the company-wide first), role and limit."""
    return Approver.objects.filter(company=company).select_related("user")


def waiting_for(invoice: PurchaseInvoice, people: list[Approver] | None = None) -> list:
    """The users the open invoice waits for: whom it was forwarded to, else the circulation's
    (:func:`tase.purchases.circulation.waiting_for`; ``people``: the company's circulation,
    when the caller read it once for many invoices); empty when it waits for no one in
    particular (anyone who may approve) or is not waiting."""
    if invoice.status not in (PurchaseInvoice.Status.RECEIVED, PurchaseInvoice.Status.REVIEWED):
        return []
    if invoice.assigned_to_id:
        return [invoice.assigned_to]
    if people is None:
        people = list(approvers_of(invoice.company))
    return [a.user for a in circulation.waiting_for(invoice, people)]


def proposals_of(company: Company):
    return (
        PaymentProposal.objects.filter(company=company)
        .select_related("bank_account")
        .annotate(count=Count("payments"), total=Sum("payments__amount_cents"))
        .order_by("-pk")
    )


def payments_of(proposal: PaymentProposal):
    return proposal.payments.select_related("invoice__supplier").order_by("invoice__due_date", "pk")


@dataclass(frozen=True)
class Balance:
    """What a bank account has to pay from: its last statement's closing balance less the
    payments sent since (in accepted proposals and not yet on a statement)."""

    date: dt.date  # the last statement's
    statement_cents: int
    sent_cents: int

    @property
    def available_cents(self) -> int:
        return self.statement_cents - self.sent_cents


def available_balance(bank_account) -> Balance | None:
    """The account's :class:`Balance`; None before its first bank statement (not known).

    Sent: the payments of accepted proposals from the account still waiting for the bank
    line that pays them, and those booked paid (by a bank line or by hand) after the
    statement's date, which its closing balance does not show yet."""
    last = bank_selectors.last_statement_balance(bank_account)
    if last is None:
        return None
    on, closing = last
    sent = (
        Payment.objects.filter(
            proposal__bank_account=bank_account,
            proposal__status=PaymentProposal.Status.ACCEPTED,
        )
        .filter(Q(status=Payment.Status.SENT) | Q(status=Payment.Status.PAID, paid_on__gt=on))
        .aggregate(total=Sum("amount_cents", default=0))["total"]
    )
    return Balance(on, closing, sent)


def payable_invoices(company: Company, due_until: dt.date, on: dt.date | None = None):
    """Approved, unpaid invoices due by the day — or, paid on ``on``, earning a cash discount
    whose date is by the day — and in no proposal waiting for acceptance, in the order a
    proposal takes them: those marked to pay first, then the earliest due."""
    wanted = Q(due_date__lte=due_until)
    if on is not None:
        wanted |= Q(
            cash_discount_cents__gt=0,
            paid_cents=0,
            cash_discount_date__gte=on,
            cash_discount_date__lte=due_until,
        )
    return (
        PurchaseInvoice.objects.filter(
            wanted,
            company=company,
            status=PurchaseInvoice.Status.APPROVED,
            gross_cents__gt=F("paid_cents"),
        )
        .exclude(payments__proposal__status=PaymentProposal.Status.DRAFT)
        .select_related("supplier")
        .order_by("-pay_first", "due_date", "pk")
    )


def left_out(proposal: PaymentProposal) -> list[PurchaseInvoice]:
    """The invoices a draft proposal could still pay (due by its day, approved, unpaid, in no
    other draft): those left out by hand or over the balance."""
    if proposal.status != PaymentProposal.Status.DRAFT:
        return []
    return list(
        payable_invoices(proposal.company, proposal.due_until, proposal.execution_date)[:200]
    )


def payment_file_version(bank_account) -> str:
    """The pain.001 version of the files paying from the account (none set: .03)."""
    found = PaymentFileFormat.objects.filter(bank_account=bank_account).first()
    return found.version if found else PaymentFileFormat.Version.V03


def payment_file_versions(company: Company) -> list[tuple]:
    """Each active bank account of the company with its pain.001 version, in one query more."""
    chosen = dict(
        PaymentFileFormat.objects.filter(company=company).values_list("bank_account_id", "version")
    )
    return [
        (account, chosen.get(account.pk, PaymentFileFormat.Version.V03))
        for account in BankAccount.objects.filter(company=company, active=True).order_by(
            "-is_default", "pk"
        )
    ]


def payables(company: Company) -> dict:
    """Open purchase invoices (approved, in payment) and their total, for the summary line."""
    return PurchaseInvoice.objects.filter(
        company=company,
        status__in=[PurchaseInvoice.Status.APPROVED, PurchaseInvoice.Status.IN_PAYMENT],
    ).aggregate(
        count=Count("pk"),
        total=Sum("gross_cents", default=0) - Sum("paid_cents", default=0),
        waiting=Count("pk", filter=Q(status=PurchaseInvoice.Status.APPROVED)),
    )


def payment_by_end_to_end_id(company: Company, end_to_end_id: str) -> Payment | None:
    """The payment written into a pain.001 file with ``end_to_end_id`` (as the bank statement
    repeats it), with its invoice and supplier; None if the company made no such payment."""
    return (
        Payment.objects.filter(company=company, end_to_end_id=(end_to_end_id or "").strip())
        .select_related("invoice__supplier", "proposal")
        .first()
    )


def payments_by_end_to_end_ids(company: Company, ids) -> dict[str, Payment]:
    """The company's payments written into pain.001 files with these end-to-end ids, keyed by
    the id, each with its invoice and supplier; in chunks, so a year's statement asks a few
    times, not once a line."""
    wanted = sorted({(i or "").strip() for i in ids} - {""})
    found: dict[str, Payment] = {}
    for start in range(0, len(wanted), 500):
        for payment in Payment.objects.filter(
            company=company, end_to_end_id__in=wanted[start : start + 500]
        ).select_related("invoice__company", "invoice__supplier"):
            found[payment.end_to_end_id] = payment
    return found
