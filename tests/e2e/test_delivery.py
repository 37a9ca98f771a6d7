"""Browser: the project lead starts a project from a contract, agrees the target schedule
and sends a specification for review; the customer's main user approves it; after the
readiness checklist holds, both sign the go-live and the customer moves to support."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tase.core.roles import Role
from tase.delivery import hooks, services
from tase.delivery.models import Meeting, Project, Task


def at(day, hour=9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_lead_and_main_user_walk_a_project_to_go_live(world, page, live_server, login, monkeypatch):
    today = timezone.localdate()
    kickoff = today - dt.timedelta(days=5)
    am = world.actor(Role.ACCOUNT_MANAGER)
    contract = services.create_contract(
        am,
        world.org,
        title="Käyttöönottosopimus",
        signed_on=kickoff - dt.timedelta(days=7),
        modules=["bookkeeping"],
        training_hours="6",
        scope="Kirjanpito",
    )
    services.set_account_manager(am, world.org, world.users[Role.ACCOUNT_MANAGER])
    lead_user, main_user = world.users[Role.PROJECT_LEAD], world.users[Role.MAIN_USER]

    # The lead starts the project from the contract.
    login(lead_user)
    page.goto(f"{live_server.url}/delivery/contracts/{contract.pk}/")
    page.get_by_label("Aloitus").fill(kickoff.isoformat())
    page.get_by_label("Projektivastaava").select_option(str(lead_user.pk))
    page.get_by_role("button", name="Luo projekti").click()
    page.wait_for_url(re.compile(r"/delivery/projects/\d+/$"))
    project = Project.objects.get()
    expect(page.get_by_test_id("gantt").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("tasks")).to_contain_text("Sovi tarkempi aikataulu")

    # A phase ending before it starts is refused with the field named; then the target is agreed.
    page.goto(f"{live_server.url}/delivery/projects/{project.pk}/schedule/")
    page.get_by_label("Toteutus: loppu").fill((kickoff - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator("#id_phase_3_end_error")).to_contain_text("ei voi päättyä")
    page.get_by_label("Toteutus: loppu").fill((kickoff + dt.timedelta(weeks=8, days=4)).isoformat())
    page.get_by_label("Tallenna sovituksi tavoiteaikatauluksi").check()
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(f"{live_server.url}/delivery/projects/{project.pk}/")
    # The kickoff meeting was held: its phase is recorded done, and the project is on schedule.
    page.get_by_role("link", name="1. Aloitustapaaminen").click()
    page.get_by_label("Toteutunut alku").fill(kickoff.isoformat())
    page.get_by_label("Toteutunut loppu").fill(kickoff.isoformat())
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_test_id("project-status")).to_contain_text("Aikataulussa")

    # The lead writes the bookkeeping specification and sends it for review.
    spec = project.specs.get()
    page.goto(f"{live_server.url}/delivery/specs/{spec.pk}/")
    page.get_by_label("Teksti").fill("Tilikartta: perustilikartta\nAlv-kausi: kuukausi")
    page.get_by_role("button", name="Tallenna versio").click()
    page.get_by_role("button", name="Lähetä tarkastettavaksi").click()
    expect(page.get_by_test_id("versions")).to_contain_text("Lähetetty tarkastettavaksi")

    # The main user sees it waiting and approves it.
    page.context.clear_cookies()
    login(main_user)
    page.goto(f"{live_server.url}/delivery/projects/{project.pk}/")
    expect(page.get_by_test_id("awaiting")).to_contain_text("v1")
    page.get_by_test_id("awaiting").get_by_role("link").first.click()
    page.get_by_test_id("approve-spec").click()
    expect(page.get_by_test_id("versions")).to_contain_text(main_user.full_name)

    # The rest of the work is done (through the same services the pages use).
    lead = world.actor(Role.PROJECT_LEAD)
    for task in project.tasks.filter(state_check=""):
        services.set_task_status(lead, task, Task.Status.DONE)
    for task in project.tasks.filter(state_check__startswith="ledger.") | project.tasks.filter(
        state_check__startswith="payroll."
    ):
        services.override_check(world.actor(Role.CONSULTANT), task, "Tarkistettu käsin")
    session = services.plan_training(
        lead,
        project,
        part=1,
        starts_at=at(today - dt.timedelta(days=1)),
        hours=3,
        participants=[main_user],
    )
    services.confirm_training(lead, session)
    services.mark_training_held(lead, session)
    test = services.create_project_test_environment(lead, project, world.company)
    monkeypatch.setattr(hooks, "TEST_ACTIVITY", {})
    hooks.register_test_activity(
        "ledger.vouchers", "Tositteet", lambda company: 4 if company == test else 0
    )
    services.create_meeting(
        lead,
        project,
        kind=Meeting.Kind.CLOSING,
        starts_at=at(today, 10),
        place="Tampere",
        participants=[lead_user, world.users[Role.ACCOUNT_MANAGER], main_user],
    )

    # The main user signs the go-live…
    page.goto(f"{live_server.url}/delivery/projects/{project.pk}/")
    expect(page.get_by_test_id("tested")).to_contain_text("Tositteet: 4")
    expect(page.get_by_test_id("checklist")).not_to_contain_text("Ei vielä")
    page.get_by_test_id("sign-go-live").click()
    expect(page.get_by_test_id("signatures")).to_contain_text(main_user.full_name)

    # …and so does the project lead: the project is in maintenance, the customer in support.
    page.context.clear_cookies()
    login(lead_user)
    page.goto(f"{live_server.url}/delivery/projects/{project.pk}/")
    page.get_by_test_id("sign-go-live").click()
    expect(page.get_by_test_id("signatures")).to_contain_text("Siirretty asiakastukeen")
    expect(page.locator(".page-head .muted").first).to_contain_text("Ylläpidossa")
    world.org.refresh_from_db()
    assert world.org.in_support
