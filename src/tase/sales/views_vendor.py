"""The vendor's own billing page: delivery's and support's billable items of a period, and
the draft invoices made of them (one per customer)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from tase.core.days import iso_day
from tase.core.editing import error_list
from tase.core.models import Organization

from . import services
from .services.vendor_billing import billable
from .views import _actor, _base, _company, _posted


def _period(data) -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    start = iso_day(data.get("start") or first.isoformat())
    end = iso_day(data.get("end") or (today.replace(day=1) - dt.timedelta(days=1)).isoformat())
    if start is None or end is None:
        raise ValidationError({"start" if start is None else "end": _("Enter a valid date.")})
    return start, end


def _gather(request, company, start: dt.date, end: dt.date) -> None:
    drafts = services.gather_vendor_billing(_actor(request), company, start=start, end=end)
    messages.success(request, _("%(count)s draft invoices made.") % {"count": len(drafts)})


@login_required
def vendor_billing(request, company_pk):
    company = _company(request, company_pk)
    if not company.organization.is_vendor:
        raise Http404
    errors = []
    try:
        start, end = _period(request.POST if request.method == "POST" else request.GET)
    except ValidationError as error:
        errors, (start, end) = error_list(error), _period({})
    if not errors:
        done, errors = _posted(
            request,
            company_pk,
            lambda request, company: _gather(request, company, start, end),
            redirect_to=f"{request.path}?start={start}&end={end}",
        )
        if done is not None:
            return done
    items = billable(company, start, end)
    names = dict(
        Organization.objects.filter(pk__in={i.customer_id for i in items}).values_list("pk", "name")
    )
    rows = [{"customer": names.get(i.customer_id, ""), **i.__dict__} for i in items]
    return render(
        request,
        "sales/vendor_billing.html",
        _base(request, company, items=rows, start=start, end=end, errors=errors),
    )
