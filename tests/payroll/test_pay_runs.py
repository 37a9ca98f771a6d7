"""Employees, tax cards, pay runs from entry to approved payslips, postings, access."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import CompanyWageType, PayItem, PayrollSettings, PayRun, Payslip

from .factories import books, employee, pay_run, valid_code

D = Decimal


def test_identity_code_is_validated_and_gives_the_birth_date(world, clerk):
    code = valid_code("150675-123")
    row = services.create_employee(
        clerk, world.company, first_name="A", last_name="B", identity_code=code
    )
    assert row.birth_date == dt.date(1975, 6, 15)
    with pytest.raises(ValidationError) as error:
        services.create_employee(
            clerk, world.company, first_name="A", last_name="C", identity_code="150675-1234"
        )
    assert "identity_code" in error.value.message_dict


def test_iban_is_validated(world, clerk):
    with pytest.raises(ValidationError) as error:
        employee(clerk, world.company, iban="FI00 1234")
    assert "iban" in error.value.message_dict
    row = employee(clerk, world.company, iban="FI21 1234 5600 0007 85")
    assert row.iban == "FI2112345600000785"


def test_identity_code_is_masked_without_the_right_and_audited_when_shown(world, clerk):
    code = valid_code("150675-123")
    row = employee(clerk, world.company, identity_code=code, birth_date=None)
    consultant = world.actor(Role.CONSULTANT)  # payroll.view, not payroll.identity_codes
    assert services.identity_code_for(consultant, row) == code[:7] + "****"
    assert not AuditEvent.objects.filter(action="view_identity_code").exists()
    assert services.identity_code_for(clerk, row) == code
    event = AuditEvent.objects.get(action="view_identity_code")
    assert event.object_id == str(row.pk) and event.actor == world.users[Role.PAYROLL_CLERK]
    # the page shows it masked, the reveal endpoint is audited
    client = world.client(Role.CONSULTANT)
    html = client.get(f"/payroll/employees/{row.pk}/").content.decode()
    assert code not in html and code[:7] + "****" in html
    assert code not in client.get(f"/payroll/employees/{row.pk}/identity-code/").content.decode()
    shown = world.client(Role.PAYROLL_CLERK).get(f"/payroll/employees/{row.pk}/identity-code/")
    assert code in shown.content.decode()
    assert AuditEvent.objects.filter(action="view_identity_code").count() == 2


def test_api_lists_employees_masked(world, clerk):
    code = valid_code("150675-123")
    employee(clerk, world.company, identity_code=code, birth_date=None)
    client = world.client(Role.PAYROLL_CLERK)
    body = client.get(f"/api/v1/payroll/companies/{world.company.pk}/employees").json()
    assert body["items"][0]["identity_code"] == code[:7] + "****"


def test_tax_card_rates_and_limit_are_checked(world, clerk):
    row = employee(clerk, world.company, card=None)
    for data, field in [
        ({"base_rate": "101", "additional_rate": "40", "income_limit": "1"}, "base_rate"),
        ({"base_rate": "10", "additional_rate": "-1", "income_limit": "1"}, "additional_rate"),
        ({"base_rate": "10", "additional_rate": "40", "income_limit": "-1"}, "income_limit"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.add_tax_card(
                clerk, row, year=2026, valid_from=dt.date(2026, 1, 1), kind="card", **data
            )
        assert field in error.value.message_dict
    assert not row.tax_cards.exists()


def test_pay_run_from_entry_to_approved_numbered_payslips(world, clerk):
    monthly = employee(clerk, world.company, last_name="Aalto")
    hourly = employee(
        clerk, world.company, last_name="Bergström", basis="hourly", salary="15.00", card=None
    )
    run = pay_run(clerk, world.company)
    assert set(run.employees.all()) == {monthly, hourly}
    services.save_grid(clerk, run, ["hourly_wage", "mileage_allowance"], {
        (hourly.pk, "hourly_wage"): "100",
        (monthly.pk, "mileage_allowance"): "100",
    })  # fmt: skip
    services.calculate_pay_run(clerk, run)
    slips = {slip.employee_id: slip for slip in Payslip.objects.filter(pay_run=run)}
    assert slips[monthly.pk].net_cents == 256835  # the example
    assert slips[hourly.pk].gross_cents == 150000
    assert slips[hourly.pk].withholding_cents == 90000  # no tax card: 60 %
    # recalculate freely in draft
    services.calculate_pay_run(clerk, run)
    assert Payslip.objects.filter(pay_run=run).count() == 2
    run = services.approve_pay_run(clerk, run)
    assert run.status == PayRun.Status.APPROVED
    numbers = list(
        Payslip.objects.filter(pay_run=run).order_by("number").values_list("number", flat=True)
    )
    assert numbers == [1, 2]
    with pytest.raises(ValidationError) as error:
        services.approve_pay_run(clerk, run)
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.calculate_pay_run(clerk, run)
    with pytest.raises(ValidationError):
        services.add_item(clerk, run, monthly, wage_type="bonus", amount=D("1"))
    run = services.mark_paid(clerk, run)
    assert run.status == PayRun.Status.PAID


def test_approval_needs_a_fresh_calculation(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    with pytest.raises(ValidationError):
        services.approve_pay_run(clerk, run)
    services.calculate_pay_run(clerk, run)
    services.add_item(clerk, run, worker, wage_type="bonus", amount=D("100"))
    with pytest.raises(ValidationError):
        services.approve_pay_run(clerk, run)


def test_income_paid_before_comes_from_approved_runs_and_splits_at_the_limit(world, clerk):
    employee(clerk, world.company, salary="3000.00", card=("20", "40", "5000"))
    first = pay_run(clerk, world.company, payment_date=dt.date(2026, 1, 31))
    services.calculate_pay_run(clerk, first)
    services.approve_pay_run(clerk, first)
    second = pay_run(clerk, world.company, payment_date=dt.date(2026, 2, 28))
    services.calculate_pay_run(clerk, second)
    slip = Payslip.objects.get(pay_run=second)
    # 5000 - 3000 = 2000 at 20 % = 400.00; 1000 at 40 % = 400.00
    assert slip.withholding_cents == 80000
    assert slip.tax_card["income_paid_before"] == "3000.00"
    codes = [line["code"] for line in slip.lines if line["section"] == "withholding"]
    assert codes == ["withholding", "withholding_additional"]


def test_mid_year_tax_card_change_applies_from_its_date(world, clerk):
    worker = employee(clerk, world.company, card=("20", "40", "40000"))
    services.add_tax_card(
        clerk, worker, year=2026, valid_from=dt.date(2026, 6, 1), kind="card",
        base_rate="30", additional_rate="45", income_limit="40000",
    )  # fmt: skip
    may = pay_run(clerk, world.company, payment_date=dt.date(2026, 5, 29))
    june = pay_run(clerk, world.company, payment_date=dt.date(2026, 6, 30))
    services.calculate_pay_run(clerk, may)
    services.calculate_pay_run(clerk, june)
    assert Payslip.objects.get(pay_run=may).withholding_cents == 70000
    assert Payslip.objects.get(pay_run=june).withholding_cents == 105000


def test_salary_change_applies_from_its_date(world, clerk):
    worker = employee(clerk, world.company)
    services.change_salary(
        clerk, worker.employments.get(), valid_from=dt.date(2026, 4, 1), amount="3700.00"
    )
    march = pay_run(clerk, world.company, payment_date=dt.date(2026, 3, 31))
    april = pay_run(clerk, world.company, payment_date=dt.date(2026, 4, 30))
    services.calculate_pay_run(clerk, march)
    services.calculate_pay_run(clerk, april)
    assert Payslip.objects.get(pay_run=march).gross_cents == 350000
    assert Payslip.objects.get(pay_run=april).gross_cents == 370000


def test_payment_date_before_employment_is_refused(world, clerk):
    worker = employee(clerk, world.company, start=dt.date(2026, 6, 1))
    run = pay_run(clerk, world.company, payment_date=dt.date(2026, 3, 31), employees=[worker])
    with pytest.raises(ValidationError) as error:
        services.calculate_pay_run(clerk, run)
    assert "payment_date" in error.value.message_dict
    assert not Payslip.objects.exists()


def test_hidden_wage_type_is_refused(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    wage_type = CompanyWageType.objects.get(company=world.company, code="bonus")
    services.update_wage_type(clerk, wage_type, hidden=True)
    with pytest.raises(ValidationError) as error:
        services.add_item(clerk, run, worker, wage_type="bonus", amount=D("10"))
    assert "wage_type" in error.value.message_dict
    assert not PayItem.objects.exists()


def test_negative_quantity_is_refused(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    with pytest.raises(ValidationError) as error:
        services.add_item(clerk, run, worker, wage_type="mileage_allowance", quantity=D("-3"))
    assert "quantity" in error.value.message_dict


def test_csv_import_unknown_employee_names_the_row_and_writes_nothing(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    text = (
        "employee;wage_type;quantity;unit_price;amount\n"
        f"{worker.number};bonus;;;200\n"
        "999;bonus;;;100\n"
    )
    with pytest.raises(ValidationError) as error:
        services.import_items_csv(clerk, run, text.encode())
    message = error.value.message_dict["file"][0]
    assert " 3: " in message and "999" in message
    assert not PayItem.objects.exists()
    assert (
        services.import_items_csv(clerk, run, text.splitlines(True)[0] + text.splitlines(True)[1])
        == 1
    )


def test_csv_import_page_shows_the_row_error(world, clerk):
    employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("items.csv", b"employee,wage_type,amount\nX9,bonus,5\n")
    response = world.client(Role.PAYROLL_CLERK).post(
        f"/payroll/runs/{run.pk}/import/", {"file": upload}
    )
    assert "X9" in response.content.decode()
    assert not PayItem.objects.exists()


def test_grid_page_saves_items(world, clerk):
    worker = employee(clerk, world.company, basis="hourly", salary="14.00")
    run = pay_run(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    assert client.get(f"/payroll/runs/{run.pk}/grid/").status_code == 200
    client.post(f"/payroll/runs/{run.pk}/grid/", {f"v-{worker.pk}-hourly_wage": "120"})
    item = PayItem.objects.get()
    # The price is the hourly wage in force when the run is calculated.
    assert (item.wage_type, item.quantity, item.unit_price) == ("hourly_wage", D("120"), None)
    services.calculate_pay_run(clerk, run)
    line = next(x for x in run.payslips.get().lines if x["code"] == "hourly_wage")
    assert (D(line["unit_price"]), line["amount"]) == (D("14"), "1680.00")


def test_pages_and_api_of_another_customer_answer_404(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    other = world.client(Role.PAYROLL_CLERK, other=True)
    for url in [
        f"/payroll/employees/{worker.pk}/",
        f"/payroll/runs/{run.pk}/",
        f"/payroll/c/{world.company.pk}/employees/",
        f"/payroll/c/{world.company.pk}/summary/",
        f"/api/v1/payroll/employees/{worker.pk}",
        f"/api/v1/payroll/pay-runs/{run.pk}",
        f"/api/v1/payroll/companies/{world.company.pk}/employees",
    ]:
        assert other.get(url).status_code == 404, url
    assert other.post(f"/api/v1/payroll/pay-runs/{run.pk}/approve").status_code == 404


def test_accountant_without_payroll_rights_is_refused(world, clerk):
    run = pay_run(clerk, world.company)
    client = world.client(Role.ACCOUNTANT)
    assert client.get(f"/payroll/runs/{run.pk}/").status_code == 403
    assert client.post(f"/api/v1/payroll/pay-runs/{run.pk}/approve").status_code == 403


def test_employee_sees_only_own_approved_payslips(world, clerk):
    me = world.users[Role.EMPLOYEE]
    mine = employee(clerk, world.company, last_name="Oma", user=me)
    theirs = employee(clerk, world.company, last_name="Toinen")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    client = world.client(Role.EMPLOYEE)
    own = Payslip.objects.get(employee=mine)
    other = Payslip.objects.get(employee=theirs)
    assert client.get(f"/payroll/payslips/{own.pk}/").status_code == 404  # draft: not yet
    services.approve_pay_run(clerk, run)
    assert client.get(f"/payroll/payslips/{own.pk}/").status_code == 200
    assert client.get(f"/payroll/payslips/{other.pk}/").status_code == 404
    assert client.get(f"/payroll/runs/{run.pk}/").status_code == 403
    body = client.get("/api/v1/payroll/my/payslips").json()
    assert [row["id"] for row in body] == [own.pk]
    html = client.get("/payroll/my/").content.decode()
    assert f"/payroll/payslips/{own.pk}/" in html
    assert f"/payroll/payslips/{other.pk}/" not in html


def test_payslip_pdf_in_the_employees_language(world, clerk):
    worker = employee(clerk, world.company, language="en")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    slip = Payslip.objects.get()
    from tase.payroll.pdf import payslip_html

    html = payslip_html(slip)
    assert "Payslip" in html and "Monthly salary" in html
    response = world.client(Role.PAYROLL_CLERK).get(f"/payroll/payslips/{slip.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    worker.language = "fi"
    worker.save()
    slip.refresh_from_db()
    assert "Kuukausipalkka" in payslip_html(Payslip.objects.select_related("employee").get())


def test_monthly_summary_page_and_csv(world, clerk):
    employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    page = client.get(f"/payroll/c/{world.company.pk}/summary/?year=2026")
    assert page.status_code == 200
    csv_text = client.get(f"/payroll/c/{world.company.pk}/summary.csv?year=2026").content.decode()
    # withholding 700.00 + employer health insurance 66.85, due 12.4.2026, a Sunday: 13.4.
    assert "2026-03;1;3500.00;700.00;66.85;766.85;2026-04-13" in csv_text


def test_list_pages_query_counts(world, clerk, django_assert_max_num_queries):
    for n in range(5):
        employee(clerk, world.company, last_name=f"E{n}")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    with django_assert_max_num_queries(15):
        client.get(f"/payroll/c/{world.company.pk}/employees/")
    # + the out-of-proportion check, + the header's unread notification count
    with django_assert_max_num_queries(22):
        client.get(f"/payroll/runs/{run.pk}/")


def test_api_pay_run_flow(world, clerk):
    worker = employee(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    created = client.post(
        f"/api/v1/payroll/companies/{world.company.pk}/pay-runs",
        {"period_start": "2026-03-01", "period_end": "2026-03-31", "payment_date": "2026-03-31"},
        content_type="application/json",
    )
    assert created.status_code == 201
    run_id = created.json()["id"]
    bad = client.post(
        f"/api/v1/payroll/pay-runs/{run_id}/items",
        {"employee_id": worker.pk, "wage_type": "nope", "amount": "1"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "wage_type"]
    slips = client.post(f"/api/v1/payroll/pay-runs/{run_id}/calculate").json()
    assert slips[0]["net_pay"] == "3000.00" or slips[0]["gross_pay"] == "3500.00"
    assert client.post(f"/api/v1/payroll/pay-runs/{run_id}/approve").json()["status"] == "approved"
    again = client.post(f"/api/v1/payroll/pay-runs/{run_id}/approve")
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["body", "status"]


# -- postings --------------------------------------------------------------------------------
def test_approval_posts_one_balanced_voucher_and_cancel_reverses_it(world, clerk):
    from tase.ledger.models import Voucher

    books(world.company)
    employee(clerk, world.company, union_dues_rate="1.5")
    employee(clerk, world.company, last_name="Hourly", basis="hourly", salary="15", card=None)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    services.calculate_pay_run(clerk, run)
    assert not Voucher.objects.filter(company=world.company).exists()  # drafts post nothing
    run = services.approve_pay_run(clerk, run)
    voucher = Voucher.objects.get(pk=run.voucher_id)
    assert voucher.series.code == "PA" and voucher.source_ref == f"payrun:{run.pk}"
    entries = list(voucher.entries.select_related("account"))
    assert sum(e.amount_cents for e in entries) == 0
    by_account = {}
    for e in entries:
        by_account[e.account.number] = by_account.get(e.account.number, 0) + e.amount_cents
    slips = list(Payslip.objects.filter(pay_run=run))
    assert by_account["2940"] == -sum(s.net_cents for s in slips)
    assert by_account["2930"] == -sum(s.withholding_cents for s in slips)
    assert by_account["5000"] == sum(s.gross_cents for s in slips)
    assert by_account["6100"] == sum(s.employer_tyel_cents for s in slips)
    run = services.cancel_pay_run(clerk, run)
    reversal = Voucher.objects.get(pk=run.reversal_voucher_id)
    assert reversal.reverses_id == voucher.pk
    assert run.status == PayRun.Status.CANCELLED


def test_marking_paid_posts_the_payment(world, clerk):
    from tase.ledger.models import Voucher

    books(world.company)
    employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    run = services.mark_paid(clerk, run)
    payment = Voucher.objects.get(pk=run.payment_voucher_id)
    amounts = sorted(e.amount_cents for e in payment.entries.all())
    assert amounts == [-251335, 251335]  # net pay 3500.00 - 700.00 - 255.50 - 31.15


def test_approval_without_books_is_refused_with_the_reason(world, clerk):
    PayrollSettings.objects.filter(company=world.company).update(post_to_ledger=True)
    employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    with pytest.raises(ValidationError) as error:
        services.approve_pay_run(clerk, run)
    assert "status" in error.value.message_dict
    run.refresh_from_db()
    assert run.status == PayRun.Status.DRAFT
    assert not Payslip.objects.filter(number__isnull=False).exists()
