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


def post(company, day, *lines, series="MU", text="Tosite"):
    """Post a voucher of ``(account, euros)`` lines: positive a debit, negative a credit."""
    services.post_voucher(
        SystemActor(),
        company,
        date=day,
        series=series,
        description=text,
        lines=[
            {"account": account, "debit": Decimal(amount)}
            if Decimal(amount) > 0
            else {"account": account, "credit": -Decimal(amount)}
            for account, amount in lines
        ],
    )


@pytest.fixture
def two_years(books, system):
    """2025 with share capital, a sale, purchases, wages and depreciation, closed into 2026's
    opening balances; 2026 with its own sale and expenses."""
    services.create_fiscal_year(system, books, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    post(books, dt.date(2025, 1, 2), ("1910", "2500.00"), ("2000", "-2500.00"))
    post(books, dt.date(2025, 3, 1), ("1700", "10000.00"), ("3000", "-10000.00"))
    post(books, dt.date(2025, 4, 1), ("4000", "3000.00"), ("2870", "-3000.00"))
    post(books, dt.date(2025, 5, 1), ("5000", "2000.00"), ("6100", "350.00"), ("1910", "-2350.00"))
    post(books, dt.date(2025, 6, 1), ("1150", "1200.00"), ("1910", "-1200.00"))
    post(books, dt.date(2025, 12, 31), ("6800", "240.00"), ("1150", "-240.00"))
    post(books, dt.date(2025, 12, 31), ("9900", "800.00"), ("2960", "-800.00"))
    year = books.fiscal_years.get(end=dt.date(2025, 12, 31))
    services.close_fiscal_year(system, year, override_reason="test books")
    post(books, dt.date(2026, 2, 1), ("1910", "5000.00"), ("3000", "-5000.00"))
    post(books, dt.date(2026, 3, 1), ("7100", "1000.00"), ("1910", "-1000.00"))
    post(books, dt.date(2026, 3, 2), ("9400", "50.00"), ("1910", "-50.00"))
    return books
