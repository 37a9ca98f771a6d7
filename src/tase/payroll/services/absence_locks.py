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
from .absences import ABSENCE_SOURCE, LOCKED
from .common import require
from .corrections import _original, run_name
from .incomes_register import employee_report_id

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


Lock = tuple[str, PayRun]  # why an absence cannot simply go, and the settled run that used it


def _line_locks(absences: list[Absence]) -> dict[int, list[Lock]]:
    """Absences approved or paid runs have paid or deducted, each such run named once, by
    payment date: one query."""
    sources = {f"{ABSENCE_SOURCE}{a.pk}": a.pk for a in absences}
    items = (
        PayItem.objects.filter(source__in=sources, pay_run__status__in=LOCKED)
        .select_related("pay_run")
        .order_by("pay_run__payment_date", "pay_run_id", "pk")
    )
    found: dict[int, list[Lock]] = defaultdict(list)
    for item in items:
        locks = found[sources[item.source]]
        if all(run.pk != item.pay_run_id for _text, run in locks):
            text = _("The approved pay run %(run)s has paid or deducted this absence.") % {
                "run": run_name(item.pay_run)
            }
            locks.append((text, item.pay_run))
    return dict(found)


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


def _holds(block: dict | None, absence: Absence) -> bool:
    """Whether the absence data ``block`` (as a delivery's row keeps it,
    :func:`tase.formats.incomes_register.absences_data`) has a period that begins within the
    absence's days: an employee's absences never overlap, so that period came from it."""
    if not block:
        return False
    start, end = absence.start_date.isoformat(), absence.end_date.isoformat()
    return any(start <= period[0] <= end for period in block["periods"])


def _report_locks(absences: list[Absence]) -> dict[int, list[Lock]]:
    """Absences whose absence data an approved or paid run's earnings payment report carries
    in the Incomes Register, with every such run, by payment date. What each report carried
    is read from its delivery's row (``IncomesRegisterReport.absences``, kept as the file
    was written), not computed again from today's records: the report in force of each
    employee and pay run is the newest delivery that has it (a settled correction's
    replacement, else the run's own delivery), and it holds the absence when one of its
    periods begins within the absence's days and it was produced after the absence was
    recorded. A few queries, not one per absence."""
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
    corrections = dict(
        PayRun.objects.filter(
            kind=PayRun.Kind.CORRECTION, corrects__in=runs, status__in=LOCKED
        ).values_list("pk", "corrects_id")
    )
    latest: dict[int, Report] = {}
    for report in Report.objects.filter(
        pay_run__in=[*originals, *corrections], kind=Report.Kind.EARNINGS
    ).order_by("version", "pk"):
        latest[report.pay_run_id] = report  # the latest version of each run's delivery
    employees = {a.employee_id for a in reported}
    # The report in force of each (run, employee) and the block it carries: oldest first, so
    # a later replacement takes the place of what it replaced.
    in_force: dict[tuple[int, int], tuple[Report, dict | None]] = {}
    for report in sorted(latest.values(), key=lambda row: (row.created_at, row.pk)):
        run_id = corrections.get(report.pay_run_id, report.pay_run_id)
        for employee_id in employees:
            key = employee_report_id(originals[run_id], employee_id)
            if key in report.absences:
                in_force[(run_id, employee_id)] = (report, report.absences[key])
    found: dict[int, list[Lock]] = defaultdict(list)
    for (run_id, employee_id), (report, block) in in_force.items():
        run = originals[run_id]
        for absence in reported:
            if (
                absence.employee_id == employee_id
                and absence.created_at <= report.created_at
                and _holds(block, absence)
            ):
                found[absence.pk].append((_report_text(report, run), run))
    for locks in found.values():
        locks.sort(key=lambda lock: (lock[1].payment_date, lock[1].pk))
    return dict(found)


def _locks(absences) -> dict[int, list[Lock]]:
    """What used each of ``absences`` (of one company): every settled run that did, by
    payment date, each with its reason (its own lines before its report: the pay came
    first)."""
    absences = list(absences)
    if not absences:
        return {}
    reports = _report_locks(absences)
    lines = _line_locks(absences)
    found = {}
    for pk in reports.keys() | lines.keys():
        by_run = {run.pk: (text, run) for text, run in reports.get(pk, ())}
        by_run.update({run.pk: (text, run) for text, run in lines.get(pk, ())})
        found[pk] = sorted(by_run.values(), key=lambda lock: (lock[1].payment_date, lock[1].pk))
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
    by_pk = {a.pk: a for a in absences}
    originals = {
        pk: list({_original(run).pk: _original(run) for _text, run in used}.values())
        for pk, used in locks.items()
    }
    drafts = _draft_corrections(
        (run.pk, by_pk[pk].employee_id) for pk, runs in originals.items() for run in runs
    )
    for pk, used in locks.items():
        text = " ".join(reason for reason, _run in used)
        ready = [
            drafts[(run.pk, by_pk[pk].employee_id)]
            for run in originals[pk]
            if (run.pk, by_pk[pk].employee_id) in drafts
        ]
        if not ready:
            found[pk] = (f"{text} {_how()}", None)
        else:
            if len(ready) == 1:
                how = _("It can be removed or changed with the draft correction run %(run)s.") % {
                    "run": run_name(ready[0])
                }
            else:
                how = _("It can be removed or changed with the draft correction runs %(runs)s.") % {
                    "runs": ", ".join(run_name(draft) for draft in ready)
                }
            found[pk] = (f"{text} {how}", ready[0])
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
