"""An accountant adds a customer, writes an invoice, sends it, opens its PDF and records
the payment, all in the browser."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.system import SystemActor


@pytest.fixture
def books(world):
    actor = SystemActor()
    services.apply_chart(actor, world.company, "limited-company")
    year = dt.date.today().year
    services.create_fiscal_year(
        actor, world.company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    services.create_bank_account(
        actor, world.company, iban="FI7944052020036082", bic="OKOYFIHH", account="1910"
    )
    return world.company


def test_new_customer_to_sent_invoice_pdf_and_payment(world, books, login, live_server):
    page = login(world.users[Role.ACCOUNTANT])
    page.goto(f"{live_server.url}/sales/{books.pk}/customers/")
    form = page.get_by_test_id("customer-form")
    form.get_by_label("Nimi").fill("Selainasiakas Oy")
    form.get_by_label("Y-tunnus").fill("0112038-9")
    form.get_by_label("Katuosoite").fill("Kauppatori 2")
    form.get_by_label("Postinumero").fill("00170")
    form.get_by_label("Postitoimipaikka").fill("Helsinki")
    page.get_by_test_id("save-customer").click()
    expect(page.get_by_test_id("customers")).to_contain_text("Selainasiakas Oy")

    page.get_by_test_id("new-invoice").click()
    page.get_by_label("Asiakas").select_option(label="1 Selainasiakas Oy")
    page.get_by_test_id("line-0-description").fill("Käyttöönottopäivä")
    page.get_by_test_id("line-0-quantity").fill("2")
    page.get_by_test_id("line-0-unit_price").fill("400,00")
    page.get_by_test_id("line-0-vat_code").fill("S")
    page.get_by_test_id("save-invoice").click()
    expect(page.get_by_test_id("gross")).to_contain_text("1 004,00")

    page.get_by_test_id("confirm-send").check()
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("reference")).to_have_text("10016")
    expect(page.get_by_test_id("status")).to_have_text("Lähetetty")

    pdf = page.request.get(live_server.url + page.get_by_test_id("pdf").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    page.get_by_label("Summa").fill("1004,00")
    page.get_by_test_id("record-payment").click()
    expect(page.get_by_test_id("status")).to_have_text("Maksettu")
    expect(page.get_by_test_id("open-amount")).to_contain_text("0,00")
