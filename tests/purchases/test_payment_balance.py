"""Payment proposals sized to the bank balance: the last statement's closing balance less the
payments sent since; due invoices taken earliest due first while they fit; the rest listed to
add, adding or accepting over the balance refused naming the amounts; on the page and in the
API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tase.bank.models import Statement
from tase.core.roles import Role
from tase.ledger.models import BankAccount
from tase.purchases import selectors, services
from tase.purchases.models import Supplier

pytestmark = pytest.mark.django_db


def _approved(actor, company, number, euros, due):
    supplier = Supplier.objects.get_or_create(
        company=company, name="Toimittaja Oy", defaults={"iban": "FI5810171000000122"}
    )[0]
    invoice = services.create_invoice(
        actor,
        company,
        supplier=supplier,
        number=number,
        invoice_date="2026-03-02",
        due_date=due,
        total=Decimal(euros),
    )
    return services.approve(actor, invoice)


def _statement(company, closing_euros, on, fingerprint="s1"):
    return Statement.objects.create(
        company=company,
        bank_account=BankAccount.objects.get(company=company),
        kind=Statement.Kind.STATEMENT,
        from_date=on.replace(day=1),
        to_date=on,
        opening_cents=0,
        closing_cents=int(Decimal(closing_euros) * 100),
        fingerprint=fingerprint,
    )


@pytest.fixture
def due(books, accountant):
    """Four approved invoices: 400 € due 10.3., 900 € due 12.3., 300 € due 14.3., 50 € due
    30.4. (after the proposal's day)."""
    return [
        _approved(accountant, books, "A", "400", "2026-03-10"),
        _approved(accountant, books, "B", "900", "2026-03-12"),
        _approved(accountant, books, "C", "300", "2026-03-14"),
        _approved(accountant, books, "D", "50", "2026-04-30"),
    ]


def _numbers(proposal):
    return [p.invoice.number for p in selectors.payments_of(proposal)]


def test_without_a_statement_every_due_invoice_is_proposed(books, accountant, due):
    account = BankAccount.objects.get(company=books)
    assert selectors.available_balance(account) is None
    proposal = services.create_proposal(accountant, books, due_until=dt.date(2026, 3, 31))
    assert _numbers(proposal) == ["A", "B", "C"]


def test_the_proposal_takes_what_fits_earliest_due_first(books, accountant, due):
    _statement(books, "1000", dt.date(2026, 3, 5))
    proposal = services.create_proposal(accountant, books, due_until=dt.date(2026, 3, 31))
    # 400 fits, 900 does not fit in the 600 left, 300 does
    assert _numbers(proposal) == ["A", "C"]
    assert [i.number for i in selectors.left_out(proposal)] == ["B"]
    with pytest.raises(ValidationError) as error:
        services.add_payment(accountant, proposal, due[1])
    assert error.value.messages == [
        "1600.00 € is more than the 1000.00 € available on the account (the statement of"
        " 5.3.2026 less the payments sent since)."
    ]
    assert _numbers(proposal) == ["A", "C"]  # nothing written
    services.remove_payment(accountant, proposal, due[0])
    services.remove_payment(accountant, proposal, due[2])
    services.add_payment(accountant, proposal, due[1])
    assert _numbers(proposal) == ["B"]
    with pytest.raises(ValidationError, match="in this proposal already"):
        services.add_payment(accountant, proposal, due[1])
    with pytest.raises(ValidationError, match="Choose invoices of this company"):
        services.add_payment(accountant, proposal, 999999)


def test_payments_sent_since_the_statement_lower_the_balance(books, accountant, due):
    _statement(books, "1500", dt.date(2026, 3, 5))
    first = services.create_proposal(
        accountant, books, due_until=dt.date(2026, 3, 31), invoices=[due[1]]
    )
    services.accept_proposal(accountant, first)
    account = BankAccount.objects.get(company=books)
    balance = selectors.available_balance(account)
    assert (balance.statement_cents, balance.sent_cents, balance.available_cents) == (
        150000,
        90000,
        60000,
    )
    second = services.create_proposal(accountant, books, due_until=dt.date(2026, 3, 31))
    assert _numbers(second) == ["A"]  # 400 of the 600; 300 does not fit in the 200 left
    with pytest.raises(ValidationError, match=r"more than the 600\.00 €"):
        services.create_proposal(
            accountant, books, due_until=dt.date(2026, 3, 31), invoices=[due[0], due[2]]
        )
    # the bank paid the 900 on 6.3.: the statement of 6.3. shows it, nothing is sent any more
    services.mark_paid(accountant, due[1], amount_cents=90000, date=dt.date(2026, 3, 6))
    assert selectors.available_balance(account).sent_cents == 90000  # after 5.3.: not shown
    _statement(books, "600", dt.date(2026, 3, 6), fingerprint="s2")
    assert selectors.available_balance(account).available_cents == 60000


def test_accepting_over_a_balance_lowered_since_is_refused(books, accountant, due):
    _statement(books, "2000", dt.date(2026, 3, 5))
    proposal = services.create_proposal(accountant, books, due_until=dt.date(2026, 3, 31))
    assert _numbers(proposal) == ["A", "B", "C"]
    _statement(books, "1000", dt.date(2026, 3, 6), fingerprint="s2")
    with pytest.raises(ValidationError, match=r"1600\.00 € is more than the 1000\.00 €"):
        services.accept_proposal(accountant, proposal)
    assert proposal.payments.filter(status="sent").count() == 0


def test_nothing_fits_says_so(books, accountant, due):
    _statement(books, "10", dt.date(2026, 3, 5))
    with pytest.raises(ValidationError) as error:
        services.create_proposal(accountant, books, due_until=dt.date(2026, 3, 31))
    assert "300.00 € is more than the 10.00 €" in error.value.message_dict["bank_account"][0]


def test_api_and_page_show_the_balance_and_add_invoices(world, books, accountant, due):
    _statement(books, "1000", dt.date(2026, 3, 5))
    client = world.client(Role.ACCOUNTANT)
    created = client.post(
        f"/api/v1/purchases/companies/{books.pk}/payment-proposals",
        {"due_until": "2026-03-31"},
        content_type="application/json",
    ).json()
    assert (created["available"], created["balance_date"]) == ("1000.00", "2026-03-05")
    assert [i["number"] for i in created["left_out"]] == ["B"]
    url = f"/api/v1/purchases/payment-proposals/{created['id']}/invoices"
    refused = client.post(url, {"invoice_id": due[1].pk}, content_type="application/json")
    assert refused.status_code == 422 and "1600.00" in refused.json()["detail"][0]["msg"]
    for invoice in (due[0], due[2]):
        client.delete(f"/api/v1/purchases/payment-proposals/{created['id']}/invoices/{invoice.pk}")
    added = client.post(url, {"invoice_id": due[1].pk}, content_type="application/json")
    assert added.status_code == 200
    assert [p["invoice"]["number"] for p in added.json()["payments"]] == ["B"]
    other = world.client(Role.ACCOUNTANT, other=True)
    assert (
        other.post(url, {"invoice_id": due[0].pk}, content_type="application/json").status_code
        == 404
    )
    page = client.get(f"/purchases/{books.pk}/payments/{created['id']}/").content.decode()
    assert 'data-testid="available">1\xa0000,00\xa0€' in page
    assert 'data-testid="left-out"' in page and ">A</a>" in page
    add = f"/purchases/{books.pk}/payments/{created['id']}/add/"
    refused_page = client.post(add, {"invoice": due[0].pk}, follow=True).content.decode()
    assert "1300.00 €" in refused_page  # 900 + 400 over the 1 000
    services.remove_payment(accountant, selectors.proposal_of(accountant, created["id"]), due[1])
    assert client.post(add, {"invoice": due[0].pk}).status_code == 302
    proposal = client.get(f"/api/v1/purchases/payment-proposals/{created['id']}").json()
    assert [p["invoice"]["number"] for p in proposal["payments"]] == ["A"]
    assert other.post(add, {"invoice": due[0].pk}).status_code == 404


def test_invoices_marked_to_pay_first_go_first(world, books, accountant, due):
    _statement(books, "1000", dt.date(2026, 3, 5))
    services.set_pay_first(accountant, due[1], True)  # 900 €, due 12.3.
    proposal = services.create_proposal(accountant, books, due_until=dt.date(2026, 3, 31))
    assert _numbers(proposal) == ["B"]  # 100 € left: neither 400 nor 300 fits
    assert [i.number for i in selectors.left_out(proposal)] == ["A", "C"]
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/purchases/invoices/{due[2].pk}"
    answer = client.patch(url, {"pay_first": True}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["pay_first"] is True
    other = world.client(Role.ACCOUNTANT, other=True)
    assert (
        other.patch(url, {"pay_first": False}, content_type="application/json").status_code == 404
    )
    page = f"/purchases/{books.pk}/invoices/{due[0].pk}/pay-first/"
    assert client.post(page, {"pay_first": "on"}).status_code == 302
    assert other.post(page, {"pay_first": "on"}).status_code == 404
    due[0].refresh_from_db()
    assert due[0].pay_first is True
    assert client.post(page, {}).status_code == 302  # unchecked
    due[0].refresh_from_db()
    assert due[0].pay_first is False
    services.mark_paid(accountant, due[3], amount_cents=5000, date=dt.date(2026, 3, 6))
    # the page requests above left the language Finnish
    with translation.override("en"), pytest.raises(ValidationError, match="nothing to pay"):
        services.set_pay_first(accountant, due[3], True)
