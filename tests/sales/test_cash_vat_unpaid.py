"""Cash-based VAT, the rest: the invoice's mark (PDF in the customer's language, Finvoice) and
the outer limit — VAT still unpaid when 12 months have passed since the delivery is due for
that month (AVL 137 § 2 mom., HE 139/2016), recognised by a voucher the VAT return counts,
guarded by the closing gate, offered on a page and in the API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tase.core.roles import Role
from tase.formats import finvoice
from tase.ledger import closing
from tase.ledger import selectors as ledger_selectors
from tase.ledger import services as ledger
from tase.ledger.models import Entry, Voucher
from tase.ledger.system import SystemActor
from tase.rules import vat as vat_rules
from tase.sales import services
from tase.sales.pdf import invoice_pdf
from tase.sales.services import cash_vat, delivery

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db

PENDING, OUTPUT = "2972", "29391"
DELIVERY = dt.date(2025, 2, 27)
DUE_ON = dt.date(2026, 2, 27)  # 12 months after the delivery
# delivered in February 2025: 25.5 % of 300.00 and 14 % of 20.00
VAT_S, VAT_R = 7650, 280


@pytest.fixture
def cash_books(books):
    ledger.set_cash_basis_vat(SystemActor(), books, True)
    return books


def _send(actor, company, **changes):
    data = {
        "customer_data": CUSTOMER,
        "invoice_date": dt.date(2025, 3, 2),
        "delivery_date": DELIVERY,
        "payment_term_days": 14,
        "lines": lines(("Consulting", "3", "100.00", "S"), ("Lunch", "2", "10.00", "S-R")),
    }
    return services.send_invoice(actor, services.create_invoice(actor, company, **data | changes))


def _balance(company, number):
    rows = Entry.objects.filter(company=company, account__number=number)
    return sum(rows.values_list("amount_cents", flat=True))


def _figures(company, start, end):
    return ledger_selectors.vat_return(company, start, end).figures


# -- the mark -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "mark"),
    [
        ("fi", "Maksuperusteinen arvonlisävero"),
        ("sv", "Mervärdesskatt enligt betalningsprincipen"),
        ("en", "Cash-based VAT"),
    ],
)
def test_the_pdf_and_the_finvoice_carry_the_mark(accountant, cash_books, pdf_texts, language, mark):
    invoice = _send(accountant, cash_books, customer_data=CUSTOMER | {"language": language})
    invoice_pdf(invoice)
    assert mark in pdf_texts[0]
    data = finvoice.read_finvoice(delivery.finvoice_file(invoice))
    assert mark in data.notes
    assert {line.free_text for line in data.vat_lines} == {mark}


def test_an_accrual_invoice_has_no_mark(accountant, books, pdf_texts):
    invoice = _send(accountant, books)
    invoice_pdf(invoice)
    assert "Maksuperusteinen" not in pdf_texts[0]
    assert not any("Maksuperusteinen" in n for n in delivery.finvoice_invoice(invoice).notes)


# -- the outer limit ----------------------------------------------------------------------


def test_the_limit_runs_twelve_months_from_the_delivery():
    assert vat_rules.cash_basis_outer_limit(dt.date(2025, 2, 27)) == dt.date(2026, 2, 27)
    assert vat_rules.cash_basis_outer_limit(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert vat_rules.cash_basis_outer_limit(dt.date(2025, 12, 31)) == dt.date(2026, 12, 31)


def test_unpaid_vat_falls_due_in_the_month_twelve_months_after_delivery(accountant, cash_books):
    invoice = _send(accountant, cash_books)
    # a quarter paid in April 2025: its share is recognised then
    services.record_payment(accountant, invoice, date=dt.date(2025, 4, 10), amount="99.80")
    assert cash_vat.unpaid_due(cash_books, DUE_ON - dt.timedelta(days=1)) == []
    assert [i.pk for i in cash_vat.unpaid_due(cash_books, DUE_ON)] == [invoice.pk]

    done = services.cash_vat.recognise_unpaid(accountant, cash_books, until=dt.date(2026, 3, 31))
    assert [i.pk for i in done] == [invoice.pk]
    voucher = Voucher.objects.get(company=cash_books, source="sales.cash_vat")
    assert voucher.date == DUE_ON and voucher.source_ref == str(invoice.pk)
    # April 2025 holds the paid quarter's VAT, the February 2026 return the rest
    april = _figures(cash_books, dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    february = _figures(cash_books, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert (april["301"], april["302"]) == (1912, 70)  # 9980 / 39930 of each, half up
    assert (february["301"], february["302"]) == (VAT_S - 1912, VAT_R - 70)
    assert done[0].recognised_now_cents == february["301"] + february["302"]
    assert _balance(cash_books, PENDING) == 0
    assert _balance(cash_books, OUTPUT) == -(VAT_S + VAT_R)
    invoice.refresh_from_db()
    assert invoice.cash_vat_due_on == DUE_ON
    assert cash_vat.recognised_of(invoice) == invoice.vat_cents

    # a later payment recognises nothing more; running again posts nothing twice
    services.record_payment(accountant, invoice, date=dt.date(2026, 5, 4), amount="299.40")
    may = _figures(cash_books, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert (may["301"], may["302"]) == (0, 0)
    assert _balance(cash_books, OUTPUT) == -(VAT_S + VAT_R)
    assert services.cash_vat.recognise_unpaid(accountant, cash_books, until=DUE_ON) == []
    assert Voucher.objects.filter(company=cash_books, source="sales.cash_vat").count() == 1


def test_a_credit_note_after_the_limit_takes_all_the_vat_back(accountant, cash_books):
    invoice = _send(accountant, cash_books)
    services.cash_vat.recognise_unpaid(accountant, cash_books, until=DUE_ON)
    invoice.refresh_from_db()
    services.credit_invoice(accountant, invoice, date=dt.date(2026, 4, 6))
    april = _figures(cash_books, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert (april["301"], april["302"]) == (-VAT_S, -VAT_R)
    assert _balance(cash_books, PENDING) == 0 and _balance(cash_books, OUTPUT) == 0


def test_paid_credited_and_accrual_invoices_are_not_due(accountant, books):
    accrual = _send(accountant, books)
    ledger.set_cash_basis_vat(SystemActor(), books, True)
    paid = _send(accountant, books)
    services.record_payment(accountant, paid, date=dt.date(2025, 4, 1), amount="399.30")
    credited = _send(accountant, books)
    services.credit_invoice(accountant, credited, date=dt.date(2025, 4, 1))
    assert not accrual.cash_vat
    assert cash_vat.unpaid_due(books, dt.date(2026, 12, 31)) == []


def test_the_closing_gate_refuses_a_month_with_vat_waiting_past_the_limit(accountant, cash_books):
    _send(accountant, cash_books)
    row = next(
        r
        for r in closing.closing_gate(cash_books, dt.date(2026, 2, 28)).rows
        if r.code == "sales.cash_vat_unpaid"
    )
    assert row.value.difference_cents == VAT_S + VAT_R
    assert row.value.url == f"/sales/{cash_books.pk}/cash-vat/"
    earlier = closing.closing_gate(cash_books, dt.date(2026, 1, 31)).rows
    assert "sales.cash_vat_unpaid" not in {r.code for r in earlier}
    services.cash_vat.recognise_unpaid(accountant, cash_books, until=dt.date(2026, 2, 28))
    later = closing.closing_gate(cash_books, dt.date(2026, 2, 28)).rows
    assert "sales.cash_vat_unpaid" not in {r.code for r in later}
    # the office page's batched reader: one query for any number of companies
    assert cash_vat.unpaid_many([cash_books], dt.date(2026, 2, 28)) == {}


def test_a_locked_month_names_the_invoice_and_writes_nothing(accountant, cash_books):
    invoice = _send(accountant, cash_books)
    ledger.lock_period(SystemActor(), cash_books, dt.date(2026, 2, 28), override_reason="test")
    with pytest.raises(ValidationError):
        services.cash_vat.recognise_unpaid(accountant, cash_books, until=DUE_ON)
    invoice.refresh_from_db()
    assert invoice.cash_vat_due_on is None
    assert not Voucher.objects.filter(company=cash_books, source="sales.cash_vat").exists()


# -- page and API -------------------------------------------------------------------------


def test_page_and_api_list_and_recognise(world, accountant, cash_books):
    invoice = _send(accountant, cash_books)
    client = world.client(Role.ACCOUNTANT)
    page = client.get(f"/sales/{cash_books.pk}/cash-vat/?until=2026-02-28")
    assert page.status_code == 200
    assert str(invoice.number) in page.content.decode()
    api = client.get(f"/api/v1/sales/companies/{cash_books.pk}/cash-vat/unpaid?until=2026-02-28")
    assert api.json() == [
        {
            "id": invoice.pk,
            "number": invoice.number,
            "delivery_date": "2025-02-27",
            "due_on": "2026-02-27",
            "vat": "79.30",
        }
    ]
    done = client.post(
        f"/api/v1/sales/companies/{cash_books.pk}/cash-vat/recognise-unpaid",
        {"until": "2026-02-28"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()[0]["vat"] == "79.30"
    assert _balance(cash_books, PENDING) == 0


def test_the_page_recognises_too(world, accountant, cash_books):
    invoice = _send(accountant, cash_books)
    client = world.client(Role.ACCOUNTANT)
    response = client.post(f"/sales/{cash_books.pk}/cash-vat/", {"until": "2026-02-28"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.cash_vat_due_on == DUE_ON


def test_other_tenants_get_404_and_a_viewer_cannot_recognise(world, accountant, cash_books):
    _send(accountant, cash_books)
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(f"/sales/{cash_books.pk}/cash-vat/").status_code == 404
    assert (
        other.post(f"/sales/{cash_books.pk}/cash-vat/", {"until": "2026-02-28"}).status_code == 404
    )
    url = f"/api/v1/sales/companies/{cash_books.pk}/cash-vat/recognise-unpaid"
    assert (
        other.post(url, {"until": "2026-02-28"}, content_type="application/json").status_code == 404
    )
    viewer = world.client(Role.VIEWER)
    assert (
        viewer.post(url, {"until": "2026-02-28"}, content_type="application/json").status_code
        == 403
    )
    assert _balance(cash_books, PENDING) == -(VAT_S + VAT_R)


def test_a_day_before_the_rule_asks_nothing(accountant, cash_books):
    """The API fuzzer asked the office gate of 1.1.2000: the outer limit's parameter starts on
    1.1.2017, and the check answered 500 for a day before it."""
    _send(accountant, cash_books)
    assert cash_vat.unpaid_many([cash_books], dt.date(2000, 1, 1)) == {}
    gate = closing.closing_gates([cash_books], dt.date(2000, 1, 1))[cash_books.pk]
    assert all(row.code != "sales.cash_vat_unpaid" for row in gate.rows)
