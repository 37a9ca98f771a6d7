"""The company's bank accounts: IBAN/BIC validated, booked to an asset account, one default."""

import pytest

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger.models import BankAccount

pytestmark = pytest.mark.django_db

OP = {"iban": "FI79 4405 2020 0360 82", "bic": "OKOYFIHH", "account": "1910", "name": "OP"}


def _url(company):
    return f"/api/v1/ledger/companies/{company.pk}/bank-accounts"


def test_create_and_list_through_the_api(world, books):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(_url(books), OP, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data | {"id": 0} == {
        "id": 0,
        "name": "OP",
        "iban": "FI7944052020036082",
        "bic": "OKOYFIHH",
        "account": "1910",
        "is_default": True,
        "active": True,
    }
    second = OP | {"iban": "FI58 1017 1000 0001 22", "bic": "NDEAFIHH", "is_default": True}
    assert client.post(_url(books), second, content_type="application/json").status_code == 201
    listing = client.get(_url(books)).json()
    assert [(b["iban"], b["is_default"]) for b in listing] == [
        ("FI5810171000000122", True),
        ("FI7944052020036082", False),
    ]
    assert AuditEvent.objects.filter(object_type="ledger.bankaccount", action="create").count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"iban": "FI79 4405 2020 0360 83"}, "iban"),
        ({"bic": "OKOY"}, "bic"),
        ({"bic": "DEUTDEFF"}, "bic"),
        ({"account": "3000"}, "account"),
        ({"account": "9999"}, "account"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, books, change, field):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(_url(books), OP | change, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert not BankAccount.objects.exists()


def test_the_same_iban_twice_is_refused(world, books):
    client = world.client(Role.ACCOUNTANT)
    client.post(_url(books), OP, content_type="application/json")
    again = client.post(_url(books), OP, content_type="application/json")
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["body", "iban"]


def test_walls_and_roles(world, books):
    assert world.client(Role.ACCOUNTANT, other=True).get(_url(books)).status_code == 404
    viewer = world.client(Role.VIEWER)
    assert viewer.get(_url(books)).status_code == 200
    assert viewer.post(_url(books), OP, content_type="application/json").status_code == 403


def test_settings_page_adds_an_account(world, books):
    client = world.client(Role.ACCOUNTANT)
    page = client.get(f"/ledger/{books.pk}/years/")
    assert b'data-testid="bank-accounts-link"' in page.content
    response = client.post(f"/ledger/{books.pk}/bank-accounts/", OP, follow=True)
    assert response.status_code == 200
    assert "FI79 4405 2020 0360 82" in response.content.decode()
    bad = client.post(f"/ledger/{books.pk}/bank-accounts/", OP | {"iban": "FI00"})
    assert "ei ole kelvollinen IBAN" in bad.content.decode()  # pages speak Finnish
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(f"/ledger/{books.pk}/bank-accounts/").status_code == 404
