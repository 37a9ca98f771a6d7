"""The VAT rate follows the date of delivery, not the voucher date (AVL 15 §), across the
reduced rate's change from 14 % to 13,5 % on 1.1.2026; and self-assessed purchases carry the
reduced rates too."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tase.core.roles import Role
from tase.ledger import selectors, services
from tase.ledger.models import Entry, Voucher

JANUARY = dt.date(2026, 1, 12)
DECEMBER_DELIVERY = dt.date(2025, 12, 15)


def food_sale(delivery=None, **extra):
    """114,00 € gross at the reduced rate: VAT 14,00 € at 14 %, 13,56 € at 13,5 %."""
    return {
        "date": JANUARY,
        "series": "ML",
        "description": "Ruokamyynti",
        "lines": [
            {"account": "1910", "debit": "114.00"},
            {"account": "3000", "credit": "114.00", "vat_code": "S-R", "delivery_date": delivery},
        ],
        **extra,
    }


def vat_of(voucher) -> int:
    return -sum(e.amount_cents for e in voucher.entries.all() if e.is_vat)


def test_the_voucher_date_decides_without_a_delivery_date(books, accountant):
    voucher = services.post_voucher(accountant, books, **food_sale())
    assert vat_of(voucher) == 1356


def test_a_december_delivery_invoiced_in_january_keeps_14_percent(books, accountant):
    voucher = services.post_voucher(accountant, books, **food_sale(DECEMBER_DELIVERY))
    assert vat_of(voucher) == 1400
    dated = {e.account.number: e.delivery_date for e in voucher.entries.select_related("account")}
    assert dated["3000"] == DECEMBER_DELIVERY  # the base entry
    assert dated["1910"] is None  # no VAT code: no delivery date
    assert Entry.objects.filter(voucher=voucher, is_vat=True).get().delivery_date == (
        DECEMBER_DELIVERY
    )
    # The return counts it in the voucher's period, at the rate of the delivery.
    figures = selectors.vat_return(books, dt.date(2026, 1, 1), dt.date(2026, 1, 31)).figures
    assert figures["302"] == 1400


def test_a_delivery_date_equal_to_the_voucher_date_is_not_stored(books, accountant):
    voucher = services.post_voucher(accountant, books, **food_sale(JANUARY))
    assert not voucher.entries.filter(delivery_date__isnull=False).exists()


def test_a_bad_delivery_date_names_the_line(books, accountant):
    with pytest.raises(ValidationError, match=r"Line 2: the delivery date “15\.13\.2025”"):
        services.post_voucher(accountant, books, **food_sale("15.13.2025"))
    assert not Voucher.objects.filter(company=books).exists()


def test_reversal_keeps_the_delivery_date_and_the_vat(books, accountant):
    voucher = services.post_voucher(accountant, books, **food_sale(DECEMBER_DELIVERY))
    reversal = services.reverse_voucher(accountant, voucher, date=dt.date(2026, 1, 20))
    assert vat_of(reversal) == -1400
    assert set(reversal.entries.values_list("delivery_date", flat=True)) == {
        None,
        DECEMBER_DELIVERY,
    }


def test_draft_keeps_the_delivery_date_until_posted(books, accountant):
    sale = food_sale(DECEMBER_DELIVERY)
    draft = services.save_draft(
        accountant,
        books,
        date=sale["date"],
        series="ML",
        description="Luonnos",
        lines=sale["lines"],
    )
    posted = services.post_draft(accountant, draft)
    assert vat_of(posted) == 1400


def test_api_takes_and_shows_the_delivery_date(world, books):
    client = world.client(Role.ACCOUNTANT)
    body = food_sale(DECEMBER_DELIVERY.isoformat())
    body["date"] = JANUARY.isoformat()
    response = client.post(
        f"/api/v1/ledger/companies/{books.pk}/vouchers", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    voucher = client.get(
        f"/api/v1/ledger/companies/{books.pk}/vouchers/{response.json()['id']}"
    ).json()
    vat_lines = [e for e in voucher["entries"] if e["is_vat"]]
    assert vat_lines[0]["credit"] == "14.00"
    assert vat_lines[0]["delivery_date"] == "2025-12-15"


def test_voucher_form_takes_the_delivery_date(world, books):
    client = world.client(Role.ACCOUNTANT)
    response = client.post(
        reverse("ledger:voucher_create", args=[books.pk]),
        {
            "date": "2026-01-12",
            "series": "ML",
            "description": "Lomakkeelta",
            "line_count": "6",
            "account_0": "1910",
            "debit_0": "114,00",
            "account_1": "3000",
            "credit_1": "114,00",
            "vat_1": "S-R",
            "delivery_1": "15.12.2025",  # the Finnish way, as a person types it
            "action": "post",
        },
    )
    assert response.status_code == 302
    assert vat_of(Voucher.objects.get(description="Lomakkeelta")) == 1400


CSV = """voucher,date,series,account,debit,credit,vat_code,delivery_date
1,12.1.2026,ML,1910,114.00,,,
1,12.1.2026,ML,3000,,114.00,S-R,15.12.2025
2,12.1.2026,ML,1910,114.00,,,
2,12.1.2026,ML,3000,,114.00,S-R,
"""


def test_csv_import_reads_the_delivery_date(books, system):
    result = services.import_vouchers(system, books, CSV.encode())
    assert result["posted"] == 2, result
    vouchers = Voucher.objects.filter(company=books).order_by("number")
    assert [vat_of(v) for v in vouchers] == [1400, 1356]


def test_csv_import_names_a_bad_delivery_date(books, system):
    bad = CSV.replace("15.12.2025", "joulukuu").encode()
    with pytest.raises(ValidationError, match="Line 3: delivery date “joulukuu” is not a date"):
        services.import_vouchers(system, books, bad)
    assert not Voucher.objects.filter(company=books).exists()


@pytest.mark.parametrize(
    ("code", "tax_field", "base_field", "vat"),
    [
        ("P-EUG-R", "305", "313", 1350),
        ("P-EUG-R2", "305", "313", 1000),
        ("P-EUS-R", "306", "314", 1350),
        ("P-IMP-R2", "304", "310", 1000),
    ],
)
def test_self_assessed_purchases_at_the_reduced_rates(
    books, accountant, code, tax_field, base_field, vat
):
    services.post_voucher(
        accountant,
        books,
        date=dt.date(2026, 2, 3),
        series="OL",
        description=code,
        lines=[
            {"account": "4100", "debit": "100", "vat_code": code},
            {"account": "2870", "credit": "100"},
        ],
    )
    figures = selectors.vat_return(books, dt.date(2026, 2, 1), dt.date(2026, 2, 28)).figures
    assert figures[tax_field] == vat
    assert figures[base_field] == 10000
    assert figures["307"] == vat  # deductible in full
    assert figures["308"] == 0


def test_a_batch_keeps_each_days_rate(books, accountant):
    """A batch reads each VAT rate once per (rate, day) and remembers it for the batch: the
    days on either side of the change keep their own rates, in any order."""
    deliveries = [None, DECEMBER_DELIVERY, None, DECEMBER_DELIVERY]
    posted = services.post_vouchers(
        accountant, books, [services.NewVoucher(**food_sale(d)) for d in deliveries]
    )
    assert [vat_of(v) for v in posted] == [1356, 1400, 1356, 1400]
