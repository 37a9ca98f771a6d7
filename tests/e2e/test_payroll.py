"""Browser: a payroll clerk enters hours in the mass-entry grid, calculates and approves a pay
run and opens the numbered payslip and its PDF; the calculator shows an explained payslip."""

import datetime as dt
import re

from playwright.sync_api import expect

from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import PayrollSettings, Payslip
from tests.payroll.factories import employee


def test_pay_run_from_entry_to_approved_payslip_pdf(world, page, live_server, login):
    clerk = world.actor(Role.PAYROLL_CLERK)
    services.ensure_setup(world.company)
    PayrollSettings.objects.filter(company=world.company).update(
        post_to_ledger=False, tyel_policy_number="46-1234567"
    )
    worker = employee(clerk, world.company, first_name="Tiina", last_name="Tuntinen",
                      basis="hourly", salary="15.00")  # fmt: skip
    login(world.users[Role.PAYROLL_CLERK])

    page.goto(f"{live_server.url}/payroll/c/{world.company.pk}/runs/new/")
    page.get_by_label("Jakson alku").fill("2026-03-01")
    page.get_by_label("Jakson loppu").fill("2026-03-31")
    page.get_by_label("Maksupäivä").fill("2026-03-31")
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(re.compile(r"/payroll/runs/\d+/$"))
    run_url = page.url

    page.get_by_role("link", name="Joukkosyöttö").click()
    page.locator(f'input[name="v-{worker.pk}-hourly_wage"]').fill("100")
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(run_url)
    page.get_by_role("button", name="Laske").click()
    expect(page.get_by_test_id("payslips")).to_contain_text("1\xa0500,00\xa0€")
    page.get_by_role("button", name="Hyväksy").click()
    expect(page.get_by_test_id("run-status")).to_have_text("Hyväksytty")

    slip = Payslip.objects.get()
    assert slip.number == 1
    page.get_by_role("link", name="Tuntinen Tiina").click()
    expect(page.get_by_role("heading", name="Palkkalaskelma 1")).to_be_visible()
    response = page.request.get(f"{live_server.url}/payroll/payslips/{slip.pk}/pdf/")
    assert response.ok and response.body()[:4] == b"%PDF"


def test_calculator_explains_every_line(world, page, live_server, login):
    login(world.users[Role.VIEWER])
    page.goto(f"{live_server.url}/payroll/calculator/")
    page.get_by_label("Maksupäivä").fill(dt.date(2026, 3, 15).isoformat())
    page.get_by_label("Syntymäaika").fill("1990-05-01")
    page.get_by_label("Perusprosentti (%)").fill("20")
    page.get_by_label("Lisäprosentti (%)").fill("40")
    page.get_by_label("Vuositulon raja (€)").fill("40000")
    page.locator("#id_item_0_wage_type").select_option("monthly_salary")
    page.locator("#id_item_0_amount").fill("3500")
    page.get_by_role("button", name="Laske").click()
    expect(page.get_by_test_id("net-pay")).to_contain_text("2\xa0513,35\xa0€")
    expect(page.get_by_test_id("payslip-lines")).to_contain_text("payroll.tyel.employee_rate_bands")


def test_approved_run_to_downloaded_and_sent_incomes_register_report(
    world, page, live_server, login
):
    clerk = world.actor(Role.PAYROLL_CLERK)
    services.ensure_setup(world.company)
    PayrollSettings.objects.filter(company=world.company).update(
        post_to_ledger=False, tyel_policy_number="46-1234567"
    )
    employee(clerk, world.company, first_name="Iiris", last_name="Ilmoitus")
    run = services.create_pay_run(
        clerk,
        world.company,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        payment_date=dt.date(2026, 3, 31),
    )
    services.calculate_pay_run(clerk, run)
    login(world.users[Role.PAYROLL_CLERK])

    page.goto(f"{live_server.url}/payroll/runs/{run.pk}/")
    page.get_by_role("button", name="Hyväksy").click()
    expect(page.get_by_test_id("run-status")).to_have_text("Hyväksytty")
    page.goto(f"{live_server.url}/payroll/c/{world.company.pk}/runs/")
    page.get_by_role("link", name="Tulorekisteri").click()
    row = page.get_by_test_id("register-report").filter(has_text="Palkkatietoilmoitukset")
    expect(row.get_by_test_id("register-state")).to_have_text("Muodostettu")
    expect(row.get_by_test_id("late")).to_have_text("Myöhässä")  # due 7.4.2026
    with page.expect_download() as download:
        row.get_by_test_id("download").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        document = handle.read()
    irf.validate(document, irf.WAGE_REPORTS)
    assert irf.read(document).reports[0].last_name == "Ilmoitus"
    page.reload()
    row = page.get_by_test_id("register-report").filter(has_text="Palkkatietoilmoitukset")
    expect(row.get_by_test_id("register-state")).to_have_text("Ladattu")
    row.get_by_label("Tulorekisterin ilmoitustunniste").fill("TR-2026-0001")
    row.get_by_role("button", name="Merkitse lähetetyksi").click()
    row = page.get_by_test_id("register-report").filter(has_text="Palkkatietoilmoitukset")
    expect(row.get_by_test_id("register-state")).to_have_text("Merkitty lähetetyksi")
    expect(row).to_contain_text("TR-2026-0001")
    expect(row.get_by_test_id("late")).to_have_count(0)


