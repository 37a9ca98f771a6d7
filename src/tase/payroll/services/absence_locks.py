"""Removing an absence, and what keeps one from being removed.

An absence has consequences once a pay run is settled with it: an approved or paid run's
lines generated from it (a negative line for unpaid days, sick pay: ``PayItem.source``
"absence:<id>", :func:`.absences.absence_lines`), or the absence data of the run's earnings
payment report (:mod:`.absence_reports`: sick leave and lay-offs, read from the absence
records when the run was approved). Such an absence does not simply go: removing it would
leave a payslip and a report that no record explains.

It is removed or changed *with a correction* (:mod:`.absence_changes`): a correction run of
each pay run that used it carries the removal or the change, and approving the last of them
removes or changes the absence; deleting a draft correction keeps it.

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
from .corrections import _original, run_name

Report = IncomesRegisterReport
# The absence data is carried only by these kinds (absence_reports._periods).
REPORTED_KINDS = (Absence.Kind.SICK, Absence.Kind.LAYOFF)


def _day(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _how() -> str:
    return _(
        "To remove or change it, use Remove with a correction or Change with a correction: a "
        "correction run of each pay run that used it is created, calculated and reported with "
        "the absence removed or changed, and approving the last of them removes or changes it."
    )


def _line_locks(absences: list[Absence]) -> dict[int, tuple[str, PayRun]]:
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
            (
                _("The approved pay run %(run)s has paid or deducted this absence.")
                % {"run": run_name(item.pay_run)},
                item.pay_run,
            ),
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
        "this absence."
    ) % {"report": f"{report.report_id} v{report.version}", "state": state, "run": run_name(run)}


def _report_locks(absences: list[Absence]) -> dict[int, tuple[str, PayRun]]:
    """Absences the absence data of an approved or paid run's earnings payment reports
    carries: the run's current delivery, or a replacement delivery of its approved
    corrections (for the employees they correct), produced after the absence was recorded,
    whose block for the employee (as :func:`absence_data` gave it then) has a period within
    the absence's days; the newest such delivery is named. Queries per run and delivery the
    absences overlap, not per absence."""
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
    originals = {run.pk: run for run in runs}
    corrections = {
        run.pk: run
        for run in PayRun.objects.filter(
            kind=PayRun.Kind.CORRECTION, corrects__in=runs, status__in=LOCKED
        ).prefetch_related("employees")
    }
    latest = {}
    for report in Report.objects.filter(
        pay_run__in=[*originals, *corrections], kind=Report.Kind.EARNINGS
    ).order_by("version", "pk"):
        latest[report.pay_run_id] = report  # the latest version of each run's delivery
    found: dict[int, tuple[str, PayRun]] = {}
    for report in sorted(latest.values(), key=lambda row: row.created_at, reverse=True):
        correction = corrections.get(report.pay_run_id)
        run = originals[correction.corrects_id] if correction else originals[report.pay_run_id]
        covered = {e.pk for e in correction.employees.all()} if correction else None
        candidates = [
            a
            for a in reported
            if a.pk not in found
            and (covered is None or a.employee_id in covered)
            and a.start_date <= run.period_end
            and a.end_date >= run.period_start
            and a.created_at <= report.created_at
        ]
        if not candidates:
            continue
        by_employee = defaultdict(list)
        for absence in candidates:
            by_employee[absence.employee_id].append(absence)
        paid_in = [run, *(c for c in corrections.values() if c.corrects_id == run.pk)]
        blocks = absence_data(
            run, list(by_employee), recorded_by=report.created_at, paid_in=paid_in
        )
        for employee_id, rows in by_employee.items():
            block = blocks.get(employee_id)
            for absence in rows:
                if block and any(
                    absence.start_date <= period.start <= absence.end_date
                    for period in block.periods
                ):
                    found[absence.pk] = (_report_text(report, run), run)
    return found


def _locks(absences) -> dict[int, tuple[str, PayRun]]:
    """What used each of ``absences`` (of one company): the reason and the settled run."""
    absences = list(absences)
    if not absences:
        return {}
    found = _report_locks(absences)
    found.update(_line_locks(absences))  # the run's own lines first: the pay came first
    return found


def _draft_corrections(pairs) -> dict[tuple[int, int], PayRun]:
    """The latest draft correction run of each (original run id, employee id): one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    found = {}
    rows = PayRun.objects.filter(
        kind=PayRun.Kind.CORRECTION,
        status=PayRun.Status.DRAFT,
        corrects_id__in={run_id for run_id, _employee in pairs},
        employees__in={employee for _run, employee in pairs},
    ).values_list("pk", "corrects_id", "employees")
    runs = {}
    for pk, corrects_id, employee_id in rows:
        if (corrects_id, employee_id) in pairs and pk > found.get((corrects_id, employee_id), 0):
            found[(corrects_id, employee_id)] = pk
    if found:
        runs = PayRun.objects.in_bulk(set(found.values()))
    return {pair: runs[pk] for pair, pk in found.items()}


def _changes(absence: Absence) -> list:
    """The pending changes of ``absence`` with their runs (the prefetched ``changes`` when
    the list was read with them, :func:`tase.payroll.selectors.absences`)."""
    rows = sorted(absence.changes.all(), key=lambda change: change.pk)
    return rows


def removal_state(absences) -> dict[int, tuple[str, PayRun | None]]:
    """Why each of ``absences`` (of one company) cannot simply be removed, and the draft
    correction run it can be removed with (None: none yet), by absence id; the others are
    not in the answer. An absence already marked to go with a correction says so."""
    absences = list(absences)
    found: dict[int, tuple[str, PayRun | None]] = {}
    pending = {a.pk: _changes(a) for a in absences}
    for absence in absences:
        changes = pending[absence.pk]
        if not changes:
            continue
        runs = ", ".join(run_name(change.run) for change in changes)
        if changes[0].remove:
            text = _(
                "Removed with the correction runs %(runs)s: the absence goes when the last of "
                "them is approved (deleting a draft correction keeps it)."
            ) % {"runs": runs}
        else:
            change = changes[0]
            text = _(
                "Changed to %(kind)s %(dates)s with the correction runs %(runs)s: the absence "
                "changes when the last of them is approved (deleting a draft correction keeps "
                "it as it is)."
            ) % {
                "kind": Absence.Kind(change.kind).label.lower(),
                "dates": f"{_day(change.start_date)} - {_day(change.end_date)}",
                "runs": runs,
            }
        found[absence.pk] = (text, None)
    locks = _locks([a for a in absences if not pending[a.pk]])
    originals = {pk: _original(run) for pk, (_text, run) in locks.items()}
    by_pk = {a.pk: a for a in absences}
    drafts = _draft_corrections((originals[pk].pk, by_pk[pk].employee_id) for pk in locks)
    for pk, (text, _run) in locks.items():
        draft = drafts.get((originals[pk].pk, by_pk[pk].employee_id))
        if draft is None:
            found[pk] = (f"{text} {_how()}", None)
        else:
            found[pk] = (
                f"{text} "
                + _("It can be removed or changed with the draft correction run %(run)s.")
                % {"run": run_name(draft)},
                draft,
            )
    return found


def removal_locks(absences) -> dict[int, str]:
    """Why each of ``absences`` (of one company) that has had consequences cannot simply be
    removed (and how it can), by absence id; the others are not in the answer."""
    return {pk: text for pk, (text, _draft) in removal_state(absences).items()}


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
