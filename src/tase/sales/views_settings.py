"""The company's sales settings page, the operator's Finvoice batch download and the
period's invoices as one PDF to print."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tase.core import pdf as core_pdf
from tase.core.days import iso_day
from tase.core.editing import error_list

from . import selectors, services
from .pdf import PRINT_LIMIT, period_pdf
from .services import delivery
from .services.settings import FIELDS, settings_of
from .views import _actor, _base, _company, _posted


def _save(request, company) -> None:
    services.update_sales_settings(
        _actor(request), company, **{k: request.POST.get(k, "") for k in FIELDS}
    )
    messages.success(request, _("Sales settings saved."))


@login_required
def sales_settings(request, company_pk):
    company = _company(request, company_pk)
    done, errors = _posted(request, company_pk, _save)
    if done is not None:
        return done
    return render(
        request,
        "sales/settings.html",
        _base(
            request,
            company,
            row=settings_of(company),
            form=request.POST,
            errors=errors,
            today=dt.date.today(),
            print_limit=PRINT_LIMIT,
        ),
    )


def _day(value, field: str) -> dt.date:
    day = iso_day(value)
    if day is None:
        raise ValidationError({field: _("Enter a valid date.")})
    return day


@login_required
def finvoice_batch(request, company_pk):
    """The sent invoices of a period that have an e-invoice address, in one operator file."""
    company = _company(request, company_pk)
    try:
        start, end = _day(request.GET.get("from"), "from"), _day(request.GET.get("to"), "to")
        data, skipped = delivery.finvoice_batch(
            selectors.sent_between(company, start, end).prefetch_related("lines")
        )
        if not data:
            raise ValidationError(
                {"from": _("No invoice of the period can go to the e-invoice operator.")}
            )
    except ValidationError as error:
        for message in error_list(error):
            messages.error(request, message)
        return redirect("sales:settings", company_pk)
    response = HttpResponse(data, content_type="application/xml")
    name = f"finvoice-{start.isoformat()}-{end.isoformat()}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Skipped-Invoices"] = ",".join(str(i.number) for i, _reason in skipped)
    return response


@login_required
def invoices_print(request, company_pk):
    """The sent invoices of a period as one PDF to print or post, each on its own pages with
    its giro form (``paper``: only those without an e-invoice address)."""
    company = _company(request, company_pk)
    try:
        start, end = _day(request.GET.get("from"), "from"), _day(request.GET.get("to"), "to")
        data = period_pdf(company, start, end, paper=bool(request.GET.get("paper")))
    except ValidationError as error:
        for message in error_list(error):
            messages.error(request, message)
        return redirect("sales:settings", company_pk)
    return core_pdf.response(data, f"invoices-{start.isoformat()}-{end.isoformat()}")