def test_pay_item_csv_import_sends_the_file(world, page, live_server, login, tmp_path):
    """The import form posts the chosen file (it said "required" for every upload when the
    form lacked enctype="multipart/form-data")."""
    clerk = world.actor(Role.PAYROLL_CLERK)
    services.ensure_setup(world.company)
    worker = employee(clerk, world.company, basis="hourly", salary="15.00")
    run = services.create_pay_run(
        clerk, world.company, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31),
        payment_date=dt.date(2026, 3, 31),
    )  # fmt: skip
    upload = tmp_path / "items.csv"
    upload.write_text(f"employee;wage_type;quantity\n{worker.number};hourly_wage;12\n")
    login(world.users[Role.PAYROLL_CLERK])
    page.goto(f"{live_server.url}/payroll/runs/{run.pk}/")
    page.get_by_role("link", name="Tuo CSV").click()
    page.get_by_label("CSV-tiedosto").set_input_files(str(upload))
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(f"{live_server.url}/payroll/runs/{run.pk}/")
    assert run.items.get().quantity == 12


def test_correcting_an_approved_run_gives_a_replacement_report(world, page, live_server, login):
    clerk = world.actor(Role.PAYROLL_CLERK)
    services.ensure_setup(world.company)
    PayrollSettings.objects.filter(company=world.company).update(
        post_to_ledger=False, tyel_policy_number="46-1234567"
    )
    worker = employee(clerk, world.company, first_name="Kaisa", last_name="Korjattava")
    run = services.create_pay_run(
        clerk,
        world.company,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        payment_date=dt.date(2026, 3, 31),
    )
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    login(world.users[Role.PAYROLL_CLERK])

    page.goto(f"{live_server.url}/payroll/runs/{run.pk}/")
    page.get_by_role("link", name="Korjaa palkkalaskelmia").click()
    page.get_by_label("Korjauksen maksupäivä").fill("2026-04-15")
    page.get_by_label("Korjattava Kaisa").check()
    page.get_by_role("button", name="Luo korjausajo").click()
    expect(page.get_by_test_id("correction-of")).to_be_visible()
    page.locator("#id_item-employee").select_option(str(worker.pk))
    page.locator("#id_item-wage_type").select_option("bonus")
    page.locator("#id_item-amount").fill("250")
    page.get_by_role("button", name="Lisää rivi").click()
    page.get_by_role("button", name="Laske").click()
    expect(page.get_by_test_id("payslips")).to_contain_text("250,00\xa0€")
    page.get_by_role("button", name="Hyväksy").click()
    expect(page.get_by_test_id("run-status")).to_have_text("Hyväksytty")

    page.goto(f"{live_server.url}/payroll/c/{world.company.pk}/incomes-register/")
    row = page.get_by_test_id("register-report").filter(has_text=f"PR{run.pk}-C")
    with page.expect_download() as download:
        row.get_by_test_id("download").click()
    with open(download.value.path(), "rb") as handle:
        document = handle.read()
    irf.validate(document, irf.WAGE_REPORTS)
    (report,) = irf.read(document).reports
    assert report.report_id == services.employee_report_id(run, worker.pk)
    assert report.version == 2 and report.total(203) == 250
