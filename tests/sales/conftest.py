import datetime as dt

import pytest
from django.utils import translation

from tase.core.roles import Role
from tase.ledger import services as ledger
from tase.ledger.system import SystemActor


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the UI default is Finnish."""
    with translation.override("en"):
        yield


@pytest.fixture
def books(world):
    """Customer A's company with the limited-company chart, fiscal years 2024-2026 and a
    bank account at OP."""
    system = SystemActor()
    company = world.company
    company.business_id, company.street_address = "0737546-2", "Mannerheimintie 1"
    company.postal_code, company.city = "00100", "Helsinki"
    company.save()
    ledger.apply_chart(system, company, "limited-company")
    for year in (2024, 2025, 2026):
        ledger.create_fiscal_year(
            system, company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
        )
    ledger.create_bank_account(
        system, company, iban="FI79 4405 2020 0360 82", bic="OKOYFIHH", account="1910"
    )
    return company


@pytest.fixture
def accountant(world):
    return world.actor(Role.ACCOUNTANT)


CUSTOMER = {
    "name": "Asiakas Ab",
    "business_id": "0112038-9",
    "vat_number": "FI01120389",
    "street": "Kauppatori 2",
    "postcode": "00170",
    "town": "Helsinki",
    "email": "laskut@asiakas.example",
    "language": "fi",
}


def lines(*rows):
    """Invoice lines from (description, quantity, unit price, VAT code) tuples."""
    return [
        {"description": d, "quantity": q, "unit": "kpl", "unit_price": p, "vat_code": c}
        for d, q, p, c in rows
    ]
