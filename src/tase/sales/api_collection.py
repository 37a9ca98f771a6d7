"""Reminders, penalty interest and collection in the sales API (/api/v1/sales/…).

The same services as the pages (:mod:`tase.sales.services.collection`); money as decimal
strings in euros, dates ISO 8601.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from tase.apiutil import Day, actor
from tase.core import pdf as core_pdf

from . import selectors, services
from .api import EmailIn
from .models import Invoice, Reminder
from .pdf import reminder_pdf
from .services import collection
from .services.common import cents

router = Router(tags=["sales"])


class ReminderOut(Schema):
    id: int
    invoice_id: int
    invoice_number: int
    sequence: int
    date: dt.date
    due_date: dt.date
    open_amount: str
    interest: str
    fee: str
    compensation: str
    total: str
    emailed: bool


def reminder_out(reminder: Reminder) -> dict:
    return {
        "id": reminder.pk,
        "invoice_id": reminder.invoice_id,
        "invoice_number": reminder.invoice.number,
        "sequence": reminder.sequence,
        "date": reminder.date,
        "due_date": reminder.due_date,
        "open_amount": str(cents(reminder.open_cents)),
        "interest": str(cents(reminder.interest_cents)),
        "fee": str(cents(reminder.fee_cents)),
        "compensation": str(cents(reminder.compensation_cents)),
        "total": str(cents(reminder.total_cents)),
        "emailed": reminder.emailed_at is not None,
    }


class InterestSpanOut(Schema):
    start: dt.date
    end: dt.date
    days: int
    principal: str
    rate: str


class ReminderPreviewOut(Schema):
    invoice_id: int
    invoice_number: int
    customer: str
    due_date: dt.date
    days_overdue: int
    sequence: int
    open_amount: str
    interest: str
    fee: str
    compensation: str
    total: str
    fee_withheld: bool
    spans: list[InterestSpanOut]


def preview_out(result: collection.Preview) -> dict:
    invoice = result.invoice
    return {
        "invoice_id": invoice.pk,
        "invoice_number": invoice.number,
        "customer": invoice.customer.name,
        "due_date": invoice.due_date,
        "days_overdue": result.days_overdue,
        "sequence": result.sequence,
        "open_amount": str(cents(result.open_cents)),
        "interest": str(cents(result.interest_cents)),
        "fee": str(cents(result.charges.fee)),
        "compensation": str(cents(result.charges.compensation)),
        "total": str(cents(result.total_cents)),
        "fee_withheld": result.charges.fee_withheld,
        "spans": [
            {
                "start": span.start,
                "end": span.end,
                "days": span.days,
                "principal": str(cents(span.principal)),
                "rate": str(span.rate),
            }
            for span in result.interest.spans
        ],
    }


class RemindersDueQuery(Schema):
    on: Day | None = None
    min_days_overdue: int = 7


class ReminderBatchIn(Schema):
    date: Day
    min_days_overdue: int = 7
    days_to_pay: int | None = Field(None, description="default: the company's sales setting")


class ReminderIn(Schema):
    date: Day
    days_to_pay: int | None = Field(None, description="default: the company's sales setting")


class CollectionHandOverIn(Schema):
    date: Day


class CollectionRowOut(Schema):
    invoice_id: int
    invoice_number: int
    customer: str
    due_date: dt.date
    open_amount: str
    open_charges: str
    reminders: int
    collection_on: dt.date | None


class CollectionOut(Schema):
    on: dt.date
    candidates: list[CollectionRowOut]
    in_collection: list[CollectionRowOut]


def _row(invoice: Invoice) -> dict:
    return {
        "invoice_id": invoice.pk,
        "invoice_number": invoice.number,
        "customer": invoice.customer.name,
        "due_date": invoice.due_date,
        "open_amount": str(cents(invoice.open_cents)),
        "open_charges": str(cents(invoice.open_charges)),
        "reminders": getattr(invoice, "reminders_sent", None) or invoice.reminders.count(),
        "collection_on": invoice.collection_on,
    }


def _company(request, company_id: int, action: str = "sales.view"):
    return actor(request).company(company_id, action)


@router.get(
    "/companies/{company_id}/reminders/due",
    response=list[ReminderPreviewOut],
    summary="Overdue invoices a reminder would go to, with interest and charges",
)
def reminders_due(request, company_id: int, query: Query[RemindersDueQuery]):
    company = _company(request, company_id)
    on = query.on or dt.date.today()
    invoices = collection.due_for_reminder(
        company, on, min_days_overdue=query.min_days_overdue
    ).prefetch_related("reminders", "payments", "credit_notes")
    return [preview_out(collection.preview(invoice, on)) for invoice in invoices[:1000]]


@router.post("/companies/{company_id}/reminders", response={201: list[ReminderOut]})
def create_reminders(request, company_id: int, payload: ReminderBatchIn):
    """Remind of every invoice ``reminders/due`` lists on ``date``; all or nothing."""
    company = _company(request, company_id)
    created = services.create_reminders(
        actor(request),
        company,
        date=payload.date,
        min_days_overdue=payload.min_days_overdue,
        days_to_pay=payload.days_to_pay,
    )
    return Status(201, [reminder_out(reminder) for reminder in created])


@router.get("/invoices/{invoice_id}/reminders", response=list[ReminderOut])
def list_reminders(request, invoice_id: int):
    invoice = selectors.invoice_of(actor(request), invoice_id)
    return [reminder_out(r) for r in invoice.reminders.select_related("invoice")]


@router.post("/invoices/{invoice_id}/reminders", response={201: ReminderOut})
def create_reminder(request, invoice_id: int, payload: ReminderIn):
    invoice = selectors.invoice_of(actor(request), invoice_id)
    reminder = services.create_reminder(
        actor(request), invoice, date=payload.date, days_to_pay=payload.days_to_pay
    )
    return Status(201, reminder_out(reminder))


@router.get(
    "/invoices/{invoice_id}/interest",
    response=ReminderPreviewOut,
    summary="What a reminder on a date would charge: interest by span, fee, compensation",
)
def interest(request, invoice_id: int, on: Day | None = None):
    invoice = selectors.invoice_of(actor(request), invoice_id)
    return preview_out(collection.preview(invoice, on or dt.date.today()))


@router.get("/reminders/{reminder_id}/pdf", summary="The reminder PDF with the giro form")
def pdf(request, reminder_id: int):
    reminder = selectors.reminder_of(actor(request), reminder_id)
    name = f"reminder-{reminder.invoice.number}-{reminder.sequence}"
    return core_pdf.response(reminder_pdf(reminder), name)


@router.post("/reminders/{reminder_id}/email")
def email_reminder(request, reminder_id: int, payload: EmailIn):
    reminder = selectors.reminder_of(actor(request), reminder_id)
    return {"to": services.email_reminder(actor(request), reminder, to=payload.to)}


@router.get("/companies/{company_id}/collection", response=CollectionOut)
def collection_list(request, company_id: int, on: Day | None = None, min_days_overdue: int = 30):
    """Reminded invoices overdue at least ``min_days_overdue`` days (to hand to a collection
    agency) and those already handed over."""
    company = _company(request, company_id)
    on = on or dt.date.today()
    candidates = collection.collection_candidates(
        company, on, min_days_overdue=int(min_days_overdue)
    ).prefetch_related("credit_notes")
    handed = collection.in_collection(company).prefetch_related("credit_notes", "reminders")
    return {
        "on": on,
        "candidates": [_row(i) for i in candidates[:1000]],
        "in_collection": [_row(i) for i in handed[:1000]],
    }


@router.post("/invoices/{invoice_id}/collection", response=CollectionRowOut)
def hand_to_collection(request, invoice_id: int, payload: CollectionHandOverIn):
    invoice = selectors.invoice_of(actor(request), invoice_id)
    invoice = services.hand_to_collection(actor(request), invoice, date=payload.date)
    invoice.open_charges = invoice.charged_cents - invoice.charges_paid_cents
    return _row(invoice)
