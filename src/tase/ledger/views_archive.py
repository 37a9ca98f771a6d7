"""The archive page: each fiscal year's archive package to download (thin over
:mod:`tase.ledger.archive`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from . import archive
from .api_archive import archive_response
from .models import FiscalYear
from .views import _actor, _base, _company


@login_required
def archive_page(request, company_pk):
    company = _company(request, company_pk)
    years = [
        {
            "year": year,
            "books_until": archive.books_kept_until(year.end),
            "vouchers_until": archive.vouchers_kept_until(year.end),
        }
        for year in company.fiscal_years.order_by("-start")
    ]
    return render(request, "ledger/archive.html", _base(request, company, years=years))


@login_required
def archive_download(request, company_pk, year_pk):
    company = _company(request, company_pk)
    year = get_object_or_404(FiscalYear, company=company, pk=year_pk)
    return archive_response(_actor(request), company, year)
