"""The bookkeeping entry points: the company list, a company's home and the start panel."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tase.core.product_index import product_index

from .. import closing, reports, selectors, services, start_card
from ..models import FiscalYear
from .common import (
    _actor,
    _base,
    _company,
    gate_day,
)


@login_required
def index(request):
    return product_index(request, "ledger.view", "ledger:home", "ledger/index.html")


@login_required
def home(request, company_pk):
    company = _company(request, company_pk)
    years = FiscalYear.objects.filter(company=company).order_by("-start")
    recent = selectors.vouchers_of(company)[:10]
    return render(
        request,
        "ledger/home.html",
        _base(
            request,
            company,
            years=years,
            recent=recent,
            locked_until=services.locked_until(company),
            gate=closing.closing_gate(company, gate_day()),
            has_accounts=company.accounts.exists(),
            reports=reports.titles(),
        ),
    )


def start_panel(request) -> dict:
    """Each company's last posting day, its drafts waiting and its VAT returns due."""
    return {"companies": start_card.company_cards(_actor(request), dt.date.today())}
