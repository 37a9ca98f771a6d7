"""Which holiday rule a compensation line pays, and what the holiday rules read as wages.

1. A generated ``holiday_compensation`` line records the rule of the Annual Holidays Act
   (vuosilomalaki 162/2005) and the credit year it pays (``PayItem.holiday_rule``,
   ``credit_year_end``, kept on the payslip's line): the 16 § compensation takes off only
   what was paid by 16 § (or with the free time) for the same year and lines entered by hand
   (17 § 1 mom.: not twice for the same time); a 26 § or 17 § compensation, or a 16 § one
   of another year, paid other time.
2. Holiday pay, holiday bonus and holiday compensation are not pay "työssäolon ajalta"
   (11 § 2 mom., 12 § 1 mom., 16 § 1 mom.): they are not wages of the credit year, and the
   days of annual holiday are not days worked in the divisor of the average daily wage
   (11 § 2 mom.: "tehtyjen työpäivien määrällä").
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from tase.payroll import services
from tase.payroll.models import Employment, PayItem, PayRun, Payslip
from tase.payroll.services.holidays import earning, load

from .factories import approved_slip, employee, pay_run
from .test_holiday_compensation import _free_time_worker, _lines
from .test_holiday_not_given import DEADLINE, _sick_worker
from .test_holiday_work_week import ON, YEAR_END, _wages, _worker

SEPTEMBER = dt.date(2026, 9, 30)


def _rule(run, source_prefix="holiday:"):
    item = PayItem.objects.get(
        pay_run=run, wage_type="holiday_compensation", source__startswith=source_prefix
    )
    return item.holiday_rule, item.credit_year_end


# -- 1. the rule and year of a generated line ----------------------------------------------
def test_season_end_line_records_16_and_its_year_on_the_item_and_the_payslip(world, clerk):
    _free_time_worker(clerk, world.company)
    run = pay_run(clerk, world.company, SEPTEMBER)
    services.holiday_lines(clerk, run)
    assert _rule(run) == ("16", dt.date(2026, 3, 31))
    services.calculate_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run)
    line = next(line for line in slip.lines if line["code"] == "holiday_compensation")
    assert (line["holiday_rule"], line["credit_year_end"]) == ("16", "2026-03-31")
    assert slip.holiday_pay_cents == 41400  # of its gross pay: not wages for time at work
    other = next(line for line in slip.lines if line["code"] != "holiday_compensation")
    assert "holiday_rule" not in other


def test_free_time_26_and_17_lines_record_their_rule_and_year(world, clerk):
    free = _free_time_worker(clerk, world.company)
    services.record_holiday(
        clerk,
        free,
        start_date=dt.date(2026, 7, 6),
        end_date=dt.date(2026, 7, 11),
        free_time=True,
        credit_year_end=dt.date(2026, 3, 31),
    )
    july = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    services.holiday_lines(clerk, july)
    assert _rule(july) == ("free_time", dt.date(2026, 3, 31))

    sick = _sick_worker(clerk, world.company)
    december = pay_run(clerk, world.company, DEADLINE, employees=[sick])
    services.holiday_lines(clerk, december)
    assert _rule(december) == ("26", dt.date(2025, 3, 31))

    leaving = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    Employment.objects.filter(employee=leaving).update(end_date=dt.date(2026, 6, 30))
    june = pay_run(clerk, world.company, dt.date(2026, 6, 30), employees=[leaving])
    services.holiday_lines(clerk, june)
    assert _rule(june) == ("17", dt.date(2027, 3, 31))  # the year of the last day


@pytest.mark.parametrize(
    ("rule", "year", "expected"),
    [
        # a 26 § compensation (holiday the incapacity kept from being given): other time
        ("26", "2025-03-31", 41400),
        # a 17 § compensation: other time
        ("17", "2026-03-31", 41400),
        # the 16 § compensation of another credit year (2024-25): other time
        ("16", "2025-03-31", 41400),
        # the same year's 16 § compensation, paid with free time: taken off (17 § 1 mom.)
        ("free_time", "2026-03-31", 41400 - 10000),
        # entered by hand (no rule): taken off, as before
        (None, None, 41400 - 10000),
    ],
)
def test_the_16_section_compensation_takes_off_only_its_own_rule_and_year(
    world, clerk, rule, year, expected
):
    """The employee of one day and six hours a week: 2025-26 wages 3 600 €, a year of
    employment by 31.3.2026, so 11.5 % = 414.00 € (16 § 1 mom.). A 100 € compensation line
    paid on 31.12.2025, within the year, lowers it only when it paid the same year by 16 §
    (or was entered by hand): 414.00 - 100.00 = 314.00; otherwise 414.00. Before the line
    recorded its rule, every compensation paid since 1.4.2025 was taken off."""
    worker = _free_time_worker(clerk, world.company)
    line = {"code": "holiday_compensation", "amount": "100.00"}
    if rule:
        line |= {"holiday_rule": rule, "credit_year_end": year}
    approved_slip(world.company, worker, dt.date(2025, 12, 31), 10000, [line])
    row = services.liability(clerk, world.company, dt.date(2026, 8, 31)).rows[0]
    assert row.holiday_pay == D(expected) / 100  # the liability owes the same
    run = pay_run(clerk, world.company, SEPTEMBER)
    services.holiday_lines(clerk, run)
    assert _lines(run) == {"holiday_compensation": expected}


def test_migration_fills_the_rule_of_lines_generated_before(world, clerk):
    """The migration reads the rule and year from the generated line's source, and copies
    them onto the approved payslip's compensation line of the same amount; a line entered by
    hand keeps no rule."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tase.payroll.migrations.0032_holiday6_line_rule")
    worker = _free_time_worker(clerk, world.company)
    run = pay_run(clerk, world.company, SEPTEMBER)
    services.holiday_lines(clerk, run)
    services.add_item(clerk, run, worker, wage_type="holiday_compensation", amount="5.00")
    services.calculate_pay_run(clerk, run)
    PayRun.objects.filter(pk=run.pk).update(status=PayRun.Status.APPROVED)
    PayItem.objects.update(holiday_rule="", credit_year_end=None)  # as before it
    slip = Payslip.objects.get(pay_run=run)
    for line in slip.lines:
        line.pop("holiday_rule", None)
        line.pop("credit_year_end", None)
    slip.save()
    migration.fill(apps, None)
    assert _rule(run) == ("16", dt.date(2026, 3, 31))
    by_hand = PayItem.objects.get(pay_run=run, source="")
    assert (by_hand.holiday_rule, by_hand.credit_year_end) == ("", None)
    tags = sorted(
        (line["amount"], line.get("holiday_rule"), line.get("credit_year_end"))
        for line in Payslip.objects.get(pay_run=run).lines
        if line["code"] == "holiday_compensation"
    )
    assert tags == [("414.00", "16", "2026-03-31"), ("5.00", None, None)]
    for source, rule, year in [
        ("holiday:free_time:2026-03-31", "free_time", dt.date(2026, 3, 31)),
        ("holiday:not_given:2025-03-31", "26", dt.date(2025, 3, 31)),
        ("holiday:compensation", "17", dt.date(2027, 3, 31)),
        ("holiday:12", "", None),
    ]:
        assert migration.rule_of(source, run) == (rule, year)


