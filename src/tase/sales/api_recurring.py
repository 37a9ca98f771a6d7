"""Recurring invoices in the sales API (/api/v1/sales/…): agreements, price changes, runs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Router, Schema, Status

from tase.apiutil import Day, actor

from . import services
from .api import CustomerIn, InvoiceLineIn
from .models import Agreement
from .services.common import cents

router = Router(tags=["sales"])


class AgreementIn(Schema):
    customer_id: int | None = None
    customer: CustomerIn | None = None
    name: str
    interval: int = Field(1, description="months: 1, 3, 6 or 12")
    timing: str = Field("advance", description="advance | arrears")
    start: Day
    end: Day | None = None
    reference_type: str = "fi"
    your_reference: str = ""
    lines: list[InvoiceLineIn] = Field(..., min_length=1)


class AgreementLineOut(Schema):
    description: str
    quantity: str
    unit: str
    unit_price: str
    vat_code: str


class AgreementOut(Schema):
    id: int
    customer_id: int
    name: str
    interval: int
    timing: str
    start: dt.date
    end: dt.date | None
    next_period: dt.date
    active: bool
    lines: list[AgreementLineOut]


def agreement_out(agreement: Agreement) -> dict:
    return {
        "id": agreement.pk,
        "customer_id": agreement.customer_id,
        "name": agreement.name,
        "interval": agreement.interval,
        "timing": agreement.timing,
        "start": agreement.start,
        "end": agreement.end,
        "next_period": agreement.next_period,
        "active": agreement.active,
        "lines": [
            {
                "description": line.description,
                "quantity": str(line.quantity.normalize()),
                "unit": line.unit,
                "unit_price": str(line.unit_price.normalize()),
                "vat_code": line.vat_code,
            }
            for line in agreement.lines.all()
        ],
    }


class RecurringRunIn(Schema):
    until: Day
    send: bool = True


class RecurringInvoiceOut(Schema):
    id: int
    agreement_id: int
    number: int | None
    invoice_date: dt.date
    period_start: dt.date
    period_end: dt.date
    gross: str


class PriceChangeIn(Schema):
    valid_from: Day
    percent: Decimal
    agreement_ids: list[int] | None = None
    reason: str = ""


class AgreementEndIn(Schema):
    end: Day


def _agreement(request, agreement_id: int) -> Agreement:
    agreement = Agreement.objects.filter(
        pk=agreement_id, company__in=actor(request).companies("sales.view")
    ).first()
    if agreement is None:
        raise Http404
    return agreement


@router.get("/companies/{company_id}/agreements", response=list[AgreementOut])
def list_agreements(request, company_id: int):
    company = actor(request).company(company_id, "sales.view")
    rows = Agreement.objects.filter(company=company).prefetch_related("lines")
    return [agreement_out(a) for a in rows]


@router.post("/companies/{company_id}/agreements", response={201: AgreementOut})
def create_agreement(request, company_id: int, payload: AgreementIn):
    company = actor(request).company(company_id, "sales.view")
    data = payload.dict(exclude={"customer", "customer_id", "lines"})
    agreement = services.create_agreement(
        actor(request),
        company,
        customer=payload.customer_id,
        customer_data=payload.customer.dict() if payload.customer else None,
        lines=[line.dict() for line in payload.lines],
        **data,
    )
    return Status(201, agreement_out(agreement))


@router.post("/agreements/{agreement_id}/end", response=AgreementOut)
def end_agreement(request, agreement_id: int, payload: AgreementEndIn):
    agreement = services.end_agreement(
        actor(request), _agreement(request, agreement_id), end=payload.end
    )
    return agreement_out(agreement)


@router.post("/companies/{company_id}/agreements/price-change")
def change_prices(request, company_id: int, payload: PriceChangeIn):
    """An index increase (or decrease) in percent from a date, on every active agreement or
    the ones named."""
    company = actor(request).company(company_id, "sales.view")
    count = services.change_prices(
        actor(request),
        company,
        valid_from=payload.valid_from,
        percent=payload.percent,
        agreements=payload.agreement_ids,
        reason=payload.reason,
    )
    return {"lines_changed": count}


@router.post(
    "/companies/{company_id}/agreements/generate",
    response={201: list[RecurringInvoiceOut]},
    summary="Make (and send) the recurring invoices due by a date",
)
def generate(request, company_id: int, payload: RecurringRunIn):
    company = actor(request).company(company_id, "sales.view")
    made = services.generate_recurring(
        actor(request), company, until=payload.until, send=payload.send
    )
    return Status(
        201,
        [
            {
                "id": invoice.pk,
                "agreement_id": invoice.agreement_id,
                "number": invoice.number,
                "invoice_date": invoice.invoice_date,
                "period_start": invoice.period_start,
                "period_end": invoice.period_end,
                "gross": str(cents(invoice.gross_cents)),
            }
            for invoice in made
        ],
    )
