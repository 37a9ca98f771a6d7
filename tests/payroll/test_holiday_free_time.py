"""Free time of an employee who earned no holiday (vuosilomalaki 162/2005 8 § 1 mom.: two
weekdays for each calendar month of the employment), with the year's 16 § holiday
compensation paid with it (19 § 1 mom.: "maksetaan vapaan yhteydessä ... Muutoin ...
viimeistään lomakauden päättyessä"): recorded as a holiday marked free time, it uses no
holiday days; the season-end run does not pay the year; each run pays the share of the free
time in its period, and the liability owes the rest until then."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import HolidayRecord, PayItem, PayRun

from .factories import employee, pay_run
from .test_holiday_compensation import _free_time_worker, _lines

YEAR = dt.date(2026, 3, 31)


def _free(clerk, worker, start, end, **extra):
    return services.record_holiday(
        clerk, worker, start_date=start, end_date=end, free_time=True, credit_year_end=YEAR, **extra
    )


def _approve(clerk, run):
    services.calculate_pay_run(clerk, run)
    PayRun.objects.filter(pk=run.pk).update(status=PayRun.Status.APPROVED)


def test_free_time_pays_its_share_and_not_the_season_end(world, clerk):
    """414.00 € (11.5 % of 3 600 €) over 12 free days: 6 in July pay 207.00; the September run
    pays nothing; the 6 in October pay the rest."""
    worker = _free_time_worker(clerk, world.company)
    _free(clerk, worker, dt.date(2026, 7, 6), dt.date(2026, 7, 11))  # Mon-Sat: 6 weekdays
    _free(clerk, worker, dt.date(2026, 10, 5), dt.date(2026, 10, 10))
    july = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    services.holiday_lines(clerk, july)
    assert _lines(july) == {"holiday_compensation": 20700}
    assert PayItem.objects.get(pay_run=july).source == "holiday:free_time:2026-03-31"
    before = services.liability(clerk, world.company, dt.date(2026, 7, 31)).holiday_pay
    _approve(clerk, july)
    after = services.liability(clerk, world.company, dt.date(2026, 7, 31)).holiday_pay
    assert before - after == 207  # the liability owed it until the free time was paid
    september = pay_run(clerk, world.company, dt.date(2026, 9, 30))
    services.holiday_lines(clerk, september)
    assert _lines(september) == {}
    october = pay_run(clerk, world.company, dt.date(2026, 10, 31))
    services.holiday_lines(clerk, october)
    assert _lines(october) == {"holiday_compensation": 20700}


def test_free_time_uses_no_holiday_days(world, clerk):
    worker = _free_time_worker(clerk, world.company)
    _free(clerk, worker, dt.date(2026, 7, 6), dt.date(2026, 7, 11))
    ended, _current = services.employee_balances(worker, dt.date(2026, 8, 1))
    assert (ended.earned, ended.taken, ended.planned, ended.left) == (0, 0, 0, 0)


def test_free_time_is_refused_beyond_its_days_or_for_a_year_that_earned(world, clerk):
    worker = _free_time_worker(clerk, world.company)
    # 2025-26: employed from 1.1.2025, twelve months: 24 weekdays of free time
    # 1.-23.6.2026: 18 weekdays (Midsummer Eve and Day are none), 6 left
    _free(clerk, worker, dt.date(2026, 6, 1), dt.date(2026, 6, 23))
    with pytest.raises(ValidationError) as error:
        _free(clerk, worker, dt.date(2026, 8, 3), dt.date(2026, 8, 10))  # 7 > 6 left
    assert "end_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _free(clerk, worker, dt.date(2026, 8, 3), dt.date(2026, 8, 8), from_saved=True)
    assert "from_saved" in error.value.message_dict
    full = employee(clerk, world.company, first_name="Täysi", start=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        _free(clerk, full, dt.date(2026, 8, 3), dt.date(2026, 8, 8))
    assert "credit_year_end" in error.value.message_dict
    assert HolidayRecord.objects.filter(free_time=True).count() == 1


def test_page_and_api_record_free_time(world, clerk):
    worker = _free_time_worker(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    response = client.post(
        f"/payroll/employees/{worker.pk}/holidays/",
        {
            "kind": "planned",
            "start_date": "2026-07-06",
            "end_date": "2026-07-11",
            "credit_year_end": "2026-03-31",
            "free_time": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/payroll/employees/{worker.pk}/holidays/").content.decode()
    assert 'data-testid="free-time"' in page and "vapaa" in page
    url = f"/api/v1/payroll/employees/{worker.pk}/holidays"
    body = {"start_date": "2026-08-03", "end_date": "2026-08-08", "free_time": True}
    response = client.post(url, body | {"credit_year_end": "2026-03-31"}, "application/json")
    assert response.status_code == 201, response.content
    assert response.json()["free_time"] is True and response.json()["days"] == 6
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.post(url, body, "application/json").status_code == 404
    assert HolidayRecord.objects.filter(free_time=True).count() == 2


def test_pay_lost_in_family_leave_joins_the_16_section_basis(world, clerk):
    """16 § 1 mom., second sentence (as 12 § 2 mom.): unpaid family leave 1.9.-31.10.2025,
    45 working days (Mon-Fri, the employment gives no weekdays) of 6 / 5 hours at 15 €: 18 €
    a day, 810.00 €; (3 600 + 810) x 11.5 % = 507.15 € instead of 414.00 €."""
    worker = _free_time_worker(clerk, world.company)
    services.record_absence(
        clerk, worker, kind="family", start_date=dt.date(2025, 9, 1), end_date=dt.date(2025, 10, 31)
    )
    september = pay_run(clerk, world.company, dt.date(2026, 9, 30))
    services.holiday_lines(clerk, september)
    assert _lines(september) == {"holiday_compensation": 50715}
