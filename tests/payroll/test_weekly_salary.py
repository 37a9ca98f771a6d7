"""The weekly salary line of a pay run (issue 16): an employee on the weekly pay basis is paid
the weekly salary times the weeks of the pay period (a week is paid in the period that holds
its Sunday, tase.rules.payroll.salary), as quantity x unit price; absences lower it, a
correction keeps it, retro pay recomputes it per week paid."""

import datetime as dt
import itertools
from decimal import Decimal as D

import pytest

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Employment, PayItem, Payslip
from tase.payroll.services import corrections
from tase.rules.payroll.salary import (
    period_salary_cents,
    salary_wage_type,
    weeks_in_period,
)
from tase.rules.payroll_catalogue import BY_CODE

from .factories import employee

# Two weeks: Monday 2.3. - Sunday 15.3.2026, paid on Friday 20.3.
TWO_WEEKS = (dt.date(2026, 3, 2), dt.date(2026, 3, 15), dt.date(2026, 3, 20))


def _weekly(clerk, company, salary="600.00", **extra):
    return employee(clerk, company, basis="weekly", salary=salary, **extra)


def _run(clerk, company, start, end, paid, workers=None):
    return services.create_pay_run(
        clerk,
        company,
        period_start=start,
        period_end=end,
        payment_date=paid,
        **({"employees": workers} if workers is not None else {}),
    )


def _lines(slip, code):
    return [line for line in slip.lines if line["code"] == code]


# -- the rule -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "weeks"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 15), 2),  # Monday - Sunday, two weeks
        (dt.date(2026, 3, 4), dt.date(2026, 3, 17), 2),  # 14 days from a Wednesday
        (dt.date(2026, 3, 2), dt.date(2026, 3, 29), 4),  # four weeks
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28), 4),  # February 2026: 4 Sundays
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31), 5),  # March 2026: 5 Sundays (1.3. one)
        (dt.date(2026, 3, 2), dt.date(2026, 3, 7), 0),  # Monday - Saturday: no week ends
        (dt.date(2026, 3, 8), dt.date(2026, 3, 8), 1),  # a Sunday alone ends its week
        (dt.date(2026, 3, 9), dt.date(2026, 3, 8), 0),  # empty
    ],
)
def test_weeks_of_a_pay_period_are_its_sundays(start, end, weeks):
    assert weeks_in_period(start, end) == weeks


def test_consecutive_months_pay_every_week_of_the_year_once():
    starts = [dt.date(2026, m, 1) for m in range(1, 13)] + [dt.date(2027, 1, 1)]
    total = sum(
        weeks_in_period(start, following - dt.timedelta(days=1))
        for start, following in itertools.pairwise(starts)
    )
    assert total == 52  # 2026 has 52 Sundays


def test_the_salary_wage_type_of_each_basis():
    assert [salary_wage_type(b) for b in ("monthly", "weekly", "hourly", "performance")] == [
        "monthly_salary",
        "weekly_salary",
        None,
        None,
    ]
    assert period_salary_cents("weekly", 60000, *TWO_WEEKS[:2]) == 120000
    assert period_salary_cents("monthly", 300000, *TWO_WEEKS[:2]) == 300000
    weekly, monthly = BY_CODE["weekly_salary"], BY_CODE["monthly_salary"]
    assert (weekly.label_fi, weekly.label_en) == ("Viikkopalkka", "Weekly salary")
    # the same treatment as the monthly salary: income type 201, account, bases
    for field in ("kind", "taxable", "tyel", "unemployment", "health", "income_type"):
        assert getattr(weekly, field) == getattr(monthly, field), field
    assert (weekly.income_type, weekly.ledger_account) == (201, monthly.ledger_account)


