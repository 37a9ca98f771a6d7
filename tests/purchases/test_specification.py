"""The payables ledger as a balance-sheet specification: the purchase invoices open on a day
by supplier and invoice, counted from the posting date, less the payments dated by then."""

import datetime as dt

import pytest
from django.urls import reverse

from tase.core.registry import SPECIFICATION_SOURCES
from tase.purchases import services
from tase.purchases.specification import open_invoices

from .test_payables_gate import TOTAL, _approved

pytestmark = pytest.mark.django_db

MARCH, APRIL = dt.date(2026, 3, 31), dt.date(2026, 4, 30)


def test_open_purchase_invoices_by_supplier_and_invoice(books, accountant):
    assert "purchases.payables" in SPECIFICATION_SOURCES
    invoice = _approved(accountant, books)
    assert open_invoices(books, dt.date(2026, 3, 16)) == []  # before its posting date
    [item] = open_invoices(books, MARCH)
    assert item.amount_cents == TOTAL and item.role == "payables"
    assert item.text == f"{invoice.supplier.name}, {invoice.number}"
    assert item.url == reverse("purchases:invoice_detail", args=[books.pk, invoice.pk])
    services.mark_paid(accountant, invoice, amount_cents=TOTAL - 1000, date=dt.date(2026, 4, 2))
    assert [i.amount_cents for i in open_invoices(books, MARCH)] == [TOTAL]
    assert [i.amount_cents for i in open_invoices(books, APRIL)] == [1000]
