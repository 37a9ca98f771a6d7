"""Pay runs apply the TyEL monthly minimum per employee per calendar month, from the approved
payslips of the month."""

import datetime as dt

from tase.payroll import services
from tase.payroll.postings import voucher_lines

from .factories import employee, pay_run


def _tyel(slip):
    return [
        (line["code"], line["base"], line["amount"])
        for line in slip.lines
        if "tyel" in line["code"]
    ]


def test_two_small_payments_in_a_month_reach_the_minimum_together(world, clerk):
    small = employee(clerk, world.company, last_name="Pieni", salary="50.00")
    first = pay_run(clerk, world.company, dt.date(2026, 3, 15), employees=[small])
    services.calculate_pay_run(clerk, first)
    (slip,) = first.payslips.all()
    assert _tyel(slip) == [("tyel_below_minimum", "50.00", "0")]
    assert (slip.employee_tyel_cents, slip.employer_tyel_cents) == (0, 0)
    assert (slip.tyel_earnings_cents, slip.tyel_charged_cents) == (5000, 0)
    assert (
        sum(line["credit"] or 0 for line in voucher_lines([slip]) if line["account"] == "2950") == 0
    )
    services.approve_pay_run(clerk, first)

    # A draft run in the same month does not count; an approved one does.
    second = pay_run(clerk, world.company, dt.date(2026, 3, 31), employees=[small])
    services.calculate_pay_run(clerk, second)
    (slip,) = second.payslips.all()
    # 50 + 50 = 100 >= 71.72: TyEL on the whole month, 100 x 7.30 % and x 17.10 %.
    assert _tyel(slip) == [
        ("employee_tyel", "100.00", "7.30"),
        ("employer_tyel", "100.00", "17.10"),
    ]
    assert (slip.tyel_earnings_cents, slip.tyel_charged_cents) == (5000, 10000)
    services.approve_pay_run(clerk, second)

    # April starts a new month.
    april = pay_run(clerk, world.company, dt.date(2026, 4, 30), employees=[small])
    services.calculate_pay_run(clerk, april)
    (slip,) = april.payslips.all()
    assert _tyel(slip) == [("tyel_below_minimum", "50.00", "0")]


def test_a_normal_monthly_salary_is_unchanged(world, clerk):
    employee(clerk, world.company, salary="3500.00")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    (slip,) = run.payslips.all()
    assert _tyel(slip) == [
        ("employee_tyel", "3500.00", "255.50"),
        ("employer_tyel", "3500.00", "598.50"),
    ]
    assert slip.tyel_charged_cents == slip.tyel_earnings_cents == 350000
