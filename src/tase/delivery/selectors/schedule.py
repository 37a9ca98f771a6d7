"""A project's schedule: how far it slips, its current phase and its next milestone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import (
    Phase,
    PhaseKind,
)


def project_slip(phases: list[Phase], today: dt.date | None = None) -> int | None:
    """Days behind (+) or ahead (-) of the agreed target for the whole project: the worst
    slip of phases 1-5 when any is behind, else the go-live's (how far ahead it is)."""
    today = today or timezone.localdate()
    slips = {p.kind: p.slip_days(today) for p in phases if p.kind <= PhaseKind.GO_LIVE}
    if not slips or any(v is None for v in slips.values()):
        return None
    worst = max(slips.values())
    return worst if worst > 0 else slips.get(PhaseKind.GO_LIVE, worst)


def current_phase(phases: list[Phase]) -> Phase | None:
    """The first phase not yet ended (by actual end), else the last."""
    for phase in phases:
        if phase.actual_end is None:
            return phase
    return phases[-1] if phases else None


def next_milestone(phases: list[Phase], today: dt.date | None = None) -> dict | None:
    today = today or timezone.localdate()
    for phase in phases:
        if phase.actual_end is None and phase.planned_end and phase.planned_end >= today:
            return {"label": phase.get_kind_display(), "on": phase.planned_end}
    return None
