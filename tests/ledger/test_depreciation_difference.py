"""Tax depreciation and the depreciation difference (ledger.tax_depreciation and
services.book_depreciation_difference): computed per tax pool, booked once at the year end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import services, tax_depreciation
from tase.ledger.models import DepreciationDifference, Entry

from .test_fixed_assets import machine

pytestmark = pytest.mark.django_db
YEAR_END = dt.date(2026, 12, 31)


def balance(company, number):
    return sum(
        Entry.objects.filter(company=company, account__number=number).values_list(
            "amount_cents", flat=True
        )
    )


@pytest.fixture
def depreciated(books, accountant):
    """A lathe of 12 000 € in use from February 2026, five years straight-line: 2 200 € of
    planned depreciation in 2026 (11 months x 200 €); and a building, residential, 100 000 €
    in use from July at 2 % reducing balance: 6 x 166,67 € = 1 000,02 €."""
    services.create_fixed_asset(accountant, books, **machine())
    services.create_fixed_asset(
        accountant,
        books,
        **machine(
            number="R1",
            name="Toimisto",
            group="building_residential",
            asset_account="1120",
            acquired=dt.date(2026, 7, 1),
            in_use=dt.date(2026, 7, 1),
            cost=Decimal("100000.00"),
            method="reducing_balance",
            years=None,
            rate=Decimal("2"),
        ),
    )
    services.run_depreciation(accountant, books, YEAR_END)
    return books


def test_pools_give_the_evl_maximum_and_propose_the_difference(depreciated):
    year = depreciated.fiscal_years.get()
    rows = {row.pool: row for row in tax_depreciation.pools(depreciated, year)}
    lathe = rows["machinery"].year
    # EVL 30 §: 25 % of 12 000 € = 3 000 €; the plan took 2 200 €: 800 € more.
    assert (lathe.balance, lathe.maximum, lathe.planned) == (1_200_000, 300_000, 220_000)
    assert (lathe.least, lathe.most, lathe.change) == (0, 80_000, 80_000)
    (building,) = [row for pool, row in rows.items() if pool.startswith("asset:")]
    # EVL 34 §: 4 % of 100 000 € for a residential building = 4 000 €; the plan 1 000,02 €.
    assert building.year.maximum == 400_000 and building.year.planned == 100_002
    assert building.year.change == 299_998 and not building.booked


def test_booking_posts_the_appropriation_once(depreciated, accountant):
    year = depreciated.fiscal_years.get()
    building = next(
        r.pool for r in tax_depreciation.pools(depreciated, year) if r.pool != "machinery"
    )
    voucher = services.book_depreciation_difference(
        accountant, depreciated, year, {"machinery": "500,00"}
    )
    assert voucher.date == YEAR_END
    assert balance(depreciated, "9700") == 50_000 + 299_998
    assert balance(depreciated, "2400") == -(50_000 + 299_998)
    assert dict(DepreciationDifference.objects.values_list("pool", "change_cents")) == {
        "machinery": 50_000,
        building: 299_998,
    }
    assert AuditEvent.objects.filter(action="depreciation_difference").count() == 1
    rows = tax_depreciation.pools(depreciated, year)
    assert all(row.booked for row in rows)
    assert next(r for r in rows if r.pool == "machinery").year.deducted == 270_000
    with pytest.raises(ValidationError, match="already booked"):
        services.book_depreciation_difference(accountant, depreciated, year)


def test_next_year_may_release_what_accumulated(depreciated, accountant, system):
    year = depreciated.fiscal_years.get()
    services.book_depreciation_difference(accountant, depreciated, year)
    services.create_fiscal_year(
        system, depreciated, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)
    )
    services.run_depreciation(accountant, depreciated, dt.date(2027, 12, 31))
    following = depreciated.fiscal_years.get(start=dt.date(2027, 1, 1))
    lathe = next(r for r in tax_depreciation.pools(depreciated, following) if r.pool == "machinery")
    # Balance 12 000 - 3 000 = 9 000 €, maximum 2 250 €, plan 2 400 €: release 150 €.
    assert (lathe.year.balance, lathe.year.maximum, lathe.year.planned) == (
        900_000,
        225_000,
        240_000,
    )
    assert (lathe.year.accumulated, lathe.year.least, lathe.year.most) == (80_000, -80_000, -15_000)
    services.book_depreciation_difference(
        accountant,
        depreciated,
        following,
        {"machinery": "-150", other_pool(depreciated, following): "0"},
    )
    assert balance(depreciated, "2400") == -(80_000 + 299_998 - 15_000)


def other_pool(company, year):
    return next(r.pool for r in tax_depreciation.pools(company, year) if r.pool != "machinery")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"machinery": "800,01"}, "changes.machinery"),
        ({"machinery": "-0,01"}, "changes.machinery"),
        ({"machinery": "lots"}, "changes.machinery"),
        ({"asset:0": "1"}, "changes.asset:0"),
    ],
)
def test_a_change_outside_the_act_names_the_pool_and_writes_nothing(
    depreciated, accountant, changes, field
):
    year = depreciated.fiscal_years.get()
    with pytest.raises(ValidationError) as caught:
        services.book_depreciation_difference(accountant, depreciated, year, changes)
    assert field in caught.value.message_dict
    assert not DepreciationDifference.objects.exists() and balance(depreciated, "2400") == 0


def test_the_year_must_be_depreciated_first_and_viewers_cannot_book(books, accountant, world):
    services.create_fixed_asset(accountant, books, **machine())
    year = books.fiscal_years.get()
    with pytest.raises(ValidationError, match="depreciation according to plan"):
        services.book_depreciation_difference(accountant, books, year)
    with pytest.raises(PermissionDenied):
        services.book_depreciation_difference(world.actor(Role.VIEWER), books, year)


def test_api_and_page_side_by_side(world, depreciated):
    year = depreciated.fiscal_years.get()
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/ledger/companies/{depreciated.pk}"
    data = client.get(f"{base}/tax-depreciation?fiscal_year_id={year.pk}").json()
    machinery = next(p for p in data["pools"] if p["pool"] == "machinery")
    assert machinery["maximum"] == "3000.00" and machinery["change"] == "800.00"
    assert not machinery["booked"]

    page = client.get(reverse("ledger:fixed_assets", args=[depreciated.pk])).content.decode()
    assert 'data-testid="tax-pools"' in page and 'name="change:machinery" ' in page
    assert 'value="800,00"' in page

    response = client.post(
        f"{base}/depreciation-differences",
        {"fiscal_year_id": year.pk, "changes": {"machinery": "100.00"}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["voucher_number"]
    assert balance(depreciated, "2400") == -(10_000 + 299_998)


def test_page_books_with_the_confirmation(world, depreciated):
    year = depreciated.fiscal_years.get()
    client = world.client(Role.ACCOUNTANT)
    url = reverse("ledger:fixed_assets", args=[depreciated.pk])
    form = {"action": "difference", "fiscal_year": year.pk, "change:machinery": "800,00"}
    response = client.post(url, form)
    assert response.status_code == 200 and not DepreciationDifference.objects.exists()
    assert client.post(url, {**form, "confirm": "1"}).status_code == 302
    assert DepreciationDifference.objects.get(pool="machinery").change_cents == 80_000
    page = client.get(url).content.decode()
    assert "Book the depreciation difference" not in page


def test_other_tenants_get_404(world, depreciated):
    year = depreciated.fiscal_years.get()
    client = world.client(Role.ACCOUNTANT, other=True)
    base = f"/api/v1/ledger/companies/{depreciated.pk}"
    assert client.get(f"{base}/tax-depreciation?fiscal_year_id={year.pk}").status_code == 404
    response = client.post(
        f"{base}/depreciation-differences",
        {"fiscal_year_id": year.pk},
        content_type="application/json",
    )
    assert response.status_code == 404 and not DepreciationDifference.objects.exists()
