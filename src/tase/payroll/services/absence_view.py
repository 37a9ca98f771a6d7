"""The absences as a correction run sees them: with the changes and removals that wait for
correction runs (:class:`~tase.payroll.models.AbsenceChange`, made by :mod:`.absence_changes`)
applied.

A change applies to the calculations of one pay period: those of the correction run that
carries it, and, once that run is approved, of every later correction of the same pay run,
until the last correction of the change is approved and the absence record itself changes.
Everything else (regular runs, other periods) sees the absence as recorded."""

from __future__ import annotations

import copy

from django.db.models import Q

from ..models import Absence, AbsenceChange, PayRun

SETTLED = (PayRun.Status.APPROVED, PayRun.Status.PAID)


def changes_in_view(original: PayRun, correcting: PayRun | None = None) -> dict:
    """The changes that apply to the pay period of the regular run ``original``: those of
    its settled corrections and of the correction run ``correcting``, by absence id (one
    query)."""
    where = Q(run__corrects=original, run__kind=PayRun.Kind.CORRECTION, run__status__in=SETTLED)
    if correcting is not None:
        where |= Q(run=correcting)
    found = {}
    for change in AbsenceChange.objects.filter(where).order_by("pk"):
        found[change.absence_id] = change
    return found


def changed(absence: Absence, change: AbsenceChange | None) -> Absence | None:
    """``absence`` as ``change`` leaves it: an unsaved copy with the new fields (the same id,
    so its pay-run lines keep their source), None when it is removed, itself without a
    change."""
    if change is None:
        return absence
    if change.remove:
        return None
    row = copy.copy(absence)
    row.kind, row.start_date, row.end_date = change.kind, change.start_date, change.end_date
    row.paid, row.note = change.paid, change.note
    return row


def as_changed(absences, changes: dict) -> list[Absence]:
    """``absences`` with ``changes`` (of :func:`changes_in_view`) applied, removed ones left
    out."""
    result = []
    for absence in absences:
        row = changed(absence, changes.get(absence.pk))
        if row is not None:
            result.append(row)
    return result
