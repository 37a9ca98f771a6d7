"""The start-page card: the running projects the user has to do with today."""

from tase.core.access import Actor
from tase.core.roles import Role

from . import selectors
from .models import Project


def start_panel(request) -> dict:
    actor = Actor.of(request.user)
    projects = (
        selectors.projects_for(actor)
        .filter(status=Project.Status.RUNNING)
        .only("pk", "name")  # the card shows the name and links the project
        .prefetch_related("phases")
    )
    # The admin and the account manager oversee every running project; a lead or a consultant
    # sees the ones they work on.
    overseer = bool(actor.roles & {Role.ADMIN, Role.ACCOUNT_MANAGER})
    if actor.is_vendor_staff and not overseer:
        projects = projects.filter(lead=actor.user) | projects.filter(consultants=actor.user)
        projects = projects.distinct()
    projects = projects.order_by("name", "pk")
    rows = []
    for project in projects[:5]:
        phases = list(project.phases.all())
        rows.append(
            {
                "project": project,
                "phase": selectors.current_phase(phases),
                "slip": selectors.project_slip(phases),
                "next_milestone": selectors.next_milestone(phases),
            }
        )
    # Fewer than a full card: that is all of them, and counting them again is a query saved.
    total = len(rows) if len(rows) < 5 else projects.count()
    return {"projects": rows, "total": total, "staff": actor.is_vendor_staff}
