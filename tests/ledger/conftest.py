import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.system import SystemActor


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the UI default is Finnish."""
    with translation.override("en"):
        yield


@pytest.fixture
def system():
    return SystemActor()


@pytest.fixture
def books(world, system):
    """Customer A's company with the limited-company chart and fiscal year 2026."""
    services.apply_chart(system, world.company, "limited-company")
    services.create_fiscal_year(
        system, world.company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    return world.company


@pytest.fixture
def accountant(world):
    return world.actor(Role.ACCOUNTANT)


def sale(amount="1255.00", vat="S", day=dt.date(2026, 3, 15)):
    """A sales voucher: bank debit, sales credit with VAT (gross)."""
    return {
        "date": day,
        "series": "ML",
        "description": "Myynti",
        "lines": [
            {"account": "1910", "debit": Decimal(amount)},
            {"account": "3000", "credit": Decimal(amount), "vat_code": vat, "gross": True},
        ],
    }