# -- the pay run ----------------------------------------------------------------------------
def test_two_weeks_give_weeks_times_the_weekly_salary(world, clerk):
    worker = _weekly(clerk, world.company)
    run = _run(clerk, world.company, *TWO_WEEKS)
    services.calculate_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run)
    [line] = _lines(slip, "weekly_salary")
    assert (D(line["quantity"]), D(line["unit_price"]), line["amount"]) == (2, 600, "1200.00")
    assert (line["income_type"], line["label_fi"], line["salary_used"]) == (
        201,
        "Viikkopalkka",
        "600.00",
    )
    assert slip.gross_cents == 120000
    # Tax card 20 % (income limit 40 000 not reached): 240.00; TyEL 7.30 % of 1 200 = 87.60;
    # the employee's unemployment insurance contribution on it; net pay what is left.
    assert slip.withholding_cents == 24000
    assert slip.employee_tyel_cents == 8760
    assert slip.net_cents == (
        120000 - 24000 - 8760 - slip.employee_unemployment_cents - slip.union_dues_cents
    )
    assert slip.employee_unemployment_cents > 0
    assert worker.pk == slip.employee_id


@pytest.mark.parametrize(
    ("start", "end", "weeks"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 29), 4),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28), 4),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31), 5),
    ],
)
def test_four_and_five_week_periods(world, clerk, start, end, weeks):
    _weekly(clerk, world.company, salary="612.35")
    run = _run(clerk, world.company, start, end, end)
    services.calculate_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run)
    [line] = _lines(slip, "weekly_salary")
    assert (line["quantity"], D(line["amount"])) == (str(weeks), D("612.35") * weeks)
    assert slip.gross_cents == 61235 * weeks
    assert slip.net_cents < slip.gross_cents


def test_an_entered_weekly_salary_replaces_the_generated_one(world, clerk):
    """A part week at the start of the employment is entered by hand."""
    worker = _weekly(clerk, world.company)
    run = _run(clerk, world.company, *TWO_WEEKS)
    services.add_item(clerk, run, worker, wage_type="weekly_salary", amount=D("960.00"))
    services.calculate_pay_run(clerk, run)
    [line] = _lines(Payslip.objects.get(pay_run=run), "weekly_salary")
    assert (line["amount"], line["quantity"], line["salary_used"]) == ("960.00", None, "600.00")


def test_monthly_and_hourly_paid_get_no_weekly_line(world, clerk):
    employee(clerk, world.company, first_name="Kuukausi", salary="3000.00")
    employee(clerk, world.company, first_name="Tunti", basis="hourly", salary="20.00")
    run = _run(clerk, world.company, *TWO_WEEKS)
    services.calculate_pay_run(clerk, run)
    codes = {line["code"] for slip in run.payslips.all() for line in slip.lines}
    assert "weekly_salary" not in codes and "monthly_salary" in codes


def test_overtime_of_a_weekly_paid_is_priced_at_the_weekly_salary_over_the_hours(world, clerk):
    worker = _weekly(clerk, world.company, salary="750.00")  # 37.5 h: 20.00 €/h
    run = _run(clerk, world.company, *TWO_WEEKS)
    services.add_item(clerk, run, worker, wage_type="overtime_50", quantity="2")
    services.calculate_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run)
    assert slip.gross_cents == 2 * 75000 + 6000  # 2 h x 20.00 x 1.5


def test_an_unpaid_absence_lowers_the_weekly_salary(world, clerk):
    worker = _weekly(clerk, world.company)
    # Monday 9. - Wednesday 11.3.2026: three working days of Monday - Friday, a day 600 / 5
    services.record_absence(
        clerk, worker, kind="unpaid", start_date=dt.date(2026, 3, 9), end_date=dt.date(2026, 3, 11)
    )
    run = _run(clerk, world.company, *TWO_WEEKS)
    assert services.absence_lines(clerk, run) == 1
    item = PayItem.objects.get(pay_run=run)
    assert (item.wage_type, item.amount_cents) == ("pay_correction", -36000)
    services.calculate_pay_run(clerk, run)
    assert Payslip.objects.get(pay_run=run).gross_cents == 120000 - 36000


