"""The employer's separate report that is owed but was never produced shows as due, and
after its deadline (the 5th of the next month, moved off a day off) as late: on the company's
Incomes Register page, in the API listing and on the start page (issue 11, deadlines).

Which months owe one (tase.rules.incomes_register.owed_separate_months): every month with
wages paid, and a month without wages once it has ended, from the company's first month with
wages on, while one of its employments is in force ("No wages payable" of a regular
employer)."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from tase.core.roles import Role
from tase.formats import incomes_register as irf
from tase.payroll import selectors, services
from tase.payroll.models import IncomesRegisterReport

from .factories import employee, pay_run

Report = IncomesRegisterReport
HELSINKI = ZoneInfo("Europe/Helsinki")


def _at(year, month, day):
    return time_machine.travel(dt.datetime(year, month, day, 12, tzinfo=HELSINKI), tick=False)


def _approve(clerk, company, worker, day):
    run = pay_run(clerk, company, day, employees=[worker])
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def _owed_rows(client, company) -> tuple[str, list[dict]]:
    page = client.get(f"/payroll/c/{company.pk}/incomes-register/").content.decode()
    listing = client.get(f"/api/v1/payroll/companies/{company.pk}/incomes-register/reports")
    assert listing.status_code == 200
    return page, [row for row in listing.json()["items"] if row["state"] == "owed"]


def test_a_month_without_wages_owes_no_wages_payable_and_is_late_after_the_5th(world, clerk):
    worker = employee(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    with _at(2026, 4, 2):
        _approve(clerk, world.company, worker, dt.date(2026, 3, 31))  # March's report made
    with _at(2026, 5, 4):
        # April: no wages; due 5.5.2026 (a Tuesday), not late yet. May has not ended.
        page, owed = _owed_rows(client, world.company)
        assert [(row["month"], row["deadline"], row["late"], row["id"]) for row in owed] == [
            ("2026-04-01", "2026-05-05", False, None)
        ]
        assert page.count('data-testid="register-owed-month"') == 1
        assert 'data-testid="due"' in page and "4/2026" in page
        assert "Ei palkanmaksua" in page  # the Finnish page, no English left
        start = client.get("/").content.decode()
        assert 'data-testid="register-owed"' in start and "4/2026" in start
    with _at(2026, 5, 6):
        page, owed = _owed_rows(client, world.company)
        assert [(row["month"], row["late"]) for row in owed] == [("2026-04-01", True)]
        owed_table = page.split('data-testid="register-owed"')[1].split("</table>")[0]
        assert 'data-testid="late"' in owed_table
        start = client.get("/").content.decode()
        assert 'data-testid="register-owed"' in start
        # Produced from the page: no longer owed, a "no wages payable" report instead.
        client.post(
            f"/payroll/c/{world.company.pk}/incomes-register/separate/", {"month": "2026-04"}
        )
        page, owed = _owed_rows(client, world.company)
        assert owed == [] and 'data-testid="register-owed-month"' not in page
        april = Report.objects.get(kind=Report.Kind.SEPARATE, month=dt.date(2026, 4, 1))
        assert irf.read(april.document).summary == ((irf.SUMMARY_NO_WAGES, None),)


def test_a_run_approved_before_its_month_began_owes_the_report_from_that_month(world, clerk):
    worker = employee(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    with _at(2026, 3, 20):
        _approve(clerk, world.company, worker, dt.date(2026, 4, 30))
        assert not Report.objects.filter(kind=Report.Kind.SEPARATE).exists()
        assert _owed_rows(client, world.company)[1] == []  # April has not begun
    with _at(2026, 5, 2):
        page, owed = _owed_rows(client, world.company)
        assert [(row["month"], row["deadline"], row["late"]) for row in owed] == [
            ("2026-04-01", "2026-05-05", False)
        ]
        assert 'data-testid="register-owed-month"' in page
        assert 'data-testid="register-owed"' in client.get("/").content.decode()
    with _at(2026, 5, 6):
        (row,) = _owed_rows(client, world.company)[1]
        assert row["late"] is True
        # Produced through the API: the month's health insurance contribution, not owed.
        produced = client.get(
            f"/api/v1/payroll/companies/{world.company.pk}/incomes-register/separate-reports/2026-04"
        )
        assert produced.status_code == 200
        assert _owed_rows(client, world.company)[1] == []


def test_after_the_last_employment_ended_no_report_is_owed(world, clerk):
    worker = employee(clerk, world.company, start=dt.date(2026, 1, 1))
    with _at(2026, 2, 2):
        _approve(clerk, world.company, worker, dt.date(2026, 1, 31))
    job = worker.employments.get()
    type(job).objects.filter(pk=job.pk).update(end_date=dt.date(2026, 2, 28))
    with _at(2026, 5, 20):
        owed = selectors.owed_separate_reports([world.company], dt.date(2026, 5, 20))
        assert [(row.month, row.wages_paid) for row in owed] == [(dt.date(2026, 2, 1), False)]


def test_owed_reports_of_many_companies_in_a_fixed_number_of_queries(
    world, clerk, django_assert_max_num_queries
):
    worker = employee(clerk, world.company)
    with _at(2026, 2, 2):
        _approve(clerk, world.company, worker, dt.date(2026, 1, 31))
    with django_assert_max_num_queries(4):
        owed = selectors.owed_separate_reports([world.company], dt.date(2026, 12, 8))
    assert [row.month.month for row in owed] == list(range(2, 12))


def test_another_organizations_listing_is_404(world, clerk):
    other = world.client(Role.PAYROLL_CLERK, other=True)
    url = f"/api/v1/payroll/companies/{world.company.pk}/incomes-register/reports"
    assert other.get(url).status_code == 404
