"""A corrected payslip counts once in the holiday bases (issue 16 item 2, vuosilomalaki
162/2005 11 § 2 mom., 10 § 1 mom.): a correction payslip holds its overtime increments,
overtime hours and other pay besides a salary as differences, like its gross pay, so that
the original and its corrections summed give the corrected payment's figures once."""

import datetime as dt
from decimal import Decimal as D
from importlib import import_module

from django.apps import apps
from django.db import connection

from tase.payroll import services
from tase.payroll.models import PayRun, Payslip
from tase.payroll.services import corrections
from tase.payroll.services.holidays import earning, load
from tase.rules import absences as calendar
from tase.rules.payroll import cents

from .factories import approved_slip, employee, pay_run
from .test_holiday_work_week import ON, YEAR_END, _worker, _year_months


def _approved(clerk, run):
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def _corrected_overtime(clerk, company, worker):
    """March 2026 paid 150 h at 20.00 and 10 h overtime at +50 % (300.00, of which 100.00
    increment); corrected once with 4 more overtime hours (120.00, of which 40.00)."""
    run = pay_run(clerk, company, dt.date(2026, 3, 31), employees=[worker])
    services.add_item(clerk, run, worker, wage_type="hourly_wage", quantity="150")
    services.add_item(clerk, run, worker, wage_type="overtime_50", quantity="10")
    original = _approved(clerk, run)
    correction = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    services.add_item(clerk, correction, worker, wage_type="overtime_50", quantity="4")
    return original, _approved(clerk, correction)


def test_the_average_daily_wage_of_a_corrected_payslip_is_the_hand_computation(world, clerk):
    """11 § 2 mom.: the credit year's wages without the overtime increments over the days
    worked plus an eighth of the overtime hours. April 2025 - February 2026: 11 x 3 000.00;
    March 2026: 3 000.00 + 300.00 + 120.00 = 3 420.00, increments 140.00, 14 overtime hours.
    (36 280.00) / (working days + 14 / 8)."""
    worker = _worker(clerk, world.company, "Korjattu", basis="hourly", salary="20.00")
    for first, _last in list(_year_months())[:-1]:
        approved_slip(world.company, worker, first.replace(day=28), 300000)
    original, correction = _corrected_overtime(clerk, world.company, worker)
    [slip] = correction.payslips.all()
    assert (slip.gross_cents, slip.overtime_increment_cents, slip.overtime_hours) == (
        12000,
        4000,
        D("4.00"),
    )
    book = load(world.company, ON)
    result = earning(book, book.employees[0], YEAR_END).result
    days = sum(calendar.working_days(a, b) for a, b in _year_months())
    assert result.average_daily_wage == cents(D("36280.00") / (days + D(14) / 8))
    [data] = [data for data, found in book.results.items() if found is result]
    march = next(m for m in data.months if (m.year, m.month) == (2026, 3))
    assert (march.wages, march.overtime_increments, march.overtime_hours) == (
        D("3420.00"),
        D("140.00"),
        D("14.00"),
    )
    assert original.status == PayRun.Status.APPROVED


def test_other_pay_of_a_corrected_payslip_counts_once(world, clerk):
    """10 § 1 mom., second sentence: the other pay besides a monthly salary (the bonus) of
    an original of 100.00 corrected with 50.00 more is 150.00, not 100.00 + 150.00."""
    worker = employee(clerk, world.company, first_name="Bonus", salary="3000.00")
    run = pay_run(clerk, world.company, dt.date(2026, 3, 31), employees=[worker])
    services.add_item(clerk, run, worker, wage_type="bonus", amount=D("100"))
    original = _approved(clerk, run)
    correction = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 15), employees=[worker]
    )
    services.add_item(clerk, correction, worker, wage_type="bonus", amount=D("50"))
    _approved(clerk, correction)
    slips = Payslip.objects.filter(employee=worker)
    assert [s.holiday_other_pay_cents for s in slips.order_by("pk")] == [10000, 5000]
    book = load(world.company, ON)
    assert book.wages[(worker.pk, 2026, 3)][2] == 15000


def test_migration_turns_stored_full_values_into_differences(world, clerk):
    """Correction payslips calculated before the change hold the full corrected figures; the
    migration makes them differences from the original and the earlier corrections, in the
    order they were approved. A correction run calculated before the field was added had it
    filled from its difference lines already (0021, 0026), and keeps it; a draft correction is
    marked to be calculated again."""
    migration = import_module("tase.payroll.migrations.0034_holiday7_correction_differences")
    worker = _worker(clerk, world.company, "Vanha", basis="hourly", salary="20.00")
    original, first = _corrected_overtime(clerk, world.company, worker)
    second = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 20), employees=[worker]
    )
    services.add_item(clerk, second, worker, wage_type="overtime_50", quantity="2")
    _approved(clerk, second)
    draft = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 25), employees=[worker]
    )
    services.add_item(clerk, draft, worker, wage_type="overtime_50", quantity="1")
    services.calculate_pay_run(clerk, draft)
    # as the calculation stored them before: the full corrected figures
    Payslip.objects.filter(pay_run=first).update(overtime_increment_cents=14000, overtime_hours=14)
    Payslip.objects.filter(pay_run=second).update(overtime_increment_cents=16000, overtime_hours=16)
    migration.store_differences(apps, connection.schema_editor())
    rows = Payslip.objects.filter(employee=worker).order_by("pay_run_id")
    assert [(s.overtime_increment_cents, s.overtime_hours) for s in rows[:3]] == [
        (10000, D("10.00")),
        (4000, D("4.00")),
        (2000, D("2.00")),
    ]
    assert PayRun.objects.get(pk=draft.pk).stale
    # A correction calculated before 0021 had its split from its difference lines (no hours
    # there: zero) and keeps it; the next one is a difference from what is known.
    Payslip.objects.filter(pay_run=first).update(overtime_increment_cents=0, overtime_hours=0)
    Payslip.objects.filter(pay_run=second).update(overtime_increment_cents=16000, overtime_hours=16)
    PayRun.objects.filter(pk=first.pk).update(calculated_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    migration.store_differences(apps, connection.schema_editor())
    rows = Payslip.objects.filter(employee=worker).order_by("pay_run_id")
    assert [s.overtime_increment_cents for s in rows[:3]] == [10000, 0, 6000]
