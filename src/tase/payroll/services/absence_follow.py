"""Draft pay runs follow an absence that a correction run finally changes or removes.

An absence a settled run used is changed or removed with correction runs
(:mod:`.absence_changes`), and the record itself changes when the last of them is approved.
A draft regular run of a later (or the same) pay period may by then have lines generated
from the absence as it was recorded ("Lines from absences", :func:`.absences.absence_lines`):
sick pay or a deduction for days that are no longer (or are now differently) absent. What a
payroll clerk expects of it, and what Tase does, when the change applies:

- **a draft that carries lines generated from the absence has them made again** from the
  absence as changed (a removed absence's lines go), as the clerk's "Lines from absences"
  would make them, and is left to be calculated again. Those lines are Tase's, made from a
  record that no longer holds: keeping them pays or deducts the wrong days, and taking them
  away without new ones (as a direct change of an unused absence does) drops sick pay the
  employee is owed. Only the lines of that absence are touched: lines the clerk entered
  (mass entry, CSV, a line added by hand) have no source and stay. The run shows what was
  made again and why, until its lines from absences are made again or it is approved;
- **a draft the absence reaches (before or after the change) without lines from it is not
  changed**: the clerk may not have made lines from absences for it yet, or may have entered
  the absence's pay by hand, and lines added behind their back could pay it twice. It shows a
  warning naming the absence and the correction run, with one click to make its lines from
  absences again; approving it without doing so needs the approver's confirmation, like the
  run's other warnings (:func:`.plausibility.pay_run_warnings`).

Regular drafts only: a draft correction of a run the absence reached carries the change
itself (:func:`.absence_changes._correction_runs`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from tase.core import audit

from ..models import Absence, AbsenceChange, PayItem, PayRun
from .absences import ABSENCE_SOURCE, replace_absence_lines
from .corrections import _fi_day, run_name


def follow_change(actor, change: AbsenceChange, before: Absence, by: PayRun) -> list[PayRun]:
    """After ``change`` (carried by the correction run ``by``, being approved) has changed
    or removed the absence, which was ``before`` (an unsaved copy of it as recorded): the
    open regular drafts of the company with the employee that had lines from it or whose pay
    period it reached before or after, refreshed or warned (the module's rule). Returns the
    drafts refreshed or warned, by payment date."""
    source = f"{ABSENCE_SOURCE}{before.pk}"
    spans = [(before.start_date, before.end_date)]
    if not change.remove:
        spans.append((change.start_date, change.end_date))
    reach = Q(items__source=source)
    for start, end in spans:
        reach |= Q(period_start__lte=end, period_end__gte=start)
    drafts = list(
        PayRun.objects.select_for_update()
        .filter(
            company_id=before.company_id,
            kind=PayRun.Kind.REGULAR,
            status=PayRun.Status.DRAFT,
            employees=before.employee_id,
        )
        .filter(pk__in=PayRun.objects.filter(reach).values("pk"))
        .order_by("payment_date", "pk")
    )
    with_lines = set(
        PayItem.objects.filter(pay_run__in=drafts, source=source).values_list(
            "pay_run_id", flat=True
        )
    )
    now = change if not change.remove else before
    for draft in drafts:
        refreshed = draft.pk in with_lines
        if refreshed:
            replace_absence_lines(draft, [before.pk])
            draft.refresh_from_db(fields=["absence_notices"])
        notice = {
            "absence": before.pk,
            "employee": before.employee.name,
            "kind": now.kind,
            "start": now.start_date.isoformat(),
            "end": now.end_date.isoformat(),
            "before": [before.start_date.isoformat(), before.end_date.isoformat()],
            "removed": change.remove,
            "refreshed": refreshed,
            "run": run_name(by),
        }
        notices = [n for n in draft.absence_notices if n["absence"] != before.pk]
        PayRun.objects.filter(pk=draft.pk).update(absence_notices=[*notices, notice])
        audit.record(
            actor.user,
            "absence_lines_refreshed" if refreshed else "absence_lines_stale",
            draft,
            company=draft.company,
            changes={"absence": [None, before.pk], "correction_run": [None, by.pk]},
        )
    return drafts


def _dates(start: str, end: str) -> str:
    """The days in the Finnish form of :func:`.corrections.run_name` (2.3.-4.3.2026)."""
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return f"{_fi_day(first, first.year != last.year)}-{_fi_day(last)}"


def notice_text(notice: dict) -> str:
    """One notice of :func:`follow_change` in the current language."""
    values = {
        "employee": notice["employee"],
        "kind": Absence.Kind(notice["kind"]).label.lower(),
        "dates": _dates(notice["start"], notice["end"]),
        "before": _dates(*notice["before"]),
        "run": notice["run"],
    }
    if notice["refreshed"] and notice["removed"]:
        text = _(
            "The correction run %(run)s removed the absence of %(employee)s (%(kind)s "
            "%(dates)s): its lines were taken off this run. Calculate the run again."
        )
    elif notice["refreshed"]:
        text = _(
            "The correction run %(run)s changed the absence of %(employee)s (%(before)s) to "
            "%(kind)s %(dates)s: its lines on this run were made again. Calculate the run "
            "again and check them."
        )
    elif notice["removed"]:
        text = _(
            "The correction run %(run)s removed the absence of %(employee)s (%(kind)s "
            "%(dates)s), and this run has no lines made from it: check the lines entered for "
            "it by hand, or make the lines from absences again."
        )
    else:
        text = _(
            "The correction run %(run)s changed the absence of %(employee)s (%(before)s) to "
            "%(kind)s %(dates)s, and this run has no lines made from it: make the lines from "
            "absences again, or check the lines entered for it by hand."
        )
    return text % values


def absence_notices(run: PayRun) -> list[str]:
    """The notices of the draft ``run`` (none once approved)."""
    return [notice_text(n) for n in run.absence_notices] if run.is_draft else []


def stale_warnings(run: PayRun) -> list[str]:
    """The notices of the draft ``run`` that need the approver's confirmation: absences
    changed or removed since, whose lines were not made again."""
    if not run.is_draft:
        return []
    return [notice_text(n) for n in run.absence_notices if not n["refreshed"]]
