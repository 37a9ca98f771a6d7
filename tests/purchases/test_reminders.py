"""Approval reminders (issue 15, item 3): whom an invoice waits for is emailed, in Finnish,
through Django's email backend, once it has waited over the company's reminder days, and again
only after as many days more; the reviewers before review, an approver whose limit covers it,
the person it was forwarded to; no one of another organization. The setting on the page and
in the API; the approve API takes no body at all."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tase.core.roles import Role
from tase.purchases import notices, services
from tase.purchases.models import PurchaseSettings

from .conftest import finvoice

pytestmark = pytest.mark.django_db


def _invoice(actor, company, number="2026-0317"):
    [result] = services.import_finvoices(actor, company, [(f"{number}.xml", finvoice(number))])
    return result.invoices[0]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def remind(at):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            told = notices.approval_reminders(at)
        return told, {address for message in mail.outbox for address in message.to}

    return remind


def test_without_a_circulation_the_companys_approvers_are_reminded_in_finnish(
    world, books, accountant, run
):
    invoice = _invoice(accountant, books)
    start = invoice.waiting_since
    assert run(start + dt.timedelta(days=6)) == (0, set())  # the default: 7 days
    told, to = run(start + dt.timedelta(days=8))
    main, acc = world.users[Role.MAIN_USER], world.users[Role.ACCOUNTANT]
    assert told == 2 and to == {main.email, acc.email}
    assert not to & {u.email for u in world.other_users.values()}  # the other organization's
    message = next(m for m in mail.outbox if m.to == [main.email])
    assert message.subject == "1 ostolasku odottaa hyväksyntääsi"
    assert "Nämä ostolaskut ovat odottaneet sinua sovittua kauemmin:" in message.body
    assert (
        "lasku 2026-0317, 1\xa0279,48\xa0€, eräpäivä 31.3.2026, odottanut 8 päivää" in message.body
    )
    assert f"/purchases/{books.pk}/invoices/{invoice.pk}/" in message.body
    # told once: the same day again or the next day sends nothing, seven days more again
    assert run(start + dt.timedelta(days=8, hours=1)) == (0, set())
    assert run(start + dt.timedelta(days=10)) == (0, set())
    assert run(start + dt.timedelta(days=15, hours=1))[0] == 2


def test_reviewers_first_then_the_approver_whose_limit_covers_it(world, books, run):
    main = world.actor(Role.MAIN_USER)
    reviewer, approver = world.users[Role.ACCOUNTANT], world.users[Role.MAIN_USER]
    services.set_approver(main, books, user=reviewer, kind="reviewer")
    services.set_approver(main, books, user=approver, kind="approver", limit="5000")
    services.update_settings(main, books, reminder_days=2)
    invoice = _invoice(main, books)
    start = invoice.waiting_since
    assert run(start + dt.timedelta(days=3)) == (1, {reviewer.email})
    services.approve(world.actor(Role.ACCOUNTANT), invoice)  # reviewed: the approver's turn
    invoice.refresh_from_db()
    assert invoice.status == "reviewed"
    assert run(invoice.waiting_since + dt.timedelta(days=1)) == (0, set())
    assert run(invoice.waiting_since + dt.timedelta(days=3)) == (1, {approver.email})


def test_a_forwarded_invoice_reminds_whom_it_was_forwarded_to(world, books, accountant, run):
    invoice = _invoice(accountant, books)
    main = world.users[Role.MAIN_USER]
    services.forward(accountant, invoice, to=main, comment="Sinun kustannuspaikkasi")
    invoice.refresh_from_db()
    assert run(invoice.waiting_since + dt.timedelta(days=8)) == (1, {main.email})


def test_zero_days_sends_none_and_the_commands_run_it(world, books, accountant, run):
    invoice = _invoice(accountant, books)
    services.update_settings(accountant, books, reminder_days=0)
    assert run(invoice.waiting_since + dt.timedelta(days=100)) == (0, set())
    services.update_settings(accountant, books, reminder_days=1)
    PurchaseSettings.objects.filter(company=books).update(reminder_days=1)
    out = io.StringIO()
    type(invoice).objects.filter(pk=invoice.pk).update(
        waiting_since=invoice.waiting_since - dt.timedelta(days=3)
    )
    call_command("purchases", "remind", stdout=out)
    assert out.getvalue().strip() == "2 reminded"
    out = io.StringIO()
    call_command("notifications_run", "--only", "purchases.approval_reminders", stdout=out)
    assert "purchases.approval_reminders: 0" in out.getvalue()  # told already


def test_the_setting_on_the_page_and_in_the_api(world, books):
    client = world.client(Role.MAIN_USER)
    url = f"/api/v1/purchases/companies/{books.pk}/settings"
    response = client.patch(url, {"reminder_days": 3}, content_type="application/json")
    assert response.status_code == 200 and response.json()["reminder_days"] == 3
    bad = client.patch(url, {"reminder_days": 400}, content_type="application/json")
    assert bad.status_code in (400, 422)
    page = reverse("purchases:circulation", args=[books.pk])
    assert 'name="reminder_days"' in client.get(page).content.decode()
    client.post(page, {"action": "settings", "charset": "latin", "default_expense_account": "4000",
                       "reminder_days": "5"})  # fmt: skip
    assert PurchaseSettings.objects.get(company=books).reminder_days == 5
    other = world.client(Role.MAIN_USER, other=True)
    assert (
        other.patch(url, {"reminder_days": 1}, content_type="application/json").status_code == 404
    )


def test_approve_takes_no_body(world, books, accountant):
    invoice = _invoice(accountant, books)
    client = world.client(Role.ACCOUNTANT)
    response = client.generic("POST", f"/api/v1/purchases/invoices/{invoice.pk}/approve")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
