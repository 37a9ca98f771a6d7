"""The payroll pages end to end with the Django test client (forms, actions, errors)."""

from tase.core.roles import Role
from tase.payroll.models import CompanyWageType, Employee, PayItem, PayRun, Payslip

from .factories import valid_code


def test_employee_employment_tax_card_and_pay_run_through_the_pages(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    company = world.company
    code = valid_code("150675-123")
    response = client.post(
        f"/payroll/c/{company.pk}/employees/new/",
        {"first_name": "Sari", "last_name": "Sivu", "identity_code": code, "language": "fi",
         "iban": "FI2112345600000785", "is_active": "on"},
    )  # fmt: skip
    employee = Employee.objects.get()
    assert response.status_code == 302 and employee.birth_date.year == 1975
    bad = client.post(
        f"/payroll/c/{company.pk}/employees/new/",
        {"first_name": "X", "last_name": "Y", "identity_code": "150675-0000", "language": "fi"},
    )
    assert bad.status_code == 200 and "field-invalid" in bad.content.decode()
    client.post(
        f"/payroll/employees/{employee.pk}/employments/",
        {"employment-start_date": "2025-01-01", "employment-pay_basis": "monthly",
         "employment-weekly_hours": "37,5", "employment-union_dues_rate": "0",
         "employment-salary": "3000"},
    )  # fmt: skip
    employment = employee.employments.get()
    client.post(
        f"/payroll/employments/{employment.pk}/salary/",
        {"salary-valid_from": "2026-02-01", "salary-amount": "3100"},
    )
    assert employment.salaries.count() == 2
    client.post(
        f"/payroll/employees/{employee.pk}/tax-cards/",
        {"card-year": "2026", "card-kind": "card", "card-base_rate": "20",
         "card-additional_rate": "40", "card-income_limit": "40000"},
    )  # fmt: skip
    assert employee.tax_cards.count() == 1
    assert client.get(f"/payroll/employees/{employee.pk}/").status_code == 200
    assert client.get(f"/payroll/employees/{employee.pk}/edit/").status_code == 200
    assert client.get(f"/payroll/c/{company.pk}/settings/").status_code == 200
    client.post(
        f"/payroll/c/{company.pk}/settings/",
        {"accident_rate": "0,7", "group_life_rate": "0", "tyel_policy_number": "46-1234567"},
    )
    wage = CompanyWageType.objects.get(company=company, code="car_benefit")
    client.post(
        f"/payroll/c/{company.pk}/wage-types/",
        {"id": wage.pk, "label_fi": "Autoetu", "label_en": "Car", "ledger_account": "5400", "hidden": "on"},
    )  # fmt: skip
    wage.refresh_from_db()
    assert wage.hidden
    client.post(
        f"/payroll/c/{company.pk}/runs/new/",
        {"period_start": "2026-03-01", "period_end": "2026-03-31", "payment_date": "2026-03-31"},
    )
    run = PayRun.objects.get()
    client.post(
        f"/payroll/runs/{run.pk}/",
        {"item-employee": employee.pk, "item-wage_type": "bonus", "item-amount": "200"},
    )
    item = PayItem.objects.get()
    client.post(f"/payroll/items/{item.pk}/delete/")
    assert not PayItem.objects.exists()
    client.post(f"/payroll/runs/{run.pk}/calculate/")
    client.post(f"/payroll/runs/{run.pk}/approve/")
    run.refresh_from_db()
    assert run.status == "approved"
    assert Payslip.objects.get().gross_cents == 310000
    second = client.post(f"/payroll/runs/{run.pk}/approve/", follow=True)
    assert "hyväksytty" in second.content.decode().lower()
    assert client.get(f"/payroll/c/{company.pk}/runs/").status_code == 200
    assert client.get(f"/payroll/c/{company.pk}/wage-types/").status_code == 200
    assert client.get("/payroll/").status_code in (200, 302)
