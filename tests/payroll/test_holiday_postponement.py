"""A holiday postponed for incapacity for work (vuosilomalaki 162/2005 25 §): the request
recorded against a holiday and the sick leave it rests on, the days computed with the six
deductible days and the four-week guarantee, the postponed days back in the balance as
"postponed", no holiday pay for them in the pay run but sick pay instead; the page and the
API side by side, and the tenant wall."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import HolidayPostponement, PayItem

from .factories import employee, pay_run

YEAR_END = dt.date(2026, 3, 31)
HOLIDAY = (dt.date(2026, 7, 6), dt.date(2026, 7, 31))  # 23 holiday days
SICK = (dt.date(2026, 7, 13), dt.date(2026, 7, 24))  # 11 of them
JSON = "application/json"


@pytest.fixture
def worker(world, clerk):
    """Monthly paid 3 000 € from 1.4.2025: 30 days earned by 31.3.2026, a day 120 €."""
    return employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))


def _holiday(clerk, worker, start=HOLIDAY[0], end=HOLIDAY[1], kind="taken"):
    return services.record_holiday(clerk, worker, start_date=start, end_date=end, kind=kind)


def _sick(clerk, worker, start=SICK[0], end=SICK[1]):
    return services.record_absence(clerk, worker, kind="sick", start_date=start, end_date=end)


def _lines(run) -> dict[str, int]:
    lines: dict[str, int] = {}
    for item in PayItem.objects.filter(pay_run=run):
        lines[item.wage_type] = lines.get(item.wage_type, 0) + item.amount_cents
    return lines


def test_a_sick_leave_may_fall_on_a_holiday_but_other_absences_may_not(world, clerk, worker):
    _holiday(clerk, worker)
    _sick(clerk, worker)  # refused before: 25 § needs the incapacity on the holiday
    with pytest.raises(ValidationError) as error:
        services.record_absence(
            clerk, worker, kind="unpaid", start_date=dt.date(2026, 7, 27), end_date=HOLIDAY[1]
        )
    assert "start_date" in error.value.message_dict


def test_incapacity_during_the_holiday_postpones_beyond_six_days(world, clerk, worker):
    record = _holiday(clerk, worker)
    sick = _sick(clerk, worker)
    before = services.employee_balances(worker, dt.date(2026, 8, 1))[0]
    assert (before.taken, before.postponed, before.left) == (23, 0, 7)
    row = services.postpone_holiday(clerk, record, absence=sick, requested_on=SICK[0])
    assert (row.ground, row.made_before) == ("during", False)
    assert (row.incapacity_days, row.deductible_days, row.postponed_days) == (11, 6, 5)
    assert row.postponed_from == dt.date(2026, 7, 20)
    after = services.employee_balances(worker, dt.date(2026, 8, 1))[0]
    # the five days come off the holiday taken and are to be given later (26 §)
    assert (after.taken, after.postponed, after.left) == (18, 5, 12)
    assert AuditEvent.objects.filter(action="create", object_type__contains="postpone").exists()


def test_the_six_deductible_days_are_per_credit_year(world, clerk, worker):
    summer = _holiday(clerk, worker, dt.date(2026, 7, 6), dt.date(2026, 7, 18))  # 12 days
    sick = _sick(clerk, worker, dt.date(2026, 7, 14), dt.date(2026, 7, 16))  # 3 days
    first = services.postpone_holiday(clerk, summer, absence=sick, requested_on="2026-07-14")
    assert (first.deductible_days, first.postponed_days) == (3, 0)
    winter = _holiday(clerk, worker, dt.date(2026, 11, 2), dt.date(2026, 11, 14))  # 12 days
    again = _sick(clerk, worker, dt.date(2026, 11, 4), dt.date(2026, 11, 11))  # 7 days
    second = services.postpone_holiday(clerk, winter, absence=again, requested_on="2026-11-04")
    assert (second.deductible_days, second.postponed_days) == (3, 4)  # 6 in all


def test_four_weeks_are_kept_when_only_24_days_were_earned(world, clerk):
    short = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 2))
    [year] = [b for b in services.employee_balances(short, dt.date(2026, 8, 1))[:1]]
    assert year.earned == 24  # under a year by 31.3.: 2 days a month
    record = _holiday(clerk, short, dt.date(2026, 7, 6), dt.date(2026, 7, 31))
    sick = _sick(clerk, short)
    row = services.postpone_holiday(clerk, record, absence=sick, requested_on=SICK[0])
    assert (row.deductible_days, row.postponed_days) == (0, 11)


def test_incapacitated_at_the_start_or_known_beforehand_postpones_all(world, clerk, worker):
    record = _holiday(clerk, worker, kind="planned")
    sick = _sick(clerk, worker, dt.date(2026, 7, 1), dt.date(2026, 7, 8))
    row = services.postpone_holiday(clerk, record, absence=sick, requested_on="2026-07-02")
    assert (row.ground, row.made_before, row.deductible_days, row.postponed_days) == (
        "at_start",
        True,
        0,
        3,  # 6.-8.7.
    )
    surgery = _sick(clerk, worker, dt.date(2026, 7, 20), dt.date(2026, 7, 24))
    known = services.postpone_holiday(clerk, record, absence=surgery, requested_on="2026-06-15")
    assert (known.ground, known.deductible_days, known.postponed_days) == (
        "known_beforehand",
        0,
        5,
    )
    balance = services.employee_balances(worker, dt.date(2026, 8, 1))[0]
    assert (balance.planned, balance.postponed) == (15, 8)


@pytest.mark.parametrize("case", ["not_sick", "outside", "other_employee", "twice", "saved"])
def test_refusals_name_the_field_and_write_nothing(world, clerk, worker, case):
    record = _holiday(clerk, worker)
    sick = _sick(clerk, worker)
    if case == "not_sick":
        absence = services.record_absence(
            clerk,
            worker,
            kind="unpaid",
            start_date=dt.date(2026, 8, 3),
            end_date=dt.date(2026, 8, 4),
        )
        field = "absence"
    elif case == "outside":
        absence = _sick(clerk, worker, dt.date(2026, 8, 10), dt.date(2026, 8, 12))
        field = "absence"
    elif case == "other_employee":
        other = employee(clerk, world.company, first_name="Olli", start=dt.date(2025, 4, 1))
        absence = _sick(clerk, other)
        field = "absence"
    elif case == "twice":
        services.postpone_holiday(clerk, record, absence=sick, requested_on=SICK[0])
        absence, field = sick, "absence"
    else:
        record = services.save_leave(clerk, worker, credit_year_end=YEAR_END, days=2)
        absence, field = sick, "holiday"
    count = HolidayPostponement.objects.count()
    with pytest.raises(ValidationError) as error:
        services.postpone_holiday(clerk, record, absence=absence, requested_on=SICK[0])
    assert field in error.value.message_dict
    assert HolidayPostponement.objects.count() == count


def test_postponed_days_are_no_holiday_pay(world, clerk, worker):
    record = _holiday(clerk, worker)
    sick = _sick(clerk, worker)
    run = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    services.holiday_lines(clerk, run)
    assert _lines(run)["holiday_pay"] == 23 * 12000
    services.postpone_holiday(clerk, record, absence=sick, requested_on=SICK[0])
    services.holiday_lines(clerk, run)
    lines = _lines(run)
    assert lines["holiday_pay"] == 18 * 12000  # the five postponed days are not holiday
    assert lines["monthly_salary"] == 300000 - 18 * 12000  # the salary pays them (sick pay)
    services.absence_lines(clerk, run)
    # TSL 2:11 pays the day of falling ill (13.7.) and nine weekdays after it, to 23.7.; the
    # postponed 24.7. is after the employer's pay period: a day of July's salary (3 000 / 23
    # working days) is taken off. The deductible days 13.-18.7. stay holiday: nothing off.
    assert _lines(run)["pay_correction"] == -13043


def test_hourly_paid_get_sick_pay_only_for_the_postponed_days(world, clerk):
    hourly = employee(
        clerk, world.company, basis="hourly", salary="20.00", start=dt.date(2025, 4, 1)
    )
    record = _holiday(clerk, hourly)
    sick = _sick(clerk, hourly)
    run = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    services.absence_lines(clerk, run)
    # not postponed: the days are holiday, paid by the holiday, no sick pay
    assert not PayItem.objects.filter(pay_run=run, wage_type="sick_pay").exists()
    services.postpone_holiday(clerk, record, absence=sick, requested_on=SICK[0])
    services.absence_lines(clerk, run)
    [line] = PayItem.objects.filter(pay_run=run, wage_type="sick_pay")
    # TSL 2:11 pays 13.-23.7.; of those 20.-23.7. are postponed: 4 days x 7.5 hours
    assert line.quantity == 30


def test_page_and_api_side_by_side(world, clerk, worker):
    record = _holiday(clerk, worker)
    sick = _sick(clerk, worker)
    client = world.client(Role.PAYROLL_CLERK)
    page = client.get(f"/payroll/employees/{worker.pk}/holidays/").content.decode()
    assert f"/payroll/holidays/{record.pk}/postpone/" in page
    url = f"/payroll/holidays/{record.pk}/postpone/"
    form = client.get(url)
    assert form.status_code == 200 and "Loman siirto" in form.content.decode()
    shown = client.post(
        url, {"absence": sick.pk, "requested_on": "13.7.2026", "note": ""}, follow=True
    )
    text = shown.content.decode()
    assert shown.redirect_chain and "siirrettiin 5" in text
    assert "omavastuupäiviä 6" in text
    row = HolidayPostponement.objects.get()
    assert (row.postponed_days, row.deductible_days) == (5, 6)
    # the same through the API, on another holiday part
    winter = _holiday(clerk, worker, dt.date(2026, 11, 2), dt.date(2026, 11, 6))
    flu = _sick(clerk, worker, dt.date(2026, 11, 4), dt.date(2026, 11, 6))
    api = client.post(
        f"/api/v1/payroll/holidays/{winter.pk}/postponements",
        {"absence_id": flu.pk, "requested_on": "2026-11-04"},
        content_type=JSON,
    )
    assert api.status_code == 201, api.content
    data = api.json()
    # the year's six deductible days were used in the summer
    assert (data["deductible_days"], data["postponed_days"], data["ground"]) == (0, 3, "during")
    bad = client.post(
        f"/api/v1/payroll/holidays/{winter.pk}/postponements",
        {"absence_id": flu.pk, "requested_on": "2026-11-04"},
        content_type=JSON,
    )
    assert bad.status_code == 422 and "absence" in str(bad.json())
    listed = client.get(f"/api/v1/payroll/employees/{worker.pk}/holiday-balances").json()
    assert listed[0]["postponed"] == 8
    deleted = client.delete(f"/api/v1/payroll/holiday-postponements/{data['id']}")
    assert deleted.status_code == 204
    assert client.post(f"/payroll/holiday-postponements/{row.pk}/delete/").status_code == 302
    assert not HolidayPostponement.objects.exists()


def test_tenant_wall(world, clerk, worker):
    record = _holiday(clerk, worker)
    sick = _sick(clerk, worker)
    row = services.postpone_holiday(clerk, record, absence=sick, requested_on=SICK[0])
    other = world.client(Role.PAYROLL_CLERK, other=True)
    body = {"absence_id": sick.pk, "requested_on": "2026-07-13"}
    api = f"/api/v1/payroll/holidays/{record.pk}/postponements"
    assert other.post(api, body, content_type=JSON).status_code == 404
    assert other.get(f"/payroll/holidays/{record.pk}/postpone/").status_code == 404
    assert other.post(f"/payroll/holidays/{record.pk}/postpone/", body).status_code == 404
    assert other.delete(f"/api/v1/payroll/holiday-postponements/{row.pk}").status_code == 404
    assert other.post(f"/payroll/holiday-postponements/{row.pk}/delete/").status_code == 404
    assert HolidayPostponement.objects.count() == 1
