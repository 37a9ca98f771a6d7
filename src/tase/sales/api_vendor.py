"""The vendor's own billing in the sales API (/api/v1/sales/…): what delivery and support
offer as billable, and the draft invoices made of it."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status

from tase.apiutil import Day, actor

from . import services
from .services.common import cents
from .services.vendor_billing import billable

router = Router(tags=["sales"])


class BillableOut(Schema):
    ref: str
    customer_organization_id: int
    date: dt.date
    description: str
    quantity: str
    unit_price: str
    price_includes_vat: bool


class BillingPeriodIn(Schema):
    start: Day
    end: Day
    invoice_date: Day | None = None


class BillingDraftOut(Schema):
    id: int
    customer_id: int
    lines: int
    gross: str


@router.get("/companies/{company_id}/billable", response=list[BillableOut])
def list_billable(request, company_id: int, start: Day, end: Day):
    """Agreed change requests, accepted training orders and phone support of the period that
    the vendor's company has not billed yet."""
    company = actor(request).company(company_id, "sales.view")
    return [
        {
            "ref": item.ref,
            "customer_organization_id": item.customer_id,
            "date": item.date,
            "description": str(item.description),
            "quantity": str(item.quantity),
            "unit_price": str(item.unit_price),
            "price_includes_vat": item.price_includes_vat,
        }
        for item in billable(company, start, end)
    ]


@router.post("/companies/{company_id}/billable/invoices", response={201: list[BillingDraftOut]})
def gather(request, company_id: int, payload: BillingPeriodIn):
    """One draft invoice per customer organization with the period's unbilled items."""
    company = actor(request).company(company_id, "sales.view")
    drafts = services.gather_vendor_billing(
        actor(request),
        company,
        start=payload.start,
        end=payload.end,
        invoice_date=payload.invoice_date,
    )
    return Status(
        201,
        [
            {
                "id": d.pk,
                "customer_id": d.customer_id,
                "lines": d.lines.count(),
                "gross": str(cents(d.gross_cents)),
            }
            for d in drafts
        ],
    )
