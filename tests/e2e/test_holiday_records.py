"""Browser: a payroll clerk plans a summer holiday, generates its lines into the July pay run
and posts the holiday-pay liability at a month end (issue 16, Done when)."""

import datetime as dt

from playwright.sync_api import expect

from tase.core.roles import Role
from tase.payroll import services
from tests.payroll.factories import books, employee, pay_run


def test_recorded_holiday_to_pay_run_lines_and_liability_voucher(world, page, live_server, login):
    clerk = world.actor(Role.PAYROLL_CLERK)
    services.ensure_setup(world.company)
    books(world.company)
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    run = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    login(world.users[Role.PAYROLL_CLERK])
    page.goto(f"{live_server.url}/payroll/employees/{worker.pk}/")
    page.get_by_role("link", name="Lomat", exact=True).first.click()
    page.get_by_label("Ensimmäinen päivä").fill("2026-07-06")
    page.get_by_label("Viimeinen päivä").fill("2026-07-26")
    page.get_by_role("button", name="Tallenna").first.click()
    records = page.get_by_test_id("holiday-records")
    expect(records).to_contain_text("Kesäloma")
    expect(records.get_by_role("cell", name="18", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/payroll/runs/{run.pk}/")
    page.get_by_test_id("holiday-lines").click()
    expect(page.get_by_text("Lomien rivit muodostettu.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Lomapalkka")
    expect(page.locator("main")).to_contain_text("2\xa0160,00\xa0€")
    page.goto(f"{live_server.url}/payroll/c/{world.company.pk}/holiday-liability/?on=2026-04-30")
    expect(page.get_by_test_id("liability")).to_contain_text(worker.name)
    page.get_by_label("Kuukauden viimeinen päivä").fill("2026-04-30")
    page.get_by_test_id("post-liability").click()
    expect(page.get_by_text("Lomapalkkavelka kirjattu tositteella")).to_be_visible()
