"""State checks and the go-live checklist: what holds, read against the production companies."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core.models import Membership, Organization
from tase.core.registry import STATE_CHECKS

from .. import hooks
from ..models import (
    Project,
    Task,
)


def check_state(code: str, organization: Organization) -> bool | None:
    """The registered check's answer, None if the code is not registered."""
    check = STATE_CHECKS.get(code)
    if check is None:
        return None
    try:
        return bool(check.check(organization))
    except Exception:  # a broken check of another app must not break the project page
        return False


def task_done(task_: Task, check_results: dict[str, bool | None]) -> bool:
    if task_.status == Task.Status.DONE:
        return True
    if task_.state_check:
        return bool(task_.check_overridden or check_results.get(task_.state_check))
    return False


READINESS = [
    ("delivery.spec_approved", "Specification approved"),
    ("delivery.implementation_done", "Implementation tasks done"),
    ("delivery.first_training_held", "First training held"),
    ("delivery.customer_tested", "Customer has tested"),
    ("delivery.closing_meeting", "Closing meeting with customer, account manager and project lead"),
]


def go_live_checklist(project_: Project, today: dt.date | None = None) -> list[dict]:
    """The readiness checklist, live: the fixed readiness items and every task tied to a
    state check, each with whether it holds and any override (who, why, when); then the gate's
    own conditions, which no one overrides: the kickoff has been reached, no customer-visible
    task is overdue without a written reason, and — when more than the set share of the items
    is overridden (``TASE_GO_LIVE_OVERRIDE_SHARE``) — the account manager has approved those
    overrides. An override of a customer-owned item or of the first training counts for nothing."""
    from django.conf import settings

    from ..checks import CUSTOMER_OWNED, NOT_OVERRIDABLE

    today = today or timezone.localdate()
    tasks = list(project_.tasks.filter(~Q(state_check="")).select_related("overridden_by"))
    by_code = {t.state_check: t for t in tasks}
    items = []
    codes = [code for code, _label in READINESS] + [
        t.state_check for t in tasks if t.state_check not in dict(READINESS)
    ]
    seen = set()
    for code in codes:
        if code in seen:
            continue
        seen.add(code)
        check = STATE_CHECKS.get(code)
        label = str(check.label) if check else code
        holds = check_state_for_project(code, project_)
        task_ = by_code.get(code)
        overridable = code not in NOT_OVERRIDABLE or code in CUSTOMER_OWNED
        overridden = bool(task_ and task_.check_overridden and overridable)
        if overridden and code in CUSTOMER_OWNED:  # counts only when the customer confirmed it
            overridden = Membership.objects.filter(
                user_id=task_.overridden_by_id,
                organization_id=project_.organization_id,
                is_active=True,
            ).exists()
        items.append(
            {
                "code": code,
                "label": label,
                "holds": bool(holds),
                "known": check is not None,
                "overridable": overridable,
                "overridden": overridden,
                "reason": task_.override_reason if overridden else "",
                "overridden_by": str(task_.overridden_by) if overridden else "",
                "overridden_at": task_.overridden_at if overridden else None,
                "task_id": task_.pk if task_ else None,
                "ok": bool(holds) or overridden,
                "detail": "",
            }
        )

    def gate(code, label, ok, detail=""):
        items.append(
            {
                "code": code,
                "label": str(label),
                "holds": ok,
                "known": True,
                "overridable": False,
                "overridden": False,
                "reason": "",
                "overridden_by": "",
                "overridden_at": None,
                "task_id": None,
                "ok": ok,
                "detail": detail,
            }
        )

    gate(
        "delivery.kickoff_reached",
        _("The project has kicked off (%(date)s)")
        % {"date": project_.kickoff_on.strftime("%d.%m.%Y")},
        project_.kickoff_on <= today,
    )
    late = list(
        project_.tasks.filter(customer_visible=True, due_on__lt=today, overdue_reason="")
        .exclude(status=Task.Status.DONE)
        .exclude(check_overridden=True)
        .values_list("title", flat=True)
    )
    gate(
        "delivery.no_unexplained_overdue",
        _("No customer-visible task is overdue without a written reason"),
        not late,
        "; ".join(late),
    )
    overridden = [i for i in items if i["overridden"] and not i["holds"]]
    if overridden and len(overridden) > settings.TASE_GO_LIVE_OVERRIDE_SHARE * len(items):
        approved = set(project_.overrides_approved_tasks or [])
        gate(
            "delivery.overrides_approved",
            _("The account manager has approved the overrides (%(n)s of %(total)s items)")
            % {"n": len(overridden), "total": len(items)},
            all(i["task_id"] in approved for i in overridden),
        )
    return items


def overrides_needing_approval(checklist: list[dict]) -> list[int]:
    """The tasks whose overrides the account manager is asked to approve."""
    return [i["task_id"] for i in checklist if i["overridden"] and not i["holds"]]


def production_companies(project_: Project):
    """The customer's real companies: what the go-live is about (never a test environment)."""
    from tase.core.models import Company

    return Company.objects.filter(
        organization_id=project_.organization_id, is_test_environment=False, is_active=True
    )


def check_state_for_project(code: str, project_: Project) -> bool | None:
    """Delivery's own project checks run against this project; a product's check (ledger,
    payroll) against the customer's production companies only; others against the
    organization."""
    from .. import checks

    own = checks.PROJECT_CHECKS.get(code)
    if own is not None:
        return own(project_)
    per_company = hooks.PRODUCTION_CHECKS.get(code)
    if per_company is not None:
        try:
            return any(per_company(c) for c in production_companies(project_))
        except Exception:  # a broken check of another app must not break the project page
            return False
    return check_state(code, project_.organization)


def archived_test_environments(project_: Project) -> list:
    """Earlier copies of the project's test environment, archived at a reset (newest first)."""
    from tase.core.models import Company

    if project_.test_company_id is None:
        return []
    return list(
        Company.objects.filter(
            organization_id=project_.organization_id,
            is_test_environment=True,
            is_active=False,
            business_id=project_.test_company.business_id,
        ).order_by("-created_at", "-id")
    )


def customer_tested_detail(project_: Project) -> list[dict]:
    company = project_.test_company
    return hooks.test_activity(company, since=project_.test_seeded_at) if company else []
