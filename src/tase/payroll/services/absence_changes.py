"""Changing or removing an absence that a settled pay run used, with correction runs.

An absence a settled run used (its lines, or the absence data of its Incomes Register report,
:mod:`.absence_locks`) is not changed or removed in place: that would leave a payslip and a
report that no record explains. A payroll clerk corrects it as any settled pay, with a
correction run:

- **one correction run per pay run concerned**, created together in one transaction (a
  draft correction of that run naming the employee is used when there is one): each settled
  regular run with a payslip of the employee whose pay period the absence falls in - for a
  change, before or after it (a sick leave made longer into the next month). A run whose pay
  and report the change turns out not to touch gets a correction all the same: approving it
  produces no report, and the change waits for no run the clerk did not see. Each is paid
  on the date given (by default today, or the original payment date when that is later);
- each carries the change (:class:`~tase.payroll.models.AbsenceChange`): its lines from the
  absence become the difference between what the changed absence makes in its own pay
  period and what was paid (:func:`.absences.absence_lines`), and it is calculated and its
  replacement report made with the absence as changed in its period (:mod:`.absence_view`);
  the new absence data is reported even when no pay changes;
- **the absence changes (or goes) when the last of them is approved.** Until then it stays as
  recorded for everything else, and a correction approved already keeps the change for its
  own period (a later correction of that run reports it too);
- **deleting a draft correction keeps the absence as it is**: the change is released from all
  of the runs (the other drafts lose their lines from the absence and are calculated again).
  Once one of them is approved the others can no longer be deleted: the message names the
  approved one (approve the others to finish the change).

The Register is corrected so: the replacement report of the same report reference re-enters
all of its data, the absence data included (vero.fi, "Korvaava ilmoitus" and
"Poissaolotietojen korjaaminen: usein kysyttyä"); each carries the absence data of its own
pay period. An absence no settled run used is changed directly (:func:`update_absence`).
"""

from __future__ import annotations

import copy
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit

from ..models import Absence, AbsenceChange, Employee, PayItem, PayRun, Payslip
from .absence_view import SETTLED
from .absences import ABSENCE_SOURCE, absence_lines, check_dates, check_free
from .common import require
from .corrections import create_correction_run, run_name

FIELDS = ("kind", "start_date", "end_date", "paid", "note")


def _names(runs) -> str:
    return ", ".join(run_name(run) for run in runs)


def _pending(absence: Absence) -> list[AbsenceChange]:
    return list(AbsenceChange.objects.filter(absence=absence).select_related("run").order_by("pk"))


def _refuse_pending(absence: Absence) -> None:
    pending = _pending(absence)
    if pending:
        raise ValidationError(
            {
                "absence": _(
                    "The absence is changed or removed with the correction runs %(runs)s "
                    "already: approve them, or delete a draft of them to keep it as it is."
                )
                % {"runs": _names(change.run for change in pending)}
            }
        )


def used_runs(absence: Absence) -> list[PayRun]:
    """The settled regular runs of the employee whose pay period the absence falls in, by
    payment date, when a settled run used it (its lines or its report, :mod:`.absence_locks`);
    none when none did (then it is changed or removed directly)."""
    from .absence_locks import _line_locks, _report_locks

    if absence.pk not in _line_locks([absence]) and absence.pk not in _report_locks([absence]):
        return []
    return _runs_reached(absence.employee, absence.start_date, absence.end_date)


def _runs_reached(employee: Employee, start: dt.date, end: dt.date) -> list[PayRun]:
    """The settled regular runs with a payslip of ``employee`` whose pay period shares a day
    with ``start`` - ``end``."""
    paid = Payslip.objects.filter(employee=employee).values("pay_run_id")
    return list(
        PayRun.objects.filter(
            pk__in=paid,
            kind=PayRun.Kind.REGULAR,
            status__in=SETTLED,
            period_start__lte=end,
            period_end__gte=start,
        ).order_by("payment_date", "pk")
    )


def _correction_runs(actor, absence: Absence, originals, payment_date) -> list[PayRun]:
    """A draft correction run of each of ``originals`` naming the employee: the latest one
    there is, else a new one paid on ``payment_date`` (default: today, or the original
    payment date when later)."""
    from .absence_locks import _draft_corrections

    employee = absence.employee
    drafts = _draft_corrections((run.pk, employee.pk) for run in originals)
    runs = []
    for original in originals:
        draft = drafts.get((original.pk, employee.pk))
        if draft is None:
            paid_on = payment_date or max(timezone.localdate(), original.payment_date)
            draft = create_correction_run(
                actor, original, payment_date=paid_on, employees=[employee]
            )
        runs.append(PayRun.objects.select_for_update().get(pk=draft.pk))
    return runs


def _nothing_used(text: str) -> ValidationError:
    return ValidationError({"absence": text})


