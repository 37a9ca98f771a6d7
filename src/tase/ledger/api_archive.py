"""API of the year's archive package: the ZIP of a fiscal year, streamed from a temporary file."""

from __future__ import annotations

import tempfile

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from tase.apiutil import actor

from . import archive
from .models import FiscalYear

router = Router(tags=["ledger"])


def archive_response(user_actor, company, year: FiscalYear) -> FileResponse:
    """The archive of ``year`` as a download; written to a temporary file, never to memory."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        archive.build_archive(user_actor, company, year, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=archive.archive_name(company, year),
        content_type="application/zip",
    )


@router.get(
    "/companies/{company_id}/fiscal-years/{year_id}/archive",
    summary="The fiscal year's archive package (ZIP)",
    description=(
        "Journal, general ledger, statements, list of vouchers and chart of accounts as PDF/A, "
        "every attachment of every posted voucher, index.json and index.csv with SHA-256 "
        "hashes, and README.txt with the retention times of the Accounting Act 2:10 §."
    ),
)
def fiscal_year_archive(request, company_id: int, year_id: int):
    who = actor(request)
    company = who.company(company_id, "ledger.view")
    year = get_object_or_404(FiscalYear, company=company, pk=year_id)
    return archive_response(who, company, year)
