"""Removing an absence, and what keeps one from being removed.

An absence has consequences once a pay run is settled with it: an approved or paid run's
lines generated from it (a negative line for unpaid days, sick pay: ``PayItem.source``
"absence:<id>", :func:`.absences.absence_lines`), or the absence data of the run's earnings
payment report (:mod:`.absence_reports`: sick leave and lay-offs, read from the absence
records when the run was approved). Such an absence stays: removing it would leave a payslip
and a report that no record explains. The pay is corrected with a correction run of that run
(:mod:`.corrections`), whose approval replaces the employee's report.

A draft run's lines from the absence go with it: the clerk removes a mistaken absence before
the month's run is approved and expects the run to follow, as it does when lines are
generated again. The draft is left to be calculated again (``stale``), so no payslip of it
still counts the removed days.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core import audit

from ..models import Absence, IncomesRegisterReport, PayItem, PayRun
from .absence_reports import absence_data
from .absences import ABSENCE_SOURCE, LOCKED
from .common import require
from .corrections import run_name

Report = IncomesRegisterReport
# The absence data is carried only by these kinds (absence_reports._periods).
REPORTED_KINDS = (Absence.Kind.SICK, Absence.Kind.LAYOFF)


def _day(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _line_locks(absences: list[Absence]) -> dict[int, str]:
    """Absences an approved or paid run has paid or deducted: one query."""
    sources = {f"{ABSENCE_SOURCE}{a.pk}": a.pk for a in absences}
    items = (
        PayItem.objects.filter(source__in=sources, pay_run__status__in=LOCKED)
        .select_related("pay_run")
        .order_by("pay_run__payment_date", "pk")
    )
    found = {}
    for item in items:
        found.setdefault(
            sources[item.source],
            _(
                "The approved pay run %(run)s has paid or deducted this absence: it cannot be "
                "removed. Correct the pay with a correction run of that pay run."
            )
            % {"run": run_name(item.pay_run)},
        )
    return found


def _report_text(report: Report, run: PayRun) -> str:
    if report.state == Report.State.SENT:
        state = _("sent on %(day)s") % {"day": _day(report.sent_on)} if report.sent_on else ""
        state = state or _("marked sent")
    else:
        state = _("not sent yet")
    return _(
        "The Incomes Register report %(report)s (%(state)s) of the pay run %(run)s carries "
        "this absence: it cannot be removed. Correct it with a correction run of that pay "
        "run: approving it replaces the employee's report."
    ) % {"report": f"{report.report_id} v{report.version}", "state": state, "run": run_name(run)}


def _report_locks(absences: list[Absence]) -> dict[int, str]:
    """Absences the absence data of an approved or paid run's earnings payment report
    carries: the run's current report, produced after the absence was recorded, whose block
    for the employee (as :func:`absence_data` gave it then) has a period within the
    absence's days. Queries per run the absences overlap, not per absence."""
    reported = [a for a in absences if a.kind in REPORTED_KINDS]
    if not reported:
        return {}
    runs = list(
        PayRun.objects.filter(
            company_id=reported[0].company_id,
            kind=PayRun.Kind.REGULAR,
            status__in=LOCKED,
            employees__in={a.employee_id for a in reported},
            period_start__lte=max(a.end_date for a in reported),
            period_end__gte=min(a.start_date for a in reported),
        )
        .distinct()
        .order_by("payment_date", "pk")
    )
    reports = {}
    for report in Report.objects.filter(
        pay_run__in=[run.pk for run in runs], kind=Report.Kind.EARNINGS
    ).order_by("version", "pk"):
        reports[report.pay_run_id] = report  # the latest version
    found: dict[int, str] = {}
    for run in runs:
        report = reports.get(run.pk)
        if report is None:
            continue
        candidates = [
            a
            for a in reported
            if a.pk not in found
            and a.start_date <= run.period_end
            and a.end_date >= run.period_start
            and a.created_at <= report.created_at
        ]
        if not candidates:
            continue
        by_employee = defaultdict(list)
        for absence in candidates:
            by_employee[absence.employee_id].append(absence)
        blocks = absence_data(run, list(by_employee), recorded_by=report.created_at)
        for employee_id, rows in by_employee.items():
            block = blocks.get(employee_id)
            for absence in rows:
                if block and any(
                    absence.start_date <= period.start <= absence.end_date
                    for period in block.periods
                ):
                    found[absence.pk] = _report_text(report, run)
    return found


def removal_locks(absences) -> dict[int, str]:
    """Why each of ``absences`` (of one company) that has had consequences cannot be
    removed, by absence id; the others are not in the answer."""
    absences = list(absences)
    if not absences:
        return {}
    found = _report_locks(absences)
    found.update(_line_locks(absences))  # the run's own lines first: the pay came first
    return found


@transaction.atomic
def delete_absence(actor, absence: Absence) -> list[PayRun]:
    """Remove ``absence`` unless a settled run or its report used it (the reason, naming the
    run or the report, as a ValidationError on ``absence``). The draft runs that had lines
    from it lose them and are to be calculated again: they are returned."""
    require(actor, absence.company, "payroll.manage")
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    source = f"{ABSENCE_SOURCE}{absence.pk}"
    # The runs with its lines, locked: none is approved while its lines go.
    runs = list(
        PayRun.objects.select_for_update()
        .filter(pk__in=PayItem.objects.filter(source=source).values("pay_run_id"))
        .order_by("payment_date", "pk")
    )
    reason = removal_locks([absence]).get(absence.pk)
    if reason:
        raise ValidationError({"absence": reason})
    drafts = [run for run in runs if run.is_draft]
    if drafts:
        PayItem.objects.filter(pay_run__in=drafts, source=source).delete()
        PayRun.objects.filter(pk__in=[run.pk for run in drafts]).update(
            stale=True, revision=F("revision") + 1
        )
    audit.record(
        actor.user,
        "delete",
        absence,
        company=absence.company,
        changes={
            "dates": [f"{absence.start_date}/{absence.end_date}", None],
            "draft_runs": [[run.pk for run in drafts], None],
        },
    )
    absence.delete()
    return drafts