def _check_fields(employee: Employee, absence: Absence, data: dict) -> dict:
    """The new fields of ``absence``, checked as a recorded absence is (naming the field):
    the kind, the dates in order and within an employment, no other absence or holiday of
    the employee on them (nor another absence's pending change)."""
    kind = data.get("kind")
    if kind not in Absence.Kind.values:
        raise ValidationError(
            {"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Absence.Kind.values)}}
        )
    start, end = check_dates(employee, data.get("start_date"), data.get("end_date"))
    check_free(
        employee, start, end, "start_date", exclude=absence.pk, holidays=kind != Absence.Kind.SICK
    )
    if absence.holiday_postponements.exists():
        # The postponement's days were computed from the absence as it is (25 §).
        raise ValidationError(
            {
                "start_date": _(
                    "A holiday was postponed for this incapacity: remove the postponement "
                    "(or the holiday) before changing the absence."
                )
            }
        )
    other = (
        AbsenceChange.objects.filter(
            absence__employee=employee,
            remove=False,
            start_date__lte=end,
            end_date__gte=start,
        )
        .exclude(absence=absence)
        .select_related("run")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "start_date": _(
                    "Overlaps an absence of the employee as the correction run %(run)s changes it."
                )
                % {"run": run_name(other.run)}
            }
        )
    return {
        "kind": kind,
        "start_date": start,
        "end_date": end,
        "paid": bool(data.get("paid")) and kind == Absence.Kind.OTHER,
        "note": (data.get("note") or "")[:200],
    }


def _as_text(values: dict) -> dict:
    return {k: str(v) if isinstance(v, dt.date) else v for k, v in values.items()}


def _before(absence: Absence) -> dict:
    return {name: getattr(absence, name) for name in FIELDS}


@transaction.atomic
def change_with_correction(actor, absence: Absence, *, payment_date=None, **data) -> list[PayRun]:
    """Change ``absence``, which settled runs used, to ``data`` (kind, start_date, end_date,
    paid, note) with a correction run of each pay run concerned (the module's rule): the
    corrections carry the change and their lines from the absence are made again as
    differences; approving the last of them changes the absence. Returns the correction
    runs. Bad input is refused naming the field, nothing written."""
    require(actor, absence.company, "payroll.manage")
    # One writer per employee at a time: the overlap check holds until the commit.
    employee = Employee.objects.select_for_update().get(pk=absence.employee_id)
    absence = Absence.objects.select_for_update().select_related("employee").get(pk=absence.pk)
    _refuse_pending(absence)
    new = _check_fields(employee, absence, data)
    if new == _before(absence):
        raise ValidationError({"absence": _("The absence is already as given: nothing changes.")})
    used = used_runs(absence)
    if not used:
        raise _nothing_used(
            _("No approved pay run used this absence: change it directly (without a correction).")
        )
    originals = {run.pk: run for run in used}
    for start, end in (
        (absence.start_date, absence.end_date),
        (new["start_date"], new["end_date"]),
    ):
        for run in _runs_reached(employee, start, end):
            originals.setdefault(run.pk, run)
    ordered = sorted(originals.values(), key=lambda run: (run.payment_date, run.pk))
    runs = _correction_runs(actor, absence, ordered, _day(payment_date))
    AbsenceChange.objects.bulk_create(
        AbsenceChange(company=absence.company, absence=absence, run=run, **new) for run in runs
    )
    for run in runs:
        absence_lines(actor, run, absence_ids=[absence.pk])
    audit.record(
        actor.user,
        "change_with_correction",
        absence,
        company=absence.company,
        changes={
            **{
                name: [str(before), str(new[name])]
                for name, before in _as_text(_before(absence)).items()
                if before != _as_text(new)[name]
            },
            "runs": [None, [run.pk for run in runs]],
        },
    )
    return runs


@transaction.atomic
def remove_with_correction(actor, absence: Absence, *, payment_date=None) -> list[PayRun]:
    """Remove ``absence``, which settled runs used, with a correction run of each of them
    (the module's rule): the corrections are calculated and reported without it, and
    approving the last of them deletes it. Returns the correction runs."""
    require(actor, absence.company, "payroll.manage")
    absence = Absence.objects.select_for_update().select_related("employee").get(pk=absence.pk)
    _refuse_pending(absence)
    used = used_runs(absence)
    if not used:
        raise _nothing_used(_("No approved pay run used this absence: remove it directly."))
    runs = _correction_runs(actor, absence, used, _day(payment_date))
    AbsenceChange.objects.bulk_create(
        AbsenceChange(company=absence.company, absence=absence, run=run, remove=True)
        for run in runs
    )
    for run in runs:
        absence_lines(actor, run, absence_ids=[absence.pk])
    audit.record(
        actor.user,
        "remove_with_correction",
        absence,
        company=absence.company,
        changes={"removed_with": [None, [run.pk for run in runs]]},
    )
    return runs


