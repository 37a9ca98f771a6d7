"""The year-end checklist's income tax and VAT items (ledger.services.income_tax,
ledger.year_end_checks)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tase.core.models import Company
from tase.core.roles import Role
from tase.ledger import closing, services
from tase.ledger.models import Entry, FiscalYear, Voucher
from tase.ledger.services import income_tax

from .conftest import sale

pytestmark = pytest.mark.django_db

YEAR_END = dt.date(2026, 12, 31)


def _row(company, code, on=YEAR_END):
    gate = closing.closing_gate(company, on, year_end=True)
    return next((row for row in gate.rows if row.code == code), None)


def profit(company, actor, amount="10000.00"):
    """A sale without VAT: the whole amount is profit."""
    services.post_voucher(actor, company, **sale(amount, vat=""))


def test_the_proposal_is_the_result_before_taxes_at_the_dated_rate(books, accountant):
    profit(books, accountant, "10000.00")
    services.post_voucher(
        accountant,
        books,
        date=dt.date(2026, 5, 2),
        series="MU",
        description="Vuokra",
        lines=[
            {"account": "7100", "debit": Decimal("2000.01")},
            {"account": "1910", "credit": Decimal("2000.01")},
        ],
    )
    year = FiscalYear.objects.get(company=books)
    assert income_tax.result_before_taxes(books, year) == 799_999
    cents, rate = income_tax.proposal(books, year)
    assert rate == Decimal("20") and cents == 160_000  # 7 999,99 x 20 % = 1 599,998 → 1 600,00


def test_booking_once_posts_9900_against_2960(books, accountant):
    profit(books, accountant)
    year = FiscalYear.objects.get(company=books)
    row = _row(books, "ledger.income_tax")
    assert row.value.book_cents == 0 and row.value.other_cents == 200_000
    voucher = services.book_income_tax(accountant, books, year, "1850,00")
    assert voucher.date == YEAR_END
    taxes = Entry.objects.filter(voucher=voucher, account__number="9900").get()
    assert taxes.amount_cents == 185_000
    assert _row(books, "ledger.income_tax").ok  # the booked amount is the accountant's
    # Booking the tax does not change the result before taxes it was proposed from.
    assert income_tax.result_before_taxes(books, year) == 1_000_000
    with pytest.raises(ValidationError) as error:
        services.book_income_tax(accountant, books, year)
    assert "booked already" in error.value.message_dict["fiscal_year"][0]


def test_no_tax_for_a_loss_or_a_sole_trader(books, accountant, world):
    year = FiscalYear.objects.get(company=books)
    assert _row(books, "ledger.income_tax") is None  # no profit
    with pytest.raises(ValidationError) as error:
        services.book_income_tax(accountant, books, year)
    assert "no income tax" in error.value.message_dict["amount"][0]
    profit(books, accountant)
    Company.objects.filter(pk=books.pk).update(form=Company.Form.SOLE_TRADER)
    books.refresh_from_db()
    assert _row(books, "ledger.income_tax") is None
    with pytest.raises(ValidationError):
        services.book_income_tax(accountant, books, year)
    assert not Voucher.objects.filter(source="income-tax").exists()


def test_unsettled_vat_holds_the_year_end_and_settling_clears_it(books, accountant):
    services.post_voucher(accountant, books, **sale("1255.00"))
    row = _row(books, "ledger.vat_settled")
    assert row.value.book_cents == 25_500 and not row.ok
    assert all(r.code != "ledger.vat_settled" for r in closing.closing_gate(books, YEAR_END).rows)
    services.settle_vat(
        accountant, books, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), lock=False
    )
    assert _row(books, "ledger.vat_settled").ok


def test_api_and_page_side_by_side(books, accountant, world):
    profit(books, accountant)
    year = FiscalYear.objects.get(company=books)
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{books.pk}/fiscal-years/{year.pk}/income-tax"
    shown = client.get(url).json()
    assert shown["applies"] and shown["proposal"] == "2000.00" and shown["voucher_id"] is None
    page = f"/ledger/{books.pk}/years/"
    html = client.get(page).content.decode()
    assert 'data-testid="income-tax"' in html and "2000,00" in html
    response = client.post(page, {"action": "income_tax", "year": year.pk, "amount": "1900"})
    assert response.status_code == 200 and response.context["errors"]  # not confirmed
    assert (
        client.post(
            page, {"action": "income_tax", "year": year.pk, "amount": "1900", "confirm": "1"}
        ).status_code
        == 302
    )
    assert client.get(url).json()["booked"] == "1900.00"
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 422
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(url).status_code == 404
    assert other.post(url, {}, content_type="application/json").status_code == 404


def test_the_year_closes_once_vat_is_settled_and_the_tax_booked(books, accountant):
    services.post_voucher(accountant, books, **sale("1255.00"))
    year = FiscalYear.objects.get(company=books)
    with pytest.raises(ValidationError) as error:
        services.close_fiscal_year(accountant, year)
    refused = " ".join(error.value.messages)
    assert "The VAT of every period is settled" in refused
    assert "The income tax for the year is booked" in refused
    services.settle_vat(
        accountant, books, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), lock=False
    )
    services.book_income_tax(accountant, books, year)
    services.close_fiscal_year(accountant, year)
    year.refresh_from_db()
    assert year.state == FiscalYear.State.CLOSED
