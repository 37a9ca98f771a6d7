"""Absences (issue 16, item 5): recorded per employee, overlaps refused naming the field,
pay-run lines (a negative line for unpaid days, sick pay for hourly paid), the Kela
reimbursement application, the API and the tenant wall."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tase.core.roles import Role
from tase.core.templatetags.tase import money
from tase.payroll import services
from tase.payroll.models import Absence, PayItem, Payslip

from .factories import employee, pay_run


def _absence(clerk, worker, kind="unpaid", start=dt.date(2026, 3, 9), end=dt.date(2026, 3, 13)):
    return services.record_absence(clerk, worker, kind=kind, start_date=start, end_date=end)


def test_overlapping_absence_is_refused_naming_the_field(world, clerk):
    worker = employee(clerk, world.company)
    _absence(clerk, worker)
    with pytest.raises(ValidationError) as error:
        _absence(clerk, worker, "sick", dt.date(2026, 3, 13), dt.date(2026, 3, 20))
    assert "start_date" in error.value.message_dict
    assert "9.3.2026" in error.value.message_dict["start_date"][0]  # the other absence named
    assert Absence.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "start", "end", "field"),
    [
        ("holiday", dt.date(2026, 3, 9), dt.date(2026, 3, 9), "kind"),
        ("sick", dt.date(2026, 3, 9), dt.date(2026, 3, 1), "end_date"),
        ("sick", dt.date(2023, 3, 9), dt.date(2023, 3, 10), "start_date"),
        ("sick", "9.3.2026", dt.date(2026, 3, 10), "start_date"),
    ],
)
def test_bad_absence_names_the_field(world, clerk, kind, start, end, field):
    worker = employee(clerk, world.company)
    with pytest.raises(ValidationError) as error:
        _absence(clerk, worker, kind, start, end)
    assert field in error.value.message_dict
    assert not Absence.objects.exists()


def test_unpaid_absence_is_a_negative_line_in_the_run(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")  # March 2026: 22 working days
    _absence(clerk, worker)  # Monday 9. - Friday 13.3.: 5 working days
    run = pay_run(clerk, world.company)
    assert services.absence_lines(clerk, run) == 1
    assert services.absence_lines(clerk, run) == 1  # generated again, not twice
    line = PayItem.objects.get(pay_run=run)
    assert (line.wage_type, line.amount_cents, line.source) == (
        "pay_correction",
        -100000,
        f"absence:{Absence.objects.get().pk}",
    )
    services.calculate_pay_run(clerk, run)
    assert Payslip.objects.get(pay_run=run).gross_cents == 340000


def test_sick_leave_of_a_monthly_paid_keeps_the_salary_in_the_paid_period(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    _absence(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 13))
    run = pay_run(clerk, world.company)
    assert services.absence_lines(clerk, run) == 1
    # paid to Thursday 12.3. (TSL 2:11), Friday 13.3. unpaid: one day's pay off
    assert PayItem.objects.get(pay_run=run).amount_cents == -20000


def test_sick_pay_of_an_hourly_paid_is_a_sick_pay_line(world, clerk):
    worker = employee(clerk, world.company, basis="hourly", salary="20.00")
    _absence(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    run = pay_run(clerk, world.company)
    services.absence_lines(clerk, run)
    line = PayItem.objects.get(pay_run=run)
    assert (line.wage_type, line.quantity, line.unit_price) == ("sick_pay", D("22.50"), D("20"))


def test_company_rule_lengthens_the_sick_pay_period(world, clerk):
    services.update_policy(clerk, world.company, sick_pay_weekdays=27, holiday_bonus_percent="50")
    worker = employee(clerk, world.company, salary="4400.00")
    _absence(clerk, worker, "sick", dt.date(2026, 3, 2), dt.date(2026, 3, 13))
    assert services.absence_lines(clerk, pay_run(clerk, world.company)) == 0
    with pytest.raises(ValidationError) as error:
        services.update_policy(clerk, world.company, sick_pay_weekdays=-1, holiday_bonus_percent=1)
    assert "sick_pay_weekdays" in error.value.message_dict


def test_kela_application_from_the_payslips(world, clerk):
    services.update_policy(clerk, world.company, sick_pay_weekdays=27, holiday_bonus_percent="50")
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2024, 1, 1))
    for month in range(4, 13):  # payslips of April - December 2025
        run = pay_run(clerk, world.company, dt.date(2025, month, 28))
        services.calculate_pay_run(clerk, run)
        services.approve_pay_run(clerk, run)
    sick = _absence(clerk, worker, "sick", dt.date(2026, 2, 2), dt.date(2026, 2, 27))
    data = services.kela_application(clerk, sick)
    assert data["income_from"] == dt.date(2025, 1, 1) and data["income_to"] == dt.date(2025, 12, 31)
    assert data["annual_income"] == D("24413.40")  # 27 000 less 9.58 %
    assert data["daily_allowance"] == D("56.96")  # 0.7 x 24 413.40 / 300
    assert data["waiting_period_end"] == dt.date(2026, 2, 12)
    assert data["reimbursed_weekdays"] == 13  # 13.-27.2., Saturdays included
    assert data["amount"] == min(D("56.96") * 13, data["wages_paid"])
    with pytest.raises(ValidationError):
        services.kela_application(clerk, _absence(clerk, worker, "unpaid", dt.date(2026, 3, 2)))


def test_api_kela_application_equals_the_service_and_the_page(world, clerk):
    """``GET /absences/{id}/kela``: the amounts of the service (as in
    :func:`test_kela_application_from_the_payslips`), money as decimal strings, and the
    same amounts the page shows."""
    services.update_policy(clerk, world.company, sick_pay_weekdays=27, holiday_bonus_percent="50")
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2024, 1, 1))
    for month in range(4, 13):
        run = pay_run(clerk, world.company, dt.date(2025, month, 28))
        services.calculate_pay_run(clerk, run)
        services.approve_pay_run(clerk, run)
    sick = _absence(clerk, worker, "sick", dt.date(2026, 2, 2), dt.date(2026, 2, 27))
    client = world.client(Role.PAYROLL_CLERK)
    answer = client.get(f"/api/v1/payroll/absences/{sick.pk}/kela")
    assert answer.status_code == 200, answer.content
    got = answer.json()
    data = services.kela_application(clerk, sick)
    for name in ("annual_income", "daily_allowance", "wages_paid", "amount"):
        assert isinstance(got[name], str) and D(got[name]) == data[name], name
    assert (got["annual_income"], got["daily_allowance"]) == ("24413.40", "56.96")
    assert D(got["amount"]) == min(D("56.96") * 13, D(got["wages_paid"])) > 0
    assert got["waiting_period_end"] == "2026-02-12" and got["reimbursed_weekdays"] == 13
    assert (got["income_from"], got["income_to"]) == ("2025-01-01", "2025-12-31")
    assert (got["absence_id"], got["employee_id"]) == (sick.pk, worker.pk)
    page = client.get(f"/payroll/absences/{sick.pk}/kela/").content.decode()
    for name in ("annual_income", "daily_allowance", "wages_paid", "amount"):
        assert money(D(got[name])) in page, name


def test_api_records_lists_and_refuses(world, clerk):
    worker = employee(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/employees/{worker.pk}/absences"
    body = {"kind": "layoff", "start_date": "2026-03-02", "end_date": "2026-03-31"}
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 422 and "start_date" in again.content.decode()
    listed = client.get(f"/api/v1/payroll/companies/{world.company.pk}/absences").json()
    assert [row["kind"] for row in listed["items"]] == ["layoff"]
    run = pay_run(clerk, world.company)
    lines = client.post(f"/api/v1/payroll/pay-runs/{run.pk}/absence-lines")
    assert lines.json() == {"lines": 1}
    policy = client.put(
        f"/api/v1/payroll/companies/{world.company.pk}/holiday-policy",
        {"sick_pay_weekdays": 27, "holiday_bonus_percent": "40"},
        content_type="application/json",
    )
    assert policy.json() == {
        "sick_pay_weekdays": 27,
        "holiday_bonus_percent": "40",
        "bonus_on_compensation": False,
        "bonus_after_return": False,
        "average_hourly_earnings_hours": None,
    }
    gone = client.delete(f"/api/v1/payroll/absences/{created.json()['id']}")
    assert gone.status_code == 204 and not Absence.objects.exists()


def test_tenant_wall(world, clerk):
    worker = employee(clerk, world.company)
    sick = _absence(clerk, worker, "sick")
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.get(f"/api/v1/payroll/absences/{sick.pk}/kela").status_code == 404
    assert other.delete(f"/api/v1/payroll/absences/{sick.pk}").status_code == 404
    assert (
        other.post(
            f"/api/v1/payroll/employees/{worker.pk}/absences",
            {"kind": "sick", "start_date": "2026-03-02", "end_date": "2026-03-03"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert other.get(f"/payroll/employees/{worker.pk}/absences/").status_code == 404
    assert other.post(f"/payroll/absences/{sick.pk}/delete/").status_code == 404
    assert Absence.objects.count() == 1


def test_pages_record_list_and_show_kela(world, clerk, django_assert_max_num_queries):
    worker = employee(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/payroll/employees/{worker.pk}/absences/"
    assert client.get(url).status_code == 200
    body = {"kind": "sick", "start_date": "2026-03-02", "end_date": "2026-03-06"}
    assert client.post(url, body).status_code == 302
    refused = client.post(url, body, follow=True).content.decode()
    assert "Menee päällekkäin" in refused and Absence.objects.count() == 1
    sick = Absence.objects.get()
    for number in range(5):
        other = employee(clerk, world.company, first_name=f"T{number}")
        _absence(clerk, other)
    with django_assert_max_num_queries(15):  # constant: one query for the rows
        page = client.get(f"/payroll/c/{world.company.pk}/absences/")
    assert page.status_code == 200 and "T4" in page.content.decode()
    kela = client.get(f"/payroll/absences/{sick.pk}/kela/")
    assert kela.status_code == 200 and 'data-testid="kela"' in kela.content.decode()
    policy = client.post(
        f"/payroll/c/{world.company.pk}/holiday-policy/",
        {"sick_pay_weekdays": "27", "holiday_bonus_percent": "50"},
    )
    assert policy.status_code == 302 and services.policy_for(world.company).sick_pay_weekdays == 27
    run = pay_run(clerk, world.company)
    assert client.post(f"/payroll/runs/{run.pk}/absence-lines/").status_code == 302
    assert PayItem.objects.filter(pay_run=run).count() == 5
    assert client.post(f"/payroll/absences/{sick.pk}/delete/").status_code == 302
    viewer = world.client(Role.VIEWER)
    assert viewer.post(url, body).status_code in (403, 404)
