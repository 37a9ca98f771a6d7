"""Incomes Register API: a run's earnings payment delivery, a month's separate report, the
company's reports with deadlines and states, and marking a report sent.

The XML answers are the files themselves (``application/xml``, streamed part by part),
validated against the Register's XSD when produced; fetching one marks a produced report downloaded, as the page
does. Another organization's run, company or report answers 404.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from tase.apiutil import Day, Pagination, actor

from . import selectors, services
from .views_incomes_register import xml_response

router = Router(tags=["payroll: Incomes Register"])
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ReportOut(Schema):
    # null for a separate report that is owed but not produced (state "owed").
    id: int | None
    kind: str
    report_id: str
    version: int
    pay_run_id: int | None
    # A correction run's delivery: the id of the original delivery whose reports it replaces.
    corrects_id: int | None
    month: dt.date | None
    payment_date: dt.date
    deadline: dt.date
    reports: int
    state: str
    late: bool
    downloaded_at: dt.datetime | None
    sent_on: dt.date | None
    register_id: str

    @staticmethod
    def resolve_late(obj) -> bool:
        from django.utils import timezone

        return obj.is_late(timezone.localdate())


class SentIn(Schema):
    sent_on: Day
    register_id: str = ""


@router.get(
    "/pay-runs/{int:run_id}/incomes-register",
    summary="The earnings payment reports of an approved run (WageReportRequestToIR XML)",
)
def run_delivery(request, run_id: int):
    from .api import _run

    current = actor(request)
    run = _run(request, run_id, "payroll.view")
    report = services.run_delivery(current, run)
    return xml_response(services.open_download(current, report))


@router.get(
    "/companies/{int:company_id}/incomes-register/separate-reports/{month}",
    summary="The employer's separate report of a month (PayerSummaryReportRequestToIR XML)",
)
def separate_report(request, company_id: int, month: str):
    """The month's current separate report, produced first if there is none or the month's
    figure changed since (a new version). ``month`` is YYYY-MM; a future month answers 422."""
    current = actor(request)
    company = current.company(company_id, "payroll.approve")
    match = MONTH.match(month)
    if not match:
        raise ValidationError({"month": _("Give the month as YYYY-MM.")})
    report = services.produce_separate_report(
        current, company, int(match.group(1)), int(match.group(2))
    )
    return xml_response(services.open_download(current, report))


class _OwedFirst:
    """The separate reports owed but not produced (state ``owed``, no id), then the report
    rows, as one sequence the paginator slices: the rows are read a page at a time."""

    def __init__(self, owed: list, rows):
        self.owed, self.rows = owed, rows

    def __len__(self) -> int:
        return len(self.owed) + self.rows.count()

    def __getitem__(self, part: slice) -> list:
        start, stop = part.start or 0, part.stop
        head = self.owed[start:stop]
        skip = max(start - len(self.owed), 0)
        rest = None if stop is None else max(stop - len(self.owed) - skip, 0)
        if rest == 0:
            return head
        tail = self.rows[skip:] if rest is None else self.rows[skip : skip + rest]
        return head + list(tail)


@router.get("/companies/{int:company_id}/incomes-register/reports", response=list[ReportOut])
@paginate(Pagination)
def list_reports(request, company_id: int):
    """The company's files, newest payment first, after the employer's separate reports that
    are owed but were never produced (``state`` "owed", ``id`` null, ``late`` after the 5th
    of the next month): a month without wages, or a month whose run was approved before the
    month began. Produce one with ``GET .../separate-reports/{yyyy-mm}``."""
    from django.utils import timezone

    company = actor(request).company(company_id, "payroll.view")
    owed = selectors.owed_separate_reports([company], timezone.localdate())
    return _OwedFirst(owed, selectors.register_reports(company))


@router.post(
    "/companies/{int:company_id}/incomes-register/reports/{int:report_id}/sent",
    response=ReportOut,
)
def mark_sent(request, company_id: int, report_id: int, payload: SentIn):
    current = actor(request)
    report = selectors.register_report_for(current, report_id, "payroll.approve")
    if report.company_id != company_id:
        raise Http404
    return services.mark_sent(
        current, report, sent_on=payload.sent_on, register_id=payload.register_id
    )
