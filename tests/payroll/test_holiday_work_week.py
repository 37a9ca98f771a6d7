"""Holidays of contracts other than five days a week (vuosilomalaki 162/2005 6 § and 11 § 3
mom.), the credit-year computation batched per company (issue 16, Scale), and the Kela
formula refused for a year whose figures are not entered (issue 16 item 5)."""

import datetime as dt
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Absence
from tase.payroll.services.holidays import earning, load
from tase.rules import absences as calendar
from tase.rules import holidays as rules
from tase.rules.payroll import cents

from .factories import approved_slip

YEAR_END = dt.date(2026, 3, 31)
ON = dt.date(2026, 4, 30)


def _worker(clerk, company, name, *, basis="monthly", salary="3000.00", days="5", hours="37.5"):
    row = services.create_employee(
        clerk, company, first_name=name, last_name="Testi", birth_date=dt.date(1990, 1, 1)
    )
    services.add_employment(
        clerk,
        row,
        start_date=dt.date(2024, 1, 1),
        pay_basis=basis,
        weekly_hours=D(hours),
        days_per_week=D(days),
        salary=salary,
    )
    return row


def _wages(company, worker, euros_a_month: int):
    """Approved payslips paid in each month of the credit year 1.4.2025-31.3.2026."""
    for month in range(12):
        paid = dt.date(2025 + (month >= 9), (month + 3) % 12 + 1, 28)
        approved_slip(company, worker, paid, euros_a_month * 100)


def _year_months():
    first = dt.date(2025, 4, 1)
    while first <= YEAR_END:
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        yield first, last
        first = last + dt.timedelta(days=1)


def test_four_days_a_week_scales_the_days_and_the_average_daily_wage(world, clerk):
    """11 § 3 mom.: the average daily wage times 4/5; the days worked of a month are its
    working days times 4/5 (rounded half up), all of them still full months (6 § 1 mom.)."""
    four = _worker(clerk, world.company, "Neljä", basis="hourly", salary="20.00", days="4")
    _wages(world.company, four, 2000)
    book = load(world.company, ON)
    result = earning(book, book.employees[0], YEAR_END).result
    days = sum(
        int((D(calendar.working_days(a, b)) * D("0.8")).to_integral_value(ROUND_HALF_UP))
        for a, b in _year_months()
    )
    assert (result.earned_days, result.full_months, result.method) == (
        30,
        12,
        "average_daily_wage",
    )
    assert result.average_daily_wage == cents(D(24000) / days * 4 / 5)
    daily = next(line for line in result.lines if line.section == "11 § 2-3 mom.")
    assert "4/5" in daily.basis
    assert result.holiday_pay == cents(result.average_daily_wage * rules.coefficient(30, YEAR_END))


def test_two_days_a_week_earn_by_the_35_hour_rule(world, clerk):
    """6 § 2 mom.: a contract of fewer than 3.5 days a week gives fewer than 14 days in some
    month, so a full month is one of at least 35 hours (2 days x 7.5 h a week here)."""
    _worker(clerk, world.company, "Kaksi", days="2", hours="15")
    book = load(world.company, ON)
    result = earning(book, book.employees[0], YEAR_END).result
    assert rules.earning_rule_for(D(2), YEAR_END) == "35_hours"
    assert result.full_months == 12 and result.earned_days == 30
    assert result.lines[0].basis.startswith("≥ 35 h: ")
    # A five-day week on the same data still earns by the 14-day rule.
    assert rules.earning_rule_for(D(5), YEAR_END) == "14_days"


def test_days_a_week_through_the_api_and_the_page(world, clerk):
    worker = services.create_employee(
        clerk, world.company, first_name="Osa", last_name="Aika", birth_date=dt.date(1990, 1, 1)
    )
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/employees/{worker.pk}/employments"
    body = {"start_date": "2026-01-01", "pay_basis": "hourly", "days_per_week": "4"}
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert D(created.json()["days_per_week"]) == 4
    for bad in ("0", "8", "2.3"):
        refused = client.post(url, body | {"days_per_week": bad}, content_type="application/json")
        assert refused.status_code == 422 and "days_per_week" in refused.content.decode()
    # Working weekdays (sick pay on the employee's own days): the days a week follow them
    scheduled = client.post(
        url, body | {"working_weekdays": "6 2 4"}, content_type="application/json"
    )
    assert scheduled.status_code == 201, scheduled.content
    assert scheduled.json()["working_weekdays"] == "246"
    assert D(scheduled.json()["days_per_week"]) == 3
    refused = client.post(url, body | {"working_weekdays": "9"}, content_type="application/json")
    assert refused.status_code == 422 and "working_weekdays" in refused.content.decode()
    page = client.get(f"/payroll/employees/{worker.pk}/").content.decode()
    assert 'name="employment-days_per_week"' in page
    client.post(
        f"/payroll/employees/{worker.pk}/employments/",
        {
            "employment-start_date": "2026-06-01",
            "employment-pay_basis": "monthly",
            "employment-weekly_hours": "30",
            "employment-days_per_week": "4",
            "employment-union_dues_rate": "0",
        },
    )
    client.post(
        f"/payroll/employees/{worker.pk}/employments/",
        {
            "employment-start_date": "2027-01-01",
            "employment-pay_basis": "monthly",
            "employment-weekly_hours": "37,5",
            "employment-union_dues_rate": "0",
        },
    )  # left empty: five days
    days = sorted(str(e.days_per_week) for e in worker.employments.all())
    assert days == ["3.0", "4.0", "4.0", "5.0"]