def test_sick_leave_of_a_weekly_paid_keeps_the_salary_and_adds_no_sick_pay(world, clerk):
    """Like a monthly salary: the salary runs on in the employer's pay period (TSL 2:11), so
    no sick pay line is added on top of it (it would be paid twice)."""
    worker = _weekly(clerk, world.company)
    services.record_absence(
        clerk, worker, kind="sick", start_date=dt.date(2026, 3, 9), end_date=dt.date(2026, 3, 11)
    )
    run = _run(clerk, world.company, *TWO_WEEKS)
    assert services.absence_lines(clerk, run) == 0
    services.calculate_pay_run(clerk, run)
    assert Payslip.objects.get(pay_run=run).gross_cents == 120000


def test_a_holiday_lowers_the_weekly_salary_by_the_salary_kept(world, clerk):
    """Weekly 600 € from 2024: a day of holiday is 1/6 of the weekly salary (100.00,
    vuosilomalaki 10 § 1 mom., 17 § 3 mom.). Six holiday days in the two weeks: the holiday
    pay 600.00 and the weekly salary line 1 200.00 less the 600.00 kept in it."""
    worker = _weekly(clerk, world.company)
    services.record_holiday(
        clerk, worker, start_date=dt.date(2026, 3, 9), end_date=dt.date(2026, 3, 14)
    )
    run = _run(clerk, world.company, *TWO_WEEKS)
    services.holiday_lines(clerk, run)
    lines = {i.wage_type: i.amount_cents for i in PayItem.objects.filter(pay_run=run)}
    assert lines["holiday_pay"] == 60000 and lines["weekly_salary"] == 60000
    services.calculate_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run)
    [line] = _lines(slip, "weekly_salary")
    assert (line["amount"], line["salary_used"]) == ("600.00", "600.00")
    assert slip.gross_cents == 120000 + lines["holiday_bonus"]


# -- corrections and retro pay --------------------------------------------------------------
def _approved(clerk, company, start, end, paid, workers):
    run = _run(clerk, company, start, end, paid, workers)
    services.calculate_pay_run(clerk, run)
    return services.approve_pay_run(clerk, run)


def test_a_correction_run_keeps_the_weekly_salary(world, clerk):
    worker = _weekly(clerk, world.company)
    original = _approved(clerk, world.company, *TWO_WEEKS, [worker])
    # a raise dated back since: paid as retro pay, not by the correction
    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("630.00"))
    run = corrections.create_correction_run(
        clerk, original, payment_date=dt.date(2026, 4, 3), employees=[worker]
    )
    services.add_item(clerk, run, worker, wage_type="bonus", amount=D("100"))
    services.calculate_pay_run(clerk, run)
    slip = run.payslips.get()
    assert slip.gross_cents == 10000
    assert [line["code"] for line in slip.lines if line["section"] == "pay"] == ["bonus"]
    now = corrections.combined_lines([Payslip.objects.get(pay_run=original), slip])
    [weekly] = [line for line in now if line["code"] == "weekly_salary"]
    assert weekly["amount"] == "1200.00"


def test_retro_pay_of_a_weekly_paid_is_the_difference_per_week_paid(world, clerk):
    worker = _weekly(clerk, world.company)
    february = _approved(
        clerk, world.company, dt.date(2026, 2, 1), dt.date(2026, 2, 28), dt.date(2026, 2, 27),
        [worker],
    )  # fmt: skip
    march = _approved(clerk, world.company, *TWO_WEEKS, [worker])
    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("630.00"))
    lines = services.retro_differences(clerk, job)
    by = {line.payment_date: line for line in lines}
    # four weeks x 30.00 and two weeks x 30.00, each with its original pay period
    assert by[dt.date(2026, 2, 27)].amount == D("120.00")
    assert by[dt.date(2026, 2, 27)].paid == D("2400.00")
    assert by[dt.date(2026, 3, 20)].amount == D("60.00")
    assert (by[dt.date(2026, 3, 20)].period_start, by[dt.date(2026, 3, 20)].period_end) == (
        TWO_WEEKS[0],
        TWO_WEEKS[1],
    )
    assert {line.wage_type for line in lines} == {"retro_pay"}
    assert february.pk != march.pk

    # paid in the next run, beside that run's own weeks at the new salary
    nxt = _run(
        clerk, world.company, dt.date(2026, 3, 16), dt.date(2026, 3, 29), dt.date(2026, 4, 3),
        [worker],
    )  # fmt: skip
    services.add_retro_pay(clerk, job, nxt)
    services.calculate_pay_run(clerk, nxt)
    slip = nxt.payslips.get()
    assert slip.gross_cents == 2 * 63000 + 12000 + 6000
    assert services.retro_differences(clerk, job) == []  # added once


