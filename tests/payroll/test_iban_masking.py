"""An employee's bank account is whole for those who manage payroll (they pay to it) and
masked for those who only view payroll (the vendor's support specialist): in the API's
employee, on the employee page and on the payslip page and PDF."""

import pytest

from tase.core import pdf
from tase.core.roles import Role
from tase.payroll import services

from .factories import employee, pay_run

IBAN = "FI2112345600000785"
MASKED = "FI** **** **** **07 85"


@pytest.fixture
def paid(world, clerk):
    row = employee(clerk, world.company, iban=IBAN)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    return row, run.payslips.get()


def test_viewers_only_role_has_payroll_view_without_manage():
    from tase.core.permissions import allowed

    assert allowed(Role.SUPPORT_SPECIALIST, "payroll.view")
    assert not allowed(Role.SUPPORT_SPECIALIST, "payroll.manage")


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.PAYROLL_CLERK, IBAN),
        (Role.MAIN_USER, IBAN),
        (Role.CONSULTANT, IBAN),
        (Role.SUPPORT_SPECIALIST, MASKED),
    ],
)
def test_the_api_shows_the_iban_by_role(world, paid, role, shown):
    row, _slip = paid
    client = world.client(role)
    assert client.get(f"/api/v1/payroll/employees/{row.pk}").json()["iban"] == shown
    listed = client.get(f"/api/v1/payroll/companies/{world.company.pk}/employees").json()
    assert [item["iban"] for item in listed["items"]] == [shown]


def test_the_employee_list_api_masks_without_a_query_per_employee(
    world, clerk, paid, django_assert_max_num_queries
):
    for n in range(5):
        employee(clerk, world.company, last_name=f"Lisä{n}", iban=IBAN)
    client = world.client(Role.SUPPORT_SPECIALIST)
    url = f"/api/v1/payroll/companies/{world.company.pk}/employees"
    client.get(url)  # sessions, caches
    with django_assert_max_num_queries(8):
        items = client.get(url).json()["items"]
    assert len(items) == 6 and {item["iban"] for item in items} == {MASKED}


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [(Role.PAYROLL_CLERK, IBAN, MASKED), (Role.SUPPORT_SPECIALIST, MASKED, IBAN)],
)
def test_the_employee_and_payslip_pages_show_the_iban_by_role(
    world, paid, role, shown, hidden, pdf_texts
):
    row, slip = paid
    client = world.client(role)
    for url in (f"/payroll/employees/{row.pk}/", f"/payroll/payslips/{slip.pk}/"):
        page = client.get(url)
        assert page.status_code == 200
        assert f'data-testid="iban">{shown}<' in page.text and hidden not in page.text
    assert client.get(f"/payroll/payslips/{slip.pk}/pdf/").status_code == 200
    printed = "\n".join(pdf_texts)
    assert shown in printed and hidden not in printed


def test_the_payslip_the_employee_gets_shows_their_own_account_whole(world, paid):
    _row, slip = paid
    from tase.payroll import pdf as payslip_pdf

    assert IBAN in "\n".join(pdf.page_texts(pdf.layout(payslip_pdf.payslip_html(slip))))
