"""Hours against the contract: training hours booked and left, and hours logged per module."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import hooks
from ..models import (
    Module,
    Project,
    TimeEntry,
    TrainingSession,
)


def training_hours(project_: Project) -> dict:
    sessions = list(project_.trainings.exclude(status=TrainingSession.Status.CANCELLED))
    contracted = Decimal(project_.contract.training_hours)
    extra = hooks.extra_training_hours(project_.organization)
    used = sum((s.hours for s in sessions if s.status == TrainingSession.Status.HELD), Decimal(0))
    booked = sum(
        (s.hours for s in sessions if s.status == TrainingSession.Status.CONFIRMED), Decimal(0)
    )
    return {
        "contracted": contracted,
        "extra": extra,
        "used": used,
        "booked": booked,
        "left": contracted + extra - used,
    }


# Warn once this share of a module's (or the training's) contracted hours is used. A product
# choice of ours, not a statutory figure.
HOURS_WARN_SHARE = Decimal("0.8")
CENTI = Decimal("0.01")


def _hours_row(label: str, contracted: Decimal, used: Decimal, key: str = "") -> dict:
    contracted, used = contracted.quantize(CENTI), used.quantize(CENTI)
    left = contracted - used
    return {
        "key": key,
        "label": label,
        "contracted": contracted,
        "used": used,
        "left": left,
        "over": (contracted > 0 and left < 0) or (contracted == 0 and used > 0),
        "warn": contracted > 0 and used >= contracted * HOURS_WARN_SHARE,
    }


def hours_summary(project_: Project) -> dict:
    """Hours logged against the contract, summed in the database: per contracted module and
    for the training (the contract's hours plus approved extra-training orders), used and
    left, with a warning when a row has used 80 % or more; and the out-of-scope hours, those
    already on a change request and those waiting for one."""
    used: dict = defaultdict(Decimal)
    open_out = on_cr = Decimal(0)
    for row in (
        TimeEntry.objects.filter(project=project_)
        .annotate(open=Q(change_request__isnull=True))
        .values("kind", "module", "open")
        .annotate(total=Sum("hours"))
    ):
        # SQLite sums decimals as floats or trims their zeros: back to hundredths of an hour.
        total = Decimal(str(row["total"] or 0)).quantize(CENTI)
        if row["kind"] == TimeEntry.Kind.OUT_OF_SCOPE:
            if row["open"]:
                open_out += total
            else:
                on_cr += total
        else:
            used[(row["kind"], row["module"])] += total
    contract = project_.contract
    labels = dict(Module.choices)
    modules = [
        _hours_row(
            str(labels.get(code, code)),
            Decimal(str((contract.module_hours or {}).get(code) or 0)),
            used[(TimeEntry.Kind.MODULE, code)],
            code,
        )
        for code in contract.modules or []
    ]
    training_contracted = Decimal(contract.training_hours) + hooks.extra_training_hours(
        project_.organization
    )
    training = _hours_row(
        _("Training"), training_contracted, used[(TimeEntry.Kind.TRAINING, "")], "training"
    )
    rows = [*modules, training]
    warnings = []
    for row in rows:
        if row["over"]:
            warnings.append(
                _("%(label)s: %(used)s h used of %(contracted)s h contracted, over by %(over)s h.")
                % {
                    "label": row["label"],
                    "used": _h(row["used"]),
                    "contracted": _h(row["contracted"]),
                    "over": _h(-row["left"]),
                }
            )
        elif row["warn"]:
            warnings.append(
                _("%(label)s: only %(left)s h of %(contracted)s h left.")
                % {
                    "label": row["label"],
                    "left": _h(row["left"]),
                    "contracted": _h(row["contracted"]),
                }
            )
    return {
        "modules": modules,
        "training": training,
        "rows": rows,
        "used": sum((r["used"] for r in rows), Decimal(0)),
        "contracted": sum((r["contracted"] for r in rows), Decimal(0)),
        "left": sum((r["left"] for r in rows), Decimal(0)),
        "out_of_scope_open": open_out.quantize(CENTI),
        "out_of_scope_on_change_requests": on_cr,
        "warnings": warnings,
    }


def _h(value: Decimal) -> str:
    """Hours the Finnish way when the UI speaks Finnish (12,5), else 12.5."""
    from django.utils.formats import number_format

    return number_format(
        value.quantize(Decimal(1)) if value == value.to_integral() else value, use_l10n=True
    )


def training_open_for_questions(session: TrainingSession) -> bool:
    return (
        session.status
        in (
            TrainingSession.Status.PLANNED,
            TrainingSession.Status.CONFIRMED,
        )
        and session.starts_at > timezone.now()
    )


def time_entries(project_: Project) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(project=project_).select_related(
        "user", "task", "training", "change_request"
    )
