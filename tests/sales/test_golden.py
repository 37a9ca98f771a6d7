"""Golden invoices: each file in golden/ holds an invoice's input and the figures a Finnish
accountant computed by hand for it (totals per VAT rate, number, reference, due date; the credit
note, payments or reminder where the case has one). The services must give exactly those."""

import datetime as dt
import json
from pathlib import Path

import pytest

from tase.sales import services
from tase.sales.models import Invoice
from tase.sales.services.common import cents, invoice_totals

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


def _day(text):
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_invoice(path, accountant, books):
    case = json.loads(path.read_text(encoding="utf-8"))
    data, expect = case["invoice"], case["expect"]
    draft = services.create_invoice(
        accountant,
        books,
        customer_data=CUSTOMER | case.get("customer", {}),
        invoice_date=_day(data["invoice_date"]),
        delivery_date=_day(data["delivery_date"]),
        due_date=_day(data["due_date"]) if "due_date" in data else None,
        payment_term_days=data.get("payment_term_days"),
        lines=lines(*map(tuple, data["lines"])),
    )
    invoice = services.send_invoice(accountant, draft)
    totals = invoice_totals(invoice)
    assert {
        "number": invoice.number,
        "reference": invoice.reference,
        "due_date": invoice.due_date.isoformat(),
        "net": str(cents(invoice.net_cents)),
        "vat": str(cents(invoice.vat_cents)),
        "gross": str(cents(invoice.gross_cents)),
        "by_rate": [
            [r.vat_code, f"{r.rate.normalize():f}", str(cents(r.net)), str(cents(r.vat))]
            for r in totals.by_rate
        ],
    } == {
        k: expect[k] for k in ("number", "reference", "due_date", "net", "vat", "gross", "by_rate")
    }
    if "credit" in case:
        note = services.credit_invoice(accountant, invoice, date=_day(case["credit"]))
        invoice.refresh_from_db()
        assert {
            "number": note.number,
            "gross": str(cents(note.gross_cents)),
            "original_status": invoice.status,
        } == expect["credit_note"]
    for day, amount in case.get("payments", []):
        services.record_payment(accountant, invoice, date=_day(day), amount=amount)
        invoice = Invoice.objects.get(pk=invoice.pk)
    if "after_payments" in expect:
        assert {"status": invoice.status, "open": str(cents(invoice.open_cents))} == expect[
            "after_payments"
        ]
    if "reminder" in case:
        reminder = services.create_reminder(
            accountant,
            invoice,
            date=_day(case["reminder"]["date"]),
            days_to_pay=case["reminder"]["days_to_pay"],
        )
        assert {
            "interest": str(cents(reminder.interest_cents)),
            "fee": str(cents(reminder.fee_cents)),
            "compensation": str(cents(reminder.compensation_cents)),
            "total": str(cents(reminder.total_cents)),
            "due_date": reminder.due_date.isoformat(),
        } == expect["reminder"]
