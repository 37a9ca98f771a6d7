"""Saved leave (säästövapaa, vuosilomalaki 162/2005 27 §; issue 16 item 4): by agreement the
days beyond 18 of a credit year may be saved, without one the days beyond 24 (1 mom.); the
days are kept for the year they were saved from, over several years, and taken later (3
mom.); the pay of saved leave follows the credit year before it begins (4 mom.); unused saved
leave stays in the holiday-pay liability."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import HolidayRecord, PayItem

from .factories import employee, pay_run

YEAR_END = dt.date(2026, 3, 31)


@pytest.fixture
def worker(world, clerk):
    """Monthly paid 3 000 € from 1.4.2025: 30 days earned by 31.3.2026, a day 120 €."""
    return employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))


def _save(clerk, worker, days, **extra):
    return services.save_leave(clerk, worker, credit_year_end=YEAR_END, days=days, **extra)


def _take(clerk, worker, start, end, **extra):
    return services.record_holiday(
        clerk, worker, start_date=start, end_date=end, from_saved=True, **extra
    )


def test_by_agreement_the_days_beyond_18_may_be_saved(world, clerk, worker):
    with pytest.raises(ValidationError) as error:
        _save(clerk, worker, 13)  # 30 earned: 12 beyond 18
    assert "vain 12" in error.value.message_dict["days"][0]
    _save(clerk, worker, 12)
    ended = services.employee_balances(worker, dt.date(2026, 5, 1))[0]
    assert (ended.saved, ended.saved_left, ended.left) == (12, 12, 18)


def test_saved_days_are_kept_over_years_and_taken_later(world, clerk, worker):
    _save(clerk, worker, 6)
    # A year and a half later the ordinary days of 2025-26 are long out of the balances, the
    # saved days are not: a week of saved leave in August 2027 (5 holiday days, Mon-Fri)
    with pytest.raises(ValidationError) as error:
        _take(clerk, worker, dt.date(2027, 8, 2), dt.date(2027, 8, 10))  # 8 days, 6 saved
    assert "end_date" in error.value.message_dict
    taken = _take(clerk, worker, dt.date(2027, 8, 2), dt.date(2027, 8, 6))
    assert (taken.credit_year_end, taken.days, taken.from_saved) == (YEAR_END, 5, True)
    with pytest.raises(ValidationError) as error:
        _take(clerk, worker, dt.date(2027, 8, 9), dt.date(2027, 8, 10))  # 2 days, 1 left
    assert "vain 1" in error.value.message_dict["end_date"][0]
    book = services.holidays.load(worker.company, dt.date(2027, 9, 1))
    assert services.holidays.saved_left(book, worker.pk) == {YEAR_END: 1}
    # the saved leave does not use the ordinary days of the year it was saved from
    balance = services.holidays.balance(book, book.employees[0], YEAR_END)
    assert (balance.saved, balance.saved_used, balance.saved_left, balance.left) == (6, 5, 1, 24)
    assert HolidayRecord.objects.count() == 2


def test_no_saved_leave_to_take_names_the_field(world, clerk, worker):
    with pytest.raises(ValidationError) as error:
        _take(clerk, worker, dt.date(2026, 8, 3), dt.date(2026, 8, 7))
    assert "end_date" in error.value.message_dict
    assert not HolidayRecord.objects.exists()


def test_saved_leave_is_paid_by_the_year_before_it_begins(world, clerk, worker):
    """27 § 4 mom.: saved in 2025-26 at 3 000 € a month, taken in August 2027 after a raise
    to 3 500 € from 1.1.2027: the days are paid at 1/25 of 3 500 € (140 €), not 120 €."""
    employment = worker.employments.get()
    services.change_salary(clerk, employment, valid_from=dt.date(2027, 1, 1), amount="3500.00")
    _save(clerk, worker, 6)
    _take(clerk, worker, dt.date(2027, 8, 2), dt.date(2027, 8, 6))
    run = pay_run(clerk, world.company, dt.date(2027, 8, 31))
    services.holiday_lines(clerk, run)
    lines = {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}
    assert lines["holiday_pay"] == 5 * 14000


def test_unused_saved_leave_stays_in_the_liability(world, clerk):
    """Saved from the credit year 2023-24, still owed at 30.4.2026 when 2025-26 is the last
    ended year and ordinary days carry over from 2024-25 at most; at the last ended year's
    day pay (3 500 € / 25 = 140 €)."""
    veteran = employee(clerk, world.company, start=dt.date(2023, 4, 1))
    on = dt.date(2026, 4, 30)
    before = services.liability(clerk, world.company, on).rows[0]
    services.save_leave(clerk, veteran, credit_year_end=dt.date(2024, 3, 31), days=6)
    [row] = services.liability(clerk, world.company, on).rows
    assert row.saved_days == 6 and row.days == before.days + 6
    assert row.holiday_pay == before.holiday_pay + 6 * D("140.00")
    _take(clerk, veteran, dt.date(2026, 4, 13), dt.date(2026, 4, 17))  # 5 used by 30.4.
    [row] = services.liability(clerk, world.company, on).rows
    assert row.saved_days == 1


def test_api_saves_and_takes_saved_leave(world, clerk, worker):
    client = world.client(Role.PAYROLL_CLERK)
    refused = client.post(
        f"/api/v1/payroll/employees/{worker.pk}/saved-leave",
        {"credit_year_end": "2026-03-31", "days": 7, "agreed": False},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "days" in refused.content.decode()
    saved = client.post(
        f"/api/v1/payroll/employees/{worker.pk}/saved-leave",
        {"credit_year_end": "2026-03-31", "days": 8},
        content_type="application/json",
    )
    assert saved.status_code == 201, saved.content
    taken = client.post(
        f"/api/v1/payroll/employees/{worker.pk}/holidays",
        {"start_date": "2027-08-02", "end_date": "2027-08-06", "from_saved": True},
        content_type="application/json",
    )
    assert taken.status_code == 201, taken.content
    assert taken.json()["from_saved"] and taken.json()["credit_year_end"] == "2026-03-31"
    balances = client.get(f"/api/v1/payroll/employees/{worker.pk}/holiday-balances").json()
    assert any(row["saved"] == 8 and row["saved_left"] == 3 for row in balances) or all(
        row["credit_year_end"] != "2026-03-31" for row in balances
    )
    other = world.client(Role.PAYROLL_CLERK, other=True)
    stranger = other.post(
        f"/api/v1/payroll/employees/{worker.pk}/holidays",
        {"start_date": "2027-09-06", "end_date": "2027-09-07", "from_saved": True},
        content_type="application/json",
    )
    assert stranger.status_code == 404 and HolidayRecord.objects.count() == 2


def test_page_takes_saved_leave(world, clerk, worker):
    client = world.client(Role.PAYROLL_CLERK)
    client.post(
        f"/payroll/employees/{worker.pk}/saved-leave/",
        {"credit_year_end": "2026-03-31", "days": "4", "agreed": "on"},
    )
    url = f"/payroll/employees/{worker.pk}/holidays/"
    body = {"kind": "planned", "start_date": "2027-08-02", "end_date": "2027-08-05"}
    assert client.post(url, body | {"from_saved": "on"}).status_code == 302
    record = HolidayRecord.objects.get(from_saved=True)
    assert (record.days, record.credit_year_end) == (4, YEAR_END)
    assert "säästövapaa" in client.get(url).content.decode().lower()
