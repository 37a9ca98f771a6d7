"""Setting payroll up through the API: employments, salary changes, payroll settings, and
the ledger's chart of accounts (issue 11, Interfaces)."""

from decimal import Decimal as D

from tase.core.roles import Role
from tase.payroll.models import Employment, PayrollSettings

from .factories import employee


def test_employment_with_salary_and_a_salary_change(world, clerk):
    worker = employee(clerk, world.company, card=None)
    client = world.client(Role.PAYROLL_CLERK)
    body = {
        "start_date": "2026-02-01", "pay_basis": "monthly", "salary": "3100.00",
        "weekly_hours": "37.5", "job_title": "Kirjanpitäjä", "profession_code": "33131",
        "collective_agreement": "Toimihenkilöiden TES", "hourly_divisor": "160",
        "cost_centre": "HR", "union_dues_rate": "1.5",
    }  # fmt: skip
    response = client.post(
        f"/api/v1/payroll/employees/{worker.pk}/employments", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["profession_code"], data["salaries"]) == (
        "33131",
        [{"valid_from": "2026-02-01", "amount": "3100.00"}],
    )
    employment = Employment.objects.get(pk=data["id"])
    assert employment.collective_agreement == "Toimihenkilöiden TES"
    assert employment.hourly_divisor == D("160")
    change = client.post(
        f"/api/v1/payroll/employments/{employment.pk}/salary-changes",
        {"valid_from": "2026-06-01", "amount": "3300"},
        content_type="application/json",
    )
    assert change.status_code == 201 and change.json()["amount"] == "3300.00"
    page = client.get(f"/payroll/employees/{worker.pk}/").content.decode()
    assert "33131" in page and "Toimihenkilöiden TES" in page


def test_bad_employment_names_the_field(world, clerk):
    worker = employee(clerk, world.company, card=None)
    response = world.client(Role.PAYROLL_CLERK).post(
        f"/api/v1/payroll/employees/{worker.pk}/employments",
        {"start_date": "2026-02-01", "end_date": "2026-01-01", "pay_basis": "monthly"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "end_date" in response.content.decode()


def test_settings_get_and_patch(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/companies/{world.company.pk}/settings"
    assert client.get(url).json()["tyel_rate"] is None
    response = client.patch(
        url,
        {"tyel_insurer": "Elo", "tyel_policy_number": "12-345", "tyel_rate": "17.5",
         "accident_rate": "0.6", "above_unemployment_threshold": True, "hourly_divisor": "160",
         "payer_iban": "FI21 1234 5600 0007 85"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    row = PayrollSettings.objects.get(company=world.company)
    assert (row.tyel_insurer, row.tyel_rate, row.hourly_divisor) == ("Elo", D("17.5"), D("160"))
    assert row.payer_iban == "FI2112345600000785" and row.post_to_ledger is False
    assert (
        client.patch(url, {"tyel_rate": "101"}, content_type="application/json").status_code == 422
    )
    other = world.client(Role.PAYROLL_CLERK, other=True)
    assert other.get(url).status_code == 404


def test_ledger_chart_by_api(world):
    from tase.ledger.models import Account

    client = world.client(Role.MAIN_USER)
    url = f"/api/v1/ledger/companies/{world.company.pk}/chart"
    response = client.post(url, {"chart": "limited-company"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["added"] > 0
    assert Account.objects.filter(company=world.company, number="1910").exists()
    again = client.post(url, {"chart": "limited-company"}, content_type="application/json")
    assert again.json()["added"] == 0
    assert client.post(url, {"chart": "x"}, content_type="application/json").status_code == 422
