"""The holiday bonus paid after the holiday, only on the employee's return (issue 16 item 3:
"paid with the holiday or later, lost if the employee does not return - the rule is data"):
the company's rule ``bonus_after_return``, not in the Act (collective agreements)."""

import datetime as dt

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Employment, PayItem

from .factories import employee, pay_run


def _lines(run):
    return {item.wage_type: item.amount_cents for item in PayItem.objects.filter(pay_run=run)}


def _holiday(clerk, company, end_date=None):
    """3,000 € a month from 1.4.2025; a holiday 13.7.-31.7.2026: 17 weekdays at 120 € =
    2,040 €, the bonus 50 % = 1,020 €."""
    worker = employee(clerk, company, salary="3000.00", start=dt.date(2025, 4, 1))
    if end_date:
        Employment.objects.filter(employee=worker).update(end_date=end_date)
    services.record_holiday(
        clerk, worker, start_date=dt.date(2026, 7, 13), end_date=dt.date(2026, 7, 31)
    )
    return worker


def test_by_default_the_bonus_is_paid_with_the_holiday(world, clerk):
    _holiday(clerk, world.company)
    july = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    services.holiday_lines(clerk, july)
    lines = _lines(july)
    assert (lines["holiday_pay"], lines["holiday_bonus"]) == (204000, 102000)


def test_after_return_the_bonus_moves_to_the_run_of_the_return(world, clerk):
    _holiday(clerk, world.company)
    services.patch_policy(clerk, world.company, bonus_after_return=True)
    july = pay_run(clerk, world.company, dt.date(2026, 7, 31))
    services.holiday_lines(clerk, july)
    assert "holiday_bonus" not in _lines(july) and _lines(july)["holiday_pay"] == 204000
    august = pay_run(clerk, world.company, dt.date(2026, 8, 31))
    services.holiday_lines(clerk, august)
    assert _lines(august) == {"holiday_bonus": 102000}


def test_after_return_the_bonus_is_lost_when_the_employment_ends_with_the_holiday(world, clerk):
    """A run of 1.7.-15.8.2026 holds both the holiday and the day after it: the employee
    whose employment ended with the holiday (31.7.) gets the holiday pay but no bonus; the
    one who returns gets it."""
    leaver = _holiday(clerk, world.company, end_date=dt.date(2026, 7, 31))
    stayer = services.create_employee(
        clerk,
        world.company,
        first_name="Palaava",
        last_name="Testi",
        birth_date=dt.date(1990, 1, 1),
    )
    services.add_employment(
        clerk, stayer, start_date=dt.date(2025, 4, 1), pay_basis="monthly", salary="3000.00"
    )
    services.record_holiday(
        clerk, stayer, start_date=dt.date(2026, 7, 13), end_date=dt.date(2026, 7, 31)
    )
    services.patch_policy(clerk, world.company, bonus_after_return=True)
    run = services.create_pay_run(
        clerk,
        world.company,
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 8, 15),
        payment_date=dt.date(2026, 8, 15),
    )
    services.holiday_lines(clerk, run)
    items = PayItem.objects.filter(pay_run=run)
    leaver_lines = {i.wage_type: i.amount_cents for i in items if i.employee_id == leaver.pk}
    stayer_lines = {i.wage_type: i.amount_cents for i in items if i.employee_id == stayer.pk}
    assert leaver_lines["holiday_pay"] == 204000 and "holiday_bonus" not in leaver_lines
    assert stayer_lines["holiday_bonus"] == 102000


def test_the_rule_through_the_page_and_the_api(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/companies/{world.company.pk}/holiday-policy"
    patched = client.patch(url, {"bonus_after_return": True}, content_type="application/json")
    assert patched.json()["bonus_after_return"] is True
    assert patched.json()["holiday_bonus_percent"] == "50"
    refused = client.patch(url, {"bonus_after_return": None}, content_type="application/json")
    assert refused.status_code == 422 and "bonus_after_return" in refused.content.decode()
    page = client.post(
        f"/payroll/c/{world.company.pk}/holiday-policy/",
        {"sick_pay_weekdays": "9", "holiday_bonus_percent": "50"},
    )
    assert page.status_code == 302
    assert services.policy_for(world.company).bonus_after_return is False  # the form replaces
    client.post(
        f"/payroll/c/{world.company.pk}/holiday-policy/",
        {"sick_pay_weekdays": "9", "holiday_bonus_percent": "50", "bonus_after_return": "on"},
    )
    assert client.get(url).json()["bonus_after_return"] is True
    shown = client.get(f"/payroll/c/{world.company.pk}/absences/").content.decode()
    assert "bonus_after_return" in shown
    assert "Lomaraha loman jälkeen, vain jos työntekijä palaa työhön" in shown
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert (
        other.patch(url, {"bonus_after_return": False}, content_type="application/json").status_code
        == 404
    )
