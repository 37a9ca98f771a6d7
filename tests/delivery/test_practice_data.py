"""A test company worth testing in (issue 13, item 2): the copy of production carries its
configuration and a month of practice data (sales, purchases, a pay run of two made-up
employees); a reset restores that state; the project page links to it; what the practice data
holds is not counted as the customer's testing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tase.core.roles import Role
from tase.delivery import checks, selectors, services
from tase.delivery.services import practice_data
from tase.ledger import services as ledger
from tase.ledger.models import FiscalYear, Voucher
from tase.ledger.system import SystemActor
from tase.payroll.models import Employee, PayRun
from tase.sales.models import Customer, Invoice

from .factories import project
from .test_api import API, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(world):
    """Customer A's real company with the limited-company chart and open fiscal years covering
    last month and this one."""
    system = SystemActor()
    ledger.apply_chart(system, world.company, "limited-company")
    today = timezone.localdate()
    for year in sorted({today.year - 1, today.year}):
        ledger.create_fiscal_year(
            system, world.company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
        )
    return world.company


def _make(world):
    p = project(world)
    services.create_project_test_environment(world.actor(Role.PROJECT_LEAD), p, world.company)
    p.refresh_from_db()
    return p


def test_test_company_is_production_configuration_with_a_month_of_practice(world, production):
    p = _make(world)
    test = p.test_company
    assert test.is_test_environment
    # configuration copied
    assert FiscalYear.objects.filter(company=test).count() == 2
    assert test.accounts.count() == production.accounts.count()
    # a month of sales, purchases and a pay run of two made-up employees
    start, end = practice_data._month(timezone.localdate())
    invoices = Invoice.objects.filter(company=test)
    assert invoices.count() == len(practice_data.INVOICES) == p.test_seed["sales_invoices"]
    assert all(start <= i.invoice_date <= end and i.number for i in invoices)
    assert p.test_seed["payments"] == 3
    assert Customer.objects.filter(company=test).count() == 3
    purchases = Voucher.objects.filter(company=test, series__code="OL", date__gte=start)
    assert purchases.count() >= 4 and p.test_seed["purchases"] == len(practice_data.PURCHASES)
    assert Employee.objects.filter(company=test).count() == 2
    run = PayRun.objects.get(company=test)
    assert run.period_start == start and run.calculated_at is not None
    assert run.payslips.count() == 2
    assert p.test_seed["pay_runs"] == 1 and p.test_seeded_at
    # production got none of it
    assert not Invoice.objects.filter(company=production).exists()
    assert not PayRun.objects.filter(company=production).exists()
    # the practice data is not the customer's testing
    assert all(row["count"] == 0 for row in selectors.customer_tested_detail(p))
    assert not checks.customer_tested(p)


def test_reset_restores_the_practice_state(world, production):
    p = _make(world)
    first = p.test_company
    new = services.reset_test_environment(world.actor(Role.PROJECT_LEAD), p)
    assert new.pk != first.pk
    assert Invoice.objects.filter(company=new).count() == len(practice_data.INVOICES)
    assert PayRun.objects.filter(company=new).count() == 1
    p.refresh_from_db()
    assert p.test_seed["sales_invoices"] == len(practice_data.INVOICES)


def test_customer_testing_counts_after_the_practice_data(world, production):
    p = _make(world)
    test = p.test_company
    ledger.post_voucher(
        world.actor(Role.MAIN_USER),
        test,
        date=timezone.localdate(),
        series="MU",
        description="Oma kokeilu",
        lines=[
            {"account": "1910", "debit": "10.00"},
            {"account": "1700", "credit": "10.00"},
        ],
    )
    assert checks.customer_tested(p)


def test_project_page_links_and_api_tells_the_practice_data(world, production):
    p = _make(world)
    page = world.client(Role.MAIN_USER).get(reverse("delivery:project", args=[p.pk])).text
    assert reverse("company_detail", args=[p.test_company_id]) in page
    assert 'data-testid="practice-data"' in page
    body = client_for(world.users[Role.PROJECT_LEAD]).get(f"{API}/projects/{p.pk}/test-environment")
    assert body.status_code == 200
    assert body.json()["practice_data"]["sales_invoices"] == len(practice_data.INVOICES)
    other = client_for(world.other_users[Role.MAIN_USER])
    assert other.get(f"{API}/projects/{p.pk}/test-environment").status_code == 404


def test_a_bare_company_still_gets_a_test_copy(world):
    """No chart, no fiscal year: the copy is made, the practice data is left out."""
    p = _make(world)
    assert p.test_company_id and p.test_seed["sales_invoices"] == 0
    assert p.test_seed["purchases"] == 0
