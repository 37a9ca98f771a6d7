"""Following up overdue invoices: penalty interest, payment reminders, the collection list.

A reminder (maksumuistutus) states the invoice's open amount on its date, the penalty interest
accrued since the due date that earlier reminders did not already charge, and the reminder fee
(a consumer, after 14 days overdue) or the fixed 40 € compensation (a business, once per
invoice) — the rules and their sources are in :mod:`tase.rules.collection`. The customer's
policy can switch the charges off or replace the statutory interest with an agreed rate.

A reminder posts nothing: charges are uncertain until paid, so they are booked when a payment
covers them (:mod:`.payments`). An invoice still open after its reminders is handed to
collection: it is listed with what is owed and marked with the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.rules import collection as rules
from tase.rules.parameters import NotConfirmed

from ..models import Customer, InterestPolicy, Invoice, Reminder
from .common import as_date, cents, guard
from .settings import settings_of

MIN_DAYS_BETWEEN = 14  # a batch does not remind the same invoice again sooner


@dataclass(frozen=True)
class Preview:
    """What a reminder of ``invoice`` dated ``on`` would say."""

    invoice: Invoice
    on: dt.date
    sequence: int
    open_cents: int
    interest: rules.Interest
    interest_cents: int  # the part not charged by earlier reminders
    charges: rules.Charges

    @property
    def total_cents(self) -> int:
        return self.open_cents + self.interest_cents + self.charges.fee + self.charges.compensation

    @property
    def days_overdue(self) -> int:
        return (self.on - self.invoice.due_date).days


def _refuse_unless_overdue(invoice: Invoice, on: dt.date) -> None:
    number = {"number": invoice.number, "due": invoice.due_date.strftime("%-d.%-m.%Y")}
    if invoice.is_draft or invoice.is_credit_note:
        raise ValidationError({"invoice": _("Only a sent invoice is reminded.")})
    if invoice.status == Invoice.Status.CREDITED or invoice.open_cents <= 0:
        raise ValidationError({"invoice": _("Invoice %(number)s is not open.") % number})
    if invoice.collection_on:
        raise ValidationError(
            {"invoice": _("Invoice %(number)s has been handed to collection.") % number}
        )
    if on <= invoice.due_date:
        raise ValidationError(
            {"date": _("Invoice %(number)s is not overdue: its due date is %(due)s.") % number}
        )


def interest_on(invoice: Invoice, until: dt.date) -> rules.Interest:
    """The penalty interest of ``invoice`` through ``until`` by its customer's policy."""
    customer = invoice.customer
    principal = invoice.gross_cents - invoice.credited_cents
    if customer.interest_policy == InterestPolicy.NONE or until <= invoice.due_date:
        return rules.Interest((), 0)
    payments = [(p.date, p.amount_cents - p.charges_cents) for p in invoice.payments.all()]
    try:
        return rules.penalty_interest(
            principal,
            invoice.due_date,
            until,
            commercial=customer.kind == Customer.Kind.BUSINESS,
            payments=payments,
            contract_rate=customer.contract_interest_rate
            if customer.interest_policy == InterestPolicy.CONTRACT
            else None,
        )
    except NotConfirmed as error:
        raise ValidationError({"date": error.message(translation.get_language() or "fi")}) from None


def preview(invoice: Invoice, on) -> Preview:
    on = as_date(on, "date")
    _refuse_unless_overdue(invoice, on)
    earlier = list(invoice.reminders.all())
    if earlier and on < earlier[-1].date:
        raise ValidationError(
            {"date": _("The reminder date is before the previous reminder's date.")}
        )
    interest = interest_on(invoice, on)
    charged_interest = sum(r.interest_cents for r in earlier)
    customer = invoice.customer
    if customer.reminder_charges:
        charges = rules.reminder_charges(
            consumer=customer.kind == Customer.Kind.CONSUMER,
            due_date=invoice.due_date,
            on=on,
            compensation_claimed=any(r.compensation_cents for r in earlier),
        )
    else:
        charges = rules.Charges(fee=0, compensation=0)
    return Preview(
        invoice=invoice,
        on=on,
        sequence=len(earlier) + 1,
        open_cents=invoice.open_cents,
        interest=interest,
        interest_cents=max(0, interest.cents - charged_interest),
        charges=charges,
    )


