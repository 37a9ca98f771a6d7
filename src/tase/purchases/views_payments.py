"""Payment proposal pages beside the proposal page: adding a due invoice left out of a draft
(within the account's available balance)."""

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
