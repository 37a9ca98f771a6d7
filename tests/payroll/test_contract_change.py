"""Editing an employment's days a week and pay basis from a date (issue 16 item 1: "the
earning rule follows the employment contract and its changes"). The contract has no history
of its own: from a later day than the start, the employment ends the day before and a new
one begins - the shape the holiday rules already treat as one employment that has gone on
without a break (vuosilomalaki 162/2005 5 § 1 mom.), each contract's months by its own
terms; pay runs take the employment in force on their payment date."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Employment, PayItem

from .factories import approved_slip, employee, pay_run


def _worker(clerk, company):
    return employee(clerk, company, salary="3000.00", start=dt.date(2025, 4, 1))


def test_a_change_from_a_later_day_splits_the_employment(world, clerk):
    worker = _worker(clerk, world.company)
    job = worker.employments.get()
    services.change_salary(clerk, job, valid_from=dt.date(2025, 12, 1), amount="3100.00")
    new = services.change_contract(
        clerk, job, valid_from=dt.date(2025, 10, 1), days_per_week="2", weekly_hours="16"
    )
    job.refresh_from_db()
    assert job.end_date == dt.date(2025, 9, 30) and new.start_date == dt.date(2025, 10, 1)
    assert (new.days_per_week, new.weekly_hours, new.pay_basis) == (
        Decimal(2),
        Decimal(16),
        "monthly",
    )
    # the salary in force on the day and the later change move to the new contract
    assert [(s.valid_from, s.amount_cents) for s in new.salaries.all()] == [
        (dt.date(2025, 10, 1), 300000),
        (dt.date(2025, 12, 1), 310000),
    ]
    # the holiday rules: one employment, each contract's months by its own terms (as
    # test_holiday_contract_change: every month reaches 35 hours, 12 x 2.5 = 30 days)
    ended, _current = services.employee_balances(worker, dt.date(2026, 4, 30))
    assert ended.earned == 30
    # and its first contract's end is no end of the employment: no compensation (17 §)
    run = pay_run(clerk, world.company, dt.date(2025, 9, 30))
    services.holiday_lines(clerk, run)
    assert not PayItem.objects.filter(pay_run=run, wage_type="holiday_compensation").exists()


def test_the_pay_run_uses_the_contract_in_force(world, clerk):
    worker = _worker(clerk, world.company)
    job = worker.employments.get()
    services.change_contract(
        clerk, job, valid_from=dt.date(2026, 2, 1), pay_basis="hourly", salary="20.00"
    )
    assert services.employment_on(worker, dt.date(2026, 1, 31)).pay_basis == "monthly"
    assert services.employment_on(worker, dt.date(2026, 2, 28)).pay_basis == "hourly"


def test_a_change_from_the_start_is_made_in_place(world, clerk):
    worker = _worker(clerk, world.company)
    job = worker.employments.get()
    same = services.change_contract(clerk, job, valid_from=job.start_date, working_weekdays="135")
    assert same.pk == job.pk and worker.employments.count() == 1
    assert (same.working_weekdays, same.days_per_week) == ("135", Decimal(3))


def test_bad_changes_are_refused_naming_the_field(world, clerk):
    worker = _worker(clerk, world.company)
    job = worker.employments.get()

    def refused(field, **data):
        with pytest.raises(ValidationError) as error:
            services.change_contract(clerk, job, **data)
        assert field in error.value.message_dict, error.value.message_dict

    refused("valid_from", valid_from=dt.date(2025, 3, 1), days_per_week="4")
    refused("valid_from", valid_from=dt.date(2025, 5, 1))  # nothing to change
    refused("salary", valid_from=dt.date(2025, 5, 1), pay_basis="hourly")
    refused("days_per_week", valid_from=dt.date(2025, 5, 1), days_per_week="8")
    approved_slip(world.company, worker, dt.date(2025, 6, 30), 300000)
    refused("valid_from", valid_from=dt.date(2025, 6, 1), days_per_week="4")
    assert worker.employments.count() == 1


def test_page_and_api_change_the_contract(world, clerk):
    worker = _worker(clerk, world.company)
    job = worker.employments.get()
    client = world.client(Role.PAYROLL_CLERK)
    page = client.get(f"/payroll/employees/{worker.pk}/").content.decode()
    assert 'data-testid="contract-change"' in page and "Muuta työsopimusta" in page
    prefix = f"contract{job.pk}"
    response = client.post(
        f"/payroll/employments/{job.pk}/contract/",
        {f"{prefix}-valid_from": "2025-10-01", f"{prefix}-days_per_week": "4"},
    )
    assert response.status_code == 302
    second = Employment.objects.get(employee=worker, start_date=dt.date(2025, 10, 1))
    assert second.days_per_week == 4
    url = f"/api/v1/payroll/employments/{second.pk}"
    body = {"valid_from": "2026-01-01", "pay_basis": "hourly", "salary": "19.50"}
    response = client.patch(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["start_date"] == "2026-01-01" and data["pay_basis"] == "hourly"
    assert data["days_per_week"] in ("4", "4.0", 4)
    assert data["salaries"] == [{"valid_from": "2026-01-01", "amount": "19.50"}]
    missing = client.patch(url, {"days_per_week": "3"}, content_type="application/json")
    assert missing.status_code == 422 and "valid_from" in missing.content.decode()
    other = world.client(Role.PAYROLL_CLERK, other=True)
    body = {"valid_from": "2026-02-01", "days_per_week": "3"}
    assert other.patch(url, body, content_type="application/json").status_code == 404
    assert other.post(f"/payroll/employments/{job.pk}/contract/", {}).status_code == 404
    assert worker.employments.count() == 3
