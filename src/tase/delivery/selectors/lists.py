"""The lists across projects: the overview, a person's tasks, the workload and the accounts."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from tase.core.access import Actor

from ..models import (
    AccountRelationship,
    Phase,
    PhaseKind,
    Project,
    Task,
    TimeEntry,
    TrainingSession,
)
from .access import projects_for
from .hours import CENTI
from .schedule import current_phase, next_milestone, project_slip


def overview(actor: Actor, filters: dict | None = None, today: dt.date | None = None) -> list[dict]:
    """Every visible project with phase, % tasks done, slip and next milestone, filtered."""
    today = today or timezone.localdate()
    filters = filters or {}
    projects = (
        projects_for(actor)
        .select_related("organization", "contract", "lead")
        .prefetch_related(
            "consultants",
            Prefetch("phases", queryset=Phase.objects.order_by("kind")),
            Prefetch(
                "tasks",
                queryset=Task.objects.only(
                    "id",
                    "project_id",
                    "status",
                    "state_check",
                    "check_overridden",
                    "phase_id",
                    "due_on",
                    "customer_visible",
                ),
            ),
        )
    )
    if filters.get("lead"):
        projects = projects.filter(lead_id=filters["lead"])
    if filters.get("consultant"):
        projects = projects.filter(consultants=filters["consultant"])
    if filters.get("status"):
        projects = projects.filter(status=filters["status"])
    if filters.get("organization"):
        projects = projects.filter(organization_id=filters["organization"])
    rows = []
    for p in projects:
        if filters.get("module") and filters["module"] not in (p.contract.modules or []):
            continue
        phases = list(p.phases.all())
        tasks = list(p.tasks.all())
        done = sum(1 for t in tasks if t.status == Task.Status.DONE)
        slip = project_slip(phases, today)
        if filters.get("behind") and not (slip and slip > 0):
            continue
        rows.append(
            {
                "project": p,
                "phase": current_phase(phases),
                "percent_done": round(100 * done / len(tasks)) if tasks else 0,
                "slip": slip,
                "next_milestone": next_milestone(phases, today),
            }
        )
    return rows


def projects_per_phase(rows: list[dict]) -> list[tuple[str, int]]:
    counts = Counter(r["phase"].kind for r in rows if r["phase"] is not None)
    return [(str(label), counts.get(kind, 0)) for kind, label in PhaseKind.choices]


def go_lives_per_month(
    actor: Actor, months: int = 12, today: dt.date | None = None
) -> list[tuple[str, int]]:
    """Go-lives (the go-live phase's actual end) in each of the last ``months`` months."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1
    firsts = [dt.date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]
    ends = Phase.objects.filter(
        project__in=projects_for(actor), kind=PhaseKind.GO_LIVE, actual_end__gte=firsts[0]
    ).values_list("actual_end", flat=True)
    counts = Counter((d.year, d.month) for d in ends)
    return [(f"{m:%m/%Y}", counts.get((m.year, m.month), 0)) for m in firsts]


def projects_with_open_checks(actor: Actor) -> QuerySet[Project]:
    """Running projects where the actor owns an open self-checking task."""
    return (
        projects_for(actor)
        .filter(
            status=Project.Status.RUNNING,
            tasks__owner=actor.user,
            tasks__state_check__gt="",
            tasks__status__in=[Task.Status.TODO, Task.Status.DOING],
        )
        .select_related("organization", "test_company")
        .distinct()
    )


def my_tasks(actor: Actor) -> QuerySet[Task]:
    tasks = Task.objects.filter(project__in=projects_for(actor), owner=actor.user)
    if not actor.staff_memberships:
        tasks = tasks.filter(customer_visible=True)
    return (
        tasks.exclude(status=Task.Status.DONE)
        .select_related("project", "phase", "project__organization")
        .order_by("due_on", "id")
    )


def workload(actor: Actor, weeks: int = 8, today: dt.date | None = None, back: int = 4) -> dict:
    """Hours per person per week: hours logged (the last ``back`` weeks and this one) and
    training hours planned as trainer (this week on). Hours, not a count of tasks: a task of
    ten minutes and one of three days weigh differently."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    week_starts = [monday + dt.timedelta(weeks=i) for i in range(-back, weeks)]
    start, end = week_starts[0], week_starts[-1] + dt.timedelta(days=7)
    visible = projects_for(actor)
    grid: dict = defaultdict(
        lambda: {w: {"logged": Decimal(0), "planned": Decimal(0)} for w in week_starts}
    )
    names = {}
    for row in (
        TimeEntry.objects.filter(project__in=visible, on__gte=start, on__lt=end)
        .values("user_id", "user__full_name", "user__email", "on")
        .annotate(total=Sum("hours"))
    ):
        w = row["on"] - dt.timedelta(days=row["on"].weekday())
        grid[row["user_id"]][w]["logged"] += Decimal(str(row["total"] or 0)).quantize(CENTI)
        names[row["user_id"]] = row["user__full_name"] or row["user__email"]
    for s in TrainingSession.objects.filter(
        project__in=visible,
        trainer__isnull=False,
        starts_at__gte=timezone.make_aware(dt.datetime.combine(monday, dt.time())),
        status__in=[TrainingSession.Status.PLANNED, TrainingSession.Status.CONFIRMED],
    ).select_related("trainer"):
        day = timezone.localtime(s.starts_at).date()
        if not (monday <= day < end):
            continue
        w = day - dt.timedelta(days=day.weekday())
        grid[s.trainer_id][w]["planned"] += s.hours
        names[s.trainer_id] = str(s.trainer)
    rows = []
    for uid in sorted(names, key=lambda u: names[u]):
        cells = [grid[uid][w] for w in week_starts]
        for cell in cells:
            cell["total"] = cell["logged"] + cell["planned"]
        rows.append({"name": names[uid], "weeks": cells})
    return {"weeks": week_starts, "this_week": monday, "rows": rows}


def relationships(actor: Actor) -> QuerySet[AccountRelationship]:
    return (
        AccountRelationship.objects.filter(organization__in=actor.organizations("delivery.view"))
        .select_related("organization", "account_manager")
        .prefetch_related("contacts")
    )
