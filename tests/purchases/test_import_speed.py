"""The Finvoice import's queries do not grow with what one supplier has: a supplier's invoice
numbers are read once per import for the duplicate check, each invoice is one INSERT, its lines
one and its kept files one; a repeat inside the same import is still a duplicate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tase.purchases import services
from tase.purchases.models import PurchaseAttachment, PurchaseInvoice

from .conftest import finvoice

pytestmark = pytest.mark.django_db


def _queries(actor, company, numbers) -> int:
    files = [(f"{n}.xml", finvoice(n)) for n in numbers]
    with CaptureQueriesContext(connection) as captured:
        results = services.import_finvoices(actor, company, files)
    assert all(r.invoices and not r.errors for r in results)
    return len(captured.captured_queries)


def test_queries_per_invoice_of_a_known_supplier(books, accountant):
    _queries(accountant, books, ["W-1"])  # the supplier exists from here on
    few = _queries(accountant, books, ["A-1", "A-2"])
    many = _queries(accountant, books, [f"B-{n}" for n in range(8)])
    per_invoice = (many - few) / 6
    # savepoint and release, the invoice, its lines, its kept file, the audit event (2 queries);
    # before, one more: the duplicate looked up per invoice
    assert per_invoice <= 7, per_invoice
    assert PurchaseAttachment.objects.count() == PurchaseInvoice.objects.count() == 11


def test_a_repeat_within_one_import_is_a_duplicate(books, accountant):
    files = [("a.xml", finvoice("R-1")), ("b.xml", finvoice("R-2")), ("c.xml", finvoice("R-1"))]
    first, second, again = services.import_finvoices(accountant, books, files)
    assert first.invoices and second.invoices and not again.invoices
    assert again.errors[0].startswith("c.xml: Invoice R-1 of ") and "duplicate" in again.errors[0]
    assert PurchaseInvoice.objects.count() == 2
