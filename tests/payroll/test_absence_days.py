"""Which days an absence pays, deducts and reports, counted by hand.

- The employer pays the day of falling ill and the nine weekdays (arkipäivät, Monday to
  Saturday, public holidays not counted) after it (työsopimuslaki 55/2001 2 luku 11 §); the
  days after that are unpaid.
- A deduction counts only the employee's working days (their schedule, Monday to Friday
  without one; public holidays not counted): a period that begins or ends on a weekend or a
  public holiday deducts none of those days. A day's pay is the month's salary / the month's
  working days of the schedule.
- Kela's waiting period is the day of falling ill and the nine weekdays after it
  (sairausvakuutuslaki 1224/2004 8 luku 7 §); Kela counts Saturdays and Christmas and
  Midsummer Eve as weekdays ("Arkipäiviin lasketaan myös lauantait ja aattopäivät",
  https://www.kela.fi/omavastuuaika).
- The Incomes Register's absence data splits a sick leave at the end of the employer's pay
  period, not at the last working day paid.

Calendar: 1.3.2026 is a Sunday; March 2026 has 22 working days (Mon-Fri) and 26 days Mon-Sat;
April 2026 has 22 weekdays Mon-Fri less Good Friday 3.4. and Easter Monday 6.4. = 20 working
days (Easter Saturday 4.4. is an arkipäivä: no public holiday).
"""

from datetime import date
from decimal import Decimal as D

import pytest

from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import IncomesRegisterReport, PayItem
from tase.rules import absences as rules

from .factories import employee, pay_run


def _worker(clerk, company, salary, weekdays=""):
    if not weekdays:
        return employee(clerk, company, salary=salary)
    row = services.create_employee(
        clerk, company, first_name="Kuusi", last_name="Päivää", birth_date=date(1990, 1, 1)
    )
    services.add_employment(
        clerk,
        row,
        start_date=date(2024, 1, 1),
        pay_basis="monthly",
        weekly_hours=D("37.5"),
        working_weekdays=weekdays,
        salary=salary,
    )
    return row


@pytest.mark.parametrize(
    ("kind", "start", "end", "salary", "weekdays", "paid_on", "cents"),
    [
        # Sick from Wednesday 4.3.: paid to Saturday 14.3. (Thu 5, Fri 6, Sat 7, Mon 9 - Sat
        # 14 are the nine weekdays); unpaid Mon 16. - Fri 20.3. (Sunday 15.3. not a working
        # day) = 5 days x 4 400 / 22 = 5 x 200 = -1 000.00
        ("sick", date(2026, 3, 4), date(2026, 3, 20), "4400.00", "", date(2026, 3, 31), -100000),
        # Falling ill on Sunday 8.3.: Mon 9 - Sat 14 (6), Mon 16, Tue 17, Wed 18 (9): paid to
        # Wednesday 18.3.; unpaid Thu 19., Fri 20. = 2 x 200 = -400.00
        ("sick", date(2026, 3, 8), date(2026, 3, 20), "4400.00", "", date(2026, 3, 31), -40000),
        # Sick Monday 2. - Sunday 15.3.: paid to Thursday 12.3.; unpaid Friday 13.3. only
        # (Sat 14., Sun 15. no working days) = -200.00
        ("sick", date(2026, 3, 2), date(2026, 3, 15), "4400.00", "", date(2026, 3, 31), -20000),
        # Sick from Wednesday 25.3. over Easter: Thu 26, Fri 27, Sat 28, Mon 30, Tue 31,
        # Wed 1.4, Thu 2.4, (Good Friday no) Sat 4.4 (8), (Easter Sunday, Monday no) Tue 7.4
        # (9): paid to Tuesday 7.4.; unpaid Wed 8. - Fri 10.4. = 3 x 3 000 / 20 = -450.00
        ("sick", date(2026, 3, 25), date(2026, 4, 10), "3000.00", "", date(2026, 4, 30), -45000),
        # Unpaid leave Saturday 7. - Sunday 8.3.: no working day, no line
        ("unpaid", date(2026, 3, 7), date(2026, 3, 8), "4400.00", "", date(2026, 3, 31), None),
        # Unpaid leave Thursday 2. - Tuesday 7.4. over Easter: Thu 2.4. and Tue 7.4. (Good
        # Friday, the weekend and Easter Monday not) = 2 x 3 000 / 20 = -300.00
        ("unpaid", date(2026, 4, 2), date(2026, 4, 7), "3000.00", "", date(2026, 4, 30), -30000),
        # A six-day week (Mon-Sat): unpaid Friday 13. - Monday 16.3. = Fri, Sat, Mon = 3 days
        # x 2 600 / 26 = -300.00
        (
            "unpaid",
            date(2026, 3, 13),
            date(2026, 3, 16),
            "2600.00",
            "123456",
            date(2026, 3, 31),
            -30000,
        ),
        # A lay-off starting on Saturday 21.3. to Sunday 29.3.: Mon 23. - Fri 27.3. = 5 x 200
        ("layoff", date(2026, 3, 21), date(2026, 3, 29), "4400.00", "", date(2026, 3, 31), -100000),
    ],
)
def test_a_deduction_counts_only_working_days(
    world, clerk, kind, start, end, salary, weekdays, paid_on, cents
):
    worker = _worker(clerk, world.company, salary, weekdays)
    services.record_absence(clerk, worker, kind=kind, start_date=start, end_date=end)
    run = pay_run(clerk, world.company, paid_on)
    services.absence_lines(clerk, run)
    amounts = list(PayItem.objects.filter(pay_run=run).values_list("amount_cents", flat=True))
    assert amounts == ([] if cents is None else [cents])


