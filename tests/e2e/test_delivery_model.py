"""Browser: the delivery model end to end, as the customer and the vendor. The lead creates
the project from the contract and records the kickoff; the customer's main user approves the
specification; the lead holds the first training part; the customer's accountant tests by
posting a voucher in the seeded test company; the main user and the lead sign the go-live;
then the main user files a service request and the specialist answers it by replying to the
alert email (the inbound path: ``tase support_inbound --maildir``), and the customer sees the
answer. The chores between the steps that test_delivery.py walks on the pages (plain tasks
ticked, product checks overridden, the closing meeting's minutes) are done by the services
here, so the walk stays short."""

import datetime as dt
import mailbox
import re
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tase.core.roles import Role
from tase.delivery import services
from tase.delivery.models import Meeting, TrainingSession
from tase.ledger import services as ledger
from tase.ledger.system import SystemActor
from tase.support.models import ServiceRequest

from .delivery_steps import at, record_kickoff

ANSWER = "Laskelma korjautuu, kun valitset kauden uudelleen."


@pytest.fixture
def books(world):
    """The customer's production company has a chart and this year's fiscal year, so its test
    environment is a copy worth testing in."""
    system = SystemActor()
    ledger.apply_chart(system, world.company, "limited-company")
    year = timezone.localdate().year
    ledger.create_fiscal_year(
        system, world.company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    return world.company


def _chores(world, project):
    """What test_delivery.py does on the pages: plain tasks done, the product checks that no
    books or pay runs here can meet overridden with a reason, the closing meeting held with
    published minutes."""
    lead = world.actor(Role.PROJECT_LEAD)
    for task in project.tasks.filter(state_check="").order_by("phase__kind", "order", "id"):
        services.set_task_status(lead, task, "done")
    for task in project.tasks.filter(state_check__regex=r"^(ledger\.first|payroll)\."):
        services.override_check(lead, task, "Tarkistettu käsin")
    closing = services.create_meeting(
        lead,
        project,
        kind=Meeting.Kind.CLOSING,
        starts_at=at(timezone.localdate() - dt.timedelta(days=1), 13),
        place="Tampere",
        participants=[
            world.users[Role.PROJECT_LEAD],
            world.users[Role.ACCOUNT_MANAGER],
            world.users[Role.MAIN_USER],
        ],
    )
    services.publish_document(lead, services.write_minutes(lead, closing, "Tuotantovalmis."))


def _reply_by_email(alert, sender, body) -> None:
    """The specialist answers the alert in their mail program; the mail server delivers the
    answer to a maildir that ``tase support_inbound`` reads."""
    answer = EmailMessage()
    answer["From"] = sender.email
    answer["To"] = alert.reply_to[0]
    answer["Subject"] = f"Re: {alert.subject}"
    quoted = "\n".join(f"> {line}" for line in alert.body.splitlines())
    answer.set_content(f"{body}\n\nOn Mon, 7 Dec 2026 at 9.00 Tase wrote:\n{quoted}\n")
    return answer.as_bytes()


def test_the_delivery_model_from_contract_to_an_answer_by_email(
    world, books, page, live_server, login, tmp_path, start_project
):
    today = timezone.localdate()
    kickoff = today - dt.timedelta(days=7)
    lead_user, main_user = world.users[Role.PROJECT_LEAD], world.users[Role.MAIN_USER]
    specialist = world.users[Role.SUPPORT_SPECIALIST]

    # The lead creates the project from the contract and records the kickoff meeting held.
    project = start_project(kickoff=kickoff, title="Kirjanpidon käyttöönotto")
    project_url = page.url
    record_kickoff(page, kickoff)
    expect(page.get_by_test_id("project-status")).to_contain_text("2. Määrittely")

    # The lead sends the specification for review; the main user approves it.
    spec = project.specs.get()
    page.goto(f"{live_server.url}/delivery/specs/{spec.pk}/")
    page.get_by_label("Teksti").fill("Tilikartta: osakeyhtiö\nAlv-kausi: kuukausi")
    page.get_by_role("button", name="Tallenna versio").click()
    page.get_by_role("button", name="Lähetä tarkastettavaksi").click()
    page.context.clear_cookies()
    login(main_user)
    page.goto(project_url)
    page.get_by_test_id("awaiting").get_by_role("link").first.click()
    page.get_by_test_id("approve-spec").click()
    expect(page.get_by_test_id("versions")).to_contain_text(main_user.full_name)

    # The first training part, planned and confirmed, is held: the lead marks it on the page.
    lead = world.actor(Role.PROJECT_LEAD)
    session = services.plan_training(
        lead,
        project,
        part=1,
        starts_at=at(today - dt.timedelta(days=2)),
        hours="3",
        trainer=lead_user,
        participants=[main_user],
        topics="Tositteet ja raportit",
    )
    services.confirm_training(lead, session)
    page.context.clear_cookies()
    login(lead_user)
    page.goto(project_url)
    page.locator("#training").get_by_role("button", name="Merkitse pidetyksi").click()
    expect(page.get_by_test_id("hours")).to_contain_text("Käytetyt tunnit3,00 h")
    assert TrainingSession.objects.get().status == TrainingSession.Status.HELD
    _chores(world, project)

    # The customer tests: their accountant posts a voucher in the seeded test company.
    test_company = services.create_project_test_environment(lead, project, world.company)
    page.context.clear_cookies()
    login(world.users[Role.ACCOUNTANT])
    page.goto(f"{live_server.url}/ledger/{test_company.pk}/vouchers/new/")
    expect(page.locator(".banner-test")).to_contain_text("Testiympäristö")
    page.get_by_label("Selite").fill("Asiakkaan testitosite")
    page.locator("#account_0").fill("1910")
    page.locator("#debit_0").fill("100,00")
    page.locator("#account_1").fill("3000")
    page.locator("#credit_1").fill("100,00")
    page.locator("#credit_1").press("Enter")
    # The voucher's own page, not the form again with an error: the URL says which.
    expect(page).to_have_url(re.compile(rf"/ledger/{test_company.pk}/vouchers/\d+/$"))
    expect(page.get_by_test_id("voucher-description")).to_have_text("Asiakkaan testitosite")

    # The main user signs the go-live, then the lead: the customer moves to support.
    page.context.clear_cookies()
    login(main_user)
    page.goto(project_url)
    page.get_by_test_id("sign-go-live").click()
    expect(page.get_by_test_id("signatures")).to_contain_text(main_user.full_name)
    page.context.clear_cookies()
    login(lead_user)
    page.goto(project_url)
    page.get_by_test_id("sign-go-live").click()
    expect(page.get_by_test_id("signatures")).to_contain_text("Siirretty asiakastukeen")

    # The main user files the first service request; the specialist gets an alert by email…
    page.context.clear_cookies()
    login(main_user)
    mail.outbox.clear()
    page.goto(f"{live_server.url}/support/requests/new/")
    page.get_by_label("Aihealue").select_option("bookkeeping")
    page.get_by_label("Otsikko").fill("Alv-laskelma näyttää tyhjää")
    page.get_by_label("Kuvaus").fill("Joulukuun laskelmassa ei ole rivejä.")
    page.get_by_role("button", name="Lähetä").click()
    page.wait_for_url(re.compile(r"/support/requests/\d+/$"))
    request_url = page.url
    item = ServiceRequest.objects.get()
    [alert] = [m for m in mail.outbox if m.to == [specialist.email]]
    assert f"[#{item.number}]" in alert.subject and alert.reply_to

    # …and answers it by replying to that email; the customer sees the answer.
    box = mailbox.Maildir(tmp_path / "inbound")
    box.add(_reply_by_email(alert, specialist, ANSWER))
    call_command("support_inbound", maildir=str(tmp_path / "inbound"))
    page.goto(request_url)
    expect(page.get_by_test_id("reply")).to_contain_text(ANSWER)
    expect(page.get_by_test_id("reply")).not_to_contain_text("> ")
    assert item.replies.get().author == specialist
