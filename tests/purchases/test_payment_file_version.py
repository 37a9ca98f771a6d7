"""The pain.001 version per bank account (.03 or .09): set on the page and in the API, the
payment file written in it from the page and the API, valid against the XSD that ships with
sepaxml; cross-tenant 404."""

import datetime as dt
from pathlib import Path

import pytest
import sepaxml
from django.core.exceptions import PermissionDenied, ValidationError
from lxml import etree

from tase.core.roles import Role
from tase.formats import sepa_payments
from tase.ledger.models import BankAccount
from tase.purchases import selectors, services

from .conftest import finvoice

pytestmark = pytest.mark.django_db


def _accepted(actor, company):
    [result] = services.import_finvoices(actor, company, [("a.xml", finvoice("V-1"))])
    invoice = services.approve(actor, result.invoices[0])
    proposal = services.create_proposal(actor, company, due_until=dt.date(2026, 12, 31))
    assert [p.invoice_id for p in proposal.payments.all()] == [invoice.pk]
    return services.accept_proposal(actor, proposal)


def _schema(version):
    path = Path(sepaxml.__file__).parent / "schemas" / f"{version}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def test_the_accounts_version_writes_a_valid_09_file(world, books, accountant):
    account = BankAccount.objects.get(company=books)
    assert selectors.payment_file_version(account) == "pain.001.001.03"
    main = world.actor(Role.MAIN_USER)
    services.set_payment_file_version(main, books, account.pk, "pain.001.001.09")
    proposal = _accepted(accountant, books)
    document = services.payment_file(proposal)
    assert sepa_payments.version_of(document) == "pain.001.001.09"
    tree = etree.fromstring(document)
    assert _schema("pain.001.001.09").validate(tree), _schema("pain.001.001.09").error_log
    assert b"<BICFI>OKOYFIHH</BICFI>" in document
    # and .03 on demand, valid against its own schema
    old = etree.fromstring(services.payment_file(proposal, version="pain.001.001.03"))
    assert _schema("pain.001.001.03").validate(old)
    with pytest.raises(ValidationError, match=r"Choose pain\.001\.001\.03 / pain\.001\.001\.09"):
        services.set_payment_file_version(main, books, account.pk, "pain.001.001.10")
    with pytest.raises(ValidationError, match="one of the company's bank accounts"):
        services.set_payment_file_version(main, books, 0, "pain.001.001.09")
    with pytest.raises(PermissionDenied):
        services.set_payment_file_version(world.actor(Role.VIEWER), books, account.pk, "x")


def test_api_sets_the_version_and_downloads_the_09_file(world, books, accountant):
    account = BankAccount.objects.get(company=books)
    client = world.client(Role.MAIN_USER)
    base = f"/api/v1/purchases/companies/{books.pk}"
    assert client.get(f"{base}/payment-file-versions").json() == [
        {"bank_account_id": account.pk, "iban": account.iban, "version": "pain.001.001.03"}
    ]
    url = f"{base}/bank-accounts/{account.pk}/payment-file-version"
    answer = client.put(url, {"version": "pain.001.001.09"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()[0]["version"] == "pain.001.001.09"
    other = world.client(Role.MAIN_USER, other=True)
    put = other.put(url, {"version": "pain.001.001.03"}, content_type="application/json")
    assert put.status_code == 404
    assert other.get(f"{base}/payment-file-versions").status_code == 404
    proposal = _accepted(accountant, books)
    document = world.client(Role.ACCOUNTANT).get(f"{base}/payment-proposals/{proposal.pk}/pain001")
    assert sepa_payments.version_of(document.content) == "pain.001.001.09"
    sepa_payments.validate(document.content)


def test_page_sets_the_version_and_downloads_the_09_file(world, books, accountant):
    account = BankAccount.objects.get(company=books)
    client = world.client(Role.MAIN_USER)
    page = client.get(f"/purchases/{books.pk}/circulation/").content.decode()
    assert 'data-testid="payment-file-versions"' in page and account.iban in page
    url = f"/purchases/{books.pk}/payment-file-version/"
    saved = client.post(url, {"bank_account": account.pk, "version": "pain.001.001.09"})
    assert saved.status_code == 302
    assert selectors.payment_file_version(account) == "pain.001.001.09"
    other = world.client(Role.MAIN_USER, other=True)
    assert other.post(url, {"bank_account": account.pk, "version": "x"}).status_code == 404
    proposal = _accepted(accountant, books)
    response = world.client(Role.ACCOUNTANT).get(
        f"/purchases/{books.pk}/payments/{proposal.pk}/pain001/"
    )
    assert sepa_payments.version_of(response.content) == "pain.001.001.09"
    assert _schema("pain.001.001.09").validate(etree.fromstring(response.content))