# -- 2. holiday lines are not wages for time at work ---------------------------------------
def test_holiday_pay_and_bonus_are_not_wages_nor_holiday_days_days_worked(world, clerk):
    """11 § 2 mom.: hourly 3 000 € a month in 2025-26 (Monday to Friday: 251 working days),
    holiday 7.-19.7.2025 (10 working days). The July payslip's 3 000 € hold 1 000 € holiday
    pay and 500 € holiday bonus: the wages for time at work are 11 x 3 000 + 1 500 = 34 500 €
    and the days worked 251 - 10 = 241, so the average daily wage is 34 500 / 241 = 143.15 €
    (not 36 000 / 251 = 143.43 €); 30 days earned (2.5 x 12), coefficient 27.8: 3 979.57 €."""
    worker = _worker(clerk, world.company, "Tunti", basis="hourly", salary="20.00")
    services.record_holiday(
        clerk,
        worker,
        start_date=dt.date(2025, 7, 7),
        end_date=dt.date(2025, 7, 19),
        kind="taken",
        credit_year_end=dt.date(2025, 3, 31),
    )
    _wages(world.company, worker, 3000)
    july = Payslip.objects.get(employee=worker, payment_date=dt.date(2025, 7, 28))
    july.lines = [
        {"code": "hourly_wage", "amount": "1500.00"},
        {"code": "holiday_pay", "amount": "1000.00"},
        {"code": "holiday_bonus", "amount": "500.00"},
    ]
    july.holiday_pay_cents = 150000  # as the calculation records it
    july.save()
    book = load(world.company, ON)
    result = earning(book, book.employees[0], YEAR_END).result
    assert result.earned_days == 30
    assert result.average_daily_wage == D("143.15")
    assert result.holiday_pay == D("3979.57")