def _day(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({"payment_date": _("Enter a date.")}) from None


@transaction.atomic
def update_absence(actor, absence: Absence, **data) -> tuple[Absence, list[PayRun]]:
    """Change an absence no settled run used, in place (checked as a recorded absence is);
    the draft runs with lines from it lose them and are to be calculated again (returned
    with it). One a settled run used is refused naming the run: change it with a
    correction (:func:`change_with_correction`)."""
    from .absence_locks import removal_locks

    require(actor, absence.company, "payroll.manage")
    employee = Employee.objects.select_for_update().get(pk=absence.employee_id)
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    reason = removal_locks([absence]).get(absence.pk)
    if reason:
        raise ValidationError({"absence": reason})
    new = _check_fields(employee, absence, {**_before(absence), **data})
    before = _before(absence)
    source = f"{ABSENCE_SOURCE}{absence.pk}"
    drafts = list(
        PayRun.objects.select_for_update()
        .filter(pk__in=PayItem.objects.filter(source=source).values("pay_run_id"))
        .filter(status=PayRun.Status.DRAFT)
    )
    if drafts:
        PayItem.objects.filter(pay_run__in=drafts, source=source).delete()
        PayRun.objects.filter(pk__in=[run.pk for run in drafts]).update(
            stale=True, revision=F("revision") + 1
        )
    for name, value in new.items():
        setattr(absence, name, value)
    absence.save(update_fields=list(FIELDS))
    old, now = _as_text(before), _as_text(new)
    audit.record(
        actor.user,
        "update",
        absence,
        company=absence.company,
        changes={name: [old[name], now[name]] for name in FIELDS if old[name] != now[name]},
    )
    return absence, drafts


def apply_changes(actor, run: PayRun) -> int:
    """Change or delete the absences whose change the correction ``run`` (being approved,
    inside the approving transaction, before its reports are made) is the last of; the open
    draft runs with lines from such an absence have them made again, and those it reaches
    without lines from it are warned (:mod:`.absence_follow`). Returns how many changed."""
    from .absence_follow import follow_change

    done = 0
    for change in AbsenceChange.objects.filter(run=run).select_related("absence"):
        others = AbsenceChange.objects.filter(absence_id=change.absence_id).exclude(run=run)
        if others.exclude(run__status__in=SETTLED).exists():
            continue  # a correction of another pay period is still a draft
        absence = (
            Absence.objects.select_for_update().select_related("employee").get(pk=change.absence_id)
        )
        before = copy.copy(absence)
        runs = [run.pk, *others.values_list("run_id", flat=True)]
        if change.remove:
            audit.record(
                actor.user,
                "delete",
                absence,
                company=absence.company,
                changes={
                    "dates": [f"{absence.start_date}/{absence.end_date}", None],
                    "removed_with": [runs, None],
                },
            )
            absence.delete()
        else:
            old = _as_text(_before(absence))
            for name in FIELDS:
                setattr(absence, name, getattr(change, name))
            absence.save(update_fields=list(FIELDS))
            now = _as_text(_before(absence))
            audit.record(
                actor.user,
                "update",
                absence,
                company=absence.company,
                changes={
                    **{n: [old[n], now[n]] for n in FIELDS if old[n] != now[n]},
                    "changed_with": [None, runs],
                },
            )
            AbsenceChange.objects.filter(absence=absence).delete()
        # Open drafts of the company with lines from it, or that it reaches, follow.
        follow_change(actor, change, before, run)
        done += 1
    return done


def release_changes(actor, run: PayRun) -> None:
    """Before the draft correction ``run`` is deleted: the absences it changes or removes are
    kept as they are, so the change is released from the other correction runs that carry
    it (their lines from the absence go, and they are to be calculated again). Refused,
    naming the run, when one of those is approved already."""
    for change in AbsenceChange.objects.filter(run=run).select_related("absence"):
        others = list(
            AbsenceChange.objects.filter(absence_id=change.absence_id)
            .exclude(run=run)
            .select_related("run")
        )
        settled = [other.run for other in others if other.run.status in SETTLED]
        if settled:
            raise ValidationError(
                {
                    "status": _(
                        "The correction run %(runs)s, approved already, changes the absence "
                        "%(dates)s together with this one: approve this one too to finish "
                        "the change."
                    )
                    % {
                        "runs": _names(settled),
                        "dates": f"{change.absence.start_date:%d.%m.%Y}-"
                        f"{change.absence.end_date:%d.%m.%Y}",
                    }
                }
            )
        source = f"{ABSENCE_SOURCE}{change.absence_id}"
        drafts = [other.run.pk for other in others]
        if drafts:
            PayItem.objects.filter(pay_run_id__in=drafts, source=source).delete()
            PayRun.objects.filter(pk__in=drafts).update(stale=True, revision=F("revision") + 1)
        AbsenceChange.objects.filter(absence_id=change.absence_id).delete()
        audit.record(
            actor.user,
            "release_absence_change",
            change.absence,
            company=change.absence.company,
            changes={"runs": [[run.pk, *drafts], None]},
        )
