"""The absence data (poissaolotiedot) of the earnings payment report (issue 11): fed from the
recorded absences, written in the order and form the XSD asks and read back; sick leave is a
paid period for the days the employer pays (TSL 2:11) with their pay and an unpaid one after
it (cause 1), a lay-off unpaid (cause 16); an employee with an absence whose cause code is
not confirmed gets no block rather than a reporting period that leaves it out."""

import datetime as dt
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import IncomesRegisterReport, Payslip

from .factories import books, employee, pay_run

HEADER = irf.Header(
    delivery_id="D1",
    timestamp=dt.datetime(2026, 4, 1, 12, 0),
    payer_business_id="1234567-8",
    contact_name="Maija",
    contact_phone="040 1234567",
)


def test_the_block_is_valid_against_the_xsd_and_reads_back():
    absence = irf.Absences(
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        (
            irf.AbsencePeriod(dt.date(2026, 3, 2), dt.date(2026, 3, 13), 1, 10, D("1590.91")),
            irf.AbsencePeriod(dt.date(2026, 3, 14), dt.date(2026, 3, 20), 1, 5),
            irf.AbsencePeriod(dt.date(2026, 3, 23), dt.date(2026, 3, 31), 16, 7),
        ),
    )
    report = irf.WageReport(
        report_id="R1",
        earner=irf.Earner("Meikäläinen", "Matti", "010190-123F"),
        transactions=(irf.Transaction(201, D("3500")),),
        absence=absence,
    )
    document = irf.wage_reports(
        HEADER,
        payment_date=dt.date(2026, 3, 31),
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        reports=[report],
    )
    irf.validate(document, irf.WAGE_REPORTS)
    (read,) = irf.read(document).reports
    # Read back unpaid first, then paid: the order of the schema.
    assert read.absence == irf.Absences(
        absence.start, absence.end, (absence.periods[1], absence.periods[2], absence.periods[0])
    )


def test_the_run_reports_sick_leave_and_a_lay_off_from_the_absence_records(world, clerk):
    books(world.company)
    sick = employee(clerk, world.company, first_name="Sari", salary="3500.00")
    laid_off = employee(clerk, world.company, first_name="Olli", salary="2800.00")
    family = employee(clerk, world.company, first_name="Eeva")
    present = employee(clerk, world.company, first_name="Pekka")
    services.record_absence(
        clerk, sick, kind="sick", start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 20)
    )
    services.record_absence(
        clerk,
        laid_off,
        kind="layoff",
        start_date=dt.date(2026, 3, 23),
        end_date=dt.date(2026, 4, 10),
    )
    services.record_absence(
        clerk, family, kind="family", start_date=dt.date(2026, 3, 9), end_date=dt.date(2026, 3, 13)
    )
    run = pay_run(clerk, world.company, employees=[sick, laid_off, family, present])
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    row = IncomesRegisterReport.objects.get(pay_run=run, kind=IncomesRegisterReport.Kind.EARNINGS)
    irf.validate(row.document, irf.WAGE_REPORTS)
    by_id = {report.report_id: report for report in irf.read(row.document).reports}

    def block(worker):
        return by_id[services.employee_report_id(run, worker.pk)].absence

    march = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    # Falling ill on Monday 2.3.: that day and the 9 weekdays (arkipäivät, Saturdays
    # counted) after it, to Thursday 12.3., are paid: 9 working days of 3 500 / 22 (March 2026
    # has 22 working days) = 1 431.82; 13.-20.3. unpaid, 6 working days.
    assert block(sick) == irf.Absences(
        *march,
        (
            irf.AbsencePeriod(dt.date(2026, 3, 13), dt.date(2026, 3, 20), 1, 6),
            irf.AbsencePeriod(dt.date(2026, 3, 2), dt.date(2026, 3, 12), 1, 9, D("1431.82")),
        ),
    )
    # The lay-off is cut to the pay period: 23.-31.3., 7 working days.
    assert block(laid_off) == irf.Absences(
        *march, (irf.AbsencePeriod(dt.date(2026, 3, 23), dt.date(2026, 3, 31), 16, 7),)
    )
    assert block(family) is None and block(present) is None
    assert Payslip.objects.filter(pay_run=run).count() == 4


