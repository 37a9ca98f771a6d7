"""Purchases' bank matcher (issue 15, item 6): an outgoing statement line with the end-to-end
id of a payment we sent pays its invoice automatically (payables / the statement's bank
account, a dated payment record from the line); a second line for the same payment, more
than is open, or another company's id stays open; lines without an id are proposed by amount
and supplier and accepted by hand."""

import datetime as dt

import pytest

from tase.bank import matching
from tase.bank import selectors as bank_selectors
from tase.bank import services as bank
from tase.bank.models import Line
from tase.bank.sample import Payment as BankPayment
from tase.bank.sample import statement_xml
from tase.core.registry import source_url
from tase.core.roles import Role
from tase.ledger import services as ledger
from tase.ledger.models import Entry
from tase.ledger.system import SystemActor
from tase.purchases import services
from tase.purchases.models import Payment, PaymentRecord, PurchaseInvoice
from tests.factories import CompanyFactory

from .conftest import finvoice

pytestmark = pytest.mark.django_db

IBAN = "FI7944052020036082"  # the books fixture's bank account (ledger 1910)
PAID_ON = dt.date(2026, 3, 31)


def _approved(actor, company, number="2026-0317") -> PurchaseInvoice:
    [result] = services.import_finvoices(actor, company, [(f"{number}.xml", finvoice(number))])
    assert result.errors == []
    return services.approve(actor, result.invoices[0])


def _sent(actor, company, *invoices) -> list[Payment]:
    proposal = services.create_proposal(
        actor, company, due_until=dt.date(2026, 12, 31), invoices=list(invoices)
    )
    services.accept_proposal(actor, proposal)
    return list(proposal.payments.order_by("pk"))


def _statement(actor, company, payments, number=1, iban=IBAN):
    data = statement_xml(
        iban, dt.date(2026, 3, 1), dt.date(2026, 3, 31), 5_000_000, payments, number=number
    )
    [result] = bank.import_statements(actor, company, data, name=f"tiliote{number}.xml")
    return result


def test_the_matcher_is_registered():
    assert "purchases.end_to_end" in matching.MATCHERS
    assert matching.matcher_for("purchases.invoice:1").key == "purchases.end_to_end"


def test_an_outgoing_line_with_our_end_to_end_id_pays_the_invoice(books, accountant):
    invoice = _approved(accountant, books)
    [payment] = _sent(accountant, books, invoice)
    result = _statement(
        accountant,
        books,
        [
            BankPayment(
                PAID_ON, -invoice.gross_cents, "Toimittaja Oy", end_to_end_id=payment.end_to_end_id
            ),
            BankPayment(PAID_ON, -500, "Muu", end_to_end_id="NOT-OURS-1"),
        ],
    )
    line, other = result.lines
    line.refresh_from_db()
    other.refresh_from_db()
    assert (line.status, line.matcher) == (Line.Status.MATCHED, "purchases.end_to_end")
    assert line.matched_to.startswith(f"Purchase invoice {invoice.number}")
    assert other.status == Line.Status.OPEN
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.status, invoice.paid_cents) == ("paid", invoice.gross_cents)
    assert (payment.status, payment.paid_on, payment.voucher_id) == (
        "paid",
        PAID_ON,
        line.voucher_id,
    )
    [record] = PaymentRecord.objects.filter(invoice=invoice)
    assert (record.date, record.amount_cents, record.source, record.bank_line_id) == (
        PAID_ON,
        invoice.gross_cents,
        PaymentRecord.Source.BANK_LINE,
        line.pk,
    )
    entries = sorted(
        (e.account.number, e.amount_cents)
        for e in Entry.objects.filter(voucher_id=line.voucher_id).select_related("account")
    )
    assert entries == [("1910", -invoice.gross_cents), ("2870", invoice.gross_cents)]
    assert source_url(Entry.objects.filter(voucher_id=line.voucher_id).first().voucher)


def test_the_same_payment_twice_or_too_much_stays_open(books, accountant):
    first = _approved(accountant, books, "A-1")
    second = _approved(accountant, books, "A-2")
    one, two = _sent(accountant, books, first, second)
    result = _statement(
        accountant,
        books,
        [
            BankPayment(PAID_ON, -first.gross_cents, end_to_end_id=one.end_to_end_id),
            BankPayment(PAID_ON, -first.gross_cents, end_to_end_id=one.end_to_end_id),
            BankPayment(PAID_ON, -second.gross_cents - 100, end_to_end_id=two.end_to_end_id),
        ],
    )
    statuses = [Line.objects.get(pk=line.pk).status for line in result.lines]
    assert statuses == [Line.Status.MATCHED, Line.Status.OPEN, Line.Status.OPEN]
    second.refresh_from_db()
    assert (second.status, second.paid_cents) == ("in_payment", 0)
    assert not PaymentRecord.objects.filter(invoice=second).exists()


def test_a_partial_payment_leaves_the_rest_open(books, accountant):
    invoice = _approved(accountant, books)
    [payment] = _sent(accountant, books, invoice)
    result = _statement(
        accountant, books, [BankPayment(PAID_ON, -100_000, end_to_end_id=payment.end_to_end_id)]
    )
    [line] = result.lines
    line.refresh_from_db()
    invoice.refresh_from_db()
    assert line.status == Line.Status.MATCHED and "left open" in line.note
    assert (invoice.paid_cents, invoice.open_cents) == (100_000, invoice.gross_cents - 100_000)


def test_another_companys_end_to_end_id_is_not_matched(world, books, accountant):
    invoice = _approved(accountant, books)
    [payment] = _sent(accountant, books, invoice)
    other = CompanyFactory(organization=world.org, name="Toinen Oy")
    system = SystemActor()
    ledger.apply_chart(system, other, "limited-company")
    ledger.create_fiscal_year(system, other, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    ledger.create_bank_account(
        system, other, iban="FI2112345600000785", bic="NDEAFIHH", account="1910"
    )
    result = _statement(
        world.actor(Role.ACCOUNTANT),
        other,
        [BankPayment(PAID_ON, -invoice.gross_cents, end_to_end_id=payment.end_to_end_id)],
        iban="FI2112345600000785",
    )
    [line] = result.lines
    assert Line.objects.get(pk=line.pk).status == Line.Status.OPEN
    invoice.refresh_from_db()
    assert invoice.status == "in_payment"


def test_a_line_without_the_id_is_proposed_and_accepted(books, accountant):
    invoice = _approved(accountant, books)
    result = _statement(
        accountant, books, [BankPayment(PAID_ON, -invoice.gross_cents, invoice.supplier.name)]
    )
    [line] = result.lines
    found = bank_selectors.proposals(accountant, result.statement, [line])[line.pk]
    target = f"purchases.invoice:{invoice.pk}"
    assert found["targets"][0].target == target
    bank.accept_proposal(accountant, line, target)
    line.refresh_from_db()
    invoice.refresh_from_db()
    assert line.status == Line.Status.MATCHED and invoice.status == "paid"
    assert PaymentRecord.objects.get(invoice=invoice).bank_line_id == line.pk


def test_a_hand_entered_payment_is_a_manual_record(books, accountant):
    invoice = _approved(accountant, books)
    services.mark_paid(accountant, invoice, amount_cents=1000, date=dt.date(2026, 4, 2))
    [record] = PaymentRecord.objects.filter(invoice=invoice)
    assert (record.source, record.date, record.amount_cents, record.bank_line_id) == (
        "manual",
        dt.date(2026, 4, 2),
        1000,
        None,
    )
    assert record.voucher_id is not None
