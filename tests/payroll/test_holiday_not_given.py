"""Holiday the continuing incapacity kept from being given (vuosilomalaki 162/2005 25-26 §):
the days of the credit year ending 31 March of Y still not given at 31 December of Y + 1 are
compensated by 17 § while the employment goes on - computed from the absence and holiday
records, paid by the run whose period holds the deadline, off the balance and the liability
once paid."""

import datetime as dt

from tase.payroll import services
from tase.payroll.models import PayItem, PayRun
from tase.payroll.services import holidays

from .factories import employee, pay_run

YEAR = dt.date(2025, 3, 31)  # the credit year 1.4.2024-31.3.2025
DEADLINE = dt.date(2026, 12, 31)


def _sick_worker(clerk, company, *, sick_until=dt.date(2027, 1, 31), taken=0):
    """3 000 € a month from 1.1.2024 (a year of employment by 31.3.2025: 12 x 2.5 = 30 days
    of 2024-25, a day 3 000 / 25 = 120 €), sick from 1.5.2025 to ``sick_until``."""
    worker = employee(clerk, company, salary="3000.00", start=dt.date(2024, 1, 1))
    if taken:
        services.record_holiday(
            clerk,
            worker,
            start_date=dt.date(2025, 4, 7),
            end_date=dt.date(2025, 4, 7) + dt.timedelta(days=taken - 1),
            kind="taken",
            credit_year_end=YEAR,
        )
    services.record_absence(
        clerk, worker, kind="sick", start_date=dt.date(2025, 5, 1), end_date=sick_until
    )
    return worker


def test_the_december_run_pays_the_days_not_given(world, clerk):
    _sick_worker(clerk, world.company)
    run = pay_run(clerk, world.company, DEADLINE)
    services.holiday_lines(clerk, run)
    item = PayItem.objects.get(pay_run=run, wage_type="holiday_compensation")
    assert item.amount_cents == 30 * 12000 and item.source == "holiday:not_given:2025-03-31"
    services.calculate_pay_run(clerk, run)
    line = next(line for line in run.payslips.get().lines if line["code"] == "holiday_compensation")
    assert line["income_type"] == 234  # Vuosilomakorvaus, as at the end of an employment


def test_no_line_before_the_deadline_nor_without_the_incapacity(world, clerk):
    _sick_worker(clerk, world.company, sick_until=dt.date(2026, 2, 28))
    november = pay_run(clerk, world.company, dt.date(2026, 11, 30))
    services.holiday_lines(clerk, november)
    december = pay_run(clerk, world.company, DEADLINE)
    services.holiday_lines(clerk, december)
    # well before the deadline the employee was back: the days could be given
    assert not PayItem.objects.filter(wage_type="holiday_compensation").exists()


def test_days_used_are_not_compensated(world, clerk):
    worker = _sick_worker(clerk, world.company, taken=6)  # 7.-12.4.2025: 6 days
    book = holidays.load(world.company, DEADLINE)
    assert holidays.not_given(book, worker, YEAR, DEADLINE) == 30 - 6


def test_balance_and_liability(world, clerk):
    worker = _sick_worker(clerk, world.company)
    before = services.liability(clerk, world.company, dt.date(2026, 11, 30)).rows[0]
    at = services.liability(clerk, world.company, DEADLINE).rows[0]
    # 30 days of 2024-25 carried into 2025-26 leave the balance at the deadline, owed as money
    assert before.days - at.days == 30
    assert before.holiday_pay - at.holiday_pay < 30 * 120  # the days' pay is now the 3 600 €
    ended, _current = services.employee_balances(worker, DEADLINE)
    assert ended.carried_over == 0
    run = pay_run(clerk, world.company, DEADLINE)
    services.holiday_lines(clerk, run)
    services.calculate_pay_run(clerk, run)
    PayRun.objects.filter(pk=run.pk).update(status=PayRun.Status.APPROVED)
    paid = services.liability(clerk, world.company, DEADLINE).rows[0]
    assert at.holiday_pay - paid.holiday_pay == 3600


def test_an_employment_ending_at_the_deadline_is_compensated_by_17(world, clerk):
    from tase.payroll.models import Employment

    worker = _sick_worker(clerk, world.company)
    Employment.objects.filter(employee=worker).update(end_date=DEADLINE)
    run = pay_run(clerk, world.company, DEADLINE)
    services.holiday_lines(clerk, run)
    sources = set(
        PayItem.objects.filter(pay_run=run, wage_type="holiday_compensation").values_list(
            "source", flat=True
        )
    )
    assert sources == {"holiday:compensation"}