@pytest.mark.parametrize(
    ("start", "end", "paid_until", "waiting_end", "reimbursed"),
    [
        # Falling ill on Monday 2.3.: both periods are Tue 3 - Sat 7, Mon 9 - Thu 12 (nine
        # weekdays); nothing left for Kela to reimburse within the employer's period.
        (date(2026, 3, 2), date(2026, 3, 20), date(2026, 3, 12), date(2026, 3, 12), ()),
        # Falling ill on Sunday 8.3.: the day of falling ill counts, on a Sunday too; nine
        # weekdays Mon 9. - Wed 18.3.
        (date(2026, 3, 8), date(2026, 3, 20), date(2026, 3, 18), date(2026, 3, 18), ()),
        # Falling ill on Monday 21.12.2026. Kela: Tue 22, Wed 23, Christmas Eve Thu 24 (3),
        # (Christmas Day, St Stephen's Day no) Mon 28, Tue 29, Wed 30, Thu 31 (7), (New Year's
        # Day no) Sat 2.1., Mon 4.1.2027 (9): the waiting period ends Monday 4.1. The
        # holiday calendar's ninth weekday (no eve counted) would be Tuesday 5.1., but TSL
        # 2:11 pays at most until the right to Kela's allowance begins: paid to Monday 4.1.,
        # nothing for Kela to reimburse, Tuesday 5.1. unpaid.
        (date(2026, 12, 21), date(2027, 1, 15), date(2027, 1, 4), date(2027, 1, 4), ()),
        # Falling ill on Monday 15.6.2026. Kela: Tue 16, Wed 17, Thu 18, Midsummer Eve Fri 19
        # (4), (Midsummer Day Sat 20 no) Mon 22 - Fri 26 (9): ends Friday 26.6., and so does
        # the employer's period (not Saturday 27.6.).
        (date(2026, 6, 15), date(2026, 6, 30), date(2026, 6, 26), date(2026, 6, 26), ()),
    ],
)
def test_the_employers_period_and_kelas_waiting_period(
    start, end, paid_until, waiting_end, reimbursed
):
    sick = rules.sick_pay(rules.Absence("sick", start, end), date(2024, 1, 1))
    assert (sick.paid_until, sick.waiting_end, sick.reimbursed_weekdays) == (
        paid_until,
        waiting_end,
        reimbursed,
    )


