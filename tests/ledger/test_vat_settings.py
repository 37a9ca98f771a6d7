"""The VAT period and method (cash-based VAT) on the fiscal years page and in the API."""

import pytest

from tase.core.roles import Role
from tase.ledger.models import Account, LedgerSettings

pytestmark = pytest.mark.django_db


def test_api_reads_and_changes_the_vat_settings(world, books):
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{books.pk}/vat-settings"
    assert client.get(url).json() == {
        "vat_period": "month",
        "cash_basis_vat": False,
        "cash_basis_turnover_limit": "500000.00",
    }
    response = client.patch(
        url, {"cash_basis_vat": True, "vat_period": "quarter"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["cash_basis_vat"] and response.json()["vat_period"] == "quarter"
    row = LedgerSettings.objects.get(company=books)
    assert row.cash_basis_vat and row.vat_period == "quarter"
    bad = client.patch(url, {"vat_period": "week"}, content_type="application/json")
    assert bad.status_code == 422


def test_api_refuses_a_taken_number_and_writes_nothing(world, books):
    Account.objects.filter(company=books, number="2972").update(role="")
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{books.pk}/vat-settings"
    response = client.patch(
        url, {"vat_period": "year", "cash_basis_vat": True}, content_type="application/json"
    )
    assert response.status_code == 422 and "2972" in response.content.decode()
    assert LedgerSettings.objects.get(company=books).vat_period == "month"


def test_api_is_walled_and_needs_the_right(world, books):
    url = f"/api/v1/ledger/companies/{books.pk}/vat-settings"
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(url).status_code == 404
    assert (
        other.patch(url, {"cash_basis_vat": True}, content_type="application/json").status_code
        == 404
    )
    viewer = world.client(Role.VIEWER)
    assert viewer.get(url).status_code == 200
    assert (
        viewer.patch(url, {"cash_basis_vat": True}, content_type="application/json").status_code
        == 403
    )
    assert not LedgerSettings.objects.get(company=books).cash_basis_vat


def test_fiscal_years_page_switches_the_method(world, books):
    client = world.client(Role.ACCOUNTANT)
    url = f"/ledger/{books.pk}/years/"
    page = client.get(url).content.decode()
    assert 'data-testid="vat-method"' in page and "500\xa0000,00\xa0€" in page
    response = client.post(url, {"action": "vat_method", "vat_method": "cash"})
    assert response.status_code == 302
    assert LedgerSettings.objects.get(company=books).cash_basis_vat
    page = client.get(url).content.decode()
    assert '<option value="cash" selected>' in page
