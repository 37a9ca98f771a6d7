"""The pay run's holiday pay and the holiday-pay liability with the two additions the
calculator takes (issue 16): other pay besides a monthly salary (vuosilomalaki 162/2005
10 § 1 mom., second sentence), from the approved payslips' lines of wage types marked
``holiday_other_pay``, and the pay lost in absences equated to work, added to the basis of
the percentage-based holiday pay (12 § 2 mom.), from the absence records within the limits
of 7 §. The pay run and the calculator agree for the same inputs; the liability's page and
API show the same figures."""

import datetime as dt
from decimal import Decimal as D
from importlib import import_module

from django.apps import apps

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import PayItem, Payslip
from tase.payroll.services.holidays import earning, load

from .factories import approved_slip, employee, pay_run

YEAR_END = dt.date(2026, 3, 31)
CALCULATOR = "/api/v1/payroll/holidays/calculate"


def _ledger_input(company, worker):
    """The rules' input the pay run built for the credit year (the ledger keeps each input
    with its result), and its result."""
    book = load(company, dt.date(2026, 4, 30))
    result = earning(book, book.employees[0], YEAR_END).result
    [(data, kept)] = [(data, r) for data, r in book.results.items() if r is result]
    assert kept is result
    return data, result


def _calculator_body(data) -> dict:
    """The same input in the calculator's JSON shape."""
    return {
        "credit_year_end": data.credit_year_end.isoformat(),
        "employment_start": data.employment_start.isoformat(),
        "pay_basis": data.pay_basis,
        "earning_rule": data.earning_rule,
        "days_per_week": str(data.days_per_week),
        "monthly_salary": None if data.monthly_salary is None else str(data.monthly_salary),
        "holiday_bonus_percent": str(data.holiday_bonus_percent),
        "months": [
            {
                "month": month.label,
                "days_worked": month.days_worked,
                "hours_worked": str(month.hours_worked),
                "wages": str(month.wages),
                "equated_days": month.equated_days,
                "equated_hours": str(month.equated_hours),
                "other_pay": str(month.other_pay),
                "absence_wages": str(month.absence_wages),
            }
            for month in data.months
        ],
    }


def _lines(run) -> dict[str, int]:
    return {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}


def test_other_pay_besides_the_monthly_salary(world, clerk):
    """Monthly 3 000 € from 1.4.2025, a bonus of 2 510 € paid with June 2025's salary.

    The credit year 2025-26 has 251 working days (Apr 20, May 20, Jun 20, Jul 23, Aug 21,
    Sep 22, Oct 23, Nov 20, Dec 20, Jan 20, Feb 20, Mar 22; public holidays not counted):
    12 full months; the employment lasted a year by 31.3.2026: 12 x 2.5 = 30 days.
    Salary kept: 3 000.00 / 25 x 30 = 3 600.00 (10 § 1 mom., 17 § 3 mom.).
    Other pay: 2 510.00 / 251 = 10.00 a day x coefficient 27.8 (30 days) = 278.00
    (10 § 1 mom., 11 § 1-2 mom.). Holiday pay 3 878.00; a day 3 878.00 / 30 = 129.2666..
    = 129.27, of which other pay 278.00 / 30 = 9.2666.. = 9.27 and the salary 120.00."""
    worker = employee(
        clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1), card_year=2025
    )
    june = pay_run(clerk, world.company, dt.date(2025, 6, 30))
    services.add_item(clerk, june, worker, wage_type="bonus", amount="2510.00")
    services.calculate_pay_run(clerk, june)
    services.approve_pay_run(clerk, june)
    slip = Payslip.objects.get(pay_run=june)
    assert (slip.gross_cents, slip.holiday_other_pay_cents) == (551000, 251000)
    # A payslip calculated before the field is filled from its stored lines alike
    Payslip.objects.update(holiday_other_pay_cents=0)
    import_module(
        "tase.payroll.migrations.0026_holiday2_payslip_other_pay"
    ).other_pay_of_stored_lines(apps, None)
    assert Payslip.objects.get(pk=slip.pk).holiday_other_pay_cents == 251000
    data, result = _ledger_input(world.company, worker)
    assert [m.other_pay for m in data.months if m.other_pay] == [D("2510.00")]
    assert (result.method, result.holiday_pay, result.other_pay_share) == (
        "salary_kept",
        D("3878.00"),
        D("278.00"),
    )
    # The calculator, given the same input, answers the same (before: 3 600.00 in the run)
    body = world.client(Role.PAYROLL_CLERK).post(
        CALCULATOR, _calculator_body(data), content_type="application/json"
    )
    assert body.status_code == 200, body.content
    assert body.json()["holiday_pay"] == "3878.00" and body.json() == result.to_dict("fi")

    # A holiday of 6.-26.7.2026, 18 holiday days, in July's run: holiday pay 18 x 129.27 =
    # 2 326.86, bonus 50 % of it 1 163.43; the salary lowered by its own part only,
    # 3 000.00 - 18 x 120.00 = 840.00; so the month pays 3 000.00 + 18 x 9.27 = 3 166.86
    services.record_holiday(
        clerk, worker, start_date=dt.date(2026, 7, 6), end_date=dt.date(2026, 7, 26)
    )
    run = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    expected = {"holiday_pay": 232686, "holiday_bonus": 116343, "monthly_salary": 84000}
    client = world.client(Role.PAYROLL_CLERK)
    # The run page's button and the API make the same lines
    assert client.post(f"/payroll/runs/{run.pk}/holiday-lines/").status_code == 302
    assert _lines(run) == expected
    api = client.post(f"/api/v1/payroll/pay-runs/{run.pk}/holiday-lines")
    assert api.json() == {"lines": 3} and _lines(run) == expected
    shown = client.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert "2\N{NO-BREAK SPACE}326,86" in shown and "840,00" in shown

    # The liability at 30.4.2026: 30 days x 129.27 = 3 878.10, and April 2026's 3 days (2.5
    # rounded up) at 3 000.00 / 25 = 120.00 (no other pay yet), 360.00: 4 238.10
    api = client.get(
        f"/api/v1/payroll/companies/{world.company.pk}/holiday-liability?on=2026-04-30"
    ).json()
    assert (api["days"], api["holiday_pay"]) == (33, "4238.10")
    page = client.get(f"/payroll/c/{world.company.pk}/holiday-liability/?on=2026-04-30")
    assert "4\N{NO-BREAK SPACE}238,10" in page.content.decode()