def test_percentage_basis_leaves_out_holiday_pay(world, clerk):
    """12 § 1 mom.: two days a week (the 35-hour rule, every month full), hourly, 1 000 € a
    month for time at work in 2025-26 and 200 € holiday pay paid in August 2025: 11.5 % (a
    year of employment by 31.3.2026) of 12 000 € = 1 380.00 €, not of 12 200 € (1 403.00 €)."""
    worker = _worker(
        clerk, world.company, "Osa", basis="hourly", salary="20.00", days="2", hours="16"
    )
    _wages(world.company, worker, 1000)
    extra = [{"code": "holiday_pay", "amount": "200.00"}]
    approved_slip(world.company, worker, dt.date(2025, 8, 15), 20000, extra)
    book = load(world.company, ON)
    result = earning(book, book.employees[0], YEAR_END).result
    assert result.method == "percentage"
    assert result.holiday_pay == D("1380.00")


def test_migration_fills_the_holiday_lines_of_payslips_calculated_before(world, clerk):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tase.payroll.migrations.0033_holiday6_payslip_holiday_pay")
    worker = _free_time_worker(clerk, world.company)
    slip = approved_slip(
        world.company,
        worker,
        dt.date(2026, 6, 25),
        50000,
        [
            {"code": "hourly_wage", "amount": "300.00"},
            {"code": "holiday_bonus", "amount": "50.00"},
            {"code": "holiday_compensation", "amount": "150.00"},
        ],
    )
    Payslip.objects.update(holiday_pay_cents=0)  # as before it
    migration.holiday_pay_of_stored_lines(apps, None)
    slip.refresh_from_db()
    assert slip.holiday_pay_cents == 20000


# -- 3. the liability prices each credit year's days at that year's day pay ----------------
def _percentage_worker(clerk, company):
    """Two days and 16 hours a week from 1.1.2024, hourly (the 35-hour rule, every month
    full: 12 § percentage pay, 30 days a year): 1 000 € a month in 2024-25 (11.5 % = 1 380.00
    €, a day 46.00 €), 1 500 € a month in 2025-26 (2 070.00 €, a day 69.00 €); 20 days of
    2024-25 taken 2.-26.6.2025, so 10 are carried over into 2025-26."""
    worker = _worker(clerk, company, "Osa", basis="hourly", salary="20.00", days="2", hours="16")
    for month in range(12):
        paid = dt.date(2024 + (month >= 9), (month + 3) % 12 + 1, 28)
        approved_slip(company, worker, paid, 100000)
    _wages(company, worker, 1500)
    services.record_holiday(
        clerk,
        worker,
        start_date=dt.date(2025, 6, 2),
        end_date=dt.date(2025, 6, 26),
        kind="taken",
        credit_year_end=dt.date(2025, 3, 31),
    )
    return worker


def test_days_carried_over_are_priced_at_their_own_years_day_pay(world, clerk):
    """The liability at 30.4.2026: 2025-26's 30 days at 69.00 € and the 10 carried over from
    2024-25 at that year's 46.00 € (12 §: each year's holiday pay from its own wages):
    2 070.00 + 460.00 = 2 530.00 €, not 40 x 69.00 = 2 760.00 €. The 3 days of 2026-27 (April
    full) have no wages yet: 0.00 €."""
    _percentage_worker(clerk, world.company)
    row = services.liability(clerk, world.company, ON).rows[0]
    assert row.days == 30 + 10 + 3
    assert row.holiday_pay == D("2530.00")


def test_a_monthly_salary_prices_every_years_days_at_the_salary_in_force(world, clerk):
    """10 § 1 mom. (the salary is kept) and 17 § 3 mom. (a day is 1/25 of it): 3 000 € a month
    from 1.4.2025, raised to 3 250 € from 1.4.2026; at 30.4.2026 the 30 days of 2025-26
    (2.5 x 12: a year of employment by 31.3.2026) are owed at 3 250 / 25 = 130.00 €, not at
    120.00 €: 3 900.00 €; and the 3 days of April 2026 (2.5, rounded up) at 130.00 €: 390.00
    €. Together 4 290.00 € (3 990.00 € before)."""
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    services.change_salary(
        clerk, worker.employments.get(), valid_from=dt.date(2026, 4, 1), amount="3250.00"
    )
    row = services.liability(clerk, world.company, ON).rows[0]
    assert row.days == 30 + 3
    assert row.holiday_pay == D("4290.00")
