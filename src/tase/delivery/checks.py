"""State checks that tasks can be tied to. Core-level and delivery's own are registered here
(from ``DeliveryConfig.ready``); ledger and payroll add theirs in their own apps.

Delivery's readiness checks are about one project; registered with core they answer for
the organization's latest project, and the go-live checklist runs them on the project itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tase.core.models import Membership
from tase.core.registry import StateCheck, register_state_check
from tase.core.roles import CUSTOMER_ROLES

from . import hooks


def company_with_business_id(organization) -> bool:
    return (
        organization.companies.filter(is_test_environment=False, is_active=True)
        .exclude(business_id="")
        .exists()
    )


def users_invited(organization) -> bool:
    return (
        Membership.objects.filter(
            organization=organization, is_active=True, role__in=[r.value for r in CUSTOMER_ROLES]
        ).count()
        > 1
    )


def companies_with_business_id(organization_ids) -> set:
    """The organizations among ``organization_ids`` for which :func:`company_with_business_id`
    holds (one query however many)."""
    from tase.core.models import Company

    return set(
        Company.objects.filter(
            organization_id__in=organization_ids, is_test_environment=False, is_active=True
        )
        .exclude(business_id="")
        .values_list("organization_id", flat=True)
    )


def users_invited_many(organization_ids) -> set:
    """The organizations among ``organization_ids`` for which :func:`users_invited` holds
    (one query however many)."""
    return set(
        Membership.objects.filter(
            organization_id__in=organization_ids,
            is_active=True,
            role__in=[r.value for r in CUSTOMER_ROLES],
        )
        .values("organization_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("organization_id", flat=True)
    )


# Core-level checks answered for many organizations at once: code -> (the check registered
# for one organization, the answer for many). The batch answer is used only while the
# registered check is still this one.
ORG_CHECKS_MANY = {
    "core.company_business_id": (company_with_business_id, companies_with_business_id),
    "core.users_invited": (users_invited, users_invited_many),
}


def spec_approved(project) -> bool:
    return specs_approved([project])[project.pk]


def specs_approved(projects) -> dict[int, bool]:
    """Per project: it has specifications and each has an approved version (two queries
    however many projects)."""
    from .models import SpecDocument, SpecVersion

    specs = defaultdict(list)
    for spec_id, project_id in SpecDocument.objects.filter(project__in=projects).values_list(
        "pk", "project_id"
    ):
        specs[project_id].append(spec_id)
    approved = set(
        SpecVersion.objects.filter(
            spec__project__in=projects, status=SpecVersion.Status.APPROVED
        ).values_list("spec_id", flat=True)
    )
    return {p.pk: bool(specs[p.pk]) and all(s in approved for s in specs[p.pk]) for p in projects}


def implementation_done(project) -> bool:
    from .models import PhaseKind, Task

    open_tasks = project.tasks.filter(phase__kind__lte=PhaseKind.IMPLEMENTATION).exclude(
        status=Task.Status.DONE
    )
    # A self-checking task counts when its check holds or was overridden.
    from .selectors import check_state_for_project

    for task in open_tasks:
        if task.state_check and (
            task.check_overridden
            or (
                task.state_check != "delivery.implementation_done"
                and check_state_for_project(task.state_check, project)
            )
        ):
            continue
        return False
    return True


def first_training_held(project) -> bool:
    return first_trainings_held([project])[project.pk]


def first_trainings_held(projects) -> dict[int, bool]:
    """Per project: its first training part was held (one query)."""
    from .models import TrainingSession

    held = set(
        TrainingSession.objects.filter(
            project__in=projects, part=1, status=TrainingSession.Status.HELD
        ).values_list("project_id", flat=True)
    )
    return {p.pk: p.pk in held for p in projects}


def customer_tested(project) -> bool:
    return project.test_company_id is not None and any(
        row["count"] > 0
        for row in hooks.test_activity(project.test_company, since=project.test_seeded_at)
    )


def closing_meetings(projects) -> dict[int, bool]:
    """Per project: :func:`closing_meeting`, asked only of the projects that have a closing
    meeting held with published minutes (one query finds them)."""
    from .models import Meeting

    candidates = set(
        _closing_candidates(Meeting.objects.filter(project__in=projects)).values_list(
            "project_id", flat=True
        )
    )
    return {p.pk: p.pk in candidates and closing_meeting(p) for p in projects}


def _closing_candidates(meetings):
    from .models import Meeting

    return meetings.filter(
        kind=Meeting.Kind.CLOSING,
        starts_at__lte=timezone.now(),
        minutes__published_at__isnull=False,
    ).exclude(minutes__archived_at__isnull=False)


def closing_meeting(project) -> bool:
    """The closing meeting was held: its time has passed, its minutes are published, and the
    customer, the account manager and the project lead took part (a meeting only scheduled,
    or held without minutes, does not count)."""
    from .models import AccountRelationship

    now = timezone.now()
    manager = (
        AccountRelationship.objects.filter(organization=project.organization)
        .values_list("account_manager_id", flat=True)
        .first()
    )
    meetings = _closing_candidates(project.meetings.all()).order_by("-starts_at")
    for meeting in meetings:
        if meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes) > now:
            continue
        people = set(meeting.participants.values_list("pk", flat=True))
        customer = meeting.participants.filter(
            Q(memberships__organization=project.organization, memberships__is_active=True)
        ).exists()
        if project.lead_id in people and (manager is None or manager in people) and customer:
            return True
    return False


# Items that belong to the customer: only the customer's own act makes them hold (the main
# user approves the specification, the customer tests); vendor staff cannot override them.
CUSTOMER_OWNED = frozenset({"delivery.spec_approved", "delivery.customer_tested"})
# Items no one overrides: the customer-owned ones and the first training part held (the
# delivery model: go-live comes after the first training).
NOT_OVERRIDABLE = CUSTOMER_OWNED | {"delivery.first_training_held"}


PROJECT_CHECKS = {
    "delivery.spec_approved": spec_approved,
    "delivery.implementation_done": implementation_done,
    "delivery.first_training_held": first_training_held,
    "delivery.customer_tested": customer_tested,
    "delivery.closing_meeting": closing_meeting,
}
# The same checks answered for many projects at once (a list of many projects' tasks).
PROJECT_CHECKS_MANY = {
    "delivery.spec_approved": specs_approved,
    "delivery.first_training_held": first_trainings_held,
    "delivery.closing_meeting": closing_meetings,
}


def _for_latest_project(fn):
    def check(organization) -> bool:
        from .selectors import running_project_of

        project = running_project_of(organization)
        return bool(project and fn(project))

    return check


def register() -> None:
    register_state_check(
        StateCheck(
            "core.company_business_id",
            _("Company created with business ID"),
            company_with_business_id,
        )
    )
    register_state_check(
        StateCheck("core.users_invited", _("Users of the customer invited"), users_invited)
    )
    labels = {
        "delivery.spec_approved": _("Specification approved by the main user"),
        "delivery.implementation_done": _("Specified implementation work done"),
        "delivery.first_training_held": _("First training held"),
        "delivery.customer_tested": _("Customer has tested in the test environment"),
        "delivery.closing_meeting": _(
            "Closing meeting with the customer, the account manager and the project lead"
        ),
    }
    for code, fn in PROJECT_CHECKS.items():
        register_state_check(StateCheck(code, labels[code], _for_latest_project(fn)))
