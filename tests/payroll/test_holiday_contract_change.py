"""A changed contract (issue 16 item 1: "the earning rule follows the employment contract and
its changes"). Tase records a change of the days a week or the pay basis as the employment
ended and a new one begun the next day; for the holiday rules the two are one employment that
has gone on without a break (vuosilomalaki 162/2005 5 § 1 mom.), each contract's months
counted by its own shape, and the first contract's end is not the end of the employment
(17 §: no holiday compensation)."""

import datetime as dt
from decimal import Decimal

from tase.payroll import services
from tase.payroll.models import Employment, PayItem

from .factories import employee, pay_run


def _changed(clerk, company, *, gap=0, days="5", hours="37.5", salary="3000.00"):
    """Monthly 3,000 € five days a week from 1.4.2025 to 30.9.2025, then a new contract
    from 1.10.2025 (``gap`` days later)."""
    worker = employee(clerk, company, salary="3000.00", start=dt.date(2025, 4, 1))
    Employment.objects.filter(employee=worker).update(end_date=dt.date(2025, 9, 30))
    services.add_employment(
        clerk,
        worker,
        start_date=dt.date(2025, 10, 1) + dt.timedelta(days=gap),
        pay_basis="monthly",
        salary=salary,
        weekly_hours=Decimal(hours),
        days_per_week=Decimal(days),
    )
    return worker


def test_both_contracts_earn_and_the_year_of_employment_counts_from_the_first(world, clerk):
    """Twelve full months, a year of employment by 31.3.2026 from 1.4.2025: 12 x 2.5 = 30
    days (before: the second contract's six months at 2, 12 days)."""
    worker = _changed(clerk, world.company)
    ended, _current = services.employee_balances(worker, dt.date(2026, 4, 30))
    assert (ended.year_end, ended.earned) == (dt.date(2026, 3, 31), 30)


def test_each_contract_counts_its_own_months(world, clerk):
    """From 1.10.2025 two days a week, 16 hours (8 a day): the year's rule is the 35-hour
    rule of the last contract (6 §); April-September by five days a week (21-22 days, about
    160 hours), October-March by Mondays-Tuesdays-equivalent days (8-9 days, 64-72 hours):
    every month reaches 35 hours, 30 days."""
    worker = _changed(clerk, world.company, days="2", hours="16", salary="1200.00")
    ended, _current = services.employee_balances(worker, dt.date(2026, 4, 30))
    assert ended.earned == 30


def test_a_changed_contract_is_not_the_end_of_the_employment(world, clerk):
    """The run of September 2025 (the first contract's last day) pays no holiday
    compensation; with a day between the contracts the employment ended and it does (17 §)."""
    _changed(clerk, world.company)
    run = pay_run(clerk, world.company, dt.date(2025, 9, 30))
    services.holiday_lines(clerk, run)
    assert not PayItem.objects.filter(pay_run=run, wage_type="holiday_compensation").exists()


def test_a_break_between_employments_ends_the_first(world, clerk):
    _changed(clerk, world.company, gap=1)
    run = pay_run(clerk, world.company, dt.date(2025, 9, 30))
    services.holiday_lines(clerk, run)
    item = PayItem.objects.get(pay_run=run, wage_type="holiday_compensation")
    # April-September: 6 full months at 2 days (no year of employment when it ended) = 12
    # days at 3 000 / 25 = 120 €
    assert item.amount_cents == 12 * 12000
