"""Fixed assets: the register, the depreciation run and disposals (ledger.services.fixed_assets)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.models import AssetDepreciation, FixedAsset, Voucher

pytestmark = pytest.mark.django_db


def machine(**changes):
    fields = {
        "number": "K1",
        "name": "Sorvi",
        "group": "machinery",
        "asset_account": "1150",
        "expense_account": "6800",
        "acquired": dt.date(2026, 1, 20),
        "in_use": dt.date(2026, 2, 3),
        "cost": Decimal("12000.00"),
        "method": "straight_line",
        "years": 5,
    }
    return fields | changes


def balance(company, number):
    from tase.ledger.models import Entry

    return sum(
        Entry.objects.filter(company=company, account__number=number).values_list(
            "amount_cents", flat=True
        )
    )


def buy(company, actor, amount="12000.00", day=dt.date(2026, 1, 20)):
    """The purchase itself is posted like any other (here straight from the bank)."""
    services.post_voucher(
        actor,
        company,
        date=day,
        series="MU",
        description="Sorvin osto",
        lines=[
            {"account": "1150", "debit": Decimal(amount)},
            {"account": "1910", "credit": Decimal(amount)},
        ],
    )


def test_create_asset_is_audited(books, accountant):
    asset = services.create_fixed_asset(accountant, books, **machine())
    assert asset.cost_cents == 1_200_000 and asset.years == 5
    assert AuditEvent.objects.filter(action="create", object_id=str(asset.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"group": ""}, "group"),
        ({"asset_account": "3000"}, "asset_account"),
        ({"asset_account": "9999"}, "asset_account"),
        ({"expense_account": "1150"}, "expense_account"),
        ({"cost": "12,345"}, "cost"),
        ({"cost": "0"}, "cost"),
        ({"years": None}, "years"),
        ({"method": "reducing_balance", "rate": "0"}, "rate"),
        ({"method": "reducing_balance", "rate": "12.345"}, "rate"),
        ({"method": "sum_of_digits"}, "method"),
        ({"in_use": dt.date(2026, 1, 1)}, "in_use"),
        ({"name": " "}, "name"),
        ({"number": "K" * 21}, "number"),
        ({"cost": "10000000000000.01"}, "cost"),
    ],
)
def test_bad_asset_names_the_field_and_writes_nothing(books, accountant, changes, field):
    with pytest.raises(ValidationError) as error:
        services.create_fixed_asset(accountant, books, **machine(**changes))
    assert field in error.value.message_dict
    assert not FixedAsset.objects.exists()


def test_a_non_balance_sheet_account_is_refused_by_name(books, accountant):
    with pytest.raises(ValidationError) as error:
        services.create_fixed_asset(accountant, books, **machine(asset_account="3000"))
    assert error.value.message_dict["asset_account"] == [
        "Account 3000 is not a balance-sheet asset account."
    ]


def test_viewer_cannot_create(books, world):
    with pytest.raises(PermissionDenied):
        services.create_fixed_asset(world.actor(Role.VIEWER), books, **machine())


def test_run_posts_one_voucher_and_never_twice(books, accountant):
    lathe = services.create_fixed_asset(accountant, books, **machine())
    services.create_fixed_asset(
        accountant,
        books,
        **machine(
            number="K2",
            name="Trukki",
            method="reducing_balance",
            years=None,
            rate="25",
            cost=Decimal("10000.00"),
            in_use=dt.date(2026, 3, 1),
            acquired=dt.date(2026, 3, 1),
        ),
    )
    voucher = services.run_depreciation(accountant, books, dt.date(2026, 4, 30))
    # Lathe: 12 000 € / 60 = 200 € a month, Feb-Apr = 600 €.
    # Truck: 10 000 € x 25 % / 12 = 208,333… → 208,33 € a month, Mar-Apr = 416,66 €.
    assert voucher.series.code == "MU" and voucher.date == dt.date(2026, 4, 30)
    texts = sorted((e.account.number, e.amount_cents, e.text) for e in voucher.entries.all())
    assert texts == [
        ("1150", -60_000, "K1 Sorvi"),
        ("1150", -41_666, "K2 Trukki"),
        ("6800", 41_666, "K2 Trukki"),
        ("6800", 60_000, "K1 Sorvi"),
    ]
    assert AssetDepreciation.objects.filter(asset=lathe).count() == 3
    assert services.depreciated_cents(lathe) == 60_000
    with pytest.raises(ValidationError) as error:
        services.run_depreciation(accountant, books, dt.date(2026, 4, 30))
    assert "until" in error.value.message_dict
    second = services.run_depreciation(accountant, books, dt.date(2026, 5, 31))
    assert sorted(e.amount_cents for e in second.entries.filter(account__number="6800")) == [
        20_000,
        20_833,
    ]
    assert AuditEvent.objects.filter(action="depreciation_run").count() == 2


def test_run_into_a_locked_period_writes_nothing(books, accountant, system):
    services.create_fixed_asset(accountant, books, **machine())
    services.lock_period(system, books, dt.date(2026, 4, 30))
    with pytest.raises(ValidationError) as error:
        services.run_depreciation(accountant, books, dt.date(2026, 4, 30))
    assert "locked" in error.value.message_dict["until"][0]
    assert not AssetDepreciation.objects.exists() and not Voucher.objects.exists()


def test_run_must_end_on_a_month_end(books, accountant):
    services.create_fixed_asset(accountant, books, **machine())
    with pytest.raises(ValidationError) as error:
        services.run_depreciation(accountant, books, dt.date(2026, 4, 15))
    assert "until" in error.value.message_dict


def test_disposal_posts_the_gain(books, accountant):
    buy(books, accountant)
    lathe = services.create_fixed_asset(accountant, books, **machine())
    services.run_depreciation(accountant, books, dt.date(2026, 6, 30))  # 5 x 200 € = 1 000 €
    with pytest.raises(ValidationError) as error:  # July not depreciated yet
        services.dispose_fixed_asset(accountant, books, lathe, date=dt.date(2026, 8, 10), price="0")
    assert "date" in error.value.message_dict
    services.dispose_fixed_asset(accountant, books, lathe, date=dt.date(2026, 7, 10), price="11500")
    lathe.refresh_from_db()
    # Residual 11 000 €; sold for 11 500 €: gain 500 €; the asset account is cleared.
    assert balance(books, "1150") == 0
    assert balance(books, "3800") == -50_000
    assert balance(books, "1700") == 1_150_000
    assert lathe.disposed == dt.date(2026, 7, 10) and lathe.disposal_price_cents == 1_150_000
    with pytest.raises(ValidationError):
        services.dispose_fixed_asset(accountant, books, lathe, date=dt.date(2026, 7, 11), price="1")
    # A disposed asset is not depreciated any more.
    with pytest.raises(ValidationError):
        services.run_depreciation(accountant, books, dt.date(2026, 9, 30))


def test_scrapping_posts_the_loss(books, accountant):
    buy(books, accountant)
    lathe = services.create_fixed_asset(accountant, books, **machine(in_use=dt.date(2026, 2, 1)))
    services.dispose_fixed_asset(accountant, books, lathe, date=dt.date(2026, 2, 20), price="0")
    assert balance(books, "8500") == 1_200_000
    assert balance(books, "1150") == 0


def test_api_creates_lists_runs_and_disposes(world, books):
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/ledger/companies/{books.pk}"
    body = machine(acquired="2026-01-20", in_use="2026-02-03", cost="12000.00")
    created = client.post(f"{base}/fixed-assets", body, content_type="application/json")
    assert created.status_code == 201, created.content
    bad = client.post(
        f"{base}/fixed-assets",
        body | {"number": "K2", "group": ""},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "group" in str(bad.json())
    run = client.post(
        f"{base}/depreciation-runs", {"until": "2026-03-31"}, content_type="application/json"
    )
    assert run.status_code == 201 and run.json()["amount"] == "400.00"
    again = client.post(
        f"{base}/depreciation-runs", {"until": "2026-03-31"}, content_type="application/json"
    )
    assert again.status_code == 422 and "until" in str(again.json())
    listed = client.get(f"{base}/fixed-assets").json()
    assert [(a["number"], a["depreciated"], a["residual"]) for a in listed] == [
        ("K1", "400.00", "11600.00")
    ]
    asset_id = listed[0]["id"]
    sold = client.post(
        f"{base}/fixed-assets/{asset_id}/disposal",
        {"date": "2026-04-02", "price": "11000.00"},
        content_type="application/json",
    )
    assert sold.status_code == 200 and sold.json()["residual"] == "0.00"
    assert balance(books, "8500") == 60_000


def test_api_list_queries_do_not_grow_with_assets(world, books, accountant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{books.pk}/fixed-assets"
    counts = []
    for numbers, until in (
        (range(1, 3), dt.date(2026, 2, 28)),
        (range(3, 9), dt.date(2026, 3, 31)),
    ):
        for number in numbers:
            services.create_fixed_asset(accountant, books, **machine(number=f"K{number}"))
        services.run_depreciation(accountant, books, until)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts.append(len(queries))
    assert len(response.json()) == 8
    assert counts[0] == counts[1]


def test_tenant_wall(world, books, accountant):
    asset = services.create_fixed_asset(accountant, books, **machine())
    other = world.client(Role.ACCOUNTANT, other=True)
    base = f"/api/v1/ledger/companies/{books.pk}"
    assert other.get(f"{base}/fixed-assets").status_code == 404
    assert (
        other.post(
            f"{base}/depreciation-runs", {"until": "2026-03-31"}, content_type="application/json"
        ).status_code
        == 404
    )
    other_base = f"/api/v1/ledger/companies/{world.other_company.pk}"
    disposal = other.post(
        f"{other_base}/fixed-assets/{asset.pk}/disposal",
        {"date": "2026-04-02", "price": "1"},
        content_type="application/json",
    )
    assert disposal.status_code in (404,)
    assert not AssetDepreciation.objects.exists()
    asset.refresh_from_db()
    assert asset.disposed is None


def page(company):
    return f"/ledger/{company.pk}/fixed-assets/"


def test_page_adds_runs_and_shows_the_specification(world, books):
    client = world.client(Role.ACCOUNTANT)
    form = machine(acquired="2026-01-20", in_use="2026-02-03", cost="12 000,00") | {
        "action": "create"
    }
    assert client.post(page(books), form).status_code == 302
    response = client.post(page(books), {"action": "run", "until": "2026-03"})
    assert response.status_code == 200 and len(response.context["errors"]) == 1
    assert not AssetDepreciation.objects.exists()
    assert (
        client.post(page(books), {"action": "run", "until": "2026-03", "confirm": "1"}).status_code
        == 302
    )
    html = client.get(page(books)).content.decode()
    assert "K1 Sorvi" in html and "1150" in html
    assert "11\xa0600,00\xa0€" in html  # residual 12 000 € - Feb-Mar 2 x 200 €


def test_page_names_the_missing_group_and_keeps_the_form(world, books):
    client = world.client(Role.ACCOUNTANT)
    form = machine(acquired="2026-01-20", in_use="", cost="100") | {"action": "create", "group": ""}
    response = client.post(page(books), form)
    assert response.context["errors"] == ["Valitse omaisuusryhmä."]
    assert b'value="Sorvi"' in response.content
    assert not FixedAsset.objects.exists()


def test_page_tenant_wall_and_viewer(world, books, accountant):
    services.create_fixed_asset(accountant, books, **machine())
    assert world.client(Role.ACCOUNTANT, other=True).get(page(books)).status_code == 404
    viewer = world.client(Role.VIEWER)
    response = viewer.get(page(books))
    assert response.status_code == 200 and b"K1 Sorvi" in response.content
    assert b'name="action" value="run"' not in response.content
    assert (
        viewer.post(page(books), {"action": "run", "until": "2026-03", "confirm": "1"}).status_code
        == 403
    )
