"""Helpers shared by the delivery API's modules: the router and user look-ups."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Router

from tase.core.models import User

from .. import selectors
from ..models import Phase, Project

router = Router(tags=["delivery"])


# -- helpers ---------------------------------------------------------------------------------


def _users(ids) -> list[User]:
    if any(not 0 < i < 2**63 for i in ids):
        raise ValidationError({"participant_ids": "Unknown user."})
    users = list(User.objects.filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise ValidationError({"participant_ids": "Unknown user."})
    return users


def _user(pk, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if user is None:
        raise ValidationError({field: "Unknown user."})
    return user


def _project_detail(project: Project) -> dict:
    phases = list(Phase.objects.filter(project=project).order_by("kind"))
    return {
        **{
            f: getattr(project, f)
            for f in (
                "id",
                "organization_id",
                "contract_id",
                "name",
                "status",
                "status_reason",
                "kickoff_on",
                "lead_id",
                "test_company_id",
                "baseline_set_at",
            )
        },
        "consultant_ids": [u.pk for u in project.consultants.all()],
        "phases": phases,
        "slip_days": selectors.project_slip(phases),
        "training_hours": selectors.training_hours(project),
    }