def test_a_recorded_holiday_leaves_the_block_out(world, clerk):
    from tase.payroll.models import HolidayRecord

    books(world.company)
    worker = employee(clerk, world.company)
    services.record_absence(
        clerk, worker, kind="sick", start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 3)
    )
    HolidayRecord.objects.create(
        company=world.company,
        employee=worker,
        credit_year_end=dt.date(2026, 3, 31),
        kind=HolidayRecord.Kind.TAKEN,
        start_date=dt.date(2026, 3, 16),
        end_date=dt.date(2026, 3, 20),
        days=5,
    )
    run = pay_run(clerk, world.company, employees=[worker])
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    row = IncomesRegisterReport.objects.get(pay_run=run, kind=IncomesRegisterReport.Kind.EARNINGS)
    (report,) = irf.read(row.document).reports
    assert report.absence is None


def test_reading_the_absences_takes_the_same_queries_for_one_or_many(
    world, clerk, steady_parameters
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tase.payroll.services.absence_reports import absence_data
    from tase.rules import parameters

    services.absences.policy_for(world.company)  # made once, on the first read
    parameters.default_set()  # merged once a process (the first read here would count it)

    def queries(count):
        workers = [employee(clerk, world.company, first_name=f"E{count}{n}") for n in range(count)]
        for worker in workers:
            services.record_absence(
                clerk,
                worker,
                kind="sick",
                start_date=dt.date(2026, 3, 2),
                end_date=dt.date(2026, 3, 4),
            )
        run = pay_run(clerk, world.company, employees=workers)
        with CaptureQueriesContext(connection) as captured:
            found = absence_data(run)
        assert len(found) == count
        return len(captured)

    assert queries(1) == queries(4)


def _hourly_sick(clerk, company, *, weekdays="135", hours="22.5"):
    worker = services.create_employee(
        clerk, company, first_name="Tuntipalkka", last_name="Sairas", birth_date=dt.date(1990, 1, 1)
    )
    services.add_employment(
        clerk,
        worker,
        start_date=dt.date(2024, 1, 1),
        pay_basis="hourly",
        weekly_hours=D(hours),
        working_weekdays=weekdays,
        salary="20.00",
    )
    services.add_tax_card(
        clerk,
        worker,
        year=2026,
        valid_from=dt.date(2026, 1, 1),
        kind="card",
        base_rate="20",
        additional_rate="40",
        income_limit="40000",
    )
    # Monday 2.3. - Friday 13.3.2026: paid to Thursday 12.3. (TSL 2:11), 13.3. unpaid
    services.record_absence(
        clerk, worker, kind="sick", start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 13)
    )
    return worker


def _approved_block(clerk, company, worker, *, edit=None):
    run = pay_run(clerk, company, employees=[worker])
    services.absence_lines(clerk, run)
    if edit:
        edit(run)
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    row = IncomesRegisterReport.objects.get(pay_run=run, kind=IncomesRegisterReport.Kind.EARNINGS)
    irf.validate(row.document, irf.WAGE_REPORTS)
    (report,) = irf.read(row.document).reports
    lines = Payslip.objects.get(pay_run=run).lines
    sick_pay = sum((D(line["amount"]) for line in lines if line["code"] == "sick_pay"), D(0))
    return report.absence, sick_pay


def test_hourly_sick_pay_in_the_block_is_the_payslips_sick_pay(world, clerk):
    books(world.company)
    worker = _hourly_sick(clerk, world.company)
    block, sick_pay = _approved_block(clerk, world.company, worker)
    # Working Mon, Wed, Fri 22.5 h a week: 2., 4., 6., 9. and 11.3. paid, 7.5 h each at
    # 20.00 = 750.00 on the payslip (computing 2.-12.3. Monday to Friday gave 1 350.00);
    # Friday 13.3. unpaid. The paid period runs to the end of the employer's period,
    # Thursday 12.3. (no working day of this employee's), the unpaid one from Friday 13.3.
    assert sick_pay == D("750.00")
    assert block == irf.Absences(
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        (  # read back unpaid first
            irf.AbsencePeriod(dt.date(2026, 3, 13), dt.date(2026, 3, 13), 1, 1),
            irf.AbsencePeriod(dt.date(2026, 3, 2), dt.date(2026, 3, 12), 1, 5, D("750.00")),
        ),
    )


def test_an_edited_sick_pay_line_is_what_the_block_reports(world, clerk):
    from tase.payroll.models import PayItem

    books(world.company)
    worker = _hourly_sick(clerk, world.company, weekdays="12345", hours="37.5")

    def fewer_hours(run):  # the clerk corrects the generated line: 61.5 h at 20.00 x 1/3
        PayItem.objects.filter(pay_run=run, wage_type="sick_pay").update(
            quantity=D("61.50"), unit_price=D("6.6667")
        )

    block, sick_pay = _approved_block(clerk, world.company, worker, edit=fewer_hours)
    paid = [period for period in block.periods if period.paid]
    assert sick_pay == D("410.00") and [period.amount for period in paid] == [D("410.00")]


