"""Incomes Register pages: the company's reports with deadlines and states, download, mark
sent, and the month's separate report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tase.core.access import Actor
from tase.core.days import iso_day
from tase.core.editing import run_action

from . import selectors, services


def _actor(request) -> Actor:
    return Actor.of(request.user)


@login_required
def reports(request, company_pk):
    actor = _actor(request)
    company = actor.company(company_pk, "payroll.view")
    page = Paginator(selectors.register_reports(company), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for report in page:
        report.late = report.is_late(today)
    owed = selectors.owed_separate_reports([company], today)
    for report in owed:
        report.late = report.is_late(today)
    return render(
        request,
        "payroll/incomes_register.html",
        {
            "company": company,
            "page": page,
            "owed": owed,
            "today": today,
            "can_approve": actor.can_in_company("payroll.approve", company),
        },
    )


def xml_response(report) -> StreamingHttpResponse:
    """The report's file as an attachment, streamed part by part (an earnings payment delivery
    of 10,000 reports is stored in parts of about a mebibyte; they are never joined)."""
    response = StreamingHttpResponse(report.chunks(), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


@login_required
def report_download(request, pk):
    actor = _actor(request)
    report = selectors.register_report_for(actor, pk)
    return xml_response(services.open_download(actor, report))


@login_required
@require_POST
def report_sent(request, pk):
    actor = _actor(request)
    report = selectors.register_report_for(actor, pk)
    return run_action(
        request,
        lambda: services.mark_sent(
            actor,
            report,
            sent_on=iso_day(request.POST.get("sent_on")),
            register_id=request.POST.get("register_id", ""),
        ),
        success=_("Marked sent to the Incomes Register."),
        back=reverse("payroll:incomes_register", args=[report.company_id]),
        joined=True,
    )


@login_required
@require_POST
def separate_report(request, company_pk):
    actor = _actor(request)
    company = actor.company(company_pk, "payroll.approve")

    def produce() -> None:
        try:
            year, month = (int(part) for part in request.POST.get("month", "").split("-"))
        except ValueError:  # the month as typed; the service checks the rest
            raise ValidationError(_("Give the month as YYYY-MM.")) from None
        services.produce_separate_report(actor, company, year, month)

    return run_action(
        request,
        produce,
        success=_("Separate report produced."),
        back=reverse("payroll:incomes_register", args=[company.pk]),
        joined=True,
    )
