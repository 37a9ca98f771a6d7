import datetime as dt
from pathlib import Path

import pytest
from django.utils import translation

from tase.core.roles import Role
from tase.ledger import services as ledger
from tase.ledger.system import SystemActor

DATA = Path(__file__).parent.parent / "formats" / "data" / "finvoice"
FINVOICE = (DATA / "finvoice30_iso885915.xml").read_bytes()
SOAP = (DATA / "finvoice30_soap.xml").read_bytes()
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the UI default is Finnish."""
    with translation.override("en"):
        yield


@pytest.fixture
def books(world):
    """Customer A's company (the Finvoice fixture's buyer) with the limited-company chart,
    fiscal years 2025-2026 and a bank account at OP."""
    system = SystemActor()
    company = world.company
    company.business_id = "2085253-4"
    company.save()
    ledger.apply_chart(system, company, "limited-company")
    for year in (2025, 2026):
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


def finvoice(number="2026-0317", total=None) -> bytes:
    """The fixture with another invoice number (and, optionally, a broken total)."""
    text = FINVOICE.decode("iso-8859-15").replace(
        "<InvoiceNumber>2026-0317</InvoiceNumber>", f"<InvoiceNumber>{number}</InvoiceNumber>"
    )
    if total:
        text = text.replace(">1279,48<", f">{total}<")
    return text.encode("iso-8859-15")
