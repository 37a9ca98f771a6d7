"""Recurring invoices: periods in advance and in arrears, price changes, the run, and the
pages and API side by side (issue 14, item 5)."""

import datetime as dt
import itertools
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tase.core.roles import Role
from tase.rules import recurring as rules
from tase.sales import services
from tase.sales.models import Agreement, Invoice

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db


def _agreement(actor, company, **changes):
    data = {
        "customer_data": CUSTOMER,
        "name": "Ylläpitosopimus",
        "interval": 1,
        "timing": "advance",
        "start": dt.date(2026, 1, 1),
        "lines": lines(("Ylläpito", "1", "200.00", "S"), ("Lounas", "2", "10.00", "S-R")),
    }
    return services.create_agreement(actor, company, **(data | changes))


def test_monthly_in_advance_makes_one_sent_invoice_a_month(accountant, books):
    agreement = _agreement(accountant, books)
    made = services.generate_recurring(accountant, books, until=dt.date(2026, 3, 15))
    assert [(i.invoice_date, i.period_start, i.period_end) for i in made] == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    ]
    assert [i.number for i in made] == [1001, 1002, 1003]
    assert all(i.status == "sent" and i.voucher_id for i in made)
    assert "Ylläpitosopimus, jakso 1.1.2026\u201331.1.2026" in made[0].notes
    agreement.refresh_from_db()
    assert agreement.next_period == dt.date(2026, 4, 1)
    # a second run the same day makes nothing more
    assert services.generate_recurring(accountant, books, until=dt.date(2026, 3, 15)) == []


def test_quarterly_in_arrears_until_the_end_and_vat_of_the_period(accountant, books):
    _agreement(
        accountant, books, interval=3, timing="arrears", start=dt.date(2025, 10, 1),
        end=dt.date(2026, 5, 15),
    )  # fmt: skip
    made = services.generate_recurring(accountant, books, until=dt.date(2026, 12, 31), send=False)
    assert [(i.invoice_date, i.delivery_date) for i in made] == [
        (dt.date(2025, 12, 31), dt.date(2025, 12, 31)),
        (dt.date(2026, 3, 31), dt.date(2026, 3, 31)),
        (dt.date(2026, 5, 15), dt.date(2026, 5, 15)),
    ]
    assert all(i.is_draft for i in made)
    rates = [sorted(line.vat_rate for line in i.lines.all()) for i in made]
    assert rates[0] == [D("14.00"), D("25.50")] and rates[1] == [D("13.50"), D("25.50")]


def test_an_index_increase_applies_from_its_date(accountant, books):
    _agreement(accountant, books)
    services.generate_recurring(accountant, books, until=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError, match="Already invoiced"):
        services.change_prices(accountant, books, valid_from=dt.date(2026, 2, 1), percent="3")
    assert (
        services.change_prices(accountant, books, valid_from=dt.date(2026, 3, 1), percent="3,5")
        == 2
    )
    march, april = services.generate_recurring(accountant, books, until=dt.date(2026, 4, 1))
    assert march.period_start == dt.date(2026, 3, 1)
    prices = [line.unit_price for line in march.lines.all()]
    assert prices == [D("207.0000"), D("10.3500")]
    assert [line.unit_price for line in april.lines.all()] == prices


def test_a_failing_period_names_the_agreement_and_writes_nothing(accountant, books):
    _agreement(accountant, books, start=dt.date(2026, 12, 1))
    with pytest.raises(ValidationError, match=r"Ylläpitosopimus, period from 1\.1\.2027"):
        services.generate_recurring(accountant, books, until=dt.date(2027, 1, 5))  # no 2027 year
    assert not Invoice.objects.exists()
    assert Agreement.objects.get().next_period == dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"interval": 2}, "interval"),
        ({"timing": "later"}, "timing"),
        ({"end": dt.date(2025, 1, 1)}, "end"),
        ({"name": ""}, "name"),
        ({"lines": []}, "lines"),
    ],
)
def test_bad_agreements_name_the_field(accountant, books, changes, field):
    with pytest.raises(ValidationError) as error:
        _agreement(accountant, books, **changes)
    assert field in error.value.message_dict and not Agreement.objects.exists()


