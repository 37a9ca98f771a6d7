"""The start-page card: the user's running project(s)."""

from tase.core.access import Actor

from . import selectors
from .models import Project


def start_panel(request) -> dict:
    actor = Actor.of(request.user)
    projects = (
        selectors.projects_for(actor)
        .filter(status=Project.Status.RUNNING)
        .select_related("organization")
        .prefetch_related("phases")
    )
    if actor.is_vendor_staff:
        projects = projects.filter(lead=actor.user) | projects.filter(consultants=actor.user)
        projects = projects.distinct()
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
    return {"projects": rows}
