"""Matching: reference payments pay sales invoices (partial, over, duplicate, written off); the
rest proposed by amount, name, IBAN and saved rules, then posted, matched or ignored; every
line ends handled; the books tie with the statement."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tase.bank import matching, selectors, services
from tase.bank.models import Line
from tase.bank.sample import Payment, statement_xml
from tase.core.registry import source_url
from tase.ledger.models import Entry, Voucher
from tase.sales.models import Invoice
from tase.sales.services.payments import Received, payables, record_payments

from .conftest import IBAN

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 20)


def _import(actor, company, payments, opening=0, number=1):
    data = statement_xml(
        IBAN, dt.date(2026, 3, 1), dt.date(2026, 3, 31), opening, payments, number=number
    )
    [result] = services.import_statements(actor, company, data, name="tiliote.xml")
    return result


def test_a_reference_payment_pays_its_invoice_through_the_sales_service(
    books, accountant, invoice_of
):
    invoice = invoice_of(12400)
    result = _import(
        accountant, books, [Payment(DAY, 12400, "Asiakas Oy", reference=invoice.reference)]
    )
    [line] = result.lines
    assert line.status == Line.Status.MATCHED and line.matcher == "sales.reference"
    assert line.matched_to == f"Sales invoice {invoice.number}"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    voucher = Voucher.objects.get(pk=line.voucher_id)  # the day's reference payments
    assert voucher.source == "bank.statement" and voucher.date == DAY
    assert source_url(voucher).endswith(f"/statements/{result.statement.pk}/")
    payment = invoice.payments.get()
    assert payment.voucher_id == voucher.pk and payment.amount_cents == 12400
    assert payment.created_by == accountant.user and payment.created_at is not None
    debit = Entry.objects.get(voucher=voucher, amount_cents__gt=0)
    assert debit.account.number == "1910"


def test_partial_over_and_duplicate_payments(books, accountant, invoice_of):
    partial, over, paid = invoice_of(10000), invoice_of(20000), invoice_of(5000)
    _import(accountant, books, [Payment(DAY, 5000, reference=paid.reference)], number=1)
    result = _import(
        accountant,
        books,
        [
            Payment(DAY, 4000, reference=partial.reference),
            Payment(DAY, 25000, reference=over.reference),
            Payment(DAY, 5000, reference=paid.reference),  # paid twice
        ],
        number=2,
    )
    first, second, third = result.lines
    partial.refresh_from_db()
    over.refresh_from_db()
    assert partial.status == Invoice.Status.PARTLY_PAID and partial.open_cents == 6000
    assert "left open" in first.note
    assert over.status == Invoice.Status.PAID and over.open_cents == -5000
    assert "over" in second.note
    assert third.status == Line.Status.OPEN  # the duplicate waits for the accountant


def test_one_day_of_reference_payments_is_one_voucher_and_a_second_payment_waits(
    books, accountant, invoice_of
):
    first, second = invoice_of(1000), invoice_of(2000)
    result = _import(
        accountant,
        books,
        [
            Payment(DAY, 1000, reference=first.reference),
            Payment(DAY, 2000, reference=second.reference),
            Payment(DAY, 1000, reference=first.reference),
        ],
    )
    one, two, again = result.lines
    assert one.voucher_id == two.voucher_id and one.status == two.status == Line.Status.MATCHED
    assert again.status == Line.Status.OPEN
    amounts = dict(
        Entry.objects.filter(voucher_id=one.voucher_id).values_list(
            "account__number", "amount_cents"
        )
    )
    assert amounts["1910"] == 3000


def test_a_short_payment_within_the_tolerance_is_written_off(books, accountant, invoice_of):
    services.update_settings(accountant, books, write_off_cents=100, write_off_account="8900")
    invoice = invoice_of(10000)
    [line] = _import(accountant, books, [Payment(DAY, 9950, reference=invoice.reference)]).lines
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.open_cents == 0
    assert "written off" in line.note
    assert Entry.objects.filter(voucher_id=line.voucher_id, account__number="8900").exists()


def test_a_short_payment_over_the_tolerance_stays_open(books, accountant, invoice_of):
    services.update_settings(accountant, books, write_off_cents=100, write_off_account="8900")
    invoice = invoice_of(10000)
    _import(accountant, books, [Payment(DAY, 9800, reference=invoice.reference)])
    invoice.refresh_from_db()
    assert invoice.open_cents == 200


def test_a_line_without_reference_is_proposed_by_amount_and_name_then_matched(
    books, accountant, invoice_of
):
    invoice_of(7000, name="Muu Oy")
    wanted = invoice_of(7000, name="Virtanen Ky")
    result = _import(accountant, books, [Payment(DAY, 7000, "VIRTANEN KY", message="lasku")])
    [line] = result.lines
    found = selectors.proposals(accountant, result.statement, [line])[line.pk]
    assert found["targets"][0].target == f"sales.invoice:{wanted.pk}"
    services.accept_proposal(accountant, line, found["targets"][0].target)
    line.refresh_from_db()
    wanted.refresh_from_db()
    assert line.status == Line.Status.MATCHED and wanted.status == Invoice.Status.PAID


def test_a_saved_rule_proposes_account_and_vat_and_posting_drills_down_to_the_line(
    books, accountant
):
    services.create_rule(accountant, books, counterparty="Elisa Oyj", account="7700", vat_code="P")
    result = _import(accountant, books, [Payment(DAY, -6275, "ELISA OYJ", "FI4250001510000023")])
    [line] = result.lines
    rule = selectors.proposals(accountant, result.statement, [line])[line.pk]["rule"]
    assert (rule.account, rule.vat_code) == ("7700", "P")
    services.post_line(accountant, line, account=rule.account, vat_code=rule.vat_code)
    line.refresh_from_db()
    assert line.status == Line.Status.POSTED
    voucher = Voucher.objects.get(pk=line.voucher_id)
    amounts = dict(
        Entry.objects.filter(voucher=voucher).values_list("account__number", "amount_cents")
    )
    assert amounts["1910"] == -6275 and amounts["7700"] == 5000  # 25.5 % VAT split off
    assert source_url(voucher).endswith(f"/statements/{result.statement.pk}/#line-{line.pk}")


def test_the_last_posting_for_an_iban_is_proposed_next_time(books, accountant):
    [line] = _import(accountant, books, [Payment(DAY, -1000, "Kauppa", "FI4250001510000023")]).lines
    services.post_line(accountant, line, account="7600", vat_code="P", save_rule=False)
    result = _import(
        accountant, books, [Payment(DAY, -2000, "Kauppa", "FI4250001510000023")], number=2
    )
    [again] = result.lines
    rule = selectors.proposals(accountant, result.statement, [again])[again.pk]["rule"]
    assert (rule.account, rule.vat_code) == ("7600", "P")


def test_ignoring_needs_a_reason_and_a_handled_line_cannot_be_handled_again(books, accountant):
    [line] = _import(accountant, books, [Payment(DAY, 100, "Pankki", message="korko")]).lines
    with pytest.raises(ValidationError, match="why"):
        services.ignore_line(accountant, line, reason=" ")
    services.ignore_line(accountant, line, reason="Bank's own test payment")
    with pytest.raises(ValidationError, match="already"):
        services.post_line(accountant, line, account="3000")


def test_a_bad_account_is_refused_naming_it_and_nothing_is_posted(books, accountant):
    [line] = _import(accountant, books, [Payment(DAY, 100, "X")]).lines
    with pytest.raises(ValidationError, match="No account 9999"):
        services.post_line(accountant, line, account="9999")
    line.refresh_from_db()
    assert line.status == Line.Status.OPEN and not Voucher.objects.filter(source="bank.line")


def test_every_line_ends_handled_and_the_statement_counts_what_is_left(
    books, accountant, invoice_of
):
    invoice = invoice_of(3000)
    result = _import(
        accountant,
        books,
        [
            Payment(DAY, 3000, reference=invoice.reference),
            Payment(DAY, -500, "A"),
            Payment(DAY, 9, "B"),
        ],
    )
    statement = selectors.statements_of(books).get(pk=result.statement.pk)
    assert (statement.line_count, statement.open_count) == (3, 2)
    _, out, small = result.lines
    services.post_line(accountant, out, account="7700", vat_code="P")
    services.ignore_line(accountant, small, reason="test")
    assert selectors.statements_of(books).get(pk=statement.pk).open_count == 0


def test_another_app_can_claim_lines_through_the_registry(books, accountant, monkeypatch):
    seen = []

    def claim(ctx, lines):
        seen.append(ctx.bank_ledger_account)
        return {
            line.pk: matching.Claim(f"Purchase {line.end_to_end_id}")
            for line in lines
            if line.end_to_end_id.startswith("PURCHASE-")
        }

    monkeypatch.setitem(
        matching.MATCHERS, "test.purchases", matching.Matcher("test.purchases", claim, order=20)
    )
    result = _import(
        accountant, books, [Payment(DAY, -100, "S", end_to_end_id="PURCHASE-9"), Payment(DAY, -5)]
    )
    first, second = result.lines
    assert (first.status, first.matched_to) == (Line.Status.MATCHED, "Purchase PURCHASE-9")
    assert second.status == Line.Status.OPEN and seen == ["1910"]


def test_book_balance_against_the_last_statement(books, accountant):
    from tase.ledger import services as ledger

    ledger.post_voucher(
        accountant,
        books,
        date=dt.date(2026, 1, 2),
        series="MU",
        description="Alku",
        lines=[{"account": "1910", "debit": 100}, {"account": "2000", "credit": 100}],
    )
    result = _import(accountant, books, [Payment(DAY, -2500, "Elisa")], opening=10000)
    [difference] = selectors.statement_balance_differences(books, dt.date(2026, 4, 30))
    assert difference.statement_cents == 7500 and difference.book_cents == 10000
    assert difference.difference_cents == 2500 and difference.statement_date == dt.date(2026, 3, 31)
    services.post_line(accountant, result.lines[0], account="7700")
    [difference] = selectors.statement_balance_differences(books, dt.date(2026, 4, 30))
    assert difference.difference_cents == 0
    [before] = selectors.statement_balance_differences(books, dt.date(2026, 3, 30))
    assert before.statement_cents is None and before.difference_cents is None


def test_a_day_booked_before_under_the_same_reference_is_not_reused_for_other_payments(
    books, accountant, invoice_of
):
    """``post_vouchers`` hands back a voucher posted before with the same source reference;
    reference payments recorded against it would stand on their invoices but not in the
    books. The batch is refused instead, and each payment is then booked on its own."""
    first, second = invoice_of(1000), invoice_of(2000)
    [first_row] = payables(Invoice.objects.filter(pk=first.pk))
    [second_row] = payables(Invoice.objects.filter(pk=second.pk))
    options = {"bank_ledger_account": "1910", "source": "bank.statement", "source_ref": "77"}
    record_payments(accountant, books, [Received(1, first_row, DAY, 1000)], **options)
    vouchers = Voucher.objects.count()
    with pytest.raises(ValidationError) as refused:
        record_payments(accountant, books, [Received(2, second_row, DAY, 2000)], **options)
    assert "source_ref" in refused.value.message_dict
    second.refresh_from_db()
    assert second.open_cents == 2000 and not second.payments.exists()
    assert Voucher.objects.count() == vouchers


def test_a_payable_row_is_open_as_its_invoice_is_with_its_sent_credit_notes(books, invoice_of):
    """The batch reads invoices as rows (``payables``), not model instances: what is open on
    each must be what the model says, what its sent credit notes took off included."""
    invoice, other = invoice_of(10000), invoice_of(5000)
    for number, status, gross in ((900, Invoice.Status.SENT, -3000), (None, "draft", -2000)):
        Invoice.objects.create(
            number=number,
            company=books,
            customer=invoice.customer,
            kind=Invoice.Kind.CREDIT_NOTE,
            credits=invoice,
            status=status,
            invoice_date=DAY,
            delivery_date=DAY,
            due_date=DAY,
            gross_cents=gross,
        )
    Invoice.objects.filter(pk=other.pk).update(paid_cents=1200)
    rows = payables(Invoice.objects.filter(pk__in=[invoice.pk, other.pk]).order_by("pk"))
    assert [row.open_cents for row in rows] == [7000, 3800]
    assert [row.open_cents for row in rows] == [
        i.open_cents for i in Invoice.objects.filter(pk__in=[invoice.pk, other.pk]).order_by("pk")
    ]
