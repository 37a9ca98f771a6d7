"""The page of a company's confirmed losses of earlier tax years (vahvistetut tappiot, TVL
1535/1992 119 § and 122 §): record or change the loss of a tax year as the tax decision
states it, delete one. The calculation of taxable income on the financial statements page
deducts them oldest first. Thin over ``services.save_confirmed_loss``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from . import services
from .models import ConfirmedLoss
from .services.income_tax import pays_corporate_income_tax
from .views import _actor, _base, _company, posted


def _post(request, company) -> None:
    if request.POST.get("action") == "delete":
        loss = get_object_or_404(ConfirmedLoss, company=company, pk=request.POST.get("loss"))
        services.delete_confirmed_loss(_actor(request), loss)
        messages.success(request, _("The confirmed loss was deleted."))
        return
    services.save_confirmed_loss(
        _actor(request),
        company,
        tax_year=request.POST.get("tax_year", ""),
        amount=request.POST.get("amount", ""),
        used_before=request.POST.get("used_before", ""),
        forfeited=request.POST.get("forfeited") == "1",
    )
    messages.success(request, _("The confirmed loss was saved."))


@login_required
def confirmed_losses(request, company_pk):
    company = _company(request, company_pk)
    done, errors = posted(request, company, "ledger.manage", _post)
    if done is not None:
        return done
    return render(
        request,
        "ledger/confirmed_losses.html",
        _base(
            request,
            company,
            errors=errors,
            losses=ConfirmedLoss.objects.filter(company=company),
            files_6b=pays_corporate_income_tax(company),
            form=request.POST if errors else {},
        ),
    )
