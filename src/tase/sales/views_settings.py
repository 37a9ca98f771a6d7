"""The company's sales settings page and the operator's Finvoice batch download."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .services import delivery
from .services.settings import FIELDS, settings_of
from .views import _actor, _base, _company, _errors, _posted


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
        ),
    )


def _day(value, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise ValidationError({field: _("Enter a valid date.")}) from None


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
        for message in _errors(error):
            messages.error(request, message)
        return redirect("sales:settings", company_pk)
    response = HttpResponse(data, content_type="application/xml")
    name = f"finvoice-{start.isoformat()}-{end.isoformat()}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Skipped-Invoices"] = ",".join(str(i.number) for i, _reason in skipped)
    return response
