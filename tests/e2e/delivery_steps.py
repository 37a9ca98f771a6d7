"""The steps both delivery walks (test_delivery.py, test_delivery_model.py) begin with, written
once: a contract, the account manager named, the lead creating the project from the contract
on its page, and the kickoff phase recorded held."""

import datetime as dt
import re

from django.utils import timezone

from tase.core.roles import Role
from tase.delivery import services
from tase.delivery.models import Project


def at(day, hour=9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def start_project(world, page, live_server, login, *, kickoff: dt.date, title: str) -> Project:
    """A bookkeeping contract signed a week before ``kickoff`` with six training hours; the
    lead signs in and creates the project from the contract's page (left on the project)."""
    am = world.actor(Role.ACCOUNT_MANAGER)
    contract = services.create_contract(
        am,
        world.org,
        title=title,
        signed_on=kickoff - dt.timedelta(days=7),
        modules=["bookkeeping"],
        training_hours="6",
        scope="Kirjanpito",
    )
    services.set_account_manager(am, world.org, world.users[Role.ACCOUNT_MANAGER])
    lead_user = world.users[Role.PROJECT_LEAD]
    login(lead_user)
    page.goto(f"{live_server.url}/delivery/contracts/{contract.pk}/")
    page.get_by_label("Aloitus").fill(kickoff.isoformat())
    page.get_by_label("Projektivastaava").select_option(str(lead_user.pk))
    page.get_by_role("button", name="Luo projekti").click()
    page.wait_for_url(re.compile(r"/delivery/projects/\d+/$"))
    return Project.objects.get()


def record_kickoff(page, kickoff: dt.date) -> None:
    """From the project's page: the kickoff phase held on ``kickoff``."""
    page.get_by_role("link", name="1. Aloitustapaaminen").click()
    page.get_by_label("Toteutunut alku").fill(kickoff.isoformat())
    page.get_by_label("Toteutunut loppu").fill(kickoff.isoformat())
    page.get_by_role("button", name="Tallenna").click()
