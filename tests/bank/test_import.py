"""Statements in: the reader's statements stored once per company, for its own accounts only,
each booked payment a line; hostile or foreign files refused with nothing written."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tase.bank import services
from tase.bank.models import Line, Statement
from tase.bank.sample import Payment, statement_xml
from tase.core.models import AuditEvent
from tase.ledger import services as ledger
from tase.ledger.system import SystemActor

from .conftest import IBAN

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "formats" / "data" / "camt"


def _import(actor, company, data: bytes, name="statement.xml"):
    return services.import_statements(actor, company, data, name=name)


def test_the_finnish_sample_statement_is_read_with_its_batch_split_into_payments(books, accountant):
    """The FFFS B2C layout (tests/formats/data/camt/camt053_v02_fi.xml, written after the
    official sample statement of shared/reference/formats-fi.md §4)."""
    [result] = _import(accountant, books, (DATA / "camt053_v02_fi.xml").read_bytes())
    statement = result.statement
    assert not result.already
    assert (statement.kind, statement.bank_account.iban) == ("camt.053", IBAN)
    assert (statement.from_date, statement.to_date) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (statement.opening_cents, statement.closing_cents) == (1_000_000, 911_117)
    lines = list(statement.lines.order_by("position"))
    # an outgoing transfer, three reference payments of one batch, a transfer with a message
    assert lines[0].amount_cents == -123450
    assert len(lines) == 5
    assert lines[0].counterparty == "Elisa Oyj" and lines[0].end_to_end_id == "PURCHASE-17"
    assert all(line.reference for line in lines[1:4])
    assert sum(line.amount_cents for line in lines) == 911_117 - 1_000_000
    assert any("not booked" in w for w in statement.warnings)  # the pending entry
    assert AuditEvent.objects.filter(action="import", company=books).count() == 1


def test_a_statement_imported_again_adds_nothing_and_says_so(books, accountant):
    data = (DATA / "camt053_v02_fi.xml").read_bytes()
    [first] = _import(accountant, books, data)
    [again] = _import(accountant, books, data, name="same-again.xml")
    assert again.already and again.statement.pk == first.statement.pk
    assert Statement.objects.filter(company=books).count() == 1
    assert Line.objects.filter(company=books).count() == 5


def test_version_08_is_read(books, accountant):
    [result] = _import(accountant, books, (DATA / "camt053_v08.xml").read_bytes())
    assert result.statement.lines.exists()


def test_several_accounts_in_one_file_each_to_its_account(books, accountant):
    data = (DATA / "camt054_v02_fi.xml").read_bytes()
    with pytest.raises(ValidationError) as error:
        _import(accountant, books, data, name="viitteet.xml")
    message = " ".join(error.value.messages)
    assert "viitteet.xml" in message and "FI5810171000000122" in message
    assert "not a bank account of" in message
    assert not Statement.objects.exists()
    ledger.create_bank_account(
        SystemActor(), books, iban="FI58 1017 1000 0001 22", bic="NDEAFIHH", account="1920"
    )
    results = _import(accountant, books, data)
    assert {r.statement.bank_account.iban for r in results} == {IBAN, "FI5810171000000122"}
    assert all(r.statement.kind == "camt.054" for r in results)


def test_an_empty_id_is_read_with_a_warning(books, accountant):
    data = (DATA / "camt053_v02_fi.xml").read_bytes()
    data = data.replace(b"<Id>2026033112345600000785</Id>", b"<Id></Id>", 1)
    [result] = _import(accountant, books, data)
    assert any("schema" in w for w in result.statement.warnings)


BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">
]><Document>&lol2;</Document>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<Document>&e;</Document>"""


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.4 not xml at all", "not"),
        (BOMB, "entit"),
        (EXTERNAL, "entit"),
        (
            b'<?xml version="1.0"?><Finvoice Version="3.0"><InvoiceDetails/></Finvoice>',
            "Not a camt.053 or camt.054 bank statement",
        ),
    ],
    ids=["not-xml", "xml-bomb", "external-entity", "not-a-statement"],
)
def test_bad_files_are_refused_naming_the_file_and_nothing_is_written(
    books, accountant, data, words
):
    with pytest.raises(ValidationError) as error:
        _import(accountant, books, data, name="bad.xml")
    message = " ".join(error.value.messages)
    assert message.startswith("bad.xml: ") and words.lower() in message.lower()
    assert not Statement.objects.exists() and not Line.objects.exists()


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(books, accountant, settings):
    settings.TASE_UPLOAD_LIMITS_MB = {"bank_statement": 0.001}
    with pytest.raises(ValidationError, match="accepted is 0,001 MB"):
        _import(accountant, books, (DATA / "camt053_v02_fi.xml").read_bytes())


def test_a_foreign_currency_statement_is_refused(books, accountant):
    data = statement_xml(IBAN, dt.date(2026, 3, 1), dt.date(2026, 3, 31), 0, []).replace(
        b"<Ccy>EUR</Ccy>", b"<Ccy>SEK</Ccy>"
    )
    with pytest.raises(ValidationError, match="SEK"):
        _import(accountant, books, data)


def test_the_same_payment_on_the_advice_and_the_statement_is_taken_once(books, accountant):
    day = dt.date(2026, 3, 10)
    payment = Payment(day, 5000, "Maksaja", message="Kiitos", archive_id="ARCH-1")
    advice = statement_xml(IBAN, day, day, 0, [payment], number=1)
    _import(accountant, books, advice)
    statement = statement_xml(
        IBAN, dt.date(2026, 3, 1), dt.date(2026, 3, 31), 0, [payment], number=2
    )
    [result] = _import(accountant, books, statement)
    [line] = result.lines
    assert line.status == Line.Status.IGNORED and "earlier statement" in line.note


def test_a_viewer_cannot_import(world, books):
    from django.core.exceptions import PermissionDenied

    from tase.core.roles import Role

    with pytest.raises(PermissionDenied):
        _import(world.actor(Role.VIEWER), books, (DATA / "camt053_v02_fi.xml").read_bytes())


def test_the_closing_gate_compares_the_books_with_the_last_statement(books, accountant):
    """The bank's assertion of the closing gate: the book balance of the bank account on the
    statement's last day against its closing balance; a lock over it is refused."""
    from tase.ledger.closing import closing_gate

    assert not [
        r for r in closing_gate(books, dt.date(2026, 3, 31)).rows if r.code == "bank.statements"
    ]
    _import(accountant, books, (DATA / "camt053_v02_fi.xml").read_bytes())
    [row] = [
        r for r in closing_gate(books, dt.date(2026, 4, 30)).rows if r.code == "bank.statements"
    ]
    assert (row.value.book_cents, row.value.other_cents) == (0, 911_117)
    assert IBAN in row.value.detail and "31.3.2026" in row.value.detail
    with pytest.raises(ValidationError) as refused:
        ledger.lock_period(accountant, books, dt.date(2026, 3, 31))
    assert "closing_gate" in refused.value.message_dict
