"""Holiday compensation at the end of an employment (vuosilomalaki 162/2005 17 §, 27 § 4
mom.; issue 16 item 2): the pay run of the period in which an employment ends pays the days
not used by its last day - the ended credit year's, the current year's earned by then and
the saved leave - as holiday compensation."""

import datetime as dt
from decimal import Decimal

import pytest

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Employment, PayItem, Payslip

from .factories import approved_slip, employee, pay_run


def test_final_pay_run_pays_the_unused_days_as_compensation(world, clerk):
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    Employment.objects.filter(employee=worker).update(end_date=dt.date(2026, 6, 30))
    services.record_holiday(
        clerk, worker, start_date=dt.date(2026, 6, 1), end_date=dt.date(2026, 6, 5)
    )  # 5 days of 2025-26
    services.save_leave(clerk, worker, credit_year_end=dt.date(2026, 3, 31), days=4)
    run = pay_run(clerk, world.company, dt.date(2026, 6, 30))
    services.holiday_lines(clerk, run)
    lines = {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}
    # 2025-26: 30 - 5 taken - 4 saved = 21; saved 4; 2026-27: April-June, 2.5 x 3 = 7.5 -> 8
    # (17 § 1 mom.: a year of employment when it ended); 33 days at 3 000 / 25 = 120 €
    assert lines["holiday_compensation"] == 33 * 12000
    assert lines["holiday_pay"] == 5 * 12000 and lines["monthly_salary"] == 300000 - 60000
    services.calculate_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run)
    assert slip.gross_cents == 240000 + 60000 + 30000 + 396000
    compensation = next(line for line in slip.lines if line["code"] == "holiday_compensation")
    assert compensation["income_type"] == 234


def test_no_compensation_while_the_employment_goes_on(world, clerk):
    employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    run = pay_run(clerk, world.company, dt.date(2026, 6, 30))
    services.holiday_lines(clerk, run)
    assert not PayItem.objects.filter(pay_run=run, wage_type="holiday_compensation").exists()


def test_liability_ends_with_the_employment(world, clerk):
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    Employment.objects.filter(employee=worker).update(end_date=dt.date(2026, 6, 30))
    assert services.liability(clerk, world.company, dt.date(2026, 6, 30)).rows[0].days == 38
    assert services.liability(clerk, world.company, dt.date(2026, 7, 31)).rows == []


