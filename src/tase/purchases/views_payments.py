"""Payment pages beside the proposal page: adding a due invoice left out of a draft (within
the account's available balance), and the pain.001 version of a bank account's files."""

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
def proposal_add(request, company_pk, pk):
    """Add the invoice ``invoice`` to the draft proposal."""
    actor = Actor.of(request.user)
    proposal = selectors.proposal_of(actor, pk)
    if proposal.company_id != company_pk:
        raise Http404
    return run_action(
        request,
        lambda: services.add_payment(actor, proposal, request.POST.get("invoice", "")),
        success=_("Invoice added to the proposal."),
        back=reverse("purchases:proposal_detail", args=[proposal.company_id, proposal.pk]),
    )


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
