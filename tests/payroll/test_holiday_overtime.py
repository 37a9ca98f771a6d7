"""The overtime split (vuosilomalaki 162/2005 11 § 2 mom.; issue 16 item 2): a pay run
records, of each payslip's gross pay, the overtime and emergency-work increments and the
overtime hours, and the average daily wage of recorded holidays leaves the increments out
and counts an eighth of the hours in its divisor."""

import datetime as dt
from decimal import Decimal as D

from tase.payroll import services
from tase.payroll.models import PayRun, Payslip
from tase.payroll.services.holidays import earning, load
from tase.rules.payroll import cents, steps
from tase.rules.payroll.model import PayItem
from tase.rules.payroll_catalogue import BY_CODE

from .factories import pay_run
from .test_holiday_work_week import ON, YEAR_END, _wages, _worker


def test_engine_splits_overtime_into_basic_part_and_increment():
    items = (
        PayItem("hourly_wage", quantity=D("150"), unit_price=D("20")),
        PayItem("overtime_50", quantity=D("10"), unit_price=D("20")),  # 300: 200 + 100
        PayItem("overtime_100", quantity=D("2.5"), unit_price=D("20")),  # 100: 50 + 50
        PayItem("retro_overtime", amount=D("40")),  # an amount alone: not split
        PayItem("evening_supplement", quantity=D("4"), unit_price=D("1.5")),
    )
    lines = steps.item_lines(items, BY_CODE, dt.date(2026, 1, 31))
    assert steps.overtime_split(lines, BY_CODE) == (D("150.00"), D("12.5"))


def test_pay_run_records_the_split(world, clerk):
    worker = _worker(clerk, world.company, "Tunti", basis="hourly", salary="20.00")
    run = pay_run(clerk, world.company, dt.date(2026, 1, 31))
    services.add_item(clerk, run, worker, wage_type="overtime_50", quantity="10")
    services.calculate_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run, employee=worker)
    assert (slip.overtime_increment_cents, slip.overtime_hours) == (10000, D("10.00"))


def test_average_daily_wage_leaves_out_the_increments_and_counts_an_eighth(world, clerk):
    worker = _worker(clerk, world.company, "Yli", basis="hourly", salary="20.00")
    _wages(world.company, worker, 3000)
    book = load(world.company, ON)
    plain = earning(book, book.employees[0], YEAR_END).result
    # The June 2025 payslip had 16 hours of overtime at +50 %: 480 € of its 3 000 €, of
    # which 160 € increment.
    june = Payslip.objects.get(employee=worker, payment_date=dt.date(2025, 6, 28))
    june.overtime_increment_cents, june.overtime_hours = 16000, D("16")
    june.save()
    book = load(world.company, ON)
    result = earning(book, book.employees[0], YEAR_END).result
    days = sum(month.days_worked for month in book.months[next(iter(book.months))])
    assert plain.average_daily_wage == cents(D(36000) / days)
    assert result.average_daily_wage == cents(D(36000 - 160) / (days + 2))
    assert PayRun.objects.filter(company=world.company).count() == 12


def test_migration_splits_payslips_calculated_before(world, clerk):
    """The migration fills in the split of payslips calculated before it from their stored
    lines, by the engine's rule."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tase.payroll.migrations.0021_holiday_overtime_split")
    worker = _worker(clerk, world.company, "Vanha", basis="hourly", salary="20.00")
    run = pay_run(clerk, world.company, dt.date(2026, 1, 31))
    services.add_item(clerk, run, worker, wage_type="overtime_100", quantity="3")
    services.calculate_pay_run(clerk, run)
    Payslip.objects.update(overtime_increment_cents=0, overtime_hours=0)  # as before it
    migration.split_stored_lines(apps, None)
    slip = Payslip.objects.get(pay_run=run, employee=worker)
    assert (slip.overtime_increment_cents, slip.overtime_hours) == (6000, D("3.00"))
