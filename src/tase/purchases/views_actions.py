"""Small POST actions beside the older purchase pages, each one service call through
:func:`tase.core.editing.run_action` (its errors become messages on the page it returns to):
an invoice's cost centre (it decides the circulation) and whether to pay it first, adding a due invoice to a draft
payment proposal (within the account's balance), and the pain.001 version of a bank
account's payment files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.access import Actor
from tase.core.editing import run_action

from . import selectors, services


def _on(request, found, company_pk, action, *, success: str, page: str):
    """Run ``action`` on ``found`` (an invoice or a proposal of the company in the URL, else
    404) and return to its ``page``."""
    if found.company_id != company_pk:
        raise Http404
    return run_action(
        request, action, success=success, back=reverse(page, args=[found.company_id, found.pk])
    )


@login_required
@require_POST
def invoice_cost_centre(request, company_pk, pk):
    """Set the cost centre of an invoice waiting for approval (its circulation starts over)."""
    actor = Actor.of(request.user)
    invoice = selectors.invoice_of(actor, pk)
    return _on(
        request, invoice, company_pk,
        lambda: services.set_cost_centre(actor, invoice, request.POST.get("cost_centre", "")),
        success=_("Cost centre changed."), page="purchases:invoice_detail",
    )  # fmt: skip


@login_required
@require_POST
def invoice_pay_first(request, company_pk, pk):
    """Mark the invoice to be paid before the others due (``pay_first`` checked) or not."""
    actor = Actor.of(request.user)
    invoice = selectors.invoice_of(actor, pk)
    return _on(
        request, invoice, company_pk,
        lambda: services.set_pay_first(actor, invoice, request.POST.get("pay_first") == "on"),
        success=_("Saved."), page="purchases:invoice_detail",
    )  # fmt: skip


@login_required
@require_POST
def proposal_add(request, company_pk, pk):
    """Add the invoice ``invoice`` to the draft proposal."""
    actor = Actor.of(request.user)
    proposal = selectors.proposal_of(actor, pk)
    return _on(
        request, proposal, company_pk,
        lambda: services.add_payment(actor, proposal, request.POST.get("invoice", "")),
        success=_("Invoice added to the proposal."), page="purchases:proposal_detail",
    )  # fmt: skip


@login_required
@require_POST
def payment_file_version(request, company_pk):
    """The pain.001 version of one bank account's payment files."""
    actor = Actor.of(request.user)
    company = actor.company(company_pk, "purchases.manage")
    return run_action(
        request,
        lambda: services.set_payment_file_version(
            actor, company, request.POST.get("bank_account", ""), request.POST.get("version", "")
        ),
        success=_("Saved."),
        back=reverse("purchases:circulation", args=[company.pk]),
    )
