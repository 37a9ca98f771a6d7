"""Circulation pages beside the invoice page: an invoice's cost centre, which decides whose
circulation it goes through (:mod:`tase.purchases.circulation`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.access import Actor
from tase.core.editing import run_action

from . import selectors, services


@login_required
@require_POST
def invoice_cost_centre(request, company_pk, pk):
    """Set the cost centre of an invoice waiting for approval (its circulation starts over)."""
    actor = Actor.of(request.user)
    invoice = selectors.invoice_of(actor, pk)
    if invoice.company_id != company_pk:
        raise Http404
    return run_action(
        request,
        lambda: services.set_cost_centre(actor, invoice, request.POST.get("cost_centre", "")),
        success=_("Cost centre changed."),
        back=reverse("purchases:invoice_detail", args=[invoice.company_id, invoice.pk]),
    )
