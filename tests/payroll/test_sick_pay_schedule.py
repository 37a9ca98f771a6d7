"""Sick pay and unpaid absences on the employee's own working days (työsopimuslaki 2 luku
11 §; issue 16 item 5): an employment may give its weekdays of work, and the days paid or
lost are the days of that schedule, not Monday to Friday."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tase.payroll import services
from tase.payroll.models import PayItem
from tase.rules import absences as rules

from .factories import pay_run


def _worker(clerk, company, *, basis, salary, weekdays="135", hours="22.5"):
    row = services.create_employee(
        clerk, company, first_name="Kolme", last_name="Päivää", birth_date=dt.date(1990, 1, 1)
    )
    services.add_employment(
        clerk,
        row,
        start_date=dt.date(2024, 1, 1),
        pay_basis=basis,
        weekly_hours=D(hours),
        working_weekdays=weekdays,
        salary=salary,
    )
    return row


def _sick(clerk, worker):
    # Monday 2.3. - Friday 13.3.2026: paid to Thursday 12.3. (the day of falling ill and
    # nine weekdays, Mon-Sat)
    return services.record_absence(
        clerk, worker, kind="sick", start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 13)
    )


def test_schedule_days_of_the_sick_pay_period():
    sick = rules.sick_pay(
        rules.Absence("sick", dt.date(2026, 3, 2), dt.date(2026, 3, 13)),
        dt.date(2024, 1, 1),
        schedule="135",
    )
    assert [d.day for d in sick.paid_days] == [2, 4, 6, 9, 11]
    assert [d.day for d in sick.unpaid_days] == [13]


def test_hourly_sick_pay_counts_the_employees_own_working_days(world, clerk):
    worker = _worker(clerk, world.company, basis="hourly", salary="20.00")
    assert worker.employments.get().days_per_week == 3
    _sick(clerk, worker)
    run = pay_run(clerk, world.company)
    services.absence_lines(clerk, run)
    line = PayItem.objects.get(pay_run=run)
    # Mon 2., Wed 4., Fri 6., Mon 9., Wed 11.: five days of 22.5 / 3 = 7.5 hours
    assert (line.wage_type, line.quantity, line.unit_price) == ("sick_pay", D("37.50"), D("20"))


def test_monthly_salary_lost_per_working_day_of_the_schedule(world, clerk):
    worker = _worker(clerk, world.company, basis="monthly", salary="3000.00")
    _sick(clerk, worker)
    run = pay_run(clerk, world.company)
    services.absence_lines(clerk, run)
    # Friday 13.3. unpaid: March 2026 has 13 Mondays, Wednesdays and Fridays
    assert PayItem.objects.get(pay_run=run).amount_cents == -23077


def test_bad_schedule_names_the_field(world, clerk):
    row = services.create_employee(
        clerk, world.company, first_name="V", last_name="Äärä", birth_date=dt.date(1990, 1, 1)
    )
    for bad in ("138", "1135", "ma"):
        with pytest.raises(ValidationError) as error:
            services.add_employment(
                clerk,
                row,
                start_date=dt.date(2026, 1, 1),
                pay_basis="hourly",
                working_weekdays=bad,
            )
        assert "working_weekdays" in error.value.message_dict
    assert not row.employments.exists()
