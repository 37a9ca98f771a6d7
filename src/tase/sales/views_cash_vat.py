"""Cash-based VAT of invoices unpaid 12 months after delivery: the list as at a day and the
action that recognises their VAT (services.cash_vat.recognise_unpaid)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tase.core.days import iso_day
from tase.core.editing import error_list

from .services import cash_vat
from .views import _actor, _base, _company, _posted


def _until(value) -> dt.date:
    if not value:
        return dt.date.today()
    day = iso_day(value)
    if day is None:
        raise ValidationError({"until": _("Enter a valid date.")})
    return day


def _recognise(request, company, until: dt.date) -> None:
    done = cash_vat.recognise_unpaid(_actor(request), company, until=until)
    messages.success(
        request,
        ngettext(
            "The VAT of %(count)s invoice was recognised.",
            "The VAT of %(count)s invoices was recognised.",
            len(done),
        )
        % {"count": len(done)},
    )


@login_required
def unpaid(request, company_pk):
    company = _company(request, company_pk)
    errors: list[str] = []
    try:
        until = _until(request.POST.get("until") or request.GET.get("until"))
    except ValidationError as error:
        errors, until = error_list(error), dt.date.today()
    if not errors:
        done, errors = _posted(
            request,
            company_pk,
            lambda request, company: _recognise(request, company, until),
            redirect_to=f"{request.path}?until={until.isoformat()}",
        )
        if done is not None:
            return done
    rows = [
        {
            "invoice": invoice,
            "due_on": cash_vat.due_on(invoice),
            "waiting": cash_vat.waiting_cents(invoice),
        }
        for invoice in cash_vat.unpaid_due(company, until)
    ]
    return render(
        request,
        "sales/cash_vat_unpaid.html",
        _base(request, company, rows=rows, until=until, errors=errors),
    )
