"""Payslips by email, linking an employee to a user, the start panel, state checks, copies."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tase.core.registry import COMPANY_COPIERS, STATE_CHECKS
from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import CompanyWageType, PayrollSettings
from tests.factories import CompanyFactory

from .factories import employee, pay_run


def test_approval_emails_payslips_to_those_who_agreed(
    world, clerk, django_capture_on_commit_callbacks
):
    employee(
        clerk,
        world.company,
        last_name="Yes",
        email="yes@example.com",
        email_payslips=True,
        language="en",
    )
    employee(clerk, world.company, last_name="No", email="no@example.com", email_payslips=False)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_pay_run(clerk, run)
    assert [m.to for m in mail.outbox] == [["yes@example.com"]]
    message = mail.outbox[0]
    assert message.subject.startswith("Payslip")
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content[:4] == b"%PDF"


def test_employee_is_linked_to_a_user_of_the_organization_by_email(world, clerk):
    worker = employee(clerk, world.company)
    me = world.users[Role.EMPLOYEE]
    services.update_employee(clerk, worker, user_email=me.email)
    worker.refresh_from_db()
    assert worker.user == me
    outsider = world.other_users[Role.EMPLOYEE]
    with pytest.raises(ValidationError) as error:
        services.update_employee(clerk, worker, user_email=outsider.email)
    assert "user_email" in error.value.message_dict


def test_start_panel_and_state_checks(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    html = world.client(Role.PAYROLL_CLERK).get("/").content.decode()
    assert 'data-panel="payroll"' in html
    assert not STATE_CHECKS["payroll.first_pay_run_calculated"].check(world.org)
    services.calculate_pay_run(clerk, run)
    assert STATE_CHECKS["payroll.first_pay_run_calculated"].check(world.org)
    assert not STATE_CHECKS["payroll.first_pay_run_approved"].check(world.org)
    services.approve_pay_run(clerk, run)
    assert STATE_CHECKS["payroll.first_pay_run_approved"].check(world.org)
    assert worker.payslips.exists()
    assert 'data-panel="payroll"' not in world.client(Role.ACCOUNTANT).get("/").content.decode()


def test_company_copier_copies_settings_and_wage_types(world, clerk):
    services.update_settings(clerk, world.company, accident_rate="0.8", group_life_rate="0.07",
                             tyel_rate="", above_unemployment_threshold=True, post_to_ledger=False)  # fmt: skip
    bonus = CompanyWageType.objects.get(company=world.company, code="bonus")
    services.update_wage_type(clerk, bonus, hidden=True, ledger_account="5001")
    target = CompanyFactory(organization=world.org)
    COMPANY_COPIERS["payroll"].copy(clerk, world.company, target)
    copied = PayrollSettings.objects.get(company=target)
    assert copied.accident_rate == Decimal("0.8") and copied.above_unemployment_threshold
    row = CompanyWageType.objects.get(company=target, code="bonus")
    assert row.hidden and row.ledger_account == "5001"


def test_settings_rates_are_checked(world, clerk):
    with pytest.raises(ValidationError) as error:
        services.update_settings(clerk, world.company, accident_rate="120", group_life_rate="0")
    assert "accident_rate" in error.value.message_dict


def test_salary_payment_file_for_an_approved_run(world, clerk):
    import xml.etree.ElementTree as ET

    from tase.formats.sepa_salary import NS

    employee(clerk, world.company, iban="FI2112345600000785")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    client = world.client(Role.PAYROLL_CLERK)
    url = f"/api/v1/payroll/pay-runs/{run.pk}/salary-file"
    assert client.get(url).status_code == 422  # not approved yet
    services.approve_pay_run(clerk, run)
    missing = client.get(url)
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == [
        "body",
        "payer_iban",
    ]
    with pytest.raises(ValidationError) as error:
        services.update_settings(
            clerk, world.company, payer_iban="FI00", accident_rate="0", group_life_rate="0"
        )
    assert "payer_iban" in error.value.message_dict
    services.update_settings(clerk, world.company, payer_iban="FI58 1017 1000 0001 22",
                             payer_bic="NDEAFIHH", accident_rate="0", group_life_rate="0")  # fmt: skip
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    amounts = [e.text for e in root.iterfind(f".//{{{NS}}}InstdAmt")]
    assert amounts == ["2513.35"]
    page = client.get(f"/payroll/runs/{run.pk}/sepa.xml")
    assert page.status_code == 200 and page["Content-Type"] == "application/xml"
    assert world.client(Role.CONSULTANT).get(url).status_code == 403


def test_salary_file_names_an_employee_without_iban(world, clerk):
    employee(clerk, world.company, first_name="Ilman", last_name="Tiliä")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    services.update_settings(
        clerk,
        world.company,
        payer_iban="FI5810171000000122",
        accident_rate="0",
        group_life_rate="0",
    )
    with pytest.raises(ValidationError) as error:
        services.salary_payment_file(clerk, run)
    assert "Ilman Tiliä" in error.value.message_dict["iban"][0]
