"""API of the year's archive package: start a build in the background, read its state, and
download the finished ZIP (thin over :mod:`tase.ledger.archive_builds`)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from tase.apiutil import actor

from . import archive_builds
from .models import FiscalYear

router = Router(tags=["ledger"])

CONTENTS = (
    "Journal, general ledger, statements, list of vouchers and chart of accounts as PDF/A, "
    "every attachment of every posted voucher, index.json and index.csv with SHA-256 "
    "hashes, and README.txt with the retention times of the Accounting Act 2:10 §."
)


class ArchiveBuildOut(Schema):
    state: str = Field(
        ...,
        description='"none" (never built), "queued", "building", "ready" or "failed"',
    )
    build_id: int | None
    phase: str = Field(..., description='While building: "books", "vouchers" or "index"')
    books_done: int = Field(..., description="Book parts (PDF/A files) written so far")
    vouchers_done: int
    vouchers_total: int = Field(..., description="The year's posted vouchers")
    attachments: int
    message: str = Field(..., description="Why the build failed (Finnish)")
    stalled: bool = Field(
        ..., description="Queued or building, but not moved for 30 minutes: it has stopped"
    )
    created_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    ready: bool = Field(..., description="A finished package can be downloaded (GET …/archive)")
    ready_build_id: int | None
    ready_at: dt.datetime | None
    size: int = Field(..., description="The finished package's size in bytes")


def _year(who, company_id: int, year_id: int):
    company = who.company(company_id, "ledger.view")
    return company, get_object_or_404(FiscalYear, company=company, pk=year_id)


@router.post(
    "/companies/{company_id}/fiscal-years/{year_id}/archive/build",
    response={200: ArchiveBuildOut, 202: ArchiveBuildOut},
    summary="Start building the fiscal year's archive package",
    description=(
        "Queues the package to be written in the background (202 with its state); while one "
        "of the year is queued or building, answers with that one (200) instead of starting "
        "another. Poll GET …/archive/build, then download GET …/archive. " + CONTENTS
    ),
)
def start_archive_build(request, company_id: int, year_id: int):
    who = actor(request)
    company, year = _year(who, company_id, year_id)
    _build, started = archive_builds.start_build(who, company, year)
    return Status(202 if started else 200, archive_builds.year_status(who, company, year))


@router.get(
    "/companies/{company_id}/fiscal-years/{year_id}/archive/build",
    response=ArchiveBuildOut,
    summary="The state of the fiscal year's archive package",
    description=(
        "The newest build's state and progress, and whether a finished package can be "
        "downloaded (an earlier one stays downloadable while a new one is built)."
    ),
)
def archive_build_state(request, company_id: int, year_id: int):
    who = actor(request)
    company, year = _year(who, company_id, year_id)
    return archive_builds.year_status(who, company, year)


@router.get(
    "/companies/{company_id}/fiscal-years/{year_id}/archive",
    summary="The fiscal year's archive package (ZIP)",
    description=(
        "The newest finished package, built with POST …/archive/build (404 until one is "
        "ready). " + CONTENTS
    ),
)
def fiscal_year_archive(request, company_id: int, year_id: int):
    who = actor(request)
    company, year = _year(who, company_id, year_id)
    return archive_builds.download(who, company, year)
