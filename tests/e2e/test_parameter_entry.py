"""Browser: the vendor's admin enters next year's unemployment insurance rate with its source
on the parameters page and sees it listed with their name."""

import pytest
from playwright.sync_api import expect

from tase.core.roles import Role
from tase.rules import parameters as params

SOURCE = "https://example.org/unemployment-insurance-2027"


@pytest.fixture(autouse=True)
def fresh_parameters():
    params.reload()
    yield
    params.reload()


def test_admin_enters_a_new_years_value(world, login, page, live_server):
    admin = world.users[Role.ADMIN]
    login(admin)
    page.goto(f"{live_server.url}/parameters/")
    page.locator("#id_name").select_option("payroll.unemployment.employee_rate")
    page.locator("#id_effective_from").fill("2027-01-01")
    page.locator("#id_value").fill("0,95")
    page.locator("#id_source").fill(SOURCE)
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_text("Arvo tallennettiin.")).to_be_visible()
    row = page.locator("tr", has_text=SOURCE)
    expect(row).to_contain_text(admin.email)
    expect(row).to_contain_text("0,95")  # Finnish number format
