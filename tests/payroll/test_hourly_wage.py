"""Hours of monthly-paid employees priced at an hourly wage from a divisor; payslips out of
all proportion to the salary flagged before approval (issue 11, the clerk's critical find)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Employment, PayrollSettings, PayRun

from .factories import employee, pay_run


def _line(run, code):
    return next(x for x in run.payslips.get().lines if x["code"] == code)


def test_grid_overtime_of_a_monthly_salary_uses_the_company_divisor(world, clerk):
    worker = employee(clerk, world.company, salary="3200.00")
    PayrollSettings.objects.filter(company=world.company).update(hourly_divisor=D("160"))
    run = pay_run(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    client.post(f"/payroll/runs/{run.pk}/grid/", {f"v-{worker.pk}-overtime_50": "2"})
    services.calculate_pay_run(clerk, run)
    line = _line(run, "overtime_50")
    # 3,200 / 160 = 20.00 €/h; 2 h x 20.00 x 1.5 = 60.00 € (it was 9,600 €).
    assert line["amount"] == "60.00"
    assert line["hourly"] == {
        "basis": "monthly",
        "monthly_salary": "3200.00",
        "divisor": "160",
        "divisor_source": "company",
        "hourly_wage": "20.00",
    }
    assert run.payslips.get().gross_cents == 326000
    page = client.get(f"/payroll/payslips/{run.payslips.get().pk}/").content.decode()
    assert "160" in page and "20,00" in page


def test_without_a_divisor_weekly_hours_times_52_over_12(world, clerk):
    worker = employee(clerk, world.company, salary="3250.00")  # 37.5 h a week
    run = pay_run(clerk, world.company)
    services.add_item(clerk, run, worker, wage_type="overtime_100", quantity="1")
    services.calculate_pay_run(clerk, run)
    line = _line(run, "overtime_100")
    # 37.5 x 52 / 12 = 162.5 h; 3,250 / 162.5 = 20.00 €/h; x 2 = 40.00 €.
    assert (line["amount"], line["hourly"]["divisor"], line["hourly"]["divisor_source"]) == (
        "40.00",
        "162.5",
        "weekly_hours",
    )


def test_the_employment_divisor_overrides_the_company(world, clerk):
    worker = employee(clerk, world.company, salary="3000.00")
    PayrollSettings.objects.filter(company=world.company).update(hourly_divisor=D("160"))
    Employment.objects.filter(employee=worker).update(hourly_divisor=D("150"))
    run = pay_run(clerk, world.company)
    services.import_items_csv(
        clerk, run, f"employee;wage_type;quantity\n{worker.number};hourly_wage;3\n"
    )
    services.calculate_pay_run(clerk, run)
    line = _line(run, "hourly_wage")
    assert (line["amount"], line["hourly"]["divisor_source"]) == ("60.00", "employment")


def test_a_run_out_of_proportion_warns_and_needs_confirmation(world, clerk):
    worker = employee(clerk, world.company, salary="3200.00")
    run = pay_run(clerk, world.company)
    services.add_item(clerk, run, worker, wage_type="overtime_50", quantity="500")
    services.calculate_pay_run(clerk, run)
    approver = world.actor(Role.PAYROLL_CLERK)
    assert len(services.pay_run_warnings(run)) == 1
    page = world.client(Role.PAYROLL_CLERK).get(f"/payroll/runs/{run.pk}/").content.decode()
    assert 'data-testid="run-warnings"' in page and worker.name in page
    with pytest.raises(ValidationError) as error:
        services.approve_pay_run(approver, run)
    assert "confirm_warnings" in error.value.message_dict
    run.refresh_from_db()
    assert run.status == PayRun.Status.DRAFT
    services.approve_pay_run(approver, run, confirm_warnings=True)
    run.refresh_from_db()
    assert run.status == PayRun.Status.APPROVED


def test_api_shows_warnings_and_approves_only_when_confirmed(world, clerk):
    worker = employee(clerk, world.company, salary="3200.00")
    run = pay_run(clerk, world.company)
    services.add_item(clerk, run, worker, wage_type="bonus", amount="20000")
    services.calculate_pay_run(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    body = client.get(f"/api/v1/payroll/pay-runs/{run.pk}").json()
    assert len(body["warnings"]) == 1 and worker.name in body["warnings"][0]
    url = f"/api/v1/payroll/pay-runs/{run.pk}/approve"
    assert client.post(url).status_code == 422
    answer = client.post(f"{url}?confirm_warnings=true")
    assert answer.status_code == 200 and answer.json()["status"] == "approved"


def test_a_normal_run_has_no_warning(world, clerk):
    worker = employee(clerk, world.company, salary="3200.00")
    run = pay_run(clerk, world.company, payment_date=dt.date(2026, 4, 30))
    services.add_item(clerk, run, worker, wage_type="overtime_50", quantity="10")
    services.calculate_pay_run(clerk, run)
    assert services.pay_run_warnings(run) == []
