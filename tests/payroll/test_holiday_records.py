"""Recorded holidays and balances (issue 16, items 1 and 4) and the holiday-pay liability
(item 6): earning from the employee's data, planning refused beyond the balance, pay-run
lines, the employee's own balance, the liability voucher and its reversal, the API, the
pages and the tenant wall."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tase.core.access import Actor
from tase.core.roles import Role
from tase.ledger.models import Voucher
from tase.payroll import services
from tase.payroll.models import HolidayRecord, PayItem, Payslip
from tase.rules.payroll import cents

from .factories import books, employee, pay_run

YEAR_END = dt.date(2026, 3, 31)


@pytest.fixture
def worker(world, clerk):
    """Monthly paid 3 000 € from 1.4.2025: a full credit year by 31.3.2026 (2.5 days a
    month, 30 days; a day 1/25 of the salary, 120 €)."""
    return employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))


def _plan(clerk, worker, start, end, **extra):
    return services.record_holiday(clerk, worker, start_date=start, end_date=end, **extra)


def test_balance_from_the_employment_and_absences(world, clerk, worker):
    [balance] = services.balances(world.company, YEAR_END, dt.date(2026, 4, 15))
    assert (balance.earned, balance.carried_over, balance.left, balance.day_pay) == (
        30,
        0,
        30,
        D("120.00"),
    )
    # An unpaid leave of all of November 2025 leaves the month short of 14 days: 11 months
    services.record_absence(
        clerk,
        worker,
        kind="unpaid",
        start_date=dt.date(2025, 11, 1),
        end_date=dt.date(2025, 11, 30),
    )
    [balance] = services.balances(world.company, YEAR_END, dt.date(2026, 4, 15))
    assert balance.earned == 28  # 11 x 2.5 = 27.5, a part day becomes a whole day
    # ... while a sick leave of the same length is equated to work (7 § 2 mom. 2 kohta)
    services.record_absence(
        clerk, worker, kind="sick", start_date=dt.date(2025, 12, 1), end_date=dt.date(2025, 12, 31)
    )
    assert services.balances(world.company, YEAR_END, dt.date(2026, 4, 15))[0].earned == 28


def test_holidays_planned_beyond_the_balance_are_refused(world, clerk, worker):
    summer = _plan(clerk, worker, dt.date(2026, 7, 6), dt.date(2026, 7, 26))
    assert (summer.days, summer.part, summer.credit_year_end) == (18, "summer", YEAR_END)
    with pytest.raises(ValidationError) as error:
        _plan(clerk, worker, dt.date(2026, 12, 1), dt.date(2026, 12, 16))  # 14 days, 12 left
    assert "end_date" in error.value.message_dict
    assert "vain 12" in error.value.message_dict["end_date"][0]  # only 12 left
    winter = _plan(clerk, worker, dt.date(2026, 12, 1), dt.date(2026, 12, 14))
    assert (winter.days, winter.part) == (12, "winter")
    balance = services.employee_balances(worker, dt.date(2026, 8, 1))[0]
    assert (balance.planned, balance.left) == (30, 0)
    services.mark_taken(clerk, summer)
    balance = services.employee_balances(worker, dt.date(2026, 8, 1))[0]
    assert (balance.taken, balance.planned, balance.left) == (18, 12, 0)
    assert HolidayRecord.objects.count() == 2


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(2026, 7, 6), dt.date(2026, 7, 1), "end_date"),
        (dt.date(2026, 7, 5), dt.date(2026, 7, 5), "end_date"),  # a Sunday: no holiday day
        (dt.date(2024, 7, 1), dt.date(2024, 7, 5), "start_date"),  # before the employment
    ],
)
def test_bad_holiday_names_the_field(world, clerk, worker, start, end, field):
    with pytest.raises(ValidationError) as error:
        _plan(clerk, worker, start, end)
    assert field in error.value.message_dict
    assert not HolidayRecord.objects.exists()


def test_holiday_over_an_absence_is_refused(world, clerk, worker):
    services.record_absence(
        clerk, worker, kind="sick", start_date=dt.date(2026, 7, 8), end_date=dt.date(2026, 7, 9)
    )
    with pytest.raises(ValidationError) as error:
        _plan(clerk, worker, dt.date(2026, 7, 6), dt.date(2026, 7, 10))
    assert "start_date" in error.value.message_dict
    _plan(clerk, worker, dt.date(2026, 7, 13), dt.date(2026, 7, 17))
    with pytest.raises(ValidationError) as error:
        services.record_absence(
            clerk,
            worker,
            kind="unpaid",
            start_date=dt.date(2026, 7, 17),
            end_date=dt.date(2026, 7, 20),
        )
    assert "13.7.2026" in error.value.message_dict["start_date"][0]  # the holiday named


def test_saved_leave_only_beyond_24_days_without_agreement(world, clerk, worker):
    with pytest.raises(ValidationError) as error:
        services.save_leave(clerk, worker, credit_year_end=YEAR_END, days=7, agreed=False)
    assert "days" in error.value.message_dict
    saved = services.save_leave(clerk, worker, credit_year_end=YEAR_END, days=6, agreed=False)
    assert (
        saved.part == "" and services.employee_balances(worker, dt.date(2026, 5, 1))[0].left == 24
    )


def test_pay_run_lines_from_recorded_holidays(world, clerk, worker):
    _plan(clerk, worker, dt.date(2026, 7, 6), dt.date(2026, 7, 26))  # 18 days
    run = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    assert services.holiday_lines(clerk, run) == 3
    assert services.holiday_lines(clerk, run) == 3  # replaced, not added
    lines = {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}
    assert lines == {"holiday_pay": 216000, "holiday_bonus": 108000, "monthly_salary": 84000}
    services.calculate_pay_run(clerk, run)
    assert Payslip.objects.get(pay_run=run).gross_cents == 408000  # the salary kept + bonus


def test_liability_with_social_costs_and_its_posting(world, clerk, worker):
    books(world.company)
    on = dt.date(2026, 4, 30)
    result = services.liability(clerk, world.company, on)
    [row] = result.rows
    # 30 days of the ended year and 3 of the current (April: 2.5 rounded up) at 120 €
    assert (row.days, row.holiday_pay, row.holiday_bonus) == (33, D("3960.00"), D("1980.00"))
    assert row.social_costs == cents(D("5940.00") * result.rates.total / 100)
    voucher, reversal = services.post_liability(clerk, world.company, on)
    entries = {e.account.number: e.amount_cents for e in voucher.entries.select_related("account")}
    assert entries["5020"] == 594000 and entries["2975"] == -594000
    assert sum(entries.values()) == 0 and -entries["2980"] == int(row.social_costs * 100)
    assert reversal.date == dt.date(2026, 5, 1) and reversal.reverses_id == voucher.pk
    with pytest.raises(ValidationError) as error:
        services.post_liability(clerk, world.company, on)
    assert list(error.value.message_dict) == ["month_end"]  # the field of the page and API
    with pytest.raises(ValidationError) as error:
        services.post_liability(clerk, world.company, dt.date(2026, 5, 15))
    assert list(error.value.message_dict) == ["month_end"]
    assert Voucher.objects.filter(company=world.company).count() == 2


def test_api_balances_holidays_lines_and_liability(world, clerk, worker):
    books(world.company)
    client = world.client(Role.PAYROLL_CLERK)
    created = client.post(
        f"/api/v1/payroll/employees/{worker.pk}/holidays",
        {"start_date": "2026-07-06", "end_date": "2026-07-26"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["days"] == 18 and created.json()["part"] == "summer"
    beyond = client.post(
        f"/api/v1/payroll/employees/{worker.pk}/holidays",
        {"start_date": "2026-08-03", "end_date": "2026-08-31"},
        content_type="application/json",
    )
    assert beyond.status_code == 422 and "end_date" in beyond.content.decode()
    balances = client.get(
        f"/api/v1/payroll/companies/{world.company.pk}/holiday-balances"
        "?credit_year_end=2026-03-31&on=2026-06-01"
    ).json()
    assert [(b["earned"], b["planned"], b["left"]) for b in balances] == [(30, 18, 12)]
    run = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    assert client.post(f"/api/v1/payroll/pay-runs/{run.pk}/holiday-lines").json() == {"lines": 3}
    taken = client.post(f"/api/v1/payroll/holidays/{created.json()['id']}/taken")
    assert taken.json()["kind"] == "taken"
    liability = client.get(
        f"/api/v1/payroll/companies/{world.company.pk}/holiday-liability?on=2026-04-30"
    ).json()
    assert liability["days"] == 33 and liability["holiday_pay"] == "3960.00"
    posted = client.post(
        f"/api/v1/payroll/companies/{world.company.pk}/holiday-liability/post",
        {"month_end": "2026-04-30"},
        content_type="application/json",
    )
    assert posted.status_code == 201, posted.content
    assert D(posted.json()["total"]) == D(liability["total"])


def _balance_rows(html: str) -> list[list[str]]:
    """The cells of the balances table's body rows, as text."""
    table = html.split('data-testid="balances"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_my_holidays_page_shows_the_own_balances_numbers_only(world, clerk, worker):
    """The employee's own page shows the balance service's numbers of their own employee
    (earned, taken, planned, left), and neither a colleague's nor another customer's."""
    user = world.users[Role.EMPLOYEE]
    services.update_employee(clerk, worker, user=user)
    taken = _plan(clerk, worker, dt.date(2026, 6, 1), dt.date(2026, 6, 5))
    services.mark_taken(clerk, taken)
    _plan(clerk, worker, dt.date(2026, 8, 3), dt.date(2026, 8, 12))
    colleague = employee(
        clerk, world.company, first_name="Kaisa", last_name="Kollega", salary="4100.00"
    )
    _plan(clerk, colleague, dt.date(2026, 7, 6), dt.date(2026, 7, 8))
    other_clerk = Actor.of(world.other_users[Role.PAYROLL_CLERK])
    services.ensure_setup(world.other_company)
    stranger = employee(
        other_clerk,
        world.other_company,
        first_name="Vieras",
        last_name="Vierasyritys",
        start=dt.date(2020, 1, 1),
    )
    services.update_employee(other_clerk, stranger, user=world.other_users[Role.EMPLOYEE])
    _plan(other_clerk, stranger, dt.date(2026, 7, 6), dt.date(2026, 7, 8))
    page = world.client(Role.EMPLOYEE).get("/payroll/my/holidays/")
    assert page.status_code == 200
    html = page.content.decode()
    expected = services.employee_balances(worker, dt.date.today())
    rows = _balance_rows(html)
    assert len(rows) == len(expected) == 2
    for cells, balance in zip(rows, expected, strict=True):
        assert cells[0].startswith(worker.name)
        # earned, carried over, taken, planned, saved, saved leave left, compensated,
        # postponed for incapacity (25 §), left
        assert [int(cell) for cell in cells[1:]] == [
            balance.earned,
            balance.carried_over,
            balance.taken,
            balance.planned,
            balance.saved,
            balance.saved_left,
            balance.compensated,
            balance.postponed,
            balance.left,
        ]
    ended = expected[0]
    assert (ended.earned, ended.taken, ended.planned, ended.left) == (30, 5, 9, 16)
    assert "Kollega" not in html and "Vierasyritys" not in html


def _liability_post(client, company, month_end):
    return client.post(
        f"/api/v1/payroll/companies/{company.pk}/holiday-liability/post",
        {"month_end": month_end},
        content_type="application/json",
    )


def test_api_liability_post_refusals_name_month_end(world, clerk, worker):
    """Not a month end, and a month end posted already: 422 naming the body's ``month_end``
    (the field the request gave), and no voucher written."""
    books(world.company)
    client = world.client(Role.PAYROLL_CLERK)
    not_end = _liability_post(client, world.company, "2026-04-29")
    assert not_end.status_code == 422, not_end.content
    [detail] = not_end.json()["detail"]
    assert detail["loc"] == ["body", "month_end"] and "viimeinen päivä" in detail["msg"]
    assert not Voucher.objects.filter(company=world.company).exists()
    assert _liability_post(client, world.company, "2026-04-30").status_code == 201
    again = _liability_post(client, world.company, "2026-04-30")
    assert again.status_code == 422, again.content
    [detail] = again.json()["detail"]
    assert detail["loc"] == ["body", "month_end"]
    assert Voucher.objects.filter(company=world.company).count() == 2  # the first and reversal


def test_page_liability_post_refusal_is_shown_at_the_field(world, clerk, worker):
    books(world.company)
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/payroll/c/{world.company.pk}/holiday-liability/"
    refused = client.post(url, {"month_end": "2026-04-29"})
    assert refused.status_code == 200  # the page again, with the form and its error
    field = refused.context["post_form"]["month_end"]
    assert field.errors and "viimeinen päivä" in field.errors[0]
    assert 'id="id_month_end_error"' in refused.content.decode()
    assert not Voucher.objects.filter(company=world.company).exists()


def test_employee_sees_own_balance(world, clerk, worker):
    user = world.users[Role.EMPLOYEE]
    services.update_employee(clerk, worker, user=user)
    client = world.client(Role.EMPLOYEE)
    own = client.get("/api/v1/payroll/my/holiday-balances").json()
    assert [row["employee_id"] for row in own] == [worker.pk, worker.pk]
    assert client.get("/payroll/my/holidays/").status_code == 200
    assert client.get(f"/api/v1/payroll/employees/{worker.pk}/holiday-balances").status_code in (
        403,
        404,
    )


def test_tenant_wall(world, clerk, worker):
    record = _plan(clerk, worker, dt.date(2026, 7, 6), dt.date(2026, 7, 10))
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.delete(f"/api/v1/payroll/holidays/{record.pk}").status_code == 404
    assert other.post(f"/api/v1/payroll/holidays/{record.pk}/taken").status_code == 404
    assert other.get(f"/api/v1/payroll/employees/{worker.pk}/holiday-balances").status_code == 404
    assert (
        other.get(f"/api/v1/payroll/companies/{world.company.pk}/holiday-liability").status_code
        == 404
    )
    assert other.get(f"/payroll/employees/{worker.pk}/holidays/").status_code == 404
    assert other.get(f"/payroll/c/{world.company.pk}/holiday-liability/").status_code == 404
    assert HolidayRecord.objects.count() == 1


def test_pages_plan_list_and_post(world, clerk, worker, django_assert_max_num_queries):
    books(world.company)
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/payroll/employees/{worker.pk}/holidays/"
    assert client.get(url).status_code == 200
    body = {"kind": "planned", "start_date": "2026-07-06", "end_date": "2026-07-26"}
    assert client.post(url, body).status_code == 302
    record = HolidayRecord.objects.get()
    refused = client.post(url, body, follow=True).content.decode()
    assert "Menee päällekkäin" in refused and HolidayRecord.objects.count() == 1
    saved = client.post(
        f"/payroll/employees/{worker.pk}/saved-leave/",
        {"credit_year_end": "2026-03-31", "days": "2"},
    )
    assert saved.status_code == 302 and HolidayRecord.objects.count() == 2
    assert client.post(f"/payroll/holidays/{record.pk}/taken/").status_code == 302
    record.refresh_from_db()
    assert record.kind == "taken"
    for number in range(5):
        employee(clerk, world.company, first_name=f"T{number}", start=dt.date(2025, 4, 1))
    with django_assert_max_num_queries(18):  # constant: the data is read once for the page
        page = client.get(f"/payroll/c/{world.company.pk}/holidays/?on=2026-05-01")
    assert page.status_code == 200 and "T4" in page.content.decode()
    liability_url = f"/payroll/c/{world.company.pk}/holiday-liability/"
    with django_assert_max_num_queries(18):
        shown = client.get(f"{liability_url}?on=2026-04-30")
    assert 'data-testid="liability-total"' in shown.content.decode()
    assert client.post(liability_url, {"month_end": "2026-04-30"}).status_code == 302
    assert Voucher.objects.filter(company=world.company).count() == 2
    assert client.post(f"/payroll/holidays/{record.pk}/delete/").status_code == 302
    viewer = world.client(Role.VIEWER)
    assert viewer.post(url, body).status_code in (403, 404)


def test_closing_the_year_asks_for_the_holiday_pay_liability(world, clerk, worker):
    """Issue 17 item 6: the year-end checklist holds the year until the liability of its last
    day is posted, and compares the posting with the liability computed from the records."""
    from tase.ledger import closing
    from tase.ledger import services as ledger
    from tase.ledger.system import SystemActor

    books(world.company)
    ledger.create_fiscal_year(
        SystemActor(), world.company, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)
    )
    on = dt.date(2026, 12, 31)

    def row():
        gate = closing.closing_gate(world.company, on, year_end=True)
        return next(r for r in gate.rows if r.code == "payroll.holiday_liability")

    expected = services.liability(clerk, world.company, on).total
    assert row().value.book_cents == 0 and row().value.other_cents == int(expected * 100)
    assert all(
        r.code != "payroll.holiday_liability" for r in closing.closing_gate(world.company, on).rows
    )  # a month's lock does not ask it
    services.post_liability(clerk, world.company, on)
    assert row().ok
    # A holiday recorded afterwards changes the liability: the posting no longer equals it.
    _plan(clerk, worker, dt.date(2026, 12, 14), dt.date(2026, 12, 18))
    assert not row().ok