@given(
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
    interval=st.sampled_from([1, 3, 6, 12]),
    in_advance=st.booleans(),
)
def test_periods_are_contiguous_and_dated_by_timing(start, interval, in_advance):
    found = list(
        rules.periods(start, interval=interval, in_advance=in_advance,
                      until=start + dt.timedelta(days=800), anchor=start.day)
    )  # fmt: skip
    assert found and found[0].start == start
    for before, after in itertools.pairwise(found):
        assert after.start == before.end + dt.timedelta(days=1)
    for period in found:
        assert period.invoice_date == (period.start if in_advance else period.end)


def test_recurring_through_the_page_and_the_api_side_by_side(world, books):
    client = world.client(Role.ACCOUNTANT)
    customer = services.create_customer(world.actor(Role.ACCOUNTANT), books, **CUSTOMER)
    page = client.post(
        f"/sales/{books.pk}/recurring/",
        {"action": "create", "name": "Sivu", "customer": customer.pk, "interval": "1",
         "timing": "advance", "start": "2026-01-01", "line-0-description": "Palvelu",
         "line-0-quantity": "1", "line-0-unit_price": "100", "line-0-vat_code": "S"},
    )  # fmt: skip
    assert page.status_code == 302, page.content.decode()[-1500:]
    api = client.post(
        f"/api/v1/sales/companies/{books.pk}/agreements",
        {"customer_id": customer.pk, "name": "API", "start": "2026-01-01",
         "lines": [{"description": "Palvelu", "unit_price": "100", "vat_code": "S"}]},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 201 and api.json()["next_period"] == "2026-01-01"
    page = client.post(
        f"/sales/{books.pk}/recurring/",
        {"action": "prices", "valid_from": "2026-01-01", "percent": "10"},
    )
    assert page.status_code == 302
    api = client.post(
        f"/api/v1/sales/companies/{books.pk}/agreements/price-change",
        {"valid_from": "2026-01-01", "percent": "10", "agreement_ids": [api.json()["id"]]},
        content_type="application/json",
    )
    assert api.json() == {"lines_changed": 1}
    refused = client.post(
        f"/sales/{books.pk}/recurring/", {"action": "generate", "until": "2026-01-31"}
    )
    assert refused.status_code == 200 and not Invoice.objects.exists()
    page = client.post(
        f"/sales/{books.pk}/recurring/",
        {"action": "generate", "until": "2026-01-31", "send": "1", "confirm": "1"},
    )
    assert page.status_code == 302 and Invoice.objects.count() == 2
    grosses = sorted(i.gross_cents for i in Invoice.objects.all())
    assert grosses == [13805, 13805]  # 100 + 10 % + 10 % (both raised from 1.1.) + 25.5 % VAT
    api = client.post(
        f"/api/v1/sales/companies/{books.pk}/agreements/generate",
        {"until": "2026-02-01"},
        content_type="application/json",
    )
    assert api.status_code == 201 and len(api.json()) == 2
    assert {row["period_start"] for row in api.json()} == {"2026-02-01"}
    listed = client.get(f"/api/v1/sales/companies/{books.pk}/agreements").json()
    assert {a["next_period"] for a in listed} == {"2026-03-01"}


def test_recurring_stays_behind_the_tenant_wall(world, books, accountant):
    agreement = _agreement(accountant, books)
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(f"/sales/{books.pk}/recurring/").status_code == 404
    assert (
        other.post(
            f"/sales/{books.pk}/recurring/",
            {"action": "generate", "until": "2026-12-31", "confirm": "1"},
        ).status_code
        == 404
    )
    for path, body in (
        (f"companies/{books.pk}/agreements/generate", {"until": "2026-12-31"}),
        (f"agreements/{agreement.pk}/end", {"end": "2026-06-30"}),
        (
            f"companies/{books.pk}/agreements/price-change",
            {"valid_from": "2026-06-01", "percent": "5"},
        ),
    ):
        response = other.post(f"/api/v1/sales/{path}", body, content_type="application/json")
        assert response.status_code == 404, path
    assert other.get(f"/api/v1/sales/companies/{books.pk}/agreements").status_code == 404
    assert not Invoice.objects.exists()
