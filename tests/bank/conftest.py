import datetime as dt

import pytest
from django.utils import translation

from tase.core.roles import Role
from tase.ledger import services as ledger
from tase.ledger.system import SystemActor
from tase.sales import services as sales

IBAN = "FI2112345600000785"  # the account of tests/formats/data/camt/*


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def books(world):
    """Customer A's company: limited-company chart, fiscal years 2025-2026, the bank account
    the test statements are for (ledger account 1910)."""
    system = SystemActor()
    company = world.company
    company.business_id, company.street_address = "0737546-2", "Mannerheimintie 1"
    company.postal_code, company.city = "00100", "Helsinki"
    company.save()
    ledger.apply_chart(system, company, "limited-company")
    for year in (2025, 2026):
        ledger.create_fiscal_year(
            system, company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
        )
    ledger.create_bank_account(system, company, iban=IBAN, bic="NDEAFIHH", account="1910")
    return company


@pytest.fixture
def accountant(world):
    return world.actor(Role.ACCOUNTANT)


@pytest.fixture
def invoice_of(books):
    """A sent sales invoice of ``cents`` (VAT 0), dated 1.3.2026."""
    system = SystemActor()
    customer = sales.create_customer(system, books, name="Asiakas Oy", business_id="0112038-9")

    def make(cents: int, name: str = ""):
        who = sales.create_customer(system, books, name=name) if name else customer
        draft = sales.create_invoice(
            system,
            books,
            customer=who,
            invoice_date=dt.date(2026, 3, 1),
            lines=[
                {
                    "description": "Työ",
                    "quantity": "1",
                    "unit_price": f"{cents / 100:.2f}",
                    "vat_code": "S0",
                }
            ],
        )
        return sales.send_invoice(system, draft)

    return make
