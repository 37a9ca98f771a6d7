"""An accountant enters a voucher with the keyboard only, then drills from the income
statement down to the voucher's attachment."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.system import SystemActor

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def books(world):
    actor = SystemActor()
    services.apply_chart(actor, world.company, "limited-company")
    year = dt.date.today().year
    services.create_fiscal_year(
        actor, world.company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    return world.company


def test_keyboard_voucher_and_drill_down(world, books, login, live_server, tmp_path):
    page = login(world.users[Role.ACCOUNTANT])
    page.goto(f"{live_server.url}/ledger/{books.pk}/vouchers/new/")
    page.get_by_label("Selite").fill("Myynti näppäimistöllä")
    page.locator("#account_0").focus()
    keyboard = page.keyboard
    keyboard.type("1910")
    keyboard.press("Tab")
    keyboard.type("1255,00")
    # account, debit, credit, VAT, net, text, cost centre, project, delivery date: eight Tabs
    # to the next line.
    for _ in range(8):
        keyboard.press("Tab")
    expect(page.locator("#account_1")).to_be_focused()
    keyboard.type("3000")
    keyboard.press("Tab")
    keyboard.press("Tab")  # the credit is filled with the difference on focus
    expect(page.locator("#credit_1")).to_have_value("1255,00")
    expect(page.get_by_test_id("difference")).to_have_text("0,00")
    keyboard.press("Tab")
    keyboard.type("S")
    expect(page.locator("#vat_1")).to_have_value("S")
    attachment = tmp_path / "lasku.pdf"
    attachment.write_bytes(PDF)
    page.locator("#v-attachments").set_input_files(str(attachment))
    page.locator("#credit_1").focus()
    keyboard.press("Enter")
    expect(page.get_by_test_id("voucher-description")).to_have_text("Myynti näppäimistöllä")
    expect(page.get_by_test_id("entries")).to_contain_text("29391")

    page.goto(f"{live_server.url}/ledger/{books.pk}/reports/income-statement/")
    page.locator('[data-drill="3000"]').click()
    expect(page.get_by_test_id("ledger-entries")).to_contain_text("Myynti näppäimistöllä")
    page.get_by_test_id("ledger-entries").get_by_role("link").first.click()
    link = page.get_by_test_id("attachments").get_by_role("link", name="lasku.pdf")
    expect(link).to_be_visible()
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
