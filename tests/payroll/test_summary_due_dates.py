"""The employer's monthly summary: the tax payment due date moves off days off."""

import datetime as dt

from tase.payroll import selectors, services

from .factories import employee, pay_run


def test_summary_due_dates_move_off_weekends_and_holidays(world, clerk):
    employee(clerk, world.company)
    approver = clerk
    # Paid in March 2026: due 12 April 2026, a Sunday → Monday 13 April.
    # Paid in September 2026: due 12 October 2026, a Monday (stays).
    for day in (dt.date(2026, 3, 31), dt.date(2026, 9, 30)):
        run = pay_run(clerk, world.company, payment_date=day)
        services.calculate_pay_run(clerk, run)
        services.approve_pay_run(approver, run)
    dates = {
        row["month"]: row["due_date"] for row in selectors.monthly_summary(world.company, 2026)
    }
    assert dates == {3: dt.date(2026, 4, 13), 9: dt.date(2026, 10, 12)}