def _spans(interest: rules.Interest) -> list[dict]:
    return [
        {
            "start": span.start.isoformat(),
            "end": span.end.isoformat(),
            "days": span.days,
            "principal": span.principal,
            "rate": str(span.rate),
        }
        for span in interest.spans
    ]


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update().select_related("company", "customer").get(pk=invoice.pk)
    )


def _create(actor, invoice: Invoice, on: dt.date, days_to_pay: int) -> Reminder:
    result = preview(invoice, on)
    reminder = Reminder.objects.create(
        company=invoice.company,
        invoice=invoice,
        sequence=result.sequence,
        date=on,
        due_date=on + dt.timedelta(days=days_to_pay),
        open_cents=result.open_cents,
        interest_cents=result.interest_cents,
        interest_until=on if result.interest.spans else None,
        interest_spans=_spans(result.interest),
        fee_cents=result.charges.fee,
        compensation_cents=result.charges.compensation,
        created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
    )
    invoice.charged_cents += reminder.charges_cents
    invoice.save(update_fields=["charged_cents"])
    audit.record(
        actor.user,
        "remind",
        invoice,
        company=invoice.company,
        changes={
            "reminder": [None, reminder.sequence],
            "charges": [None, str(cents(reminder.charges_cents))],
        },
    )
    return reminder


def _days_to_pay(value, company: Company) -> int:
    if value in (None, ""):
        return settings_of(company).reminder_days_to_pay
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if not 1 <= days <= 90:
        raise ValidationError({"days_to_pay": _("Give the days to pay as a number from 1 to 90.")})
    return days


@transaction.atomic
def create_reminder(actor, invoice: Invoice, *, date, days_to_pay=None) -> Reminder:
    """Remind of one overdue invoice on ``date``; ``days_to_pay`` defaults to the company's
    sales setting."""
    guard(actor, invoice.company, "sales.invoice")
    days = _days_to_pay(days_to_pay, invoice.company)
    return _create(actor, _locked(invoice), as_date(date, "date"), days)


def due_for_reminder(company: Company, on: dt.date, *, min_days_overdue: int = 7):
    """Open invoices overdue at least ``min_days_overdue`` days on ``on``, not in collection,
    and not reminded in the last :data:`MIN_DAYS_BETWEEN` days; oldest due first."""
    return (
        Invoice.objects.filter(
            company=company,
            kind=Invoice.Kind.INVOICE,
            status__in=[Invoice.Status.SENT, Invoice.Status.PARTLY_PAID],
            due_date__lte=on - dt.timedelta(days=min_days_overdue),
            collection_on__isnull=True,
        )
        .annotate(last_reminder=Max("reminders__date"), reminders_sent=Count("reminders"))
        .filter(
            Q(last_reminder__isnull=True)
            | Q(last_reminder__lte=on - dt.timedelta(days=MIN_DAYS_BETWEEN))
        )
        .select_related("customer")
        .order_by("due_date", "number")
    )


@transaction.atomic
def create_reminders(
    actor, company: Company, *, date, min_days_overdue=7, days_to_pay=None
) -> list[Reminder]:
    """Remind of every invoice :func:`due_for_reminder` lists; all or nothing."""
    guard(actor, company, "sales.invoice")
    on = as_date(date, "date")
    days = _days_to_pay(days_to_pay, company)
    created = []
    for invoice in due_for_reminder(company, on, min_days_overdue=int(min_days_overdue)):
        try:
            created.append(_create(actor, _locked(invoice), on, days))
        except ValidationError as error:
            raise ValidationError(
                {
                    "invoice": _("Invoice %(number)s: %(problem)s")
                    % {"number": invoice.number, "problem": " ".join(error.messages)}
                }
            ) from None
    return created


