"""A large statement is written and matched a chunk of lines at a time while the file streams:
every line still ends matched or open as with one pass, a day's reference payments stay one
voucher, a statement seen before is rolled back to nothing; the reader's messages are said in
Finnish."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tase.bank import services
from tase.bank.models import Line, Statement
from tase.bank.sample import Payment, statement_xml
from tase.bank.services import statements
from tase.ledger.models import Voucher
from tase.sales.models import Invoice

from .conftest import IBAN

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(statements, "CHUNK_LINES", 2)


def test_chunks_cut_at_day_changes_keep_a_days_payments_one_voucher(
    books, accountant, invoice_of, small_chunks
):
    invoices = [invoice_of(1000 + n) for n in range(6)]
    days = [dt.date(2026, 3, 10), dt.date(2026, 3, 10), dt.date(2026, 3, 10)]
    days += [dt.date(2026, 3, 11), dt.date(2026, 3, 12), dt.date(2026, 3, 12)]
    payments = [
        Payment(day, invoice.gross_cents, "Asiakas Oy", reference=invoice.reference)
        for day, invoice in zip(days, invoices, strict=True)
    ]
    payments.insert(2, Payment(days[0], -500, "Kauppa", message="kortti"))
    [result] = services.import_statements(
        accountant, books, statement_xml(IBAN, *MARCH, 0, payments)
    )
    lines = result.lines
    assert [line.position for line in lines] == list(range(1, 8))
    assert [line.status for line in lines].count(Line.Status.MATCHED) == 6
    assert Invoice.objects.filter(status=Invoice.Status.PAID).count() == 6
    vouchers = {line.voucher_id for line in lines if line.voucher_id}
    assert len(vouchers) == 3  # one per day: the 10th's four lines stay in one chunk of 2+
    refs = sorted(Voucher.objects.filter(pk__in=vouchers).values_list("source_ref", flat=True))
    pk = result.statement.pk
    assert refs == [f"{pk}:2026-03-10", f"{pk}:2026-03-11", f"{pk}:2026-03-12"]
    assert result.line_count == 7


def test_a_day_met_again_in_a_later_chunk_gets_its_own_voucher(
    books, accountant, invoice_of, small_chunks
):
    one, two, three = invoice_of(1000), invoice_of(2000), invoice_of(3000)
    first, second = dt.date(2026, 3, 10), dt.date(2026, 3, 11)
    payments = [
        Payment(first, 1000, reference=one.reference),
        Payment(first, -10, message="x"),
        Payment(second, 2000, reference=two.reference),
        Payment(first, 3000, reference=three.reference),  # out of date order
    ]
    [result] = services.import_statements(
        accountant, books, statement_xml(IBAN, *MARCH, 0, payments)
    )
    assert Invoice.objects.filter(status=Invoice.Status.PAID).count() == 3
    amounts = {
        line.amount_cents: Voucher.objects.get(pk=line.voucher_id)
        for line in result.lines
        if line.voucher_id
    }
    assert amounts[1000].pk != amounts[3000].pk and amounts[3000].date == first
    assert amounts[3000].source_ref.startswith(f"{result.statement.pk}:")


def test_a_statement_seen_before_is_rolled_back_whole(books, accountant, invoice_of, small_chunks):
    invoice = invoice_of(1000)
    payments = [Payment(dt.date(2026, 3, 10 + n), 100 + n, f"P{n}") for n in range(5)]
    payments.append(Payment(dt.date(2026, 3, 20), 1000, reference=invoice.reference))
    data = statement_xml(IBAN, *MARCH, 0, payments)
    [first] = services.import_statements(accountant, books, data)
    vouchers = Voucher.objects.count()
    [again] = services.import_statements(accountant, books, data)
    assert again.already and again.statement.pk == first.statement.pk
    assert Statement.objects.count() == 1 and Line.objects.count() == 6
    assert Voucher.objects.count() == vouchers


def test_a_second_statement_for_a_foreign_account_undoes_the_first(books, accountant):
    day = dt.date(2026, 3, 10)
    ours = statement_xml(IBAN, day, day, 0, [Payment(day, 100, "A")])
    theirs = statement_xml("FI5810171000000122", day, day, 0, [Payment(day, 200, "B")])
    with pytest.raises(ValidationError, match="FI5810171000000122"):
        services.import_statements(accountant, books, ours + b"\n" + theirs)
    assert not Statement.objects.exists() and not Line.objects.exists()


def test_the_readers_messages_are_finnish(books, accountant):
    day = dt.date(2026, 3, 10)
    data = statement_xml(IBAN, day, day, 0, [Payment(day, 100, "A")]).replace(
        b'<Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.00',
        b'<Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.50',
    )
    with translation.override("fi"):
        [result] = services.import_statements(accountant, books, data)
        assert result.statement.warnings == [
            "Tiliote 1: alkusaldo 0.00 + kirjatut tapahtumat 1.00 ≠ loppusaldo 1.50; erotus 0.50."
        ]
        with pytest.raises(ValidationError) as refused:
            services.import_statements(accountant, books, b"%PDF-1.4", name="lasku.pdf")
        assert refused.value.messages == [
            "lasku.pdf: Ei XML:ää: tiedosto ei ala XML-elementillä eikä XML-esittelyllä."
        ]
        broken = data.replace(b"<Dt>2026-03-10</Dt></BookgDt>", b"<Dt>10.3.2026</Dt></BookgDt>")
        with pytest.raises(ValidationError) as refused:
            services.import_statements(accountant, books, broken, name="t.xml")
        assert refused.value.messages == [
            "t.xml: Tiliote 1, tapahtuma 1, kenttä BookgDt: '10.3.2026' ei ole päivämäärä."
        ]
