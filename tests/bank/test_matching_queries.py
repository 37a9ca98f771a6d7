"""Sales' bank matcher on rows, in bulk: what the day's batch leaves (a duplicate payment, a
second payment of one invoice, a day in a locked period) is decided on the invoice rows read
once per chunk, not by loading each invoice again and trying it alone; the queries of an
import do not grow with such lines. Only a payment that needs its own voucher (reminder
charges paid first) goes through the single service, one voucher each."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tase.bank import services
from tase.bank.models import Line
from tase.bank.sample import Payment, statement_xml
from tase.ledger import services as ledger
from tase.ledger.models import Voucher
from tase.ledger.system import SystemActor
from tase.sales.models import Invoice

from .conftest import IBAN

pytestmark = pytest.mark.django_db

DAY, LATER = dt.date(2026, 3, 20), dt.date(2026, 3, 23)


def _import(actor, company, payments, number=1):
    """The statement's lines and the queries its import took."""
    data = statement_xml(
        IBAN, dt.date(2026, 3, 1), dt.date(2026, 3, 31), 0, payments, number=number
    )
    with CaptureQueriesContext(connection) as queries:
        [result] = services.import_statements(actor, company, data, name=f"tiliote{number}.xml")
    return list(result.statement.lines.order_by("position")), len(queries)


def _twice(invoice_of, count: int, start: dt.date) -> list[Payment]:
    """``count`` invoices paid twice (a duplicate) and ``count`` paid in two parts, on two
    days from ``start``: the first payments, the first parts, the duplicates, the rests."""
    paid_twice = [invoice_of(1000 + n) for n in range(count)]
    in_two_parts = [invoice_of(3000 + n) for n in range(count)]
    later = start + dt.timedelta(days=1)
    return (
        [Payment(start, 1000 + n, reference=i.reference) for n, i in enumerate(paid_twice)]
        + [Payment(start, 1000, reference=i.reference) for i in in_two_parts]
        + [Payment(later, 1000 + n, reference=i.reference) for n, i in enumerate(paid_twice)]
        + [Payment(later, 2000 + n, reference=i.reference) for n, i in enumerate(in_two_parts)]
    )


def test_duplicates_and_second_payments_cost_no_query_each(books, accountant, invoice_of):
    _import(accountant, books, _twice(invoice_of, 1, dt.date(2026, 3, 2)))  # first-use reads
    _lines, one_each = _import(accountant, books, _twice(invoice_of, 1, DAY), number=2)
    lines, four_each = _import(accountant, books, _twice(invoice_of, 4, LATER), number=3)
    first, parts, again, rests = (lines[n * 4 : (n + 1) * 4] for n in range(4))
    assert {line.status for line in first + parts + rests} == {Line.Status.MATCHED}
    assert {line.status for line in again} == {Line.Status.OPEN}  # a duplicate waits
    assert [line.note for line in parts] == [f"20,0{n}\xa0€ left open" for n in range(4)]
    assert {line.note for line in rests} == {""}
    # two days, one voucher each: the second parts in the day's batch, not a voucher each
    assert len({line.voucher_id for line in first + parts + rests}) == 2
    assert set(Invoice.objects.values_list("status", flat=True)) == {Invoice.Status.PAID}
    # the same queries for one of each as for four (before: 11 more for each duplicate and
    # 31 more for each second part, each invoice loaded again and tried alone)
    assert four_each == one_each


def test_a_locked_days_payments_stay_open_without_each_being_tried(books, accountant, invoice_of):
    invoices = [invoice_of(1000 + n) for n in range(6)]
    ledger.lock_period(SystemActor(), books, dt.date(2026, 3, 31), override_reason="test")
    counts = []
    for number, batch in enumerate((invoices[:1], invoices[1:2], invoices[2:]), start=1):
        payments = [Payment(DAY, i.gross_cents, reference=i.reference) for i in batch]
        lines, queries = _import(accountant, books, payments, number=number)
        assert {line.status for line in lines} == {Line.Status.OPEN}
        counts.append(queries)
    assert not Voucher.objects.filter(source="bank.statement").exists()
    # one line or four (the first import reads what is then cached): before, 20 more a line
    assert counts[1] == counts[2]


def test_a_payment_with_reminder_charges_goes_alone_reading_its_invoice_once(
    books, accountant, invoice_of
):
    """Charges paid first need lines of their own (interest income): the single service, a
    voucher each, its invoice locked and read with its credit notes in one go."""
    charged = [invoice_of(1000), invoice_of(2000)]
    Invoice.objects.filter(pk__in=[i.pk for i in charged]).update(charged_cents=500)
    one, _ = _import(accountant, books, [Payment(DAY, 1500, reference=charged[0].reference)])
    with CaptureQueriesContext(connection) as queries:
        two, _ = _import(
            accountant, books, [Payment(DAY, 2500, reference=charged[1].reference)], number=2
        )
    assert one[0].status == two[0].status == Line.Status.MATCHED
    assert one[0].voucher_id != two[0].voucher_id
    invoice = Invoice.objects.get(pk=charged[1].pk)
    assert (invoice.status, invoice.charges_paid_cents, invoice.open_cents) == ("paid", 500, 0)
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "sales_invoice"' in q["sql"]]
    # the chunk's rows, their credit notes; the lock; its credit notes once
    assert len(reads) == 4, reads
