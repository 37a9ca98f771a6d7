"""A company marks its own wage types as other pay besides a salary, whose share joins the
holiday pay (vuosilomalaki 162/2005 10 § 1 mom., second sentence): on the wage-types page
and through ``PATCH /api/v1/payroll/companies/{id}/wage-types/{code}`` alike (issue 16).
Until now only the catalogue's mark (the bonus) counted."""

import datetime as dt

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import CompanyWageType, Payslip

from .factories import employee, pay_run


def _other_pay_of_a_run(clerk, company, worker, payment_date):
    """A run paying the salary and an evening supplement of 10 h x 5.00 = 50.00: the
    payslip's recorded other pay (cents)."""
    run = pay_run(clerk, company, payment_date)
    services.add_item(
        clerk, run, worker, wage_type="evening_supplement", quantity="10", unit_price="5.00"
    )
    services.calculate_pay_run(clerk, run)
    return Payslip.objects.get(pay_run=run).holiday_other_pay_cents


def test_page_and_api_mark_a_wage_type_as_other_pay(world, clerk):
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    client = world.client(Role.PAYROLL_CLERK)
    supplement = CompanyWageType.objects.get(company=world.company, code="evening_supplement")
    bonus = CompanyWageType.objects.get(company=world.company, code="bonus")
    # As shipped: the bonus is other pay, the supplement is not, and the page shows it
    assert (bonus.holiday_other_pay, supplement.holiday_other_pay) == (True, False)
    page = client.get(f"/payroll/c/{world.company.pk}/wage-types/").content.decode()
    assert 'name="holiday_other_pay"' in page
    assert _other_pay_of_a_run(clerk, world.company, worker, dt.date(2026, 1, 31)) == 0

    # The page marks the supplement (the form posts its fields, the box ticked)
    form = {
        "id": supplement.pk,
        "label_fi": supplement.label_fi,
        "label_en": supplement.label_en,
        "ledger_account": supplement.ledger_account,
        "holiday_other_pay": "on",
    }
    assert client.post(f"/payroll/c/{world.company.pk}/wage-types/", form).status_code == 302
    supplement.refresh_from_db()
    assert supplement.holiday_other_pay and not supplement.hidden
    # The next calculation records the supplement as other pay
    assert _other_pay_of_a_run(clerk, world.company, worker, dt.date(2026, 2, 28)) == 5000
    assert AuditEvent.objects.filter(
        action="update", changes__holiday_other_pay=[False, True]
    ).exists()

    # The API unmarks it, the other fields kept, and lists it so
    url = f"/api/v1/payroll/companies/{world.company.pk}/wage-types/evening_supplement"
    response = client.patch(url, {"holiday_other_pay": False}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "code": "evening_supplement",
        "label_fi": "Iltatyölisä",
        "label_en": "Evening supplement",
        "kind": "money",
        "income_type": 206,
        "ledger_account": supplement.ledger_account,
        "hidden": False,
        "holiday_other_pay": False,
    }
    assert _other_pay_of_a_run(clerk, world.company, worker, dt.date(2026, 3, 31)) == 0
    listed = client.get(f"/api/v1/payroll/companies/{world.company.pk}/wage-types").json()
    assert {row["code"] for row in listed if row["holiday_other_pay"]} == {"bonus"}


def test_bad_input_names_the_field_and_writes_nothing(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    base = f"/api/v1/payroll/companies/{world.company.pk}/wage-types"
    services.ensure_setup(world.company)
    # A benefit in kind is not pay paid: it cannot be other pay (the payslip sums money)
    refused = client.patch(
        f"{base}/meal_benefit", {"holiday_other_pay": True}, content_type="application/json"
    )
    assert refused.status_code == 422 and "holiday_other_pay" in refused.content.decode()
    null = client.patch(
        f"{base}/bonus",
        {"holiday_other_pay": None, "label_fi": "X"},
        content_type="application/json",
    )
    assert null.status_code == 422 and "holiday_other_pay" in null.content.decode()
    assert client.patch(f"{base}/no_such", {}, content_type="application/json").status_code == 404
    bonus = CompanyWageType.objects.get(company=world.company, code="bonus")
    meal = CompanyWageType.objects.get(company=world.company, code="meal_benefit")
    assert (bonus.label_fi, bonus.holiday_other_pay, meal.holiday_other_pay) == (
        "Bonus",
        True,
        False,
    )
    # The page does not offer the box for a benefit, and refuses it alike
    page = world.client(Role.PAYROLL_CLERK).post(
        f"/payroll/c/{world.company.pk}/wage-types/",
        {"id": meal.pk, "label_fi": meal.label_fi, "holiday_other_pay": "on"},
        follow=True,
    )
    meal.refresh_from_db()
    assert not meal.holiday_other_pay
    assert f'form="wt-{meal.pk}" type="checkbox" name="holiday_other_pay"' not in (
        page.content.decode()
    )
    assert f'form="wt-{bonus.pk}" type="checkbox" name="holiday_other_pay" checked' in (
        page.content.decode()
    )


def test_tenant_wall(world, clerk):
    services.ensure_setup(world.company)
    other = world.client(Role.PAYROLL_CLERK, other=True)
    base = f"/api/v1/payroll/companies/{world.company.pk}/wage-types"
    assert other.get(base).status_code == 404
    response = other.patch(
        f"{base}/evening_supplement", {"holiday_other_pay": True}, content_type="application/json"
    )
    assert response.status_code == 404
    supplement = CompanyWageType.objects.get(company=world.company, code="evening_supplement")
    page = other.post(
        f"/payroll/c/{world.company.pk}/wage-types/",
        {"id": supplement.pk, "label_fi": "X", "holiday_other_pay": "on"},
    )
    assert page.status_code == 404
    supplement.refresh_from_db()
    assert (supplement.label_fi, supplement.holiday_other_pay) == ("Iltatyölisä", False)
    # A viewer of the company itself may read but not write
    viewer = world.client(Role.VIEWER)
    assert viewer.patch(
        f"{base}/evening_supplement", {"hidden": True}, content_type="application/json"
    ).status_code in (403, 404)
