"""A project's status from its own data (reads only): the facts of a weekly status report
(phases and slip, tasks done and due, hours used and left, open risks and decisions, the next
meetings) and the health indicator (on time / at risk / late) the vendor's project list shows.

The thresholds are product choices of ours, not statutory figures: a project is *late* when a
phase is more than ``LATE_AFTER_DAYS`` behind its agreed target or a module's contracted hours
are used up; *at risk* when anything is behind, a customer-visible task is overdue, a row of
hours has used 80 % (``selectors.HOURS_WARN_SHARE``) or the project is on hold."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .models import (
    ChangeRequest,
    Project,
    ScopeProposal,
    SpecVersion,
    Task,
    TimeEntry,
    TrainingSession,
)

LATE_AFTER_DAYS = 14
DUE_AHEAD_DAYS = 14

ON_TIME, AT_RISK, LATE = "on_time", "at_risk", "late"
HEALTH_LABELS = {
    ON_TIME: gettext_lazy("On time"),
    AT_RISK: gettext_lazy("At risk"),
    LATE: gettext_lazy("Late"),
}


def health(
    *,
    slip: int | None,
    overdue_tasks: int,
    hours_over: bool,
    hours_warn: bool,
    on_hold: bool = False,
) -> str:
    if (slip is not None and slip > LATE_AFTER_DAYS) or hours_over:
        return LATE
    if (slip is not None and slip > 0) or overdue_tasks or hours_warn or on_hold:
        return AT_RISK
    return ON_TIME


def health_of_rows(rows: list[dict], today: dt.date | None = None) -> None:
    """Add ``health`` and ``health_label`` to the project list's rows (``selectors.overview``):
    the hours of every listed project in one grouped query, the rest from what the rows hold."""
    today = today or timezone.localdate()
    projects = [row["project"] for row in rows]
    used: dict = defaultdict(Decimal)
    for row in (
        TimeEntry.objects.filter(project__in=projects)
        .exclude(kind=TimeEntry.Kind.OUT_OF_SCOPE)
        .values("project_id", "kind", "module")
        .annotate(total=Sum("hours"))
    ):
        used[(row["project_id"], row["kind"], row["module"])] += Decimal(str(row["total"] or 0))
    for row in rows:
        project = row["project"]
        contract = project.contract
        over = warn = False
        limits = [
            (
                TimeEntry.Kind.MODULE,
                code,
                Decimal(str((contract.module_hours or {}).get(code) or 0)),
            )
            for code in contract.modules or []
        ] + [(TimeEntry.Kind.TRAINING, "", Decimal(contract.training_hours))]
        for kind, code, contracted in limits:
            spent = used[(project.pk, kind, code)]
            if contracted > 0 and spent > contracted:
                over = True
            elif contracted > 0 and spent >= contracted * selectors.HOURS_WARN_SHARE:
                warn = True
        overdue = sum(
            1
            for t in project.tasks.all()
            if t.customer_visible
            and t.status != Task.Status.DONE
            and t.due_on is not None
            and t.due_on < today
        )
        row["health"] = health(
            slip=row["slip"],
            overdue_tasks=overdue,
            hours_over=over,
            hours_warn=warn,
            on_hold=project.status == Project.Status.ON_HOLD,
        )
        row["health_label"] = HEALTH_LABELS[row["health"]]


def week_of(day: dt.date) -> tuple[int, int]:
    year, week, _weekday = day.isocalendar()
    return year, week


def report_title(day: dt.date) -> str:
    year, week = week_of(day)
    return _("Status report, week %(week)s/%(year)s") % {"week": week, "year": year}


def report_facts(project: Project, today: dt.date | None = None) -> dict:
    """Everything a status report says, from the project's own rows."""
    today = today or timezone.localdate()
    week_ago = today - dt.timedelta(days=7)
    phases = list(project.phases.order_by("kind"))
    slip = selectors.project_slip(phases, today)
    tasks = list(project.tasks.select_related("owner", "phase"))
    done = [
        t
        for t in tasks
        if t.status == Task.Status.DONE
        and t.completed_at
        and timezone.localtime(t.completed_at).date() > week_ago
    ]
    open_tasks = [t for t in tasks if t.status != Task.Status.DONE]
    overdue = [t for t in open_tasks if t.due_on and t.due_on < today]
    due = [
        t
        for t in open_tasks
        if t.due_on and today <= t.due_on <= today + dt.timedelta(days=DUE_AHEAD_DAYS)
    ]
    hours = selectors.hours_summary(project)
    risks = []
    if slip is not None and slip > 0:
        risks.append(_("The schedule is %(days)s days behind the agreed target.") % {"days": slip})
    for t in overdue:
        risks.append(
            _("Overdue: %(title)s (due %(date)s)%(reason)s")
            % {
                "title": t.title,
                "date": t.due_on.strftime("%d.%m.%Y"),
                "reason": f" — {t.overdue_reason}" if t.overdue_reason else "",
            }
        )
    risks.extend(hours["warnings"])
    if project.status == Project.Status.ON_HOLD:
        risks.append(_("The project is on hold: %(reason)s") % {"reason": project.status_reason})
    decisions = [
        _("Specification %(title)s v%(n)s awaits the customer's approval.")
        % {"title": v.spec.title, "n": v.number}
        for v in SpecVersion.objects.filter(
            spec__project=project, status=SpecVersion.Status.IN_REVIEW
        ).select_related("spec")
    ]
    decisions += [
        _("Change request “%(title)s” is quoted and awaits the customer's decision.")
        % {"title": cr.title}
        for cr in project.change_requests.filter(status=ChangeRequest.Status.QUOTED)
    ]
    decisions += [
        _("The customer's proposal “%(title)s” awaits the vendor's answer.") % {"title": p.title}
        for p in project.proposals.filter(status=ScopeProposal.Status.OPEN)
    ]
    now = timezone.now()
    meetings = list(project.meetings.filter(starts_at__gte=now).order_by("starts_at")[:3])
    trainings = list(
        project.trainings.filter(
            Q(status=TrainingSession.Status.PLANNED) | Q(status=TrainingSession.Status.CONFIRMED),
            starts_at__gte=now,
        ).order_by("starts_at")[:2]
    )
    return {
        "project": project,
        "today": today,
        "phases": phases,
        "slip": slip,
        "done": done,
        "due": due,
        "overdue": overdue,
        "hours": hours,
        "risks": risks,
        "decisions": decisions,
        "meetings": meetings,
        "trainings": trainings,
        "health": health(
            slip=slip,
            overdue_tasks=sum(1 for t in overdue if t.customer_visible),
            hours_over=any(r["over"] for r in hours["rows"]),
            hours_warn=any(r["warn"] for r in hours["rows"]),
            on_hold=project.status == Project.Status.ON_HOLD,
        ),
    }
