"""Weekly and performance pay as an employment's pay basis, and the collective agreement's
average-hourly-earnings method as a company rule (issue 16, item 2).

vuosilomalaki 162/2005 (https://finlex.fi/fi/laki/ajantasa/2005/20050162): the weekly paid
keep their salary (10 § 1 mom.), a holiday day 1/6 of the weekly salary (17 § 3 mom.); the
performance paid under the 14-day rule get the average daily wage times the coefficient
(11 §); an agreement may depart from 11 § (30 §): the average hourly earnings times the
agreement's hours per holiday day. The pay run, the balances and the liability compute them
through the same rules as the stateless calculator, and answer what the calculator answers
for the same input."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Employment, HolidayPolicy, PayItem, PayrollSettings
from tase.payroll.services.absences import day_pay
from tase.payroll.services.holidays import earning, load
from tase.payroll.services.holidays.earnings import hourly_earnings_hours
from tase.payroll.services.hourly import hourly_wage, regular_monthly_pay
from tase.payroll.services.liability import computed_liability

from .factories import approved_slip, books, pay_run

YEAR_END = dt.date(2026, 3, 31)
ON = dt.date(2026, 4, 30)
CALCULATOR = "/api/v1/payroll/holidays/calculate"


def _person(clerk, company, name):
    return services.create_employee(
        clerk, company, first_name=name, last_name="Testi", birth_date=dt.date(1990, 1, 1)
    )


def _year_wages(company, worker, euros_a_month: int):
    """Approved payslips paid in each month of the credit year 1.4.2025-31.3.2026."""
    for month in range(12):
        paid = dt.date(2025 + (month >= 9), (month + 3) % 12 + 1, 28)
        approved_slip(company, worker, paid, euros_a_month * 100)


def _input_of(book, worker):
    """The rules' input the ledger built for ``worker``'s credit year, and its result."""
    result = earning(book, worker, YEAR_END).result
    [data] = [data for data, r in book.results.items() if r is result]
    return data, result


def _calculator(client, data) -> dict:
    """The same input through the stateless calculator's API."""
    optional = lambda value: None if value is None else str(value)  # noqa: E731
    body = {
        "credit_year_end": data.credit_year_end.isoformat(),
        "employment_start": data.employment_start.isoformat(),
        "pay_basis": data.pay_basis,
        "earning_rule": data.earning_rule,
        "days_per_week": str(data.days_per_week),
        "monthly_salary": optional(data.monthly_salary),
        "weekly_salary": optional(data.weekly_salary),
        "average_hourly_earnings_multiplier": optional(data.average_hourly_earnings_multiplier),
        "holiday_bonus_percent": str(data.holiday_bonus_percent),
        "months": [
            {
                "month": m.label,
                "days_worked": m.days_worked,
                "hours_worked": str(m.hours_worked),
                "wages": str(m.wages),
                "equated_days": m.equated_days,
                "equated_hours": str(m.equated_hours),
                "other_pay": str(m.other_pay),
                "absence_wages": str(m.absence_wages),
            }
            for m in data.months
        ],
    }
    answer = client.post(CALCULATOR, body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_weekly_salary_through_the_api_the_run_and_the_liability(world, clerk):
    """Weekly 800 € from 1.4.2024: the year 2025-26 has 12 full months (14-day rule, 6 §) and
    the employment lasted a year by 31.3.2026: 12 x 2.5 = 30 days (5 § 1 mom.). The salary is
    kept (10 § 1 mom.): 800.00 / 6 x 30 = 4 000.00, a day 133.33 (17 § 3 mom.: 1/6)."""
    client = world.client(Role.PAYROLL_CLERK)
    worker = _person(clerk, world.company, "Viikko")
    created = client.post(
        f"/api/v1/payroll/employees/{worker.pk}/employments",
        {"start_date": "2024-04-01", "pay_basis": "weekly", "salary": "800.00"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["pay_basis"] == "weekly"
    job = Employment.objects.get(employee=worker)
    # A week's pay: an hour 800 / 37.5 = 21.33; a working day 800 / 5 = 160.00; a month's
    # regular pay 800 x 52 / 12 = 3 466.67
    settings_row = PayrollSettings.objects.get(company=world.company)
    assert hourly_wage(job, settings_row, 80000).price == D("21.33")
    assert day_pay(job, 80000, dt.date(2026, 5, 5)) == D("160")
    assert regular_monthly_pay(job, 80000) == 346667

    book = load(world.company, ON)
    data, result = _input_of(book, book.employees[0])
    assert (data.pay_basis, data.weekly_salary, data.monthly_salary) == ("weekly", D("800"), None)
    assert (result.method, result.earned_days, result.holiday_pay) == (
        "salary_kept",
        30,
        D("4000.00"),
    )
    assert _calculator(client, data) == result.to_dict("fi")
    assert earning(book, book.employees[0], YEAR_END).day_pay == D("133.33")

    # A holiday of 6.-11.7.2026, six holiday days (Mon-Sat), in July's run: 6 x 133.33 and
    # the 50 % bonus on it. The salary is kept: the run's weekly salary line, 4 weeks (the
    # Sundays 5., 12., 19. and 26.7.) x 800.00, is lowered by the 799.98 kept in the holiday pay.
    services.record_holiday(
        clerk, worker, start_date=dt.date(2026, 7, 6), end_date=dt.date(2026, 7, 11)
    )
    run = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    assert client.post(f"/api/v1/payroll/pay-runs/{run.pk}/holiday-lines").json() == {"lines": 3}
    lines = {i.wage_type: i.amount_cents for i in PayItem.objects.filter(pay_run=run)}
    assert lines == {"holiday_pay": 79998, "holiday_bonus": 39999, "weekly_salary": 240002}

    # The liability at 30.4.2026: the ended year's 30 days, the 30 carried over from 2024-25
    # (1.4.2024-31.3.2025 is a whole year of employment) and April 2026's 3 (2.5 rounded
    # up), each at 1/6 of the weekly salary in force: 63 x 133.33
    liability = client.get(
        f"/api/v1/payroll/companies/{world.company.pk}/holiday-liability?on=2026-04-30"
    ).json()
    [row] = liability["employees"]
    assert (row["days"], row["holiday_pay"]) == (63, "8399.79")
    # The balance page shows the same year
    balances = client.get(f"/api/v1/payroll/employees/{worker.pk}/holiday-balances")
    assert balances.status_code == 200


def test_performance_pay_by_the_page_and_the_agreement_method(world, clerk):
    """Performance pay 3 000 € a month in 2025-26 (251 working days): the average daily
    wage 36 000.00 / 251 = 143.43 x 27.8 (30 days) = 3 987.35 (11 §). With the company's
    average-hourly-earnings method of 7.5 hours a holiday day (30 §): 36 000.00 / (251 x
    7.5 h) = 19.12 an hour, 143.40 a day, x 30 = 4 302.00. A monthly-paid employee of the
    same company keeps the salary: the agreement's method is for hourly and performance pay."""
    client = world.client(Role.PAYROLL_CLERK)
    worker = _person(clerk, world.company, "Urakka")
    page = client.post(
        f"/payroll/employees/{worker.pk}/employments/",
        {"employment-start_date": "2024-04-01", "employment-pay_basis": "performance",
         "employment-weekly_hours": "37,5", "employment-union_dues_rate": "0",
         "employment-days_per_week": "5", "employment-salary": "15"},
    )  # fmt: skip
    assert page.status_code == 302, page.content.decode()
    assert Employment.objects.get(employee=worker).pay_basis == "performance"
    _year_wages(world.company, worker, 3000)
    salaried = _person(clerk, world.company, "Kuukausi")
    services.add_employment(
        clerk, salaried, start_date=dt.date(2024, 4, 1), pay_basis="monthly", salary="3000"
    )

    book = load(world.company, ON)
    data, result = _input_of(book, worker)
    assert (data.pay_basis, data.average_hourly_earnings_multiplier) == ("performance", None)
    assert (result.method, result.average_daily_wage, result.holiday_pay) == (
        "average_daily_wage",
        D("143.43"),
        D("3987.35"),
    )
    assert _calculator(client, data) == result.to_dict("fi")

    # The rule on the page, then by the API: the same service
    policy_url = f"/payroll/c/{world.company.pk}/holiday-policy/"
    form = {"sick_pay_weekdays": "9", "holiday_bonus_percent": "50"}
    assert client.post(policy_url, form | {"average_hourly_earnings_hours": "8"}).status_code == 302
    assert HolidayPolicy.objects.get(company=world.company).average_hourly_earnings_hours == 8
    api = f"/api/v1/payroll/companies/{world.company.pk}/holiday-policy"
    patched = client.patch(
        api, {"average_hourly_earnings_hours": "7.5"}, content_type="application/json"
    )
    assert patched.json()["average_hourly_earnings_hours"] == "7.5"
    assert client.get(api).json()["average_hourly_earnings_hours"] == "7.5"

    book = load(world.company, ON)
    data, result = _input_of(book, worker)
    assert data.average_hourly_earnings_multiplier == D("7.5")
    assert (result.method, result.average_daily_wage, result.holiday_pay) == (
        "average_hourly_earnings",
        D("143.40"),
        D("4302.00"),
    )
    assert _calculator(client, data) == result.to_dict("fi")
    assert earning(book, salaried, YEAR_END).method == "salary_kept"
    # The liability values the ended year's 30 days at the agreement's day pay
    rows = {r.employee_id: r for r in computed_liability(world.company, ON).rows}
    assert rows[worker.pk].holiday_pay >= D("4302.00")
    ended = earning(book, worker, YEAR_END)
    assert ended.day_pay == D("143.40") and ended.method == "average_hourly_earnings"

    # Back to the Act: null on the API, an empty field on the page
    cleared = client.patch(
        api, {"average_hourly_earnings_hours": None}, content_type="application/json"
    )
    assert cleared.json()["average_hourly_earnings_hours"] is None
    assert earning(load(world.company, ON), worker, YEAR_END).method == "average_daily_wage"


@pytest.mark.parametrize("value", ["0", "-1", "24.5", "7.555", "NaN"])
def test_the_hours_per_holiday_day_are_checked(world, clerk, value):
    client = world.client(Role.PAYROLL_CLERK)
    api = f"/api/v1/payroll/companies/{world.company.pk}/holiday-policy"
    refused = client.patch(
        api, {"average_hourly_earnings_hours": value}, content_type="application/json"
    )
    assert refused.status_code == 422, refused.content
    assert "average_hourly_earnings_hours" in refused.content.decode()
    assert services.policy_for(world.company).average_hourly_earnings_hours is None
    page = client.post(
        f"/payroll/c/{world.company.pk}/holiday-policy/",
        {"sick_pay_weekdays": "9", "holiday_bonus_percent": "50",
         "average_hourly_earnings_hours": value},
    )  # fmt: skip
    assert services.policy_for(world.company).average_hourly_earnings_hours is None
    assert page.status_code in (200, 302)


def test_the_agreement_method_applies_to_hourly_and_performance_under_14_days(world):
    """The average-hourly-earnings method replaces 11 §, which is for the 14-day rule; the
    salaried keep their salary (10 §) and the 35-hour rule has its percentage (12 §)."""

    class Book:
        policy = HolidayPolicy(average_hourly_earnings_hours=D("7.5"))

    assert hourly_earnings_hours(Book, "performance", "14_days") == D("7.5")
    assert hourly_earnings_hours(Book, "hourly", "14_days") == D("7.5")
    assert hourly_earnings_hours(Book, "hourly", "35_hours") is None
    assert hourly_earnings_hours(Book, "weekly", "14_days") is None
    assert hourly_earnings_hours(Book, "monthly", "14_days") is None
    Book.policy = HolidayPolicy()
    assert hourly_earnings_hours(Book, "hourly", "14_days") is None


def test_pay_basis_refused_names_the_field(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    worker = _person(clerk, world.company, "Väärä")
    refused = client.post(
        f"/api/v1/payroll/employees/{worker.pk}/employments",
        {"start_date": "2024-04-01", "pay_basis": "daily", "salary": "800.00"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "pay_basis" in refused.content.decode()
    assert not Employment.objects.filter(employee=worker).exists()
    other = world.client(Role.PAYROLL_CLERK, other=True)
    api = f"/api/v1/payroll/companies/{world.company.pk}/holiday-policy"
    assert other.patch(
        api, {"average_hourly_earnings_hours": "7.5"}, content_type="application/json"
    ).status_code in (403, 404)


# -- the small ones ------------------------------------------------------------------------
def _part_timer(clerk, company, n):
    """Two days and six hours a week from 1.1.2025 (35-hour rule, 6 §): no month of 2025-26
    is full, so the year's 16 § compensation is owed (8 § 1 mom.), 300 € paid a month."""
    worker = _person(clerk, company, f"Osa{n}")
    services.add_employment(
        clerk,
        worker,
        start_date=dt.date(2025, 1, 1),
        pay_basis="hourly",
        weekly_hours=D("6"),
        days_per_week=D("2"),
        salary="12.50",
    )
    _year_wages(company, worker, 300)
    return worker


def _liability_queries(company) -> tuple[int, D]:
    with CaptureQueriesContext(connection) as queries:
        result = computed_liability(company, ON, rows=False)
    return len(queries), result.holiday_pay


def test_free_time_owed_reads_the_payslips_once_per_chunk(world, clerk):
    """The 16 § compensation owed to employees under the 35-hour rule without a day earned
    is read for the whole ledger in one query, not one per employee."""
    for n in range(2):
        _part_timer(clerk, world.company, n)
    _liability_queries(world.company)  # once before: the rule and parameters read once
    few, owed = _liability_queries(world.company)
    assert owed == 2 * D("414.00")  # 3 600.00 x 11.5 % (a year of employment by 31.3.2026)
    for n in range(2, 6):
        _part_timer(clerk, world.company, n)
    many, owed = _liability_queries(world.company)
    assert owed == 6 * D("414.00")
    assert many == few


def test_the_liability_api_names_on_for_a_year_without_rates(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/companies/{world.company.pk}/holiday-liability"
    refused = client.get(f"{url}?on=2040-01-31")
    assert refused.status_code == 422, refused.content
    body = refused.content.decode()
    assert '"on"' in body and '"date"' not in body


def test_the_month_lock_says_when_the_liability_is_not_posted(world, clerk):
    from tase.ledger import closing

    books(world.company)
    worker = _person(clerk, world.company, "Kuu")
    services.add_employment(
        clerk, worker, start_date=dt.date(2024, 4, 1), pay_basis="monthly", salary="3000"
    )
    approved_slip(world.company, worker, dt.date(2026, 4, 28), 300000)

    def row(on):
        gate = closing.closing_gate(world.company, on)
        return next((r for r in gate.rows if r.code == "payroll.holiday_liability_posted"), None)

    expected = computed_liability(world.company, ON, rows=False).total
    found = row(ON)
    assert found is not None and not found.ok
    assert (found.value.book_cents, found.value.other_cents) == (0, int(expected * 100))
    assert "30.4.2026" in found.value.detail
    assert row(dt.date(2026, 4, 29)) is None  # not a month end: nothing posted then
    assert row(dt.date(2026, 3, 31)) is None  # no approved pay run paid by then
    services.post_liability(clerk, world.company, ON)
    assert row(ON) is None
    # A company that keeps its books elsewhere is not asked
    PayrollSettings.objects.filter(company=world.company).update(post_to_ledger=False)
    assert row(dt.date(2026, 5, 31)) is None


def test_the_payslip_explains_a_weekly_salary_hourly_wage(world, clerk):
    from django.template.loader import render_to_string
    from django.utils import translation

    worker = _person(clerk, world.company, "Viikko")
    services.add_employment(
        clerk, worker, start_date=dt.date(2024, 4, 1), pay_basis="weekly", salary="800.00"
    )
    job = Employment.objects.get(employee=worker)
    record = hourly_wage(job, PayrollSettings.objects.get(company=world.company), 80000).record
    with translation.override("fi"):
        shown = render_to_string("payroll/_hourly_wage.html", {"hourly": record})
    assert "Tuntipalkka 21,33" in shown and "viikkopalkka 800,00" in shown and "37,5 h" in shown
