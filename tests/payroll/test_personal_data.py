"""GDPR: an employee's data exported (JSON, PDF) and erased or pseudonymised only once its
statutory retention has ended, with what was kept and why; other tenants get 404."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string

from tase.core import pdf
from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import Employee, Employment, IncomesRegisterReport, Payslip, TaxCard
from tase.payroll.views_personal_data import _pdf_context

from .factories import employee, pay_run, valid_code

CODE = valid_code("150675-123")
IBAN = "FI2112345600000785"
PAID_ON = dt.date(2026, 3, 31)


def _paid_employee(clerk, company, *, ended=dt.date(2026, 4, 30)):
    row = employee(
        clerk,
        company,
        identity_code=CODE,
        birth_date=None,
        iban=IBAN,
        street_address="Kotikatu 1",
        postal_code="00100",
        city="Helsinki",
        email="sari@example.com",
    )
    run = pay_run(clerk, company, payment_date=PAID_ON)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    if ended:
        Employment.objects.filter(employee=row).update(end_date=ended)
    return row


def _holdings(plan):
    return {h.key: h for h in plan.holdings}


def test_export_holds_everything_and_is_audited(world, clerk):
    row = _paid_employee(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    response = client.get(f"/payroll/employees/{row.pk}/personal-data.json")
    assert response.status_code == 200
    data = response.json()
    assert data["employee"]["identity_code"] == CODE and data["employee"]["iban"] == IBAN
    assert data["employee"]["city"] == "Helsinki" and len(data["payslips"]) == 1
    assert data["tax_cards"][0]["year"] == 2026 and data["employments"][0]["salaries"]
    laws = " ".join(r["law"] for r in data["retention"])
    assert "Ennakkoperintälaki 1118/1996 36 §" in laws and "Työsopimuslaki 55/2001 6:7 §" in laws
    assert AuditEvent.objects.filter(action="export_personal_data", object_id=str(row.pk)).exists()
    pdf = client.get(f"/payroll/employees/{row.pk}/personal-data.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = client.get(f"/payroll/employees/{row.pk}/personal-data/")
    assert page.status_code == 200 and "Ennakkoperintälaki" in page.content.decode()
    api = client.get(f"/api/v1/payroll/employees/{row.pk}/personal-data/export")
    assert api.status_code == 200 and api.json()["employee"]["identity_code"] == CODE


def test_the_pdf_export_prints_the_data(world, clerk):
    row = _paid_employee(clerk, world.company)
    data = services.export_employee_data(clerk, row)
    html = render_to_string("payroll/personal_data_pdf.html", _pdf_context(data))
    text = " ".join(pdf.page_texts(pdf.layout(html)))
    assert CODE in text and "31.3.2026" in text and "Kotikatu 1" in text
    assert "Ennakkoperintälaki" in text


@time_machine.travel(dt.datetime(2026, 4, 15, 12, 0), tick=False)
def test_erasure_is_refused_while_employed(world, clerk):
    row = _paid_employee(clerk, world.company, ended=None)
    with pytest.raises(ValidationError, match="employee"):
        services.erase_employee_data(clerk, row)
    response = world.client(Role.PAYROLL_CLERK).post(
        f"/api/v1/payroll/employees/{row.pk}/personal-data/erase"
    )
    assert response.status_code == 422
    again = Employee.objects.get(pk=row.pk)
    assert (again.identity_code, again.iban, again.city) == (CODE, IBAN, "Helsinki")


@time_machine.travel(dt.datetime(2027, 3, 1, 12, 0), tick=False)
def test_before_retention_ends_only_contact_and_bank_account_go(world, clerk):
    row = _paid_employee(clerk, world.company)
    net_before = list(Payslip.objects.filter(employee=row).values_list("net_cents", flat=True))
    response = world.client(Role.PAYROLL_CLERK).post(
        f"/api/v1/payroll/employees/{row.pk}/personal-data/erase"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body["erased"]) == ["bank_account", "contact"]
    kept = {k["key"]: k for k in body["kept"]}
    # Vouchers: 6 years from the end of the year of payment (2026).
    assert kept["tax_cards"]["kept_until"] == "2032-12-31"
    # No books in Tase: the fiscal year of 31.3.2026 may end by 31.12.2027; + 10 years.
    assert kept["payslips"]["kept_until"] == "2037-12-31"
    assert kept["employment"]["kept_until"] == "2036-04-30"  # work certificate, TSL 6:7 §
    assert kept["identity"]["kept_until"] == "2037-12-31"
    again = Employee.objects.get(pk=row.pk)
    assert (again.iban, again.city, again.email) == ("", "", "")
    assert again.identity_code == CODE and again.erased_at is None
    assert TaxCard.objects.filter(employee=row).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT iban FROM payroll_employee WHERE id = %s", [row.pk])
        assert cursor.fetchone()[0] == ""
    # Nothing more may go yet: refused, naming the next date.
    with pytest.raises(ValidationError, match=r"31\.12\.2032"):
        services.erase_employee_data(clerk, row)
    assert list(Payslip.objects.filter(employee=row).values_list("net_cents", flat=True)) == (
        net_before
    )
    event = AuditEvent.objects.filter(action="erase_personal_data").get()
    assert event.changes["erased"][1] == ["bank_account", "contact"]


def test_after_every_retention_the_person_is_pseudonymised_and_the_money_stays(world, clerk):
    row = _paid_employee(clerk, world.company)
    net_before = sum(Payslip.objects.filter(employee=row).values_list("net_cents", flat=True))
    with time_machine.travel(dt.datetime(2033, 1, 2, 12, 0), tick=False):
        plan = services.erase_employee_data(clerk, row)
        assert {h.key for h in plan.erasable} == {"contact", "bank_account", "tax_cards"}
        assert not TaxCard.objects.filter(employee=row).exists()
    with time_machine.travel(dt.datetime(2038, 1, 2, 12, 0), tick=False):
        plan = services.erase_employee_data(clerk, row)
        assert {"identity", "payslips", "employment"} <= {h.key for h in plan.erasable}
    again = Employee.objects.get(pk=row.pk)
    assert again.identity_code == "" and again.first_name == "" and again.erased_at is not None
    assert again.birth_date == dt.date(1900, 1, 1) and "Sari" not in str(again)
    earnings = IncomesRegisterReport.objects.filter(kind="earnings")
    assert earnings.exists() and not earnings.exclude(xml="").exists()
    assert (
        sum(Payslip.objects.filter(employee=row).values_list("net_cents", flat=True)) == net_before
    )
    with pytest.raises(ValidationError):
        services.erase_employee_data(clerk, row)


@time_machine.travel(dt.datetime(2027, 3, 1, 12, 0), tick=False)
def test_page_erases_after_the_confirmation_only(world, clerk):
    row = _paid_employee(clerk, world.company)
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/payroll/employees/{row.pk}/personal-data/erase/"
    client.post(url)
    assert Employee.objects.get(pk=row.pk).iban == IBAN
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert Employee.objects.get(pk=row.pk).iban == ""


def test_another_tenants_employee_answers_404(world, clerk):
    row = _paid_employee(clerk, world.company)
    other = world.client(Role.PAYROLL_CLERK, other=True)
    for url in (
        f"/payroll/employees/{row.pk}/personal-data/",
        f"/payroll/employees/{row.pk}/personal-data.json",
        f"/payroll/employees/{row.pk}/personal-data.pdf",
        f"/api/v1/payroll/employees/{row.pk}/personal-data",
        f"/api/v1/payroll/employees/{row.pk}/personal-data/export",
        f"/api/v1/payroll/employees/{row.pk}/personal-data/export.pdf",
    ):
        assert other.get(url).status_code == 404, url
    for url in (
        f"/payroll/employees/{row.pk}/personal-data/erase/",
        f"/api/v1/payroll/employees/{row.pk}/personal-data/erase",
    ):
        assert other.post(url, {"confirm": "1"}).status_code == 404, url
    assert Employee.objects.get(pk=row.pk).iban == IBAN
    assert not AuditEvent.objects.filter(action="export_personal_data").exists()


def test_roles_without_the_permission_are_refused(world, clerk):
    row = _paid_employee(clerk, world.company)
    for role in (Role.ACCOUNTANT, Role.VIEWER, Role.EMPLOYEE, Role.CONSULTANT):
        client = world.client(role)
        assert client.get(f"/payroll/employees/{row.pk}/personal-data.json").status_code in (
            403,
            404,
        ), role
        response = client.post(f"/api/v1/payroll/employees/{row.pk}/personal-data/erase")
        assert response.status_code in (403, 404), role
    main_user = world.client(Role.MAIN_USER)
    assert main_user.get(f"/payroll/employees/{row.pk}/personal-data/").status_code == 200