def test_an_agreements_longer_period_runs_past_the_waiting_period():
    # 27 weekdays from Monday 21.12.2026 (no eve counted): Tue 22, Wed 23, Mon 28 - Thu 31
    # (6), Sat 2.1., Mon 4.1., Tue 5.1. (9), Thu 7. - Sat 9.1. (12), Mon 11. - Sat 16.1.
    # (18), Mon 18. - Sat 23.1. (24), Mon 25. - Wed 27.1. (27): paid to Wednesday 27.1.;
    # Kela reimburses the weekdays after Monday 4.1.: Tue 5., Thu 7. - Sat 9., Mon 11. - Sat
    # 16., Mon 18. - Sat 23., Mon 25. - Wed 27.1. = 1 + 3 + 6 + 6 + 3 = 19 (Epiphany 6.1. no).
    sick = rules.sick_pay(
        rules.Absence("sick", date(2026, 12, 21), date(2027, 2, 26)),
        date(2024, 1, 1),
        agreement_weekdays=27,
    )
    assert (sick.paid_until, sick.waiting_end) == (date(2027, 1, 27), date(2027, 1, 4))
    assert len(sick.reimbursed_weekdays) == 19


def test_the_christmas_sick_leave_deducts_the_day_after_the_waiting_period(world, clerk):
    # Sick Monday 21.12.2026 - Friday 15.1.2027, 4 400 a month: paid to Monday 4.1.2027;
    # January 2027 has 21 weekdays Mon-Fri less New Year's Day Fri 1.1. and Epiphany Wed 6.1.
    # = 19 working days. Unpaid: Tue 5., Thu 7., Fri 8., Mon 11. - Fri 15.1. = 8 days x
    # 4 400 / 19 = 1 852.631... = -1 852.63
    worker = employee(clerk, world.company, salary="4400.00")
    services.record_absence(
        clerk, worker, kind="sick", start_date=date(2026, 12, 21), end_date=date(2027, 1, 15)
    )
    run = pay_run(clerk, world.company, date(2027, 1, 31))
    services.absence_lines(clerk, run)
    assert list(PayItem.objects.filter(pay_run=run).values_list("amount_cents", flat=True)) == [
        -185263
    ]


def test_eves_are_sickness_weekdays_but_not_holiday_calendar_weekdays():
    for eve in (date(2026, 12, 24), date(2026, 6, 19), date(2027, 6, 25)):
        assert rules.is_sickness_weekday(eve) and not rules.is_weekday(eve)
    # A church holiday, Independence Day and May Day are no weekdays for Kela either.
    for holiday in (date(2026, 12, 25), date(2026, 12, 6), date(2026, 5, 1), date(2026, 1, 6)):
        assert not rules.is_sickness_weekday(holiday)
    assert rules.is_sickness_weekday(date(2026, 4, 4))  # Easter Saturday
    assert rules.is_sickness_weekday(date(2026, 6, 26))  # an ordinary Friday


def _block(clerk, company, worker):
    run = pay_run(clerk, company, employees=[worker])
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    row = IncomesRegisterReport.objects.get(pay_run=run, kind=IncomesRegisterReport.Kind.EARNINGS)
    irf.validate(row.document, irf.WAGE_REPORTS)
    (report,) = irf.read(row.document).reports
    return report.absence


def test_the_report_splits_a_sick_leave_where_the_employers_period_ends(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    services.record_absence(
        clerk, worker, kind="sick", start_date=date(2026, 3, 4), end_date=date(2026, 3, 20)
    )
    # Paid Wednesday 4. - Saturday 14.3.: 8 working days x 200 = 1 600.00; unpaid from
    # Sunday 15.3. (not Saturday 14.3., which the employer's period covers): Mon 16. - Fri
    # 20.3., 5 working days.
    assert _block(clerk, world.company, worker) == irf.Absences(
        date(2026, 3, 1),
        date(2026, 3, 31),
        (
            irf.AbsencePeriod(date(2026, 3, 15), date(2026, 3, 20), 1, 5),
            irf.AbsencePeriod(date(2026, 3, 4), date(2026, 3, 14), 1, 8, D("1600.00")),
        ),
    )


def test_a_sick_weekend_is_no_absence_from_work_in_the_report(world, clerk):
    worker = employee(clerk, world.company, salary="4400.00")
    services.record_absence(
        clerk, worker, kind="sick", start_date=date(2026, 3, 7), end_date=date(2026, 3, 8)
    )
    # Saturday 7. - Sunday 8.3.: within the employer's period, no working day of the
    # employee's: not an unpaid absence of 0 days, nothing at all.
    assert _block(clerk, world.company, worker) is None
