"""The bookkeeping entry points: the company list, a company's home and the start panel."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render

from tase.core.product_index import product_index

from .. import closing, reports, selectors, services
from ..models import FiscalYear, Voucher
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
    """Each company's last posting day, its drafts waiting and its VAT returns due. Read from
    indexes whatever the size of the books (the newest posted voucher by the company's date
    index, the drafts by their partial index): counting every voucher was a scan per company
    on each view of the start page."""
    actor = _actor(request)
    vouchers = Voucher.objects.filter(company=OuterRef("pk"))
    companies = (
        actor.companies("ledger.view")
        .annotate(
            last_posted=Subquery(
                vouchers.filter(state=Voucher.State.POSTED).order_by("-date").values("date")[:1]
            ),
            draft_count=Coalesce(
                Subquery(
                    vouchers.filter(state=Voucher.State.DRAFT)
                    .values("company")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .order_by("name")[:8]
    )
    companies = list(companies)
    deadlines = selectors.vat_deadlines([c.pk for c in companies], dt.date.today())
    for company in companies:
        company.vat_deadlines = deadlines.get(company.pk, [])
    return {"companies": companies}
