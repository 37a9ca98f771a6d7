"""The schedule: planned and baseline phase dates, and the actual dates inferred from the
work or set by hand."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.access import Actor

from ..models import (
    Meeting,
    Phase,
    PhaseKind,
    Project,
    Task,
    TrainingSession,
)
from ._common import FIRST_YEAR, LAST_YEAR, _date, _writable


def _validate_phases(project: Project, dates: dict[int, tuple]) -> None:
    """Refuse dates out of order: an end before its start, a phase before the kickoff or
    before the phase preceding it (a go-live before the kickoff among them)."""
    errors = {}
    for kind in sorted(dates):
        start, end = dates[kind]
        label = PhaseKind(kind).label
        for field, value in ((f"phase_{kind}_start", start), (f"phase_{kind}_end", end)):
            if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
                errors[field] = _("Give a date between %(a)s and %(b)s.") % {
                    "a": FIRST_YEAR,
                    "b": LAST_YEAR,
                }
        if errors:
            continue
        if start is None:
            errors[f"phase_{kind}_start"] = _("%(phase)s: give the start date.") % {"phase": label}
            continue
        if end is not None and end < start:
            errors[f"phase_{kind}_end"] = _(
                "%(phase)s cannot end (%(end)s) before it starts (%(start)s)."
            ) % {
                "phase": label,
                "end": end.strftime("%d.%m.%Y"),
                "start": start.strftime("%d.%m.%Y"),
            }
        if start < project.kickoff_on:
            errors[f"phase_{kind}_start"] = _(
                "%(phase)s cannot start before the kickoff (%(kickoff)s)."
            ) % {"phase": label, "kickoff": project.kickoff_on.strftime("%d.%m.%Y")}
        previous = dates.get(kind - 1)
        if previous and previous[0] and start < previous[0]:
            errors.setdefault(
                f"phase_{kind}_start",
                _("%(phase)s cannot start before %(previous)s starts.")
                % {"phase": label, "previous": PhaseKind(kind - 1).label},
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reschedule(
    actor: Actor, project: Project, dates: dict[int, tuple], *, set_baseline: bool = False
) -> Project:
    """Change the planned dates of phases; with ``set_baseline`` they become the agreed target
    schedule (tavoiteaikataulu) that later slips are measured against."""
    actor.require("delivery.manage", project.organization)
    _writable(project)
    if project.status == Project.Status.MAINTENANCE and set_baseline:
        raise ValidationError({"project": _("The project is already in maintenance.")})
    phases = {p.kind: p for p in project.phases.select_for_update()}
    merged = {k: (p.planned_start, p.planned_end) for k, p in phases.items()}
    merged.update({int(k): v for k, v in dates.items()})
    _validate_phases(project, merged)
    changes = {}
    for kind, (start, end) in merged.items():
        phase = phases[kind]
        if (phase.planned_start, phase.planned_end) != (start, end):
            changes[f"phase_{kind}"] = [
                [audit._plain(phase.planned_start), audit._plain(phase.planned_end)],
                [audit._plain(start), audit._plain(end)],
            ]
            phase.planned_start, phase.planned_end = start, end
        if set_baseline:
            phase.baseline_start, phase.baseline_end = start, end
        phase.save()
    if set_baseline:
        project.baseline_set_at = timezone.now()
        project.baseline_set_by = actor.user
        project.save(update_fields=["baseline_set_at", "baseline_set_by"])
        changes["baseline"] = [
            None,
            {str(k): [audit._plain(s), audit._plain(e)] for k, (s, e) in merged.items()},
        ]
    audit.record(
        actor.user, "set_baseline" if set_baseline else "reschedule", project, changes=changes
    )
    return project


@transaction.atomic
def record_phase_progress(
    actor: Actor, phase: Phase, *, actual_start: dt.date | None, actual_end: dt.date | None
) -> Phase:
    """The lead corrects a phase's actual dates by hand. A date given wins over the one inferred
    from the work (and says so); a date left empty goes back to being inferred."""
    actor.require("delivery.manage", phase.organization)
    _writable(phase.project)
    label = phase.get_kind_display()
    _date(actual_start, "actual_start")
    _date(actual_end, "actual_end")
    if actual_end and not actual_start and not phase.actual_start:
        raise ValidationError(
            {"actual_start": _("%(phase)s: give the actual start first.") % {"phase": label}}
        )
    start = actual_start or phase.actual_start
    if start and actual_end and actual_end < start:
        raise ValidationError(
            {"actual_end": _("%(phase)s cannot end before it starts.") % {"phase": label}}
        )
    if actual_start and actual_start < phase.project.kickoff_on:
        raise ValidationError(
            {"actual_start": _("%(phase)s cannot start before the kickoff.") % {"phase": label}}
        )
    fields = ["actual_start", "actual_end", "actual_start_manual", "actual_end_manual"]
    before = audit.snapshot(phase, fields)
    phase.actual_start_manual = actual_start is not None
    phase.actual_end_manual = actual_end is not None
    if actual_start is not None:
        phase.actual_start = actual_start
    if actual_end is not None:
        phase.actual_end = actual_end
    phase.save(update_fields=fields)
    infer_phase_dates(phase.project)
    phase.refresh_from_db()
    audit.record(
        actor.user,
        "update",
        phase,
        changes=audit.changes_since(before, phase),
    )
    return phase


# Meetings that open a phase when they are held (status meetings belong to no phase).
MEETING_PHASES = {
    Meeting.Kind.KICKOFF: PhaseKind.KICKOFF,
    Meeting.Kind.WORKSHOP: PhaseKind.SPECIFICATION,
    Meeting.Kind.TRAINING: PhaseKind.TRAINING,
    Meeting.Kind.CLOSING: PhaseKind.GO_LIVE,
}


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def inferred_phase_dates(project: Project, now: dt.datetime | None = None) -> dict:
    """{phase kind: (start, end)} from the work: a phase starts when its first task starts or
    its first meeting (or training session) is held, and ends when its last task is done
    (only when every task of the phase is done). A phase does not start before the phase
    preceding it."""
    now = now or timezone.now()
    starts: dict[int, list[dt.date]] = {kind: [] for kind in PhaseKind.values}
    ends: dict[int, list[dt.date]] = {kind: [] for kind in PhaseKind.values}
    open_phases: set[int] = set()
    tasks = Task.objects.filter(project=project).values_list(
        "phase__kind", "status", "started_at", "completed_at", "auto_completed"
    )
    for kind, status, started_at, completed_at, auto_completed in tasks:
        moment = started_at or completed_at
        # A task its check completed (a state that held, perhaps from the day the project
        # was created) is no sign of when the phase's work started or ended.
        if moment is not None and not auto_completed:
            starts[kind].append(_day(moment))
        if status != Task.Status.DONE or completed_at is None:
            open_phases.add(kind)
        elif not auto_completed:
            ends[kind].append(_day(completed_at))
    meetings = project.meetings.filter(
        starts_at__lte=now, kind__in=list(MEETING_PHASES)
    ).values_list("kind", "starts_at")
    for kind, starts_at in meetings:
        starts[MEETING_PHASES[kind]].append(_day(starts_at))
    for starts_at in project.trainings.filter(status=TrainingSession.Status.HELD).values_list(
        "starts_at", flat=True
    ):
        starts[PhaseKind.TRAINING].append(_day(starts_at))
    result = {}
    previous_start = project.kickoff_on
    for kind in PhaseKind.values:
        start = max(min(starts[kind]), project.kickoff_on) if starts[kind] else None
        end = max(ends[kind]) if ends[kind] and kind not in open_phases else None
        if end is not None:
            start = min(start or end, end)
        if start is not None and previous_start is not None and start < previous_start:
            start = previous_start
            end = max(end, start) if end is not None else None
        previous_start = start or previous_start
        result[kind] = (start, end)
    return result


def infer_phase_dates(project: Project) -> list[Phase]:
    """Write the inferred actual dates of a running (or paused) project's phases, leaving the
    dates set by hand alone. A system write, audited as such; returns the phases changed."""
    if project.status not in (Project.Status.RUNNING, Project.Status.ON_HOLD):
        return []
    inferred = inferred_phase_dates(project)

    def moved(phase) -> bool:
        """Set the phase's inferred dates; whether they differ from its row's."""
        before = (phase.actual_start, phase.actual_end)
        if not phase.actual_start_manual:
            phase.actual_start = inferred[phase.kind][0]
        if not phase.actual_end_manual:
            phase.actual_end = inferred[phase.kind][1]
        if phase.actual_end and phase.actual_start is None:
            phase.actual_start = phase.actual_end
        if phase.actual_start and phase.actual_end and phase.actual_end < phase.actual_start:
            if phase.actual_end_manual:
                phase.actual_start = phase.actual_end
            else:
                phase.actual_end = phase.actual_start
        phase.before = before
        return (phase.actual_start, phase.actual_end) != before

    changed = []
    # Read first, lock and write only when a date moves: pages infer on every read.
    if not any(moved(phase) for phase in project.phases.all()):
        return changed
    with transaction.atomic():
        for phase in project.phases.select_for_update().order_by("kind"):
            if moved(phase):
                before, after = phase.before, (phase.actual_start, phase.actual_end)
                phase.save(update_fields=["actual_start", "actual_end"])
                audit.record(
                    None,
                    "infer_dates",
                    phase,
                    # by the phase's own fields, so the audit trail names them in Finnish
                    changes={
                        name: [audit._plain(was), audit._plain(now)]
                        for name, was, now in zip(
                            ("actual_start", "actual_end"), before, after, strict=True
                        )
                        if was != now
                    },
                )
                changed.append(phase)
    return changed
