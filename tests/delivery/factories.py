"""Helpers that build delivery rows through the services (so every rule applies)."""

import datetime as dt

from django.utils import timezone

from tase.core.roles import Role
from tase.delivery import services

KICKOFF = dt.date(2026, 1, 5)  # a Monday


def aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def contract(world, *, training_hours="10", modules=("bookkeeping", "payroll")):
    return services.create_contract(
        world.actor(Role.ACCOUNT_MANAGER),
        world.org,
        title="Kirjanpito ja palkat",
        signed_on=KICKOFF - dt.timedelta(days=14),
        modules=list(modules),
        training_hours=training_hours,
        scope="Kirjanpito ja palkanlaskenta",
    )


def project(world, **kwargs):
    c = contract(world, **kwargs)
    return services.create_project(
        world.actor(Role.PROJECT_LEAD),
        c,
        lead=world.users[Role.PROJECT_LEAD],
        kickoff_on=KICKOFF,
        consultants=[world.users[Role.CONSULTANT]],
    )


def approve_specs(world, p):
    """Every specification of the project written, sent for review and approved by the main user."""
    lead = world.actor(Role.PROJECT_LEAD)
    for spec in p.specs.all():
        v = services.save_spec_version(lead, spec, f"{spec.title}\nOK")
        services.send_spec_for_review(lead, v)
        services.approve_spec_version(world.actor(Role.MAIN_USER), v)
