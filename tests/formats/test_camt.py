"""camt.053 / camt.054 reader: Finnish statements (.02 and .08), real-world quirks and hostile
input. The fixtures in data/camt/ are checked against the ISO schemas first."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tase.formats import safe_xml
from tase.formats.camt import CamtError, read
from tase.formats.reference import fi_reference, format_reference

DATA = Path(__file__).parent / "data" / "camt"
V02 = (DATA / "camt053_v02_fi.xml").read_bytes()
V08 = (DATA / "camt053_v08.xml").read_bytes()
NOTIFICATION = (DATA / "camt054_v02_fi.xml").read_bytes()
NS02 = b"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("camt053_v02_fi.xml", "camt.053.001.02"),
        ("camt053_v08.xml", "camt.053.001.08"),
        ("camt054_v02_fi.xml", "camt.054.001.02"),
        ("camt054_v08.xml", "camt.054.001.08"),
    ],
)
def test_fixtures_are_valid_against_the_iso_schemas(name, schema):
    assert safe_xml.schema_errors((DATA / name).read_bytes(), schema) == []


def test_finnish_statement_v02_balances_entries_and_batch():
    camt = read(V02)
    assert (camt.kind, camt.version, camt.message_id, camt.warnings) == (
        "camt.053",
        "001.02",
        "20260401-0001",
        (),
    )
    (statement,) = camt.statements
    assert statement.iban == "FI2112345600000785"
    assert statement.currency == "EUR"
    assert (statement.from_date, statement.to_date) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (statement.opening_balance, statement.closing_balance) == (1_000_000, 911_117)
    assert statement.legal_number == "3" and statement.bic == "NDEAFIHH"
    assert statement.balance_difference == 0 and statement.warnings == ()
    out, batch, rent, pending = statement.entries
    assert out.amount == -123_450 and not out.credit
    assert (out.fi_code, out.fi_text, out.bank_code) == ("710", "TILISIIRTO", "PMNT/ICDT/ESCT")
    assert (out.end_to_end_id, out.reference, out.counterparty_name) == (
        "PURCHASE-17",
        "RF332348236",
        "Elisa Oyj",
    )
    assert out.counterparty_iban == "FI5810171000000122"
    assert out.archive_id == "260302593497A00001"
    assert batch.is_batch and batch.amount == 30_000 and batch.fi_code == "705"
    assert [(t.amount, t.reference, t.reference_valid) for t in batch.transactions] == [
        (10_000, "1234561", True),  # zero-padded to 20 digits in the file
        (15_000, "RF09868516259619897", True),  # spaces and a trailing space
        (5_000, "590738390", True),  # printed form with a space
    ]
    assert batch.transactions[1].counterparty_name == "Mäkinen Mikko"
    assert batch.transactions[0].payment_date == dt.date(2026, 3, 15)
    assert rent.amount == 4_567  # 45.670 in the file
    assert rent.message == "Vuokra maaliskuu varasto 3"
    assert rent.end_to_end_id == ""  # NOTPROVIDED
    assert pending.status == "PDNG" and not pending.booked and pending.message == "Erääntyvä maksu"


def test_statement_v08():
    camt = read(V08)
    assert (camt.kind, camt.version, camt.warnings) == ("camt.053", "001.08", ())
    (statement,) = camt.statements
    assert (statement.opening_balance, statement.closing_balance) == (-12_000, 437_015)
    assert statement.bic == "NDEAFIHH" and statement.balance_difference == 0
    incoming, outgoing = statement.entries
    assert (incoming.status, incoming.amount, incoming.reference) == (
        "BOOK",
        488_315,
        "868516259619897",
    )
    assert (incoming.counterparty_name, incoming.end_to_end_id) == ("Asiakas Oy", "INV-2026-0042")
    assert (outgoing.amount, outgoing.counterparty_name, outgoing.message) == (
        -39_300,
        "Vuokranantaja Oy",
        "Vuokra 5/2026",
    )


def test_reference_payment_notifications_two_accounts_in_latin1():
    camt = read(NOTIFICATION)
    assert camt.kind == "camt.054"
    first, second = camt.statements
    assert (first.iban, second.iban) == ("FI2112345600000785", "FI5810171000000122")
    assert first.opening_balance is None and first.balance_difference is None
    (batch,) = first.entries
    assert [(t.amount, t.reference, t.counterparty_name) for t in batch.transactions] == [
        (40_000, "1357914", "Jääskeläinen Öljy Oy"),
        (8_299, "559582243294671", "Åberg Åsa"),
    ]
    assert first.warnings == ()
    (wrong,) = second.entries
    assert wrong.reference == "7758474790647480" and not wrong.reference_valid
    assert second.warnings == (
        "Notification 2, entry 1, payment 1: '7 75847 47906 47480' has a wrong check digit: 9 is expected last.",
    )


def test_reference_payments_v08():
    camt = read((DATA / "camt054_v08.xml").read_bytes())
    assert (camt.kind, camt.version, camt.warnings) == ("camt.054", "001.08", ())
    (notification,) = camt.statements
    (batch,) = notification.entries
    assert (batch.amount, batch.status, batch.fi_code) == (93_585, "BOOK", "705")
    assert [(t.amount, t.reference, t.counterparty_name) for t in batch.transactions] == [
        (90_000, "RF6078777679656628687", "Kivi Oy"),
        (3_585, "868624", "Puu Ky"),
    ]


def _entries(camt):
    return [(e.amount, e.reference) for s in camt.statements for e in s.entries]


EXPECTED = _entries(read(V02))
SOAP = b"""<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
<soapenv:Body><getStatementResponse xmlns="urn:bank:ws">%s</getStatementResponse></soapenv:Body></soapenv:Envelope>"""


def _body(document: bytes) -> bytes:
    return document.split(b"?>", 1)[1]


@pytest.mark.parametrize(
    ("variant", "warning"),
    [
        (lambda d: b"\xef\xbb\xbf" + d, None),
        (lambda d: b"\r\n\r\n  " + d, None),
        (
            lambda d: (
                d.decode("utf-8")
                .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
                .encode("iso-8859-1")
            ),
            None,
        ),
        (lambda d: d.decode("utf-8").encode("cp1252"), "says it is UTF-8 but line 116 has a byte"),
        (lambda d: d.decode("utf-8").replace('"UTF-8"', '"UTF-16"').encode("utf-16"), None),
        (lambda d: d.replace(b' xmlns="' + NS02 + b'"', b""), "no namespace"),
        (lambda d: d.replace(NS02, NS02.replace(b".02", b".04")), "not a version Tase knows"),
        (lambda d: SOAP % _body(d), None),
        (
            lambda d: (
                b"<BankFile><Header>Nordea</Header><Content>" + _body(d) + b"</Content></BankFile>"
            ),
            None,
        ),
    ],
    ids=[
        "bom",
        "blank-lines",
        "iso-8859-1",
        "cp1252-labelled-utf-8",
        "utf-16",
        "no-namespace",
        "version-04",
        "soap",
        "bank-wrapper",
    ],
)
def test_real_world_quirks_read_the_same_entries(variant, warning):
    camt = read(variant(V02))
    assert _entries(camt) == EXPECTED
    assert camt.statements[0].entries[1].transactions[1].counterparty_name == "Mäkinen Mikko"
    if warning:
        assert any(warning in w for w in camt.warnings)
    else:
        assert camt.warnings == ()


def test_several_statements_in_one_file():
    start, end = V02.index(b"<Stmt>"), V02.index(b"</Stmt>") + len(b"</Stmt>")
    second = V02[start:end].replace(b"FI2112345600000785", b"FI5810171000000122")
    camt = read(V02[:end] + second + V02[end:])
    assert [s.iban for s in camt.statements] == ["FI2112345600000785", "FI5810171000000122"]
    assert [len(s.entries) for s in camt.statements] == [4, 4]
    assert camt.warnings == ()


def _other_account(document: bytes) -> bytes:
    return document.replace(b"FI2112345600000785", b"FI5810171000000122").replace(
        b"9111.17", b"9111.18"
    )


def _as_utf16(data: bytes, codec: str) -> bytes:
    text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return (b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff") + text.encode(codec)


@pytest.mark.parametrize(
    "joined",
    [
        lambda d: d + b"\n" + _other_account(d),  # each message with its own declaration
        lambda d: d + _body(_other_account(d)),  # the second without one
        # in UTF-16 (streamed as the file's own bytes), one byte order mark at the start
        lambda d: _as_utf16(d + b"\n" + _other_account(d), "utf-16-le"),
        lambda d: _as_utf16(d + b"\n" + _other_account(d), "utf-16-be"),
    ],
    ids=["declared", "undeclared", "utf-16-le", "utf-16-be"],
)
def test_several_messages_one_after_another(joined):
    camt = read(joined(V02))
    assert [s.iban for s in camt.statements] == ["FI2112345600000785", "FI5810171000000122"]
    assert _entries(camt) == EXPECTED * 2
    assert camt.statements[0].warnings == ()
    assert camt.statements[1].warnings[0].startswith("Statement 2: opening balance 10000.00")


def test_soap_envelope_before_the_statement_is_skipped_with_a_warning():
    envelope = b'<?xml version="1.0"?><Envelope><Body>statement follows</Body></Envelope>\n'
    camt = read(envelope + V02)
    assert _entries(camt) == EXPECTED
    assert camt.warnings == (
        "A part of the file was skipped: Not a camt.053 or camt.054 bank statement: the file's root "
        "element is <Envelope>, and no BkToCstmrStmt or BkToCstmrDbtCdtNtfctn message is inside it.",
    )


def test_a_file_mixing_statements_and_notifications_is_refused():
    with pytest.raises(CamtError, match=r"mixes camt\.053 and camt\.054"):
        read(V02 + NOTIFICATION)


def test_closing_balance_that_does_not_tie_is_a_warning_with_the_difference():
    camt = read(V02.replace(b'<Amt Ccy="EUR">9111.17</Amt>', b'<Amt Ccy="EUR">9111.27</Amt>'))
    (statement,) = camt.statements
    assert statement.balance_difference == 10
    assert statement.warnings == (
        "Statement 1: opening balance 10000.00 + booked entries -888.83 ≠ closing balance 9111.27; "
        "difference 0.10.",
    )


def test_fraction_of_a_cent_is_rounded_half_up_with_a_warning():
    camt = read(V02.replace(b"45.670", b"45.665").replace(b"9111.17", b"9111.17"))
    (statement,) = camt.statements
    assert statement.entries[2].amount == 4_567
    assert (
        "Statement 1, entry 3 Amt: amount 45.665 rounded to 45.67 (half up)." in statement.warnings
    )


def test_harmless_schema_break_is_read_with_a_warning_naming_the_line():
    broken = V02.replace(b"<Id>2026033112345600000785</Id>", b"<Id></Id>")
    camt = read(broken)
    assert _entries(camt) == EXPECTED
    (warning,) = camt.warnings
    assert warning.startswith(
        "The file does not follow the camt.053.001.02 schema (read anyway): line 15:"
    )
    assert read(broken, check_schema=False).warnings == ()


BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><Document>&lol3;</Document>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&x;</BkToCstmrStmt></Document>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n1 0 obj", "Not XML"),
        (b"", "Not XML"),
        (BOMB, "declares XML entities"),
        (XXE, "declares XML entities"),
        (V02[: len(V02) // 2], "Not well-formed XML: .*line \\d+"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>',
            "Not a camt.053 or camt.054 bank statement: the file's root element is <Document> in namespace "
            "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03",
        ),
        (b'<?xml version="1.0"?><Finvoice Version="3.0"/>', "root element is <Finvoice>"),
        (b"<Document><BkToCstmrStmt><GrpHdr/></BkToCstmrStmt></Document>", "holds no Stmt"),
        (
            V02.replace(
                b"1234.50</Amt>\n        <CdtDbtInd>", b"12,34.50</Amt>\n        <CdtDbtInd>"
            ),
            "entry 1 Amt: '12,34.50' is not an amount",
        ),
        (
            V02.replace(b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>DEBT</CdtDbtInd>", 1),
            "entry 1 Amt: CdtDbtInd 'DEBT'",
        ),
        (
            V02.replace(b"<Dt>2026-03-02</Dt>", b"<Dt>2.3.2026</Dt>", 1),
            "entry 1 BookgDt: '2.3.2026' is not a date",
        ),
    ],
    ids=[
        "pdf",
        "empty",
        "bomb",
        "xxe",
        "truncated",
        "pain001",
        "finvoice",
        "no-statement",
        "amount",
        "indicator",
        "date",
    ],
)
def test_hostile_or_wrong_input_is_refused_with_a_clear_message(data, message):
    with pytest.raises(CamtError, match=message):
        read(data)


def _statement(entries, opening):
    """A minimal camt.053.001.02 statement of ``entries`` ((cents, status, reference), cents
    signed) whose closing balance is opening + the booked ones."""
    closing = opening + sum(cents for cents, status, _ref in entries if status == "BOOK")

    def balance(code, cents, day):
        side = "CRDT" if cents >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>{abs(cents) / 100:.2f}</Amt>"
            f"<CdtDbtInd>{side}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
        )

    rows = "".join(
        f"<Ntry><Amt Ccy='EUR'>{abs(cents) // 100}.{abs(cents) % 100:02d}</Amt>"
        f"<CdtDbtInd>{'CRDT' if cents > 0 else 'DBIT'}</CdtDbtInd><Sts>{status}</Sts>"
        "<BkTxCd><Prtry><Cd>705</Cd></Prtry></BkTxCd><NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf>"
        f"<Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf>"
        "</TxDtls></NtryDtls></Ntry>"
        for cents, status, reference in entries
    )
    return (
        f"<Document xmlns='{NS02.decode()}'><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId>"
        "<CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id><CreDtTm>2026-01-01T00:00:00</CreDtTm>"
        "<Acct><Id><IBAN>FI2112345600000785</IBAN></Id></Acct>"
        f"{balance('OPBD', opening, '2025-12-31')}{balance('CLBD', closing, '2026-01-31')}{rows}"
        "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=10**10)
            | st.integers(min_value=-(10**10), max_value=-1),
            st.sampled_from(["BOOK", "BOOK", "PDNG", "INFO"]),
            st.integers(min_value=100, max_value=10**19 - 1),
            st.booleans(),
        ),
        max_size=12,
    ),
)
@settings(max_examples=40, deadline=None)
def test_any_statement_reads_back_its_amounts_references_and_ties(opening, generated):
    entries = [
        (cents, status, ("0" * 20 + ref)[-20:] if padded else format_reference(ref), ref)
        for cents, status, base, padded in generated
        for ref in [fi_reference(base)]
    ]
    camt = read(_statement([(c, s, written) for c, s, written, _ in entries], opening))
    (statement,) = camt.statements
    assert camt.warnings == () and statement.warnings == ()
    assert statement.balance_difference == 0
    assert [(e.amount, e.status, e.reference) for e in statement.entries] == [
        (cents, status, ref) for cents, status, _written, ref in entries
    ]