def test_lost_pay_of_equated_absences_in_the_percentage_basis(world, clerk):
    """Hourly 20 € an hour, 16 hours and two days a week (the 35-hour rule: the percentage,
    12 §), employed since 1.4.2025 (a year by 31.3.2026: 11.5 %); paid 1 000 € a month,
    April 2025 to March 2026: wages 12 000.00. A working day of the pay lost: the hours a
    week over Monday to Friday, 16 / 5 = 3.2 h x 20.00 = 64.00 (12 § 2 mom.: by the average
    weekly working time).

    - Family leave 3.-14.11.2025, unpaid: 10 working days, within the 160 leave days per
      birth (7 § 2 mom. 1 kohta): 640.00.
    - Sick leave 1.-31.12.2025: the employer pays 1.-12.12. (the day of falling ill and
      nine weekdays, Independence Day 6.12. not one; TSL 2:11), then 15.-19., 22.-23. and
      29.-31.12. are unpaid working days (24.-26.12. public holidays): 10 x 64.00 = 640.00.
    - Lay-off 2.2.-27.3.2026, 40 working days: the first 30 (2.2.-13.3.) equated (7 § 2
      mom.: 30 working days at a time): February 20 x 64.00 = 1 280.00, March 10 x 64.00 =
      640.00; the other ten not.
    - Unpaid leave 7.-9.4.2025: not equated, adds nothing.

    Basis 12 000.00 + 3 200.00 = 15 200.00 x 11.5 % = 1 748.00 (before: 12 000.00 x
    11.5 % = 1 380.00); 12 full months x 2.5 = 30 days; a day 1 748.00 / 30 = 58.2666..
    = 58.27."""
    worker = services.create_employee(
        clerk, world.company, first_name="Osa", last_name="Aikainen", birth_date=dt.date(1990, 1, 1)
    )
    services.add_employment(
        clerk,
        worker,
        start_date=dt.date(2025, 4, 1),
        end_date=None,
        pay_basis="hourly",
        weekly_hours=D(16),
        days_per_week=D(2),
        salary="20.00",
    )
    for month in range(12):
        paid = dt.date(2025 + (month + 3) // 12, (month + 3) % 12 + 1, 25)
        approved_slip(world.company, worker, paid, 100000)
    for kind, start, end in (
        ("unpaid", dt.date(2025, 4, 7), dt.date(2025, 4, 9)),
        ("family", dt.date(2025, 11, 3), dt.date(2025, 11, 14)),
        ("sick", dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        ("layoff", dt.date(2026, 2, 2), dt.date(2026, 3, 27)),
    ):
        services.record_absence(clerk, worker, kind=kind, start_date=start, end_date=end)
    data, result = _ledger_input(world.company, worker)
    lost = {m.label: m.absence_wages for m in data.months if m.absence_wages}
    assert lost == {
        "2025-11": D("640.00"),
        "2025-12": D("640.00"),
        "2026-02": D("1280.00"),
        "2026-03": D("640.00"),
    }
    assert (result.method, result.earned_days, result.holiday_pay) == (
        "percentage",
        30,
        D("1748.00"),
    )
    client = world.client(Role.PAYROLL_CLERK)
    body = client.post(CALCULATOR, _calculator_body(data), content_type="application/json")
    assert body.status_code == 200, body.content
    assert body.json()["holiday_pay"] == "1748.00" and body.json() == result.to_dict("fi")
    assert "12 § 2 mom." in body.json()["lines"][2]["source"]

    # A holiday of 1.-5.6.2026, 5 holiday days, in June's run: 5 x 58.27 = 291.35
    services.record_holiday(
        clerk, worker, start_date=dt.date(2026, 6, 1), end_date=dt.date(2026, 6, 5)
    )
    run = pay_run(clerk, world.company, dt.date(2026, 6, 30))
    services.holiday_lines(clerk, run)
    assert _lines(run)["holiday_pay"] == 29135

    # The liability at 30.4.2026: 30 days x 58.27 = 1 748.10; April 2026 earns 3 days at no
    # pay yet (no wages paid in the new year)
    api = client.get(
        f"/api/v1/payroll/companies/{world.company.pk}/holiday-liability?on=2026-04-30"
    ).json()
    assert (api["days"], api["holiday_pay"]) == (33, "1748.10")
    page = client.get(f"/payroll/c/{world.company.pk}/holiday-liability/?on=2026-04-30")
    assert "1\N{NO-BREAK SPACE}748,10" in page.content.decode()
