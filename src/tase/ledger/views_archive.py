"""The archive page: each fiscal year's archive package, built in the background and then
downloaded (thin over :mod:`tase.ledger.archive_builds`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import archive, archive_builds
from .models import ArchiveBuild, FiscalYear
from .views import _actor, _base, _company


def _row(company, year: FiscalYear, build, ready) -> dict:
    return {
        "year": year,
        "books_until": archive.books_kept_until(year.end),
        "vouchers_until": archive.vouchers_kept_until(year.end),
        "status": archive_builds.status(build, ready),
    }


@login_required
@require_GET
def archive_page(request, company_pk):
    company = _company(request, company_pk)
    latest = archive_builds.latest_builds(company)
    ready = archive_builds.ready_builds(company)
    years = [
        _row(company, year, latest.get(year.pk), ready.get(year.pk))
        for year in company.fiscal_years.order_by("-start")
    ]
    return render(request, "ledger/archive.html", _base(request, company, years=years))


@login_required
@require_POST
def archive_build(request, company_pk, year_pk):
    """Start building the year's package (or find the build already running)."""
    company = _company(request, company_pk)
    year = get_object_or_404(FiscalYear, company=company, pk=year_pk)
    build, started = archive_builds.start_build(_actor(request), company, year)
    build.refresh_from_db()
    if build.state == ArchiveBuild.State.READY:
        messages.success(request, _("The archive package is ready to download."))
    elif build.state == ArchiveBuild.State.FAILED:
        messages.error(request, _("Building the archive package failed."))
    elif started:
        messages.success(
            request,
            _("The archive package is being built. You can leave the page; it will be here."),
        )
    else:
        messages.info(request, _("The archive package of this year is already being built."))
    return redirect("ledger:archive", company.pk)


@login_required
@require_GET
def archive_state(request, company_pk, year_pk):
    """One year's state cell (polled by htmx while a build runs); reloads the page when the
    build has finished, failed or stalled."""
    company = _company(request, company_pk)
    year = get_object_or_404(FiscalYear, company=company, pk=year_pk)
    row = _row(
        company,
        year,
        archive_builds.latest_build(company, year),
        archive_builds.ready_build(company, year),
    )
    response = render(request, "ledger/_archive_state.html", {"company": company, "row": row})
    status = row["status"]
    if status["state"] not in ArchiveBuild.ACTIVE or status["stalled"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def archive_download(request, company_pk, year_pk):
    """The year's newest finished package (404 until one is built)."""
    company = _company(request, company_pk)
    year = get_object_or_404(FiscalYear, company=company, pk=year_pk)
    return archive_builds.download(_actor(request), company, year)
