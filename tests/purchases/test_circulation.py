"""The circulation by cost centre and amount limit: the people set for an invoice's cost centre
handle it (the company-wide ones the rest); approvers form a chain by limit, one under the
total approves within it and passes the invoice on; whom it waits for on the page, in the API
and in the reminders; the cost centre on the expense entries."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tase.core.roles import Role
from tase.ledger.models import Entry
from tase.purchases import notices, selectors, services
from tase.purchases.models import PurchaseInvoice
from tests.factories import member

from .conftest import finvoice

pytestmark = pytest.mark.django_db


def _import(actor, company, number="2026-0317"):
    [result] = services.import_finvoices(actor, company, [(f"{number}.xml", finvoice(number))])
    assert result.errors == []
    return result.invoices[0]  # 1 279,48 € including VAT


@pytest.fixture
def people(world, books):
    """main: the manager (manages the circulation); small: approves up to 500 €; big: any
    amount; sales: the reviewer and approver of cost centre MYYNTI only."""
    main = world.actor(Role.MAIN_USER)
    small = member(world.org, Role.ACCOUNTANT)
    big = member(world.org, Role.ACCOUNTANT)
    sales = member(world.org, Role.ACCOUNTANT)
    services.set_approver(main, books, user=small, kind="approver", limit="500")
    services.set_approver(main, books, user=big, kind="approver")
    services.set_approver(main, books, user=sales, kind="reviewer", cost_centre="MYYNTI")
    services.set_approver(main, books, user=sales, kind="approver", cost_centre=" MYYNTI ")
    return main, small, big, sales


def _as(user):
    from tase.core.access import Actor

    return Actor.of(user)


def test_over_the_limit_goes_on_to_the_next_approver(books, accountant, people):
    _main, small, big, sales = people
    invoice = _import(accountant, books)
    assert selectors.waiting_for(invoice) == [small]
    with pytest.raises(ValidationError, match="not an approver of this invoice"):
        services.approve(_as(sales), invoice)  # MYYNTI's only
    invoice = services.approve(_as(small), invoice, comment="Tilattu")
    assert (invoice.status, invoice.voucher_id, invoice.approved_up_to_cents) == (
        "received",
        None,
        50000,
    )
    assert selectors.waiting_for(invoice) == [big]
    with pytest.raises(ValidationError) as error:
        services.approve(_as(small), invoice)
    assert error.value.messages == [
        f"It was approved up to 500,00\xa0€ already; it waits for {big}."
    ]
    invoice = services.approve(_as(big), invoice)
    assert invoice.status == "approved" and invoice.voucher_id
    assert [e.action for e in invoice.events.all()] == ["pass_on", "approve"]
    assert selectors.waiting_for(invoice) == []


def test_one_higher_up_approves_without_those_below(books, accountant, people):
    _main, _small, big, _sales = people
    invoice = services.approve(_as(big), _import(accountant, books))
    assert invoice.status == "approved"


def test_the_cost_centre_has_its_own_people_and_goes_on_the_expense_lines(
    books, accountant, people
):
    main, small, big, sales = people
    invoice = _import(accountant, books)
    invoice = services.set_cost_centre(main, invoice, "MYYNTI")
    assert selectors.waiting_for(invoice) == [sales]  # its reviewer
    with pytest.raises(ValidationError, match="waits for its review"):
        services.approve(_as(big), invoice)
    invoice = services.approve(_as(sales), invoice)
    assert invoice.status == "reviewed"
    # Changing the cost centre starts the circulation over: the review is for MYYNTI.
    invoice = services.set_cost_centre(main, invoice, "")
    assert invoice.status == "received" and selectors.waiting_for(invoice) == [small]
    invoice = services.set_cost_centre(main, invoice, "MYYNTI")
    invoice = services.approve(_as(sales), services.approve(_as(sales), invoice))
    assert invoice.status == "approved"
    expense = Entry.objects.filter(voucher_id=invoice.voucher_id, account__number="4000")
    assert {e.cost_centre for e in expense} == {"MYYNTI"}
    with pytest.raises(ValidationError, match="not waiting for approval"):
        services.set_cost_centre(main, invoice, "X")


def test_no_approver_covering_the_total_is_said(world, books, accountant):
    main = world.actor(Role.MAIN_USER)
    services.set_approver(main, books, user=main.user, kind="approver", limit="100")
    invoice = _import(accountant, books)
    with pytest.raises(ValidationError) as error:
        services.approve(main, invoice)
    assert error.value.messages == [
        "No approver's limit covers 1\xa0279,48\xa0€; add one to the circulation."
    ]
    with pytest.raises(ValidationError, match="at most 40"):
        services.set_approver(main, books, user=main.user, kind="approver", cost_centre="x" * 41)


def test_a_cost_centre_without_people_goes_to_the_company_wide_ones(books, accountant, people):
    main, small, _big, _sales = people
    invoice = services.set_cost_centre(main, _import(accountant, books), "TUOTANTO")
    assert selectors.waiting_for(invoice) == [small]


def test_reminders_go_to_the_next_approver_in_the_chain(
    books, accountant, people, django_capture_on_commit_callbacks
):
    _main, small, big, _sales = people
    invoice = services.approve(_as(small), _import(accountant, books))
    PurchaseInvoice.objects.filter(pk=invoice.pk).update(
        waiting_since=timezone.now() - dt.timedelta(days=8)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.approval_reminders() == 1
    [message] = mail.outbox
    assert message.to == [big.email]


def test_api_sets_cost_centres_and_says_whom_it_waits_for(world, books, accountant, people):
    _main, small, big, _sales = people
    client = world.client(Role.MAIN_USER)
    base = f"/api/v1/purchases/companies/{books.pk}"
    created = client.post(
        f"{base}/approvers",
        {"user_id": big.pk, "kind": "reviewer", "cost_centre": "HALLINTO"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["cost_centre"] == "HALLINTO"
    invoice = _import(accountant, books)
    url = f"/api/v1/purchases/invoices/{invoice.pk}"
    assert client.get(url).json()["waiting_for"] == [str(small)]
    patched = client.patch(url, {"cost_centre": "HALLINTO"}, content_type="application/json")
    assert patched.status_code == 200
    assert patched.json()["cost_centre"] == "HALLINTO"
    assert patched.json()["waiting_for"] == [str(big)]
    other = world.client(Role.MAIN_USER, other=True)
    assert (
        other.patch(url, {"cost_centre": "X"}, content_type="application/json").status_code == 404
    )
    viewer = world.client(Role.VIEWER)
    assert (
        viewer.patch(url, {"cost_centre": "X"}, content_type="application/json").status_code == 403
    )
    assert PurchaseInvoice.objects.get(pk=invoice.pk).cost_centre == "HALLINTO"


def test_pages_show_whom_it_waits_for_and_change_the_cost_centre(world, books, accountant, people):
    _main, small, big, _sales = people
    invoice = _import(accountant, books)
    client = world.client(Role.MAIN_USER)
    page = client.get(f"/purchases/{books.pk}/invoices/{invoice.pk}/")
    assert f'data-testid="waiting-for">{small}<' in page.content.decode()
    url = f"/purchases/{books.pk}/invoices/{invoice.pk}/cost-centre/"
    response = client.post(url, {"cost_centre": "MYYNTI"})
    assert response.status_code == 302
    assert PurchaseInvoice.objects.get(pk=invoice.pk).cost_centre == "MYYNTI"
    too_long = client.post(url, {"cost_centre": "x" * 41}, follow=True)
    assert "40" in too_long.content.decode()
    other = world.client(Role.MAIN_USER, other=True)
    assert other.post(url, {"cost_centre": "X"}).status_code == 404
    added = client.post(
        f"/purchases/{books.pk}/circulation/",
        {"action": "add", "user": big.pk, "kind": "reviewer", "cost_centre": "TUOTANTO"},
    )
    assert added.status_code == 302
    assert selectors.approvers_of(books).filter(cost_centre="TUOTANTO").count() == 1
