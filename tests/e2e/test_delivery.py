"""Browser: the project lead starts a project from a contract, agrees the target schedule
and sends a specification for review; the customer's main user approves it. The lead marks the
tasks done, holds the first training, creates the test environment and the closing meeting, all
on the pages; the main user resets the test environment, and when the closing meeting's
readiness checklist holds both sign the go-live and the customer moves to support."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tase.core.roles import Role
from tase.delivery import hooks
from tase.delivery.models import Meeting, Project

from .delivery_steps import record_kickoff


def test_lead_and_main_user_walk_a_project_to_go_live(
    world, page, live_server, login, monkeypatch, start_project
):
    today = timezone.localdate()
    kickoff = today - dt.timedelta(days=5)
    lead_user, main_user = world.users[Role.PROJECT_LEAD], world.users[Role.MAIN_USER]

    # The lead starts the project from the contract.
    project = start_project(kickoff=kickoff, title="Käyttöönottosopimus")
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
    record_kickoff(page, kickoff)
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

    # The lead does the rest of the work on the pages: every plain task is marked done…
    page.context.clear_cookies()
    login(lead_user)
    for task in project.tasks.filter(state_check="").order_by("phase__kind", "order", "id"):
        page.goto(f"{live_server.url}/delivery/tasks/{task.pk}/")
        page.get_by_label("Tila").select_option(label="Valmis")
        page.get_by_role("button", name="Tallenna", exact=True).click()
        expect(page.get_by_test_id("task-status")).to_have_text("Valmis")
    # …the other products' checks are overridden with a reason (no books or pay runs here)…
    for task in project.tasks.filter(state_check__regex=r"^(ledger|payroll)\."):
        page.goto(f"{live_server.url}/delivery/tasks/{task.pk}/")
        page.get_by_label("Ohituksen syy").fill("Tarkistettu käsin")
        page.get_by_role("button", name="Ohita tarkistus").click()
        expect(page.get_by_test_id("task-status")).to_have_text("Valmis")
    # …and the phases' actual dates follow from the work done.
    page.goto(f"{live_server.url}/delivery/projects/{project.pk}/")
    expect(page.get_by_test_id("actual-3")).to_contain_text("tehdystä työstä")

    # The first training session is planned, confirmed and held.
    page.get_by_role("link", name="Suunnittele koulutuskerta").click()
    page.get_by_label("Aika").fill(f"{(today - dt.timedelta(days=1)).isoformat()}T09:00")
    page.get_by_label("Tunnit").fill("3")
    page.get_by_label("Kouluttaja").select_option(str(lead_user.pk))
    page.get_by_label(main_user.full_name).check()
    page.get_by_label("Aiheet").fill("Tositteet ja raportit")
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(f"{live_server.url}/delivery/projects/{project.pk}/")
    page.locator("#training").get_by_role("button", name="Vahvista").click()
    page.locator("#training").get_by_role("button", name="Merkitse pidetyksi").click()
    expect(page.get_by_test_id("hours")).to_contain_text("Käytetyt tunnit3,00 h")

    # The test environment is created for the customer's company; its pages carry the banner.
    page.locator("section", has=page.locator("#testenv-heading")).get_by_label(
        "Yritys"
    ).select_option(str(world.company.pk))
    page.get_by_role("button", name="Luo testiympäristö").click()
    project.refresh_from_db()
    first_copy = project.test_company
    page.locator("section", has=page.locator("#testenv-heading")).get_by_role(
        "link", name=first_copy.name
    ).click()
    expect(page.locator(".banner-test")).to_contain_text("Testiympäristö")

    # The closing meeting with the customer, the account manager and the lead.
    page.goto(f"{live_server.url}/delivery/projects/{project.pk}/")
    page.get_by_role("link", name="Uusi tapaaminen").click()
    page.locator("#id_kind").select_option(label="Käyttöönoton päätöstapaaminen")
    held_on = today - dt.timedelta(days=1)  # held: its time has passed
    page.locator("#id_starts_at").fill(f"{held_on.isoformat()}T10:00")
    page.locator("#id_place").fill("Tampere")
    for person in (lead_user, world.users[Role.ACCOUNT_MANAGER], main_user):
        page.get_by_label(person.full_name).check()
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(re.compile(r"/delivery/meetings/\d+/$"))
    meeting_url = page.url
    # Its page shows the readiness checklist as it stands: the meeting counts as held only
    # when its minutes are published, and the customer's testing is missing.
    expect(page.get_by_test_id("checklist")).to_contain_text("Ei vielä")
    page.get_by_label("Teksti").fill("Todettiin tuotantovalmius.")
    page.get_by_role("button", name="Tallenna muistio").click()
    page.get_by_role("link", name="Julkaise", exact=True).click()
    page.get_by_test_id("publish").click()
    page.goto(meeting_url)

    # The main user resets the test environment to a fresh copy and tests there.
    activity = {"vouchers": 0}
    monkeypatch.setattr(hooks, "TEST_ACTIVITY", {})
    hooks.register_test_activity(
        "ledger.vouchers",
        "Tositteet",
        lambda company: (
            activity["vouchers"]
            if company.pk == Project.objects.get(pk=project.pk).test_company_id
            else 0
        ),
    )
    page.context.clear_cookies()
    login(main_user)
    page.goto(f"{live_server.url}/delivery/projects/{project.pk}/")
    page.get_by_test_id("reset-test").get_by_role("checkbox").check()
    page.get_by_role("button", name="Palauta testiympäristö").click()
    expect(page.get_by_test_id("archived-tests")).to_contain_text(first_copy.name)
    activity["vouchers"] = 4  # what the trainees posted in the fresh copy

    # The closing meeting's checklist holds; the main user signs the go-live…
    meeting = project.meetings.get(kind=Meeting.Kind.CLOSING)
    page.goto(f"{live_server.url}/delivery/meetings/{meeting.pk}/")
    expect(page.get_by_test_id("checklist")).not_to_contain_text("Ei vielä")
    page.get_by_test_id("to-sign-off").click()
    expect(page.get_by_test_id("tested")).to_contain_text("Tositteet: 4")
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
