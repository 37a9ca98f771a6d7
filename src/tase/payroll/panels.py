"""The start-page card and the state checks implementation projects can rely on."""

import datetime as dt

from django.utils import timezone

from tase.core.access import Actor

from . import selectors
from .models import PayRun


def start_panel(request) -> dict:
    actor = Actor.of(request.user)
    companies = actor.companies("payroll.view")
    drafts = PayRun.objects.filter(company__in=companies, status=PayRun.Status.DRAFT)
    upcoming = (
        PayRun.objects.filter(company__in=companies)
        .exclude(status=PayRun.Status.CANCELLED)
        .select_related("company")
        .order_by("-payment_date")[:3]
    )
    today = timezone.localdate()
    due = list(selectors.register_deadlines(companies, today)[:5])
    # Separate reports owed but never produced (a month without wages, a month whose run
    # was approved before it began), due within the same five days or late.
    soon = today + dt.timedelta(days=5)
    due += [
        row for row in selectors.owed_separate_reports(companies, today) if row.deadline <= soon
    ]
    due.sort(key=lambda row: row.deadline)
    for report in due:
        report.late = report.is_late(today)
    next_run = (
        PayRun.objects.filter(company__in=companies, payment_date__gte=today)
        .exclude(status__in=[PayRun.Status.CANCELLED, PayRun.Status.PAID])
        .select_related("company")
        .order_by("payment_date", "pk")
        .first()
    )
    return {
        "drafts": drafts.count(),
        "runs": list(upcoming),
        "register_due": due,
        "next_run": next_run,
    }


def first_pay_run_calculated(organization) -> bool:
    return PayRun.objects.filter(
        company__organization=organization, calculated_at__isnull=False
    ).exists()


def first_pay_run_approved(organization) -> bool:
    return PayRun.objects.filter(
        company__organization=organization,
        status__in=[PayRun.Status.APPROVED, PayRun.Status.PAID],
    ).exists()
