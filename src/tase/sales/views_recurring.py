"""The recurring invoices page: agreements, a price change for all, and the run that makes
the invoices due. Thin over :mod:`tase.sales.services.recurring`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import forms, selectors, services
from .models import Agreement
from .views import _actor, _base, _company, _posted


def _run(request, company, action: str) -> str:
    actor, post = _actor(request), request.POST
    if action == "create":
        services.create_agreement(
            actor,
            company,
            customer=post.get("customer") or None,
            name=post.get("name", ""),
            interval=post.get("interval", 1),
            timing=post.get("timing", "advance"),
            start=post.get("start") or None,
            end=post.get("end") or None,
            lines=forms.invoice_lines(post),
        )
        return _("Recurring invoice saved.")
    if action == "prices":
        count = services.change_prices(
            actor,
            company,
            valid_from=post.get("valid_from") or None,
            percent=post.get("percent", ""),
            reason=post.get("reason", ""),
        )
        return _("%(count)s prices changed.") % {"count": count}
    if action == "generate":
        if not post.get("confirm"):
            raise ValidationError({"confirm": _("Tick the box to confirm; this cannot be undone.")})
        made = services.generate_recurring(
            actor, company, until=post.get("until") or None, send=bool(post.get("send"))
        )
        return _("%(count)s invoices made.") % {"count": len(made)}
    raise ValidationError({"action": _("Unknown action.")})


@login_required
def agreements(request, company_pk):
    company = _company(request, company_pk)
    done, errors = _posted(
        request,
        company_pk,
        lambda request, company: messages.success(
            request, _run(request, company, request.POST.get("action", ""))
        ),
    )
    if done is not None:
        return done
    rows = (
        Agreement.objects.filter(company=company)
        .select_related("customer")
        .prefetch_related("lines")
        .order_by("-active", "next_period", "name")[:500]
    )
    return render(
        request,
        "sales/agreements.html",
        _base(
            request,
            company,
            agreements=rows,
            errors=errors,
            form=request.POST,
            customers=selectors.customers_of(company),
            products=selectors.products_of(company),
            rows=range(forms.INVOICE_LINE_ROWS),
            intervals=Agreement.Interval.choices,
            timings=Agreement.Timing.choices,
            today=dt.date.today(),
        ),
    )
