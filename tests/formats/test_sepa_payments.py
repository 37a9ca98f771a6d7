"""Supplier payments as pain.001.001.03 and .09: structured Finnish/RF references or a
message, characters per the bank's setting, every file valid against its ISO XSD."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.formats.sepa_payments import (
    V03,
    V09,
    VERSIONS,
    Debtor,
    SepaError,
    Transfer,
    clean_text,
    namespace,
    supplier_payment_file,
    validate,
    version_of,
)

DEBTOR = Debtor(
    "Rakennus Virtanen Oy", "FI21 1234 5600 0007 85", "NDEAFIHH", service_id="1234567890"
)
PAYMENTS = [
    Transfer("Elisa Oyj", "FI5810171000000122", Decimal("1234.50"), "PURCHASE-17", reference="RF33 2348 236"),
    Transfer("Åbergin Sähkö & Valo Oy", "FI7944052020036082", Decimal("482.99"), "PURCHASE-18",
             reference="55958 22432 94671", bic="HELSFIHH"),
    Transfer("Vuokranantaja Oy", "FI4819503000000010", Decimal("393.00"), "PURCHASE-19", text="Vuokra 5/2026, varasto"),
]  # fmt: skip


def _file(payments=PAYMENTS, version=V03, charset="latin"):
    return supplier_payment_file(
        DEBTOR,
        payments,
        execution_date=dt.date(2026, 5, 29),
        message_id="PROPOSAL-4",
        created=dt.datetime(2026, 5, 28, 15, 30, 1),
        version=version,
        charset=charset,
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("charset", ["latin", "utf-8"])
def test_supplier_payments_are_valid_with_structured_references_or_a_message(version, charset):
    document = _file(version=version, charset=charset)
    validate(document)
    assert version_of(document) == version
    ns = {"p": namespace(version)}
    root = ET.fromstring(document)
    assert root.find(".//p:GrpHdr/p:CtrlSum", ns).text == "2110.49"
    assert root.find(".//p:GrpHdr/p:InitgPty/p:Id/p:OrgId/p:Othr/p:Id", ns).text == "1234567890"
    assert root.find(".//p:GrpHdr/p:InitgPty/p:Id/p:OrgId/p:Othr/p:SchmeNm/p:Cd", ns).text == "BANK"
    assert root.find(".//p:PmtInf/p:BtchBookg", ns).text == "false"
    assert root.find(".//p:PmtTpInf/p:CtgyPurp/p:Cd", ns).text == "SUPP"
    assert root.find(".//p:DbtrAcct/p:Id/p:IBAN", ns).text == "FI2112345600000785"
    rf, national, message = root.iterfind(".//p:CdtTrfTxInf", ns)
    assert rf.find("p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref", ns).text == "RF332348236"
    assert rf.find("p:RmtInf/p:Strd/p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Cd", ns).text == "SCOR"
    assert rf.find("p:RmtInf/p:Strd/p:CdtrRefInf/p:Tp/p:Issr", ns).text == "ISO"
    assert rf.find("p:RmtInf/p:Ustrd", ns) is None
    assert national.find("p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref", ns).text == "559582243294671"
    assert national.find("p:RmtInf/p:Strd/p:CdtrRefInf/p:Tp/p:Issr", ns) is None
    bic = "p:CdtrAgt/p:FinInstnId/p:" + ("BICFI" if version == V09 else "BIC")
    assert national.find(bic, ns).text == "HELSFIHH"
    assert message.find("p:RmtInf/p:Strd", ns) is None
    assert message.find("p:RmtInf/p:Ustrd", ns).text == "Vuokra 5/2026, varasto"
    assert [e.text for e in root.iterfind(".//p:PmtId/p:EndToEndId", ns)] == [
        "PURCHASE-17",
        "PURCHASE-18",
        "PURCHASE-19",
    ]
    name = national.find("p:Cdtr/p:Nm", ns).text
    assert name == ("Abergin Sahko + Valo Oy" if charset == "latin" else "Åbergin Sähkö & Valo Oy")


@pytest.mark.parametrize(
    ("payment", "message"),
    [
        (
            Transfer("A", "FI5810171000000122", Decimal("1.00"), "X", reference="RF09 2348 236"),
            "not a valid RF reference",
        ),
        (
            Transfer("A", "FI5810171000000122", Decimal("1.00"), "X", reference="32287 22205 0"),
            "wrong check digit",
        ),
        (
            Transfer("A", "FI5810171000000122", Decimal("1.00"), "X"),
            "give the reference or a message",
        ),
        (Transfer("A", "FI5810171000000122", Decimal("0"), "X", text="t"), "must be positive"),
        (
            Transfer("A", "FI5810171000000122", Decimal("1.005"), "X", text="t"),
            "more than two decimals",
        ),
        (Transfer("A", "", Decimal("1.00"), "X", text="t"), "no IBAN"),
        (Transfer("A", "FI5810171000000123", Decimal("1.00"), "X", text="t"), "not a valid IBAN"),
    ],
)
def test_bad_payments_are_refused_naming_the_transfer(payment, message):
    with pytest.raises(SepaError, match=rf"Transfer 2 \(A\): .*{message}"):
        _file([PAYMENTS[0], payment])


def test_invalid_file_is_refused_by_the_xsd_naming_the_line():
    document = _file(
        [Transfer("A", "FI5810171000000122", Decimal("1.00"), "X", text="t", bic="NOTABIC")]
    )
    with pytest.raises(SepaError, match=r"line \d+: Element .*BIC"):
        validate(document)
    with pytest.raises(SepaError):
        validate(_file(version=V03), V09)


def test_unknown_version_or_charset_is_refused():
    with pytest.raises(SepaError, match="Unknown version"):
        _file(version="pain.001.001.02")
    with pytest.raises(SepaError, match="Unknown character set"):
        _file(charset="ascii")


@given(st.text(max_size=200))
def test_latin_text_stays_in_the_sepa_character_set_and_length(text):
    cleaned = clean_text(text, 70)
    assert re.fullmatch(r"[A-Za-z0-9/\-?:().,'+ ]{1,70}", cleaned)
    assert len(clean_text(text, 35, "utf-8")) <= 35
