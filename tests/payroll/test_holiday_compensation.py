"""Holiday compensation at the end of an employment (vuosilomalaki 162/2005 17 §, 27 § 4
mom.; issue 16 item 2): the pay run of the period in which an employment ends pays the days
not used by its last day - the ended credit year's, the current year's earned by then and
the saved leave - as holiday compensation."""

import datetime as dt

from tase.payroll import services
from tase.payroll.models import Employment, PayItem, Payslip

from .factories import employee, pay_run


def test_final_pay_run_pays_the_unused_days_as_compensation(world, clerk):
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    Employment.objects.filter(employee=worker).update(end_date=dt.date(2026, 6, 30))
    services.record_holiday(
        clerk, worker, start_date=dt.date(2026, 6, 1), end_date=dt.date(2026, 6, 5)
    )  # 5 days of 2025-26
    services.save_leave(clerk, worker, credit_year_end=dt.date(2026, 3, 31), days=4)
    run = pay_run(clerk, world.company, dt.date(2026, 6, 30))
    services.holiday_lines(clerk, run)
    lines = {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}
    # 2025-26: 30 - 5 taken - 4 saved = 21; saved 4; 2026-27: April-June, 2.5 x 3 = 7.5 -> 8
    # (17 § 1 mom.: a year of employment when it ended); 33 days at 3 000 / 25 = 120 €
    assert lines["holiday_compensation"] == 33 * 12000
    assert lines["holiday_pay"] == 5 * 12000 and lines["monthly_salary"] == 300000 - 60000
    services.calculate_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run)
    assert slip.gross_cents == 240000 + 60000 + 30000 + 396000
    compensation = next(line for line in slip.lines if line["code"] == "holiday_compensation")
    assert compensation["income_type"] == 234


def test_no_compensation_while_the_employment_goes_on(world, clerk):
    employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    run = pay_run(clerk, world.company, dt.date(2026, 6, 30))
    services.holiday_lines(clerk, run)
    assert not PayItem.objects.filter(pay_run=run, wage_type="holiday_compensation").exists()


def test_liability_ends_with_the_employment(world, clerk):
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    Employment.objects.filter(employee=worker).update(end_date=dt.date(2026, 6, 30))
    assert services.liability(clerk, world.company, dt.date(2026, 6, 30)).rows[0].days == 38
    assert services.liability(clerk, world.company, dt.date(2026, 7, 31)).rows == []
