"""The start-page card: the running projects the user has to do with today."""

import uuid

from django.utils import timezone

from tase.core import shared_cache
from tase.core.access import Actor
from tase.core.roles import Role

from . import selectors
from .models import Project

CARD_SIZE = 5
CARD_KEY = "delivery:card"


def start_panel(request) -> dict:
    """The running projects with their phase, slip and next milestone. With a shared cache the
    projects and their phases are kept per user under a generation that a project's or a
    phase's save renews (tase.delivery.apps); the day's figures are worked out on each view."""
    actor = Actor.of(request.user)
    generation = shared_cache.remember(CARD_KEY, lambda: uuid.uuid4().hex)
    projects, total = shared_cache.remember(
        f"{CARD_KEY}:{generation}:{actor.user.pk}:{actor.reach}", lambda: _running(actor)
    )
    today = timezone.localdate()
    rows = [
        {
            "project": project,
            "phase": selectors.current_phase(phases),
            "slip": selectors.project_slip(phases, today),
            "next_milestone": selectors.next_milestone(phases, today),
        }
        for project, phases in projects
    ]
    return {"projects": rows, "total": total, "staff": actor.is_vendor_staff}


def _running(actor: Actor) -> tuple[list[tuple[Project, list]], int]:
    """The first CARD_SIZE running projects by name, each with its phases, and how many run."""
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
    shown = [(project, list(project.phases.all())) for project in projects[:CARD_SIZE]]
    # Fewer than a full card: that is all of them, and counting them again is a query saved.
    total = len(shown) if len(shown) < CARD_SIZE else projects.count()
    return shown, total


def forget_card(**_signal) -> None:
    """A project, a phase, a project's consultants or an organization changed: every card is
    read again."""
    shared_cache.forget(CARD_KEY)
