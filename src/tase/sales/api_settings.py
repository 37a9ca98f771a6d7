"""Sales settings and the operator's Finvoice batch in the sales API (/api/v1/sales/…)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from tase.apiutil import actor

from . import selectors, services
from .services import delivery
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
def finvoice_batch(request, company_id: int, start: dt.date, end: dt.date):
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
