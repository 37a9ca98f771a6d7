"""An employee with neither a personal identity code nor a date of birth (issue 11, bad
input): refused when created or edited, on the page and in the API, and refused when the
Incomes Register reports are produced, naming the employee; nothing is written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import (
    Employee,
    IncomesRegisterPart,
    IncomesRegisterReport,
    PayRun,
    Payslip,
)
from tase.payroll.services import incomes_register

from .factories import employee, pay_run

JSON = "application/json"
FI = "Anna syntymäaika tai henkilötunnus."


def test_the_page_refuses_an_employee_without_code_or_birth_date(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    response = client.post(
        f"/payroll/c/{world.company.pk}/employees/new/",
        {"first_name": "Sari", "last_name": "Sivu", "language": "fi", "is_active": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and FI in page and "field-invalid" in page
    assert not Employee.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_the_api_refuses_an_employee_without_code_or_birth_date(world, clerk):
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/companies/{world.company.pk}/employees"
    body = {"first_name": "Sari", "last_name": "Sivu", "identity_code": "", "birth_date": None}
    response = client.post(url, body, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "birth_date"], "msg": FI, "type": "value_error"}
    ]
    response = client.post(url, {"first_name": "Sari", "last_name": "Sivu"}, content_type=JSON)
    assert response.status_code == 422 and response.json()["detail"][0]["msg"] == FI
    assert not Employee.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_clearing_the_birth_date_of_an_employee_without_a_code_is_refused(world, clerk):
    worker = employee(clerk, world.company, first_name="Olli", birth_date=dt.date(1980, 2, 3))
    client = world.client(Role.PAYROLL_CLERK)
    response = client.patch(
        f"/api/v1/payroll/employees/{worker.pk}",
        {"birth_date": None, "city": "Oulu"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "birth_date"]
    assert response.json()["detail"][0]["msg"] == FI
    page = client.post(
        f"/payroll/employees/{worker.pk}/edit/",
        {"first_name": "Olli", "last_name": "Meikäläinen", "number": worker.number,
         "birth_date": "", "city": "Oulu", "language": "fi", "is_active": "on"},
    )  # fmt: skip
    assert page.status_code == 200 and FI in page.content.decode()
    worker.refresh_from_db()
    assert (worker.birth_date, worker.city) == (dt.date(1980, 2, 3), "")


@pytest.fixture
def without_identity(monkeypatch):
    """The payslip rows the reports are written from, with the employee named ``Ville``
    having neither an identity code nor a birth date. The database cannot hold such a row
    (Employee.birth_date is NOT NULL and every write path refuses it), so the state the
    reports' own check guards against is made where they read it."""
    real = incomes_register._slips

    def blank(row):
        lines, pk, first, last, _code, _born = row
        return (lines, pk, first, last, "", None) if first == "Ville" else row

    def slips(run):
        for chunk in real(run):
            yield [blank(row) for row in chunk]

    monkeypatch.setattr(incomes_register, "_slips", slips)


def _nothing_written(run):
    run.refresh_from_db()
    assert run.status == PayRun.Status.DRAFT
    assert not Payslip.objects.filter(number__isnull=False).exists()
    assert not IncomesRegisterReport.objects.exists()
    assert not IncomesRegisterPart.objects.exists()
    assert not AuditEvent.objects.filter(action="incomes_register_produce").exists()


def test_reports_refuse_an_employee_without_code_or_birth_date_naming_them(
    world, clerk, without_identity
):
    employee(clerk, world.company, first_name="Sari", last_name="Sivu")
    employee(clerk, world.company, first_name="Ville", last_name="Virta")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    with pytest.raises(ValidationError) as error:
        services.approve_pay_run(clerk, run)
    message = error.value.message_dict["identity_code"][0]
    assert "Ville Virta" in message and "Sari" not in message
    _nothing_written(run)
    response = world.client(Role.PAYROLL_CLERK).post(f"/api/v1/payroll/pay-runs/{run.pk}/approve")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["body", "identity_code"]
    assert detail[0]["msg"].startswith("Henkilöllä Ville Virta ei ole henkilötunnusta")
    _nothing_written(run)