@transaction.atomic
def email_reminder(actor, reminder: Reminder, *, to: str = "") -> str:
    """Email the reminder PDF to ``to`` (default: the customer's email); returns the address."""
    from ..pdf import reminder_pdf

    invoice = reminder.invoice
    guard(actor, invoice.company, "sales.invoice")
    address = (to or invoice.buyer.get("email") or "").strip()
    if not address:
        raise ValidationError({"email": _("The customer has no email address.")})
    with translation.override(invoice.buyer.get("language") or "fi"):
        subject = _("Payment reminder: invoice %(number)s from %(company)s") % {
            "number": invoice.number,
            "company": invoice.company.name,
        }
        body = _(
            "Hello,\n\nour records show invoice %(number)s as unpaid. Please pay %(amount)s by "
            "%(due)s with the reference %(reference)s. If you have already paid, please "
            "disregard this reminder.\n\n%(company)s"
        ) % {
            "number": invoice.number,
            "amount": f"{cents(reminder.total_cents)} €",
            "due": reminder.due_date.strftime("%-d.%-m.%Y"),
            "reference": invoice.reference,
            "company": invoice.company.name,
        }
    message = EmailMessage(subject, body, to=[address])
    message.attach(
        f"reminder-{invoice.number}-{reminder.sequence}.pdf",
        reminder_pdf(reminder),
        "application/pdf",
    )
    message.send()
    reminder.emailed_at = timezone.now()
    reminder.save(update_fields=["emailed_at"])
    audit.record(
        actor.user, "email", invoice, company=invoice.company, changes={"to": [None, address]}
    )
    return address


def collection_candidates(company: Company, on: dt.date, *, min_days_overdue: int = 30):
    """Open invoices overdue at least ``min_days_overdue`` days with at least one reminder,
    not yet handed over: the list to hand to a collection agency."""
    return (
        Invoice.objects.filter(
            company=company,
            kind=Invoice.Kind.INVOICE,
            status__in=[Invoice.Status.SENT, Invoice.Status.PARTLY_PAID],
            due_date__lte=on - dt.timedelta(days=min_days_overdue),
            collection_on__isnull=True,
        )
        .annotate(reminders_sent=Count("reminders"), last_reminder=Max("reminders__date"))
        .filter(reminders_sent__gt=0)
        .annotate(open_charges=F("charged_cents") - F("charges_paid_cents"))
        .select_related("customer")
        .order_by("customer__name", "due_date")
    )


def in_collection(company: Company):
    return (
        Invoice.objects.filter(company=company, collection_on__isnull=False)
        .exclude(status__in=[Invoice.Status.PAID, Invoice.Status.CREDITED])
        .annotate(open_charges=F("charged_cents") - F("charges_paid_cents"))
        .select_related("customer")
        .order_by("-collection_on", "number")
    )


@transaction.atomic
def hand_to_collection(actor, invoice: Invoice, *, date) -> Invoice:
    """Mark an overdue, reminded invoice as handed to collection on ``date``."""
    guard(actor, invoice.company, "sales.payments")
    invoice = _locked(invoice)
    on = as_date(date, "date")
    _refuse_unless_overdue(invoice, on)
    if not invoice.reminders.exists():
        raise ValidationError(
            {
                "invoice": _("Send invoice %(number)s a reminder before handing it to collection.")
                % {"number": invoice.number}
            }
        )
    invoice.collection_on = on
    invoice.save(update_fields=["collection_on"])
    audit.record(
        actor.user,
        "collection",
        invoice,
        company=invoice.company,
        changes={"collection_on": [None, on.isoformat()]},
    )
    return invoice