def _few_hours_worker(clerk, company, start=dt.date(2025, 1, 1), paid=True):
    """An hourly employee of one day and six hours a week (35-hour rule): no month reaches
    35 hours, so no holiday is ever earned (6 § 2 mom.). Paid 300 € a month, January 2025 to
    January 2026 (unless ``paid`` is false); the employment ends 27.2.2026."""
    worker = services.create_employee(
        clerk, company, first_name="Vähä", last_name="Tuntinen", birth_date=dt.date(1990, 1, 1)
    )
    services.add_employment(
        clerk,
        worker,
        start_date=start,
        end_date=dt.date(2026, 2, 27),
        pay_basis="hourly",
        weekly_hours=Decimal(6),
        days_per_week=Decimal(1),
        salary="15.00",
    )
    for index in range(13 if paid else 0):
        approved_slip(company, worker, dt.date(2025 + index // 12, index % 12 + 1, 25), 30000)
    return worker


def test_final_pay_of_one_who_earned_no_holiday_is_the_percentage(world, clerk):
    """17 § 4 mom., 16 §: 9 % of the wages of 2024-25 (the employment had not lasted a year
    by 31.3.2025), 11.5 % of those of 2025-26 (it had lasted a year when it ended)."""
    _few_hours_worker(clerk, world.company)
    run = pay_run(clerk, world.company, dt.date(2026, 2, 27))
    services.holiday_lines(clerk, run)
    lines = {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}
    # 3 x 300 x 9 % = 81.00; 10 x 300 x 11.5 % = 345.00
    assert lines == {"holiday_compensation": 8100 + 34500}


def test_holiday_bonus_on_compensation_follows_the_company_rule(world, clerk):
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    Employment.objects.filter(employee=worker).update(end_date=dt.date(2026, 6, 30))
    run = pay_run(clerk, world.company, dt.date(2026, 6, 30))
    services.holiday_lines(clerk, run)
    assert not PayItem.objects.filter(pay_run=run, wage_type="holiday_bonus").exists()
    services.update_policy(
        clerk,
        world.company,
        sick_pay_weekdays=9,
        holiday_bonus_percent="50",
        bonus_on_compensation=True,
    )
    services.holiday_lines(clerk, run)
    lines = {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}
    # 30 + 8 days at 120 € = 4 560 €, the bonus 50 % of it
    assert lines["holiday_compensation"] == 456000 and lines["holiday_bonus"] == 228000


def test_bonus_on_compensation_through_the_page_and_the_api(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/companies/{world.company.pk}/holiday-policy"
    body = {"sick_pay_weekdays": 9, "holiday_bonus_percent": "50", "bonus_on_compensation": True}
    saved = client.put(url, body, content_type="application/json")
    assert saved.json()["bonus_on_compensation"] is True
    assert client.get(url).json()["bonus_on_compensation"] is True
    page = client.post(
        f"/payroll/c/{world.company.pk}/holiday-policy/",
        {"sick_pay_weekdays": "9", "holiday_bonus_percent": "50"},
    )
    assert page.status_code == 302
    assert services.policy_for(world.company).bonus_on_compensation is False
    shown = client.get(f"/payroll/c/{world.company.pk}/absences/").content.decode()
    assert "Lomaraha myös lomakorvauksesta" in shown
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.put(url, body, content_type="application/json").status_code == 404


def _compensation_lines(clerk, company, paid=dt.date(2026, 2, 27), items=()):
    """The final run's lines from holidays, with the run's own ``items`` (wage type, hours)."""
    run = pay_run(clerk, company, paid)
    worker = run.employees.get()
    for wage_type, hours in items:
        services.add_item(clerk, run, worker, wage_type=wage_type, quantity=hours)
    services.holiday_lines(clerk, run)
    return run, {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}


def test_the_final_runs_own_wages_are_in_the_basis(world, clerk):
    """17 § 4 mom., 16 §: the percentage is of all the wages for time at work of the
    employment, the final month's too, although its payslip is not approved yet. The final
    run pays 20 hours at 15.00 = 300.00 and 2 hours of overtime 50 % = 2 x 15.00 x 1.5 =
    45.00, of which the increment 15.00 (45.00 x 0.5 / 1.5) is left out: 330.00."""
    _few_hours_worker(clerk, world.company)
    run, lines = _compensation_lines(
        clerk, world.company, items=[("hourly_wage", "20"), ("overtime_50", "2")]
    )
    # 2024-25: 3 x 300.00 x 9 % = 81.00
    # 2025-26: (10 x 300.00 + 330.00) x 11.5 % = 3 330.00 x 11.5 % = 382.95
    # (before: the final month left out, 3 000.00 x 11.5 % = 345.00)
    assert lines["holiday_compensation"] == 8100 + 38295
    services.calculate_pay_run(clerk, run)
    slip = Payslip.objects.get(pay_run=run)
    assert (slip.gross_cents, slip.overtime_increment_cents) == (34500 + 46395, 1500)


def test_credit_years_before_the_ledger_are_compensated_too(world, clerk):
    """An employment of five credit years that earned no holiday: every year's wages, not
    only the three the holiday ledger reads, in one query of the payslips."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker = _few_hours_worker(clerk, world.company, start=dt.date(2021, 1, 1), paid=False)
    for paid, euros in [
        (dt.date(2021, 3, 25), 1000),  # 2020-21
        (dt.date(2021, 6, 25), 1000),  # 2021-22
        (dt.date(2022, 6, 25), 2000),  # 2022-23
        (dt.date(2023, 6, 25), 1000),  # 2023-24: the ledger of 27.2.2026 reads from 1.4.2023
        (dt.date(2024, 6, 25), 1000),  # 2024-25
        (dt.date(2025, 6, 25), 1000),  # 2025-26
    ]:
        approved_slip(world.company, worker, paid, euros * 100)
    with CaptureQueriesContext(connection) as queries:
        _run, lines = _compensation_lines(clerk, world.company)
    # 2020-21: 1 000.00 x 9 % = 90.00 (not a year of employment by 31.3.2021)
    # 2021-22: 1 000.00 x 11.5 % = 115.00; 2022-23: 2 000.00 x 11.5 % = 230.00
    # 2023-24, 2024-25, 2025-26: 3 x 115.00 = 345.00
    # 90.00 + 115.00 + 230.00 + 345.00 = 780.00 (before: the last three years only, 345.00)
    assert lines["holiday_compensation"] == 78000
    slips = [q["sql"] for q in queries.captured_queries if 'FROM "payroll_payslip"' in q["sql"]]
    assert len(slips) == 2  # the ledger's three years, and every year of the employment at once


def test_compensation_paid_during_the_employment_is_taken_off(world, clerk):
    """16 §, 17 § 1 mom.: the holiday compensation paid monthly with the wages of 2025-26
    (11.5 % of each 300.00: 34.50) is neither wages for time at work nor paid again."""
    worker = _few_hours_worker(clerk, world.company, paid=False)
    for month in (1, 2, 3):
        approved_slip(world.company, worker, dt.date(2025, month, 25), 30000)
    for index in range(10):  # April 2025 - January 2026
        paid = dt.date(2025 + (index + 3) // 12, (index + 3) % 12 + 1, 25)
        lines = [
            {"code": "hourly_wage", "amount": "300.00"},
            {"code": "holiday_compensation", "amount": "34.50"},
        ]
        approved_slip(world.company, worker, paid, 33450, lines)
    _run, lines = _compensation_lines(clerk, world.company)
    # 2024-25: 900.00 x 9 % = 81.00; 2025-26: 10 x (334.50 - 34.50) = 3 000.00 x 11.5 % = 345.00
    # due 81.00 + 345.00 = 426.00, paid 10 x 34.50 = 345.00: 426.00 - 345.00 = 81.00
    # (before: 3 345.00 x 11.5 % = 384.68 and nothing taken off, 465.68)
    assert lines["holiday_compensation"] == 8100


def test_patch_changes_only_the_fields_given_and_put_replaces_the_rule(world, clerk):
    """PATCH keeps the fields left out; PUT and the page's form replace the whole rule (a
    field left out takes its default). Both checked and audited the same way."""
    from tase.core.models import AuditEvent

    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/companies/{world.company.pk}/holiday-policy"
    body = {"sick_pay_weekdays": 14, "holiday_bonus_percent": "40", "bonus_on_compensation": True}
    assert client.put(url, body, content_type="application/json").status_code == 200
    patched = client.patch(url, {"holiday_bonus_percent": "45"}, content_type="application/json")
    assert patched.json() == {
        "sick_pay_weekdays": 14,
        "holiday_bonus_percent": "45",
        "bonus_on_compensation": True,
        "bonus_after_return": False,
        "average_hourly_earnings_hours": None,
    }
    event = AuditEvent.objects.filter(action="update", company=world.company).latest("pk")
    assert event.changes == {"holiday_bonus_percent": ["40.00", "45"]}
    for wrong, field in [
        ({"sick_pay_weekdays": 400}, "sick_pay_weekdays"),
        ({"holiday_bonus_percent": "101"}, "holiday_bonus_percent"),
        ({"holiday_bonus_percent": None}, "holiday_bonus_percent"),
        ({"bonus_on_compensation": None}, "bonus_on_compensation"),
    ]:
        refused = client.patch(url, wrong, content_type="application/json")
        assert refused.status_code == 422 and field in refused.content.decode(), wrong
    assert client.get(url).json()["holiday_bonus_percent"] == "45"
    # PUT is a full replace: without bonus_on_compensation it goes back to false.
    put = client.put(
        url,
        {"sick_pay_weekdays": 14, "holiday_bonus_percent": "45"},
        content_type="application/json",
    )
    assert put.json()["bonus_on_compensation"] is False
    assert client.patch(url, {"bonus_on_compensation": True}, content_type="application/json")
    page = client.post(
        f"/payroll/c/{world.company.pk}/holiday-policy/",
        {"sick_pay_weekdays": "10", "holiday_bonus_percent": "45", "bonus_on_compensation": "on"},
    )
    assert page.status_code == 302
    assert client.get(url).json() == {
        "sick_pay_weekdays": 10,
        "holiday_bonus_percent": "45",
        "bonus_on_compensation": True,
        "bonus_after_return": False,
        "average_hourly_earnings_hours": None,
    }
    assert client.patch(url, {"sick_pay_weekdays": 9}, content_type="application/json").json() == {
        "sick_pay_weekdays": 9,
        "holiday_bonus_percent": "45",
        "bonus_on_compensation": True,
        "bonus_after_return": False,
        "average_hourly_earnings_hours": None,
    }
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert (
        other.patch(url, {"sick_pay_weekdays": 1}, content_type="application/json").status_code
        == 404
    )
    viewer = world.client(Role.VIEWER)
    assert (
        viewer.patch(url, {"sick_pay_weekdays": 1}, content_type="application/json").status_code
        == 403
    )
    assert services.policy_for(world.company).sick_pay_weekdays == 9


def test_patch_policy_refuses_an_unknown_field(world, clerk):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.patch_policy(clerk, world.company, sick_days=3)
    assert "sick_days" in error.value.message_dict


# -- 16 § compensation while the employment goes on -----------------------------------------
def _free_time_worker(clerk, company, days_per_week=Decimal(1)):
    """An hourly employee of one day and six hours a week from 1.1.2025 whose employment goes
    on (35-hour rule, no month reaches 35 hours: 8 § 1 mom.), paid 300 € a month from April
    2025 to March 2026: the credit year 2025-26's wages are 3 600 €."""
    worker = services.create_employee(
        clerk, company, first_name="Vapaa", last_name="Aikanen", birth_date=dt.date(1990, 1, 1)
    )
    services.add_employment(
        clerk,
        worker,
        start_date=dt.date(2025, 1, 1),
        pay_basis="hourly",
        weekly_hours=Decimal(6),
        days_per_week=days_per_week,
        salary="15.00",
    )
    for index in range(12):
        approved_slip(
            company, worker, dt.date(2025 + (index + 3) // 12, (index + 3) % 12 + 1, 25), 30000
        )
    return worker


def _lines(run):
    return {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}


def test_the_season_end_run_pays_16_section_compensation_of_an_ongoing_employment(world, clerk):
    """8 § 1 mom., 16 §, 19 § 1 mom.: no month of 2025-26 was full, so no holiday was earned;
    the employment had lasted a year by 31.3.2026, so 11.5 % of 3 600 € = 414.00 €, paid at
    the latest when the holiday season ends: by the run whose period holds 30 September."""
    _free_time_worker(clerk, world.company)
    august = pay_run(clerk, world.company, dt.date(2026, 8, 31))
    services.holiday_lines(clerk, august)
    assert _lines(august) == {}
    september = pay_run(clerk, world.company, dt.date(2026, 9, 30))
    services.holiday_lines(clerk, september)
    assert _lines(september) == {"holiday_compensation": 41400}
    item = PayItem.objects.get(pay_run=september)
    assert item.source == "holiday:free_time"
    services.calculate_pay_run(clerk, september)
    slip = Payslip.objects.get(pay_run=september)
    line = next(line for line in slip.lines if line["code"] == "holiday_compensation")
    assert line["income_type"] == 234


def test_16_section_compensation_already_paid_is_taken_off(world, clerk):
    """17 § 1 mom.: 100 € of compensation paid by hand in June 2026 and 50 € entered by hand
    in the September run itself are not paid again: 414.00 - 150.00 = 264.00. The June
    payslip's compensation line is not in the 2025-26 wages (paid after 31 March anyway)."""
    worker = _free_time_worker(clerk, world.company)
    approved_slip(
        world.company,
        worker,
        dt.date(2026, 6, 25),
        10000,
        [{"code": "holiday_compensation", "amount": "100.00"}],
    )
    run = pay_run(clerk, world.company, dt.date(2026, 9, 30))
    services.add_item(clerk, run, worker, wage_type="holiday_compensation", amount="50.00")
    services.holiday_lines(clerk, run)
    made = PayItem.objects.get(pay_run=run, source="holiday:free_time")
    assert made.amount_cents == 41400 - 15000


def test_no_16_section_compensation_under_the_14_day_rule(world, clerk):
    """A contract of five days a week is under the 14-day rule (6 § 1 mom.): 8 § 1 mom. is
    not for it: its holiday is paid with the holiday (10-12 §), not by the season-end run."""
    _free_time_worker(clerk, world.company, days_per_week=Decimal(5))
    run = pay_run(clerk, world.company, dt.date(2026, 9, 30))
    services.holiday_lines(clerk, run)
    assert _lines(run) == {}


def test_16_section_compensation_through_the_page_and_the_api(world, clerk):
    _free_time_worker(clerk, world.company)
    run = pay_run(clerk, world.company, dt.date(2026, 9, 30))
    client = world.client(Role.PAYROLL_CLERK)
    assert client.post(f"/payroll/runs/{run.pk}/holiday-lines/").status_code == 302
    assert _lines(run) == {"holiday_compensation": 41400}
    api = client.post(f"/api/v1/payroll/pay-runs/{run.pk}/holiday-lines")
    assert api.json() == {"lines": 1}
    assert _lines(run) == {"holiday_compensation": 41400}
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.post(f"/api/v1/payroll/pay-runs/{run.pk}/holiday-lines").status_code == 404


def test_the_liability_holds_the_16_section_compensation_until_it_is_paid(world, clerk):
    """The holiday-pay liability at 31.8.2026 owes the ended year's 414.00 € (no days) and the
    current year's so far: April-August 2026 unpaid here, so nothing more. Once the September
    run that pays it is approved, the ended year owes nothing; the current year's wages then
    paid (300 € in October 2026, 11.5 %) are owed: 34.50 €."""
    worker = _free_time_worker(clerk, world.company)
    row = services.liability(clerk, world.company, dt.date(2026, 8, 31)).rows[0]
    assert (row.employee_id, row.days, row.holiday_pay) == (worker.pk, 0, Decimal("414.00"))
    assert row.holiday_bonus == 0  # the rule pays no bonus on compensation by default
    run = pay_run(clerk, world.company, dt.date(2026, 9, 30))
    services.holiday_lines(clerk, run)
    approved_slip(
        world.company,
        worker,
        dt.date(2026, 9, 30),
        41400,
        [{"code": "holiday_compensation", "amount": "414.00"}],
    )  # the run as approved (the payslip the holiday rules read)
    approved_slip(world.company, worker, dt.date(2026, 10, 25), 30000)
    rows = services.liability(clerk, world.company, dt.date(2026, 10, 31)).rows
    assert [(r.days, r.holiday_pay) for r in rows] == [(0, Decimal("34.50"))]
