"""The receivables ledger as a balance-sheet specification: the invoices open on a day by
customer and invoice, less the payments dated by then."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tase.core.registry import SPECIFICATION_SOURCES
from tase.sales import services
from tase.sales.specification import open_invoices

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db


def test_open_invoices_by_customer_and_invoice(books, accountant):
    assert "sales.receivables" in SPECIFICATION_SOURCES
    day = dt.date(2026, 3, 2)
    draft = services.create_invoice(
        accountant,
        books,
        customer_data=CUSTOMER,
        invoice_date=day,
        delivery_date=day,
        lines=lines(("Consulting", "4", "250.00", "S")),
    )
    invoice = services.send_invoice(accountant, draft)
    assert open_invoices(books, dt.date(2026, 3, 1)) == []
    services.record_payment(accountant, invoice, date=dt.date(2026, 3, 10), amount=D("500.00"))
    [before] = open_invoices(books, dt.date(2026, 3, 9))
    assert before.amount_cents == 125_500 and before.role == "receivables"
    assert before.text == f"{CUSTOMER['name']}, Invoice {invoice.number}"
    assert before.url == reverse("sales:invoice_detail", args=[books.pk, invoice.pk])
    [after] = open_invoices(books, dt.date(2026, 3, 31))
    assert after.amount_cents == 75_500
    services.record_payment(accountant, invoice, date=dt.date(2026, 4, 1), amount=D("755.00"))
    assert open_invoices(books, dt.date(2026, 4, 1)) == []
