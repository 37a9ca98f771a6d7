"""Sales settings, the operator's Finvoice batch and the period's invoices as one PDF in the
sales API (/api/v1/sales/…)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from tase.apiutil import Day, actor
from tase.core import pdf as core_pdf

from . import selectors, services
from .pdf import period_pdf
from .services import cash_vat, delivery
from .services.common import cents
from .services.settings import settings_of

router = Router(tags=["sales"])


class SalesSettingsOut(Schema):
    einvoice_address: str
    einvoice_operator: str
    reminder_days_to_pay: int


class SalesSettingsPatch(Schema):
    einvoice_address: str | None = None
    einvoice_operator: str | None = None
    reminder_days_to_pay: int | None = None


def _out(row) -> dict:
    return {
        "einvoice_address": row.einvoice_address,
        "einvoice_operator": row.einvoice_operator,
        "reminder_days_to_pay": row.reminder_days_to_pay,
    }


@router.get("/companies/{company_id}/settings", response=SalesSettingsOut)
def get_settings(request, company_id: int):
    return _out(settings_of(actor(request).company(company_id, "sales.view")))


@router.patch("/companies/{company_id}/settings", response=SalesSettingsOut)
def patch_settings(request, company_id: int, payload: SalesSettingsPatch):
    """The company's own e-invoice address (OVT or IBAN) and operator code, and the reminder's
    default days to pay; only the fields given change."""
    company = actor(request).company(company_id, "sales.view")
    row = services.update_sales_settings(
        actor(request), company, **payload.dict(exclude_unset=True)
    )
    return _out(row)


@router.get(
    "/companies/{company_id}/finvoice-batch",
    summary="The period's sent invoices in one operator file (envelope + Finvoice each)",
)
def finvoice_batch(request, company_id: int, start: Day, end: Day):
    """Query ``start`` and ``end`` (invoice dates). Invoices that cannot go to the operator
    (no e-invoice address) are left out and listed in the ``X-Skipped-Invoices`` header."""
    company = actor(request).company(company_id, "sales.view")
    data, skipped = delivery.finvoice_batch(
        selectors.sent_between(company, start, end).prefetch_related("lines")
    )
    if not data:
        raise ValidationError(
            {"start": _("No invoice of the period can go to the e-invoice operator.")}
        )
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="finvoice-{start}-{end}.xml"'
    response["X-Skipped-Invoices"] = ",".join(str(i.number) for i, _reason in skipped)
    return response


@router.get(
    "/companies/{company_id}/invoices-pdf",
    summary="The period's sent invoices as one PDF to print or post, each with its giro form",
)
def invoices_print(request, company_id: int, start: Day, end: Day, paper: bool = False):
    """Query ``start`` and ``end`` (invoice dates); ``paper=true`` takes only the invoices whose
    customer has no e-invoice address. At most ``sales.pdf.PRINT_LIMIT`` (200) invoices a
    file: a longer period answers 422 asking a shorter one, as does a period with none."""
    company = actor(request).company(company_id, "sales.view")
    data = period_pdf(company, start, end, paper=paper)
    return core_pdf.response(data, f"invoices-{start}-{end}")


class CashVatUnpaidOut(Schema):
    id: int
    number: int | None
    delivery_date: dt.date
    due_on: dt.date
    vat: str


class CashVatRecogniseIn(Schema):
    until: Day


@router.get("/companies/{company_id}/cash-vat/unpaid", response=list[CashVatUnpaidOut])
def cash_vat_unpaid(request, company_id: int, until: Day):
    """Cash-basis invoices whose VAT falls due unpaid by ``until`` (12 months from delivery,
    AVL 137 § 2 mom.), with the VAT still waiting (euros)."""
    company = actor(request).company(company_id, "sales.view")
    return [
        {
            "id": i.pk,
            "number": i.number,
            "delivery_date": i.delivery_date,
            "due_on": cash_vat.due_on(i),
            "vat": f"{cents(cash_vat.waiting_cents(i))}",
        }
        for i in cash_vat.unpaid_due(company, until)
    ]


@router.post("/companies/{company_id}/cash-vat/recognise-unpaid", response=list[CashVatUnpaidOut])
def cash_vat_recognise_unpaid(request, company_id: int, payload: CashVatRecogniseIn):
    """Recognise the VAT still waiting of those invoices, each on the day its 12 months are
    full (the VAT return of that month counts it); ``vat`` is what was recognised now."""
    company = actor(request).company(company_id, "sales.view")
    done = cash_vat.recognise_unpaid(actor(request), company, until=payload.until)
    return [
        {
            "id": i.pk,
            "number": i.number,
            "delivery_date": i.delivery_date,
            "due_on": i.cash_vat_due_on,
            "vat": f"{cents(i.recognised_now_cents)}",
        }
        for i in done
    ]
