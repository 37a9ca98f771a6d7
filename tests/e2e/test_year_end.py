"""An accountant ends a year in the browser (docs/year-end.md): the closing gate with the
year-end items shows the income tax missing, the tax is booked at the proposal, the gate ties,
the statement book is filled in and signed, the year is closed, and the signed statement book
prints as a PDF with the statements, the proposal and the signature."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.models import FiscalYear
from tase.ledger.system import SystemActor

YEAR_END = dt.date(2025, 12, 31)


@pytest.fixture
def open_year(world):
    """2025 open with a sale and an expense: a profit of 6 000,00 €, no tax booked yet."""
    actor = SystemActor()
    company = world.company
    services.apply_chart(actor, company, "limited-company")
    services.create_fiscal_year(actor, company, start=dt.date(2025, 1, 1), end=YEAR_END)
    for day, debit, credit, euros in (
        (dt.date(2025, 3, 1), "1910", "3000", "10000.00"),
        (dt.date(2025, 5, 1), "7100", "1910", "4000.00"),
    ):
        services.post_voucher(
            actor,
            company,
            date=day,
            series="MU",
            description="Tosite",
            lines=[
                {"account": debit, "debit": Decimal(euros)},
                {"account": credit, "credit": Decimal(euros)},
            ],
        )
    return company


def test_from_an_open_year_through_the_gate_to_the_signed_statement_book(
    world, open_year, login, live_server
):
    base = f"{live_server.url}/ledger/{open_year.pk}"
    page = login(world.users[Role.ACCOUNTANT])

    page.goto(f"{base}/closing-gate/?on={YEAR_END}&year_end=1")
    gate = page.get_by_test_id("closing-gate")
    expect(gate).to_have_attribute("data-ok", "0")
    expect(gate.locator('tr[data-code="ledger.income_tax"]')).to_contain_text("1\xa0200,00")

    # The income tax at the proposal: 20 % of 6 000,00 € (TVL 124 § 2 mom.).
    page.goto(f"{base}/years/")
    tax = page.get_by_test_id("income-tax")
    expect(tax.get_by_label("Tulovero (€)")).to_have_value("1200,00")
    tax.get_by_role("checkbox").check()
    tax.get_by_role("button", name="Kirjaa tulovero").click()
    expect(page.get_by_test_id("income-tax")).to_contain_text("Kirjattu tositteelle")

    page.goto(f"{base}/closing-gate/?on={YEAR_END}&year_end=1")
    expect(page.get_by_test_id("closing-gate")).to_have_attribute("data-ok", "1")

    page.goto(f"{base}/financial-statements/?form=small")
    expect(page.get_by_test_id("income-statement")).to_contain_text("4\xa0800,00")
    book = page.get_by_test_id("statement-book-form")
    book.get_by_label("Hallituksen esitys tuloksen käsittelystä").fill(
        "Tilikauden voitto 4 800,00 € siirretään edellisten tilikausien voittoon."
    )
    book.get_by_label("Allekirjoituspaikka").fill("Helsinki")
    page.locator("#sig-0-name").fill("Maija Meikäläinen")
    page.locator("#sig-0-role").fill("hallituksen puheenjohtaja")
    page.locator("#sig-0-date").fill("2026-02-15")
    book.get_by_role("button", name="Tallenna").click()
    expect(page.locator("#sig-0-name")).to_have_value("Maija Meikäläinen")

    year = FiscalYear.objects.get(company=open_year, end=YEAR_END)
    page.goto(f"{base}/years/")
    close = page.locator(
        f'form:has(input[name="action"][value="close"]):has(input[name="year"][value="{year.pk}"])'
    )
    close.get_by_role("checkbox").check()
    close.get_by_role("button", name="Sulje tilikausi").click()
    expect(close).to_have_count(0)  # closed; the next year, opened by the closing, has its own
    year.refresh_from_db()
    assert not year.is_open

    response = page.request.get(f"{base}/financial-statements/?year={year.pk}&format=book")
    assert response.ok and response.body().startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)
    for words in ("Tuloslaskelma", "Tase", "4 800,00", "Maija Meikäläinen", "Helsinki"):
        assert words in text.replace("\xa0", " "), words