def test_balances_are_read_in_constant_queries_and_match_one_by_one(world, clerk):
    """The month end reads the company's data with the same queries for 3 or 9 employees,
    and the shared per-shape months and per-input results give each employee what a
    computation of that employee alone gives."""
    company = world.company
    people = [
        _worker(clerk, company, "A", salary="3000.00"),
        _worker(clerk, company, "B", salary="3000.00"),
        _worker(clerk, company, "C", salary="3100.00"),
    ]

    def reads():
        with CaptureQueriesContext(connection) as queries:
            book = load(company, ON)
            [services.holidays.balance(book, e, YEAR_END) for e in book.employees]
        return len(queries)

    reads()  # the company's holiday policy and the parameters are read once a process
    few = reads()
    people += [
        _worker(clerk, company, "D", basis="hourly", salary="18.00", days="4"),
        _worker(clerk, company, "E", days="2", hours="15"),
        _worker(clerk, company, "F", salary="3000.00"),
        _worker(clerk, company, "G", salary="2500.00", days="6", hours="40"),
        _worker(clerk, company, "H", basis="hourly", salary="18.00", days="4"),
        _worker(clerk, company, "I", salary="3000.00"),
    ]
    _wages(company, people[3], 2100)
    _wages(company, people[7], 1900)
    services.record_absence(
        clerk,
        people[5],
        kind="unpaid",
        start_date=dt.date(2025, 11, 3),
        end_date=dt.date(2025, 11, 28),
    )
    assert Absence.objects.filter(employee=people[5]).count() == 1
    assert reads() == few
    together = {b.employee.pk: b for b in services.balances(company, YEAR_END, ON)}
    for person in people:
        [alone] = services.balances(company, YEAR_END, ON, employees=[person])
        mine = together[person.pk]
        assert (alone.earned, alone.carried_over, alone.left, alone.day_pay) == (
            mine.earned,
            mine.carried_over,
            mine.left,
            mine.day_pay,
        ), person.first_name
    assert together[people[5].pk].earned < together[people[0].pk].earned  # November short
    assert together[people[0].pk].day_pay == D("120.00")  # 3 000 / 25
    assert together[people[3].pk].day_pay != together[people[7].pk].day_pay


@pytest.mark.parametrize(
    ("start", "words"), [(dt.date(2025, 3, 3), "2026-01-01"), (dt.date(2027, 2, 1), "2027")]
)
def test_kela_formula_of_a_year_not_entered_is_refused_naming_the_date(world, clerk, start, words):
    """Kela's formula is entered for 2026 only (no 2025 or 2027 figures were found from
    Kela): an application for a sick leave of another year is refused, naming start_date,
    not computed with another year's figures."""
    worker = _worker(clerk, world.company, "Sairas")
    sick = services.record_absence(
        clerk, worker, kind="sick", start_date=start, end_date=start + dt.timedelta(days=20)
    )
    with pytest.raises(ValidationError) as error:
        services.kela_application(clerk, sick)
    assert "start_date" in error.value.message_dict
    assert words in " ".join(error.value.message_dict["start_date"])


def test_working_weekdays_count_the_employees_own_days(world, clerk):
    """Issue 16: with working weekdays (here Monday to Thursday) a month's days worked are
    those weekdays of it, public holidays not counted, not Monday to Friday scaled by 4/5; an
    absence on a day off (Friday) takes nothing off; the average daily wage divides by those
    days and is then scaled by 4/5 (11 § 2-3 mom.)."""
    row = services.create_employee(
        clerk, world.company, first_name="Ma-To", last_name="Testi", birth_date=dt.date(1990, 1, 1)
    )
    services.add_employment(
        clerk,
        row,
        start_date=dt.date(2024, 1, 1),
        pay_basis="hourly",
        weekly_hours=D(30),
        working_weekdays="1234",
        salary="20.00",
    )
    services.record_absence(
        clerk, row, kind="unpaid", start_date=dt.date(2025, 5, 9), end_date=dt.date(2025, 5, 9)
    )  # a Friday
    _wages(world.company, row, 2000)
    book = load(world.company, ON)
    result = earning(book, book.employees[0], YEAR_END).result
    days = sum(len(calendar.schedule_days(a, b, "1234")) for a, b in _year_months())
    assert result.average_daily_wage == cents(D(24000) / days * 4 / 5)
    assert result.earned_days == 30
