"""An asset bought before the first fiscal year in Tase carries its undepreciated tax value
(EVL 30 §) into the tax pool instead of its cost, and the excess of its book value over that
value is the depreciation difference accumulated before; entered on the page and the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tase.core.roles import Role
from tase.ledger import services, tax_depreciation
from tase.ledger.models import FixedAsset

from .test_fixed_assets import machine

pytestmark = pytest.mark.django_db

BEFORE = dict(acquired=dt.date(2022, 5, 1), in_use=dt.date(2022, 5, 1), cost=Decimal("8000.00"))


def _machinery(company):
    year = company.fiscal_years.get()
    return {row.pool: row for row in tax_depreciation.pools(company, year)}["machinery"].year


def test_the_pool_starts_from_the_tax_value(books, accountant):
    services.create_fixed_asset(
        accountant, books, **machine(**BEFORE, tax_opening=Decimal("6000.00"))
    )
    pool = _machinery(books)
    # 25 % of 6 000 €; the 2 000 € the books carry above the tax value accumulated before.
    assert (pool.balance, pool.maximum, pool.accumulated) == (600_000, 150_000, 200_000)
    assert pool.least == -200_000 and pool.most == 150_000


def test_without_it_the_cost_is_the_pool(books, accountant):
    services.create_fixed_asset(accountant, books, **machine(**BEFORE))
    pool = _machinery(books)
    assert (pool.balance, pool.accumulated) == (800_000, 0)


@pytest.mark.parametrize(
    "changes",
    [
        {"tax_opening": Decimal("100.00")},  # bought in 2026: no earlier taxation
        {**BEFORE, "tax_opening": Decimal("8000.01")},
        {**BEFORE, "tax_opening": Decimal("-1")},
        {**BEFORE, "tax_opening": "1,234"},
    ],
)
def test_a_wrong_tax_value_is_named(books, accountant, changes):
    with pytest.raises(ValidationError) as error:
        services.create_fixed_asset(accountant, books, **machine(**changes))
    assert "tax_opening" in error.value.message_dict
    assert not FixedAsset.objects.exists()


def test_page_and_api(world, books):
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{books.pk}/fixed-assets"
    body = {
        k: str(v) for k, v in machine(**BEFORE, number="K2", tax_opening=Decimal("6000.00")).items()
    }
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert Decimal(created.json()["tax_opening"]) == Decimal("6000.00")
    page = client.post(
        f"/ledger/{books.pk}/fixed-assets/",
        {"action": "create", **body, "number": "K3", "tax_opening": "5 000,00"},
    )
    assert page.status_code in (200, 302)
    assert FixedAsset.objects.get(number="K3").tax_opening_cents == 500_000
    form = client.get(f"/ledger/{books.pk}/fixed-assets/").content.decode()
    assert 'name="tax_opening"' in form
    other = world.client(Role.MAIN_USER, other=True)
    assert other.post(url, body, content_type="application/json").status_code == 404
