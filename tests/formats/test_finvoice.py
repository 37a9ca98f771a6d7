"""Finvoice 3.0: every file written passes the official schema and reads back the same."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

import pytest
from lxml import etree

from tase.formats import finvoice
from tase.formats.bank_barcode import virtual_barcode
from tase.formats.finvoice import FinvoiceError, Invoice, Party, Row, VatLine

SELLER = Party(
    name="Tase Demo Oy",
    business_id="0737546-2",
    vat_number="FI07375462",
    street="Mannerheimintie 1",
    postcode="00100",
    town="Helsinki",
    edi_address="003707375462",
    intermediator="003721291126",
)
BUYER = Party(
    name="Asiakas Ab",
    business_id="0112038-9",
    vat_number="FI01120389",
    street="Kauppatori 2",
    postcode="00170",
    town="Helsinki",
    email="laskut@asiakas.example",
    edi_address="003701120389",
    intermediator="OKOYFIHH",
)
IBAN, BIC = "FI7944052020036082", "OKOYFIHH"


def _invoice(**changes):
    rows = [
        Row("Konsultointi", D("3"), "h", D("100.00"), D("25.5"), "S", D("300.00"), D("76.50")),
        Row(
            "Lounas",
            D("2"),
            "kpl",
            D("10.00"),
            D("13.5"),
            "S",
            D("18.00"),
            D("2.43"),
            discount_percent=D("10"),
        ),
    ]
    fields = {
        "seller": SELLER,
        "buyer": BUYER,
        "number": "1001",
        "date": dt.date(2026, 3, 2),
        "due_date": dt.date(2026, 3, 16),
        "reference": "10016",
        "iban": IBAN,
        "bic": BIC,
        "rows": rows,
        "vat_lines": [
            VatLine(D("25.5"), "S", D("300.00"), D("76.50")),
            VatLine(D("13.5"), "S", D("18.00"), D("2.43")),
        ],
        "net": D("318.00"),
        "vat": D("78.93"),
        "gross": D("396.93"),
        "delivery_date": dt.date(2026, 2, 27),
        "order_number": "PO-77",
        "buyer_reference": "Matti",
        "payment_terms": "14 pv netto",
        "virtual_barcode": virtual_barcode(IBAN, D("396.93"), "10016", dt.date(2026, 3, 16)),
    }
    return Invoice(**(fields | changes))


def _valid(data: bytes) -> bool:
    return finvoice.schema().validate(etree.fromstring(data))


def test_invoice_is_valid_and_reads_back():
    invoice = _invoice()
    data = finvoice.write_finvoice(invoice)
    assert data.startswith(b"<?xml version='1.0' encoding='ISO-8859-15'?>")
    assert _valid(data)
    assert finvoice.read_finvoice(data) == invoice


def test_rf_reference_uses_the_iso_scheme():
    invoice = _invoice(reference="RF0810016")
    data = finvoice.write_finvoice(invoice)
    root = etree.fromstring(data)
    ref = root.find("EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier")
    assert ref.get("IdentificationSchemeName") == "ISO" and ref.text == "RF0810016"
    assert finvoice.read_finvoice(data).reference == "RF0810016"


def test_credit_note_and_reverse_charge_are_valid():
    rows = [Row("Palvelu", D("1"), "kpl", D("-500"), D("0"), "AE", D("-500.00"), D("0.00"))]
    invoice = _invoice(
        credit_note=True,
        original_number="1001",
        seller=replace(SELLER, edi_address="", intermediator=""),
        buyer=Party(
            name="Kunde GmbH",
            vat_number="DE136695976",
            street="Hauptstraße 1",
            postcode="10115",
            town="Berlin",
            country="DE",
        ),
        rows=rows,
        vat_lines=[VatLine(D("0"), "AE", D("-500.00"), D("0.00"), "Reverse charge")],
        net=D("-500.00"),
        vat=D("0.00"),
        gross=D("-500.00"),
        notes=["Käännetty verovelvollisuus / Reverse charge, AVL 65 §"],
        virtual_barcode="",
    )
    data = finvoice.write_finvoice(invoice)
    root = etree.fromstring(data)
    assert root.findtext("InvoiceDetails/InvoiceTypeCode") == "INV02"
    assert root.findtext("InvoiceDetails/InvoiceTypeCodeUN") == "381"
    assert finvoice.read_finvoice(data) == invoice


def test_soap_envelope_comes_first_and_the_reader_splits_it():
    invoice = _invoice()
    sent = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    data = finvoice.write_finvoice(invoice, soap=True, sent_at=sent)
    assert data.count(b"<?xml ") == 2
    head, body = data.split(b"<?xml", 2)[1:]
    envelope = etree.fromstring(b"<?xml" + head)
    assert envelope.tag == f"{{{finvoice.SOAP_ENV}}}Envelope"
    parties = envelope.findall(f".//{{{finvoice.EB}}}PartyId")
    assert [p.text for p in parties] == [
        "003707375462",
        "003721291126",
        "003701120389",
        "OKOYFIHH",
    ]
    assert _valid(b"<?xml" + body)
    assert (
        etree.fromstring(b"<?xml" + body).findtext(
            "MessageTransmissionDetails/MessageReceiverDetails/ToIdentifier"
        )
        == "003701120389"
    )
    read = finvoice.read_finvoice(data)
    assert read.number == "1001" and read.gross == D("396.93")


def test_soap_needs_the_routing_addresses():
    with pytest.raises(FinvoiceError, match="buyer e-invoice address"):
        finvoice.write_finvoice(_invoice(buyer=Party(name="Kuluttaja Kalle")), soap=True)


def test_an_invoice_that_fails_the_schema_is_never_written():
    with pytest.raises(FinvoiceError, match="schema"):
        finvoice.write_finvoice(_invoice(seller=Party(name="X")))  # names are 2-70 characters


def test_reader_takes_utf8_with_bom_and_refuses_entities():
    invoice = _invoice(buyer=Party(name="Åkerö Öy"))
    data = finvoice.write_finvoice(invoice).decode("iso-8859-15")
    utf8 = b"\xef\xbb\xbf" + data.replace("ISO-8859-15", "UTF-8").encode()
    assert finvoice.read_finvoice(utf8).buyer.name == "Åkerö Öy"
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Finvoice Version="3.0">&a;</Finvoice>'
    with pytest.raises(FinvoiceError, match="refused"):
        finvoice.read_finvoice(bomb)
    with pytest.raises(FinvoiceError, match="no Finvoice"):
        finvoice.read_finvoice(b"<Invoice/>")