def test_retro_pay_scales_a_weekly_line_lowered_for_a_holiday(world, clerk):
    worker = _weekly(clerk, world.company)
    services.record_holiday(
        clerk, worker, start_date=dt.date(2026, 3, 9), end_date=dt.date(2026, 3, 14)
    )
    run = _run(clerk, world.company, *TWO_WEEKS, [worker])
    services.holiday_lines(clerk, run)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("630.00"))
    [line] = services.retro_differences(clerk, job)
    # the line paid 600.00 (1 200.00 less the 600.00 kept): 600.00 x 630 / 600 = 630.00
    assert (line.paid, line.due, line.amount) == (D("600.00"), D("630.00"), D("30.00"))


# -- pages and the API ----------------------------------------------------------------------
def test_the_payslip_page_shows_the_weekly_salary_in_finnish(world, clerk):
    _weekly(clerk, world.company)
    run = _run(clerk, world.company, *TWO_WEEKS)
    services.calculate_pay_run(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    page = client.get(f"/payroll/payslips/{run.payslips.get().pk}/").content.decode()
    row = page[page.index("Viikkopalkka") :]
    row = row[: row.index("</tr>")]
    assert "600,00" in row and "1 200,00" in row.replace("\xa0", " ") and ">2<" in row
    run_page = client.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert "1 200,00" in run_page.replace("\xa0", " ")


def test_the_api_run_gives_the_same_line(world, clerk):
    worker = _weekly(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    created = client.post(
        f"/api/v1/payroll/companies/{world.company.pk}/pay-runs",
        {"period_start": "2026-03-02", "period_end": "2026-03-15", "payment_date": "2026-03-20"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    run_id = created.json()["id"]
    calculated = client.post(f"/api/v1/payroll/pay-runs/{run_id}/calculate")
    assert calculated.status_code == 200, calculated.content
    [summary] = calculated.json()
    assert (summary["employee_id"], summary["gross_pay"]) == (worker.pk, "1200.00")

    page_run = _run(clerk, world.company, *TWO_WEEKS)
    services.calculate_pay_run(clerk, page_run)
    by_page = page_run.payslips.get()
    by_api = Payslip.objects.get(pay_run_id=run_id)
    assert summary["net_pay"] == str(D(by_page.net_cents) / 100)
    assert _lines(by_api, "weekly_salary") == _lines(by_page, "weekly_salary")
    # another organization's user does not see the run
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.post(f"/api/v1/payroll/pay-runs/{run_id}/calculate").status_code == 404


def test_retro_pay_of_a_monthly_salary_lowered_for_a_holiday_is_its_share(world, clerk):
    """The same rule for the monthly salary: 3 000 € a month, six holiday days in March
    (6 x 120.00 kept in the holiday pay) leave a salary line of 2 280.00; a raise to
    3 160.00 from January makes it 2 280.00 x 3 160 / 3 000 = 2 401.60, not the whole
    3 160.00 (which paid the 720.00 kept in the holiday pay a second time)."""
    worker = employee(clerk, world.company, salary="3000.00")
    services.record_holiday(
        clerk, worker, start_date=dt.date(2026, 3, 9), end_date=dt.date(2026, 3, 14)
    )
    run = _run(
        clerk, world.company, dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31),
        [worker],
    )  # fmt: skip
    services.holiday_lines(clerk, run)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    [salary] = _lines(run.payslips.get(), "monthly_salary")
    assert (salary["amount"], salary["salary_used"]) == ("2280.00", "3000.00")
    job = Employment.objects.get(employee=worker)
    services.change_salary(clerk, job, valid_from=dt.date(2026, 1, 1), amount=D("3160.00"))
    [line] = services.retro_differences(clerk, job)
    assert (line.paid, line.due, line.amount) == (D("2280.00"), D("2401.60"), D("121.60"))