def test_an_hourly_paid_without_sick_pay_on_the_payslip_has_no_block(world, clerk):
    from tase.payroll.models import PayItem

    books(world.company)
    worker = _hourly_sick(clerk, world.company)

    def no_sick_pay(run):  # hours worked, but the sick pay line left out
        PayItem.objects.filter(pay_run=run, wage_type="sick_pay").update(
            wage_type="hourly_wage", source=""
        )

    block, sick_pay = _approved_block(clerk, world.company, worker, edit=no_sick_pay)
    # The payslip paid nothing for the sick days: no block rather than one claiming pay.
    assert sick_pay == 0 and block is None


@given(
    computed=st.lists(st.decimals(min_value=0, max_value=5000, places=2), min_size=1, max_size=4),
    paid=st.decimals(min_value=D("0.01"), max_value=10000, places=2),
)
def test_the_payslips_sick_pay_is_shared_between_paid_periods_to_the_cent(computed, paid):
    from tase.payroll.services.absence_reports import _paid_as_on_payslip

    day = dt.date(2026, 3, 2)
    periods = [irf.AbsencePeriod(day, day, 1, 1, amount) for amount in computed]
    periods.insert(1, irf.AbsencePeriod(day, day, 1, 1))  # an unpaid one stays as it is
    shared = _paid_as_on_payslip(periods, paid)
    assert shared[1] == periods[1]
    amounts = [period.amount for period in shared if period.paid]
    assert sum(amounts) == paid and all(amount >= 0 for amount in amounts)


def _approved_report(clerk, company, worker):
    run = pay_run(clerk, company, employees=[worker])
    services.absence_lines(clerk, run)
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    row = IncomesRegisterReport.objects.get(pay_run=run, kind=IncomesRegisterReport.Kind.EARNINGS)
    irf.validate(row.document, irf.WAGE_REPORTS)
    (report,) = irf.read(row.document).reports
    return run, report


def test_a_lay_off_on_a_weekend_only_is_no_absence_period(world, clerk):
    books(world.company)
    weekend = employee(clerk, world.company, first_name="Viikonloppu")
    # Saturday 7. - Sunday 8.3.2026: none of a Monday-to-Friday employee's working days.
    services.record_absence(
        clerk, weekend, kind="layoff", start_date=dt.date(2026, 3, 7), end_date=dt.date(2026, 3, 8)
    )
    _run, report = _approved_report(clerk, world.company, weekend)
    assert report.absence is None
    both = employee(clerk, world.company, first_name="Molemmat")
    services.record_absence(
        clerk, both, kind="layoff", start_date=dt.date(2026, 3, 14), end_date=dt.date(2026, 3, 15)
    )
    services.record_absence(
        clerk, both, kind="sick", start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 3)
    )
    from tase.payroll.services.absence_reports import absence_data

    run = pay_run(clerk, world.company, employees=[both])
    # Only the sick leave: 2 working days of 3 500 / 22 = 318.18; no 0-day lay-off period.
    assert absence_data(run)[both.pk].periods == (
        irf.AbsencePeriod(dt.date(2026, 3, 2), dt.date(2026, 3, 3), 1, 2, D("318.18")),
    )


def test_sick_pay_rights_follow_the_employment_in_force_when_falling_ill(world, clerk):
    books(world.company)
    # A new employment record from Monday 16.3.2026 (new terms), the earlier one since 2025.
    worker = employee(clerk, world.company, salary="3500.00", start=dt.date(2026, 3, 16))
    services.add_employment(
        clerk,
        worker,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2026, 3, 15),
        pay_basis="monthly",
        weekly_hours=D("37.5"),
        salary="3500.00",
    )
    # Fell ill on Monday 2.3.: the employment then had lasted over a month, so the days are
    # paid in full (TSL 2:11 1 mom.); the one paid on 31.3. began on 16.3., two weeks after
    # falling ill, and gave 50 %.
    services.record_absence(
        clerk, worker, kind="sick", start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 4)
    )
    run, report = _approved_report(clerk, world.company, worker)
    assert report.absence.periods == (
        irf.AbsencePeriod(dt.date(2026, 3, 2), dt.date(2026, 3, 4), 1, 3, D("477.27")),
    )
    # No deduction for half-paid days either.
    assert Payslip.objects.get(pay_run=run).gross_cents == 350000
