"""Finvoice 3.0 supplier invoices in: the fixture (valid against Finvoice3.0.xsd) read plain,
behind an operator's SOAP envelope and in other encodings; totals that do not tie and bad
identifiers refused naming the field; hostile files refused."""

import base64
import mmap
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from tase.formats import safe_xml
from tase.formats.finvoice_read import FinvoiceError, read, read_batch, stream

DATA = Path(__file__).parent / "data" / "finvoice"
INVOICE = (DATA / "finvoice30_iso885915.xml").read_bytes()
SOAP = (DATA / "finvoice30_soap.xml").read_bytes()


def _utf8(data: bytes) -> bytes:
    return (
        data.decode("iso-8859-15")
        .replace('encoding="ISO-8859-15"', 'encoding="UTF-8"')
        .encode("utf-8")
    )


def _utf16(data: bytes, codec: str = "utf-16-le") -> bytes:
    """The file in UTF-16 (``utf-16-le`` or ``-be``) as Windows and some operators write it:
    its byte order mark first, each document's declaration saying UTF-16."""
    text = data.decode("iso-8859-15").replace('encoding="ISO-8859-15"', 'encoding="UTF-16"')
    bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
    return bom + text.encode(codec)


def _set(data: bytes, old: str, new: str) -> bytes:
    text = data.decode("iso-8859-15")
    assert old in text
    return text.replace(old, new).encode("iso-8859-15")


def test_fixture_is_valid_against_finvoice_30_xsd():
    assert safe_xml.schema_errors(INVOICE, "Finvoice3.0") == []


def test_invoice_is_read_with_seller_lines_vat_and_totals():
    invoice = read(INVOICE, check_schema=True)
    assert (invoice.version, invoice.type_code, invoice.credit_note) == ("3.0", "INV01", False)
    assert (invoice.number, str(invoice.invoice_date), str(invoice.due_date)) == (
        "2026-0317",
        "2026-03-17",
        "2026-03-31",
    )
    seller = invoice.seller
    assert (seller.name, seller.business_id, seller.vat_number) == (
        "Konsulttitoimisto Esimerkki Oy",
        "1234567-1",
        "FI12345671",
    )
    assert (seller.iban, seller.bic) == ("FI4819503000000010", "NDEAFIHH")
    assert (invoice.buyer_name, invoice.order_number, invoice.currency) == (
        "Rakennus Virtanen Oy",
        "PO-88",
        "EUR",
    )
    assert invoice.reference == "RF332348236"
    assert [
        (line.row, line.description, line.quantity, line.unit, line.vat_rate, line.net, line.vat)
        for line in invoice.lines
    ] == [
        (
            1,
            "Konsultointi maaliskuu",
            Decimal(10),
            "h",
            Decimal("25.5"),
            Decimal("950.00"),
            Decimal("242.25"),
        ),
        (
            2,
            "Lounas, työpaja",
            Decimal(2),
            "kpl",
            Decimal("13.5"),
            Decimal("40.00"),
            Decimal("5.40"),
        ),
        (
            4,
            "Ohjelmistolisenssi",
            Decimal(1),
            "kpl",
            Decimal("25.5"),
            Decimal("33.33"),
            Decimal("8.50"),
        ),
    ]
    assert [(v.rate, v.base, v.vat) for v in invoice.vat] == [
        (Decimal("25.5"), Decimal("983.33"), Decimal("250.75")),
        (Decimal("13.5"), Decimal("40.00"), Decimal("5.40")),
    ]
    assert (invoice.net_total, invoice.vat_total, invoice.total) == (
        Decimal("1023.33"),
        Decimal("256.15"),
        Decimal("1279.48"),
    )
    assert invoice.notes == (
        "Kiitos tilauksesta! Viivästyskorko 11,5 %, muistutusmaksu 5 €.",
        "Työpajan osallistujat: 2 henkilöä",
    )
    assert invoice.message_id == "MSG-2026-0317-001" and invoice.warnings == ()


@pytest.mark.parametrize(
    "variant",
    [
        lambda d: SOAP,
        _utf8,
        lambda d: b"\xef\xbb\xbf" + _utf8(d),
        lambda d: b"\n\n" + d,
        lambda d: d.replace(b",00<", b".00<").replace(b"1279,48", b"1 279.48"),
        lambda d: _set(d, 'Format="CCYYMMDD">20260331<', 'Format="CCYYMMDD">2026-03-31<'),
        lambda d: _utf16(d),
        lambda d: _utf16(SOAP),
        lambda d: _utf16(SOAP, "utf-16-be"),
        lambda d: b"\xff\xfe" + d.decode("iso-8859-15").split("?>", 1)[1].encode("utf-16-le"),
    ],
    ids=[
        "soap-envelope", "utf-8", "utf-8-bom", "blank-lines", "decimal-points", "iso-date",
        "utf-16", "utf-16-le-soap-envelope", "utf-16-be-soap-envelope", "utf-16-undeclared",
    ],
)  # fmt: skip
def test_quirks_read_the_same_invoice(variant):
    assert read(variant(INVOICE)) == read(INVOICE)


def test_invoice_labelled_utf_8_in_windows_1252_is_read_with_a_warning():
    mislabelled = INVOICE.replace(b'encoding="ISO-8859-15"', b'encoding="UTF-8"').replace(
        b"\xa4", b"\x80"
    )
    invoice = read(mislabelled)
    assert invoice.lines == read(INVOICE).lines and invoice.notes == read(INVOICE).notes
    assert invoice.warnings == (
        "The file says it is UTF-8 but line 43 has a byte that is not (0xF6); read as Windows-1252 "
        "(ISO-8859-1).",
    )


def test_soap_envelope_passes_the_schema_check_of_the_invoice_behind_it():
    assert read(SOAP, check_schema=True).number == "2026-0317"


def test_total_that_does_not_match_the_rows_names_the_field():
    with pytest.raises(FinvoiceError) as caught:
        read(
            _set(
                INVOICE,
                "1279,48</InvoiceTotalVatIncludedAmount>",
                "1289,48</InvoiceTotalVatIncludedAmount>",
            )
        )
    assert caught.value.problems == [
        "InvoiceTotalVatIncludedAmount: 1289,48 but the rows' net + VAT come to 1279,48 (difference 10,00, "
        "more than 3 cent(s) allowed).",
        "InvoiceTotalVatIncludedAmount: 1289,48 but InvoiceTotalVatExcludedAmount + InvoiceTotalVatAmount come to "
        "1279,48 (difference 10,00, more than 1 cent(s) allowed).",
    ]


def test_row_whose_amount_is_not_net_plus_vat_names_the_row():
    changed = _set(
        INVOICE,
        '<RowAmount AmountCurrencyIdentifier="EUR">45,40<',
        '<RowAmount AmountCurrencyIdentifier="EUR">46,40<',
    )
    with pytest.raises(
        FinvoiceError,
        match=r"InvoiceRow 2 RowAmount: 46,40 is not RowVatExcludedAmount 40,00 \+ RowVatAmount 5,40",
    ):
        read(changed)


def test_rounding_of_a_cent_per_row_is_allowed():
    changed = _set(INVOICE, "256,15</InvoiceTotalVatAmount>", "256,17</InvoiceTotalVatAmount>")
    changed = _set(
        changed,
        "1279,48</InvoiceTotalVatIncludedAmount>",
        "1279,50</InvoiceTotalVatIncludedAmount>",
    )
    changed = _set(changed, "1279,48</EpiInstructedAmount>", "1279,50</EpiInstructedAmount>")
    changed = _set(changed, "250,75</VatRateAmount>", "250,77</VatRateAmount>")
    invoice = read(changed)
    assert (invoice.vat_total, invoice.total) == (Decimal("256.17"), Decimal("1279.50"))
    too_far = _set(changed, "256,17</InvoiceTotalVatAmount>", "256,19</InvoiceTotalVatAmount>")
    with pytest.raises(
        FinvoiceError,
        match="InvoiceTotalVatAmount: 256,19 but the rows' RowVatAmount come to 256,15",
    ):
        read(too_far)


def test_invoice_level_discount_is_taken_off_the_rows():
    discounted = _set(
        INVOICE,
        '<InvoiceTotalVatExcludedAmount AmountCurrencyIdentifier="EUR">1023,33<',
        '<DiscountsTotalVatExcludedAmount AmountCurrencyIdentifier="EUR">23,33</DiscountsTotalVatExcludedAmount>'
        '<InvoiceTotalVatExcludedAmount AmountCurrencyIdentifier="EUR">1000,00<',
    )
    discounted = _set(discounted, "983,33</VatBaseAmount>", "960,00</VatBaseAmount>")
    discounted = _set(
        discounted,
        "1279,48</InvoiceTotalVatIncludedAmount>",
        "1256,15</InvoiceTotalVatIncludedAmount>",
    )
    invoice = read(discounted, check_schema=True)
    assert (invoice.net_total, invoice.total) == (Decimal("1000.00"), Decimal("1256.15"))
    not_taken_off = _set(discounted, '"EUR">1000,00<', '"EUR">1023,33<')
    with pytest.raises(
        FinvoiceError, match="RowVatExcludedAmount less discounts plus charges come to 1000,00"
    ):
        read(not_taken_off)


def test_vat_breakdown_that_does_not_add_up_names_the_field():
    with pytest.raises(FinvoiceError, match="VatSpecificationDetails VatBaseAmount: 1033,33"):
        read(_set(INVOICE, "983,33</VatBaseAmount>", "993,33</VatBaseAmount>"))


def test_bad_reference_and_iban_are_both_reported():
    changed = _set(INVOICE, ">RF332348236<", ">RF342348236<")
    changed = _set(
        changed,
        '"IBAN">FI4819503000000010</EpiAccountID>',
        '"IBAN">FI4919503000000010</EpiAccountID>',
    )
    with pytest.raises(FinvoiceError) as caught:
        read(changed)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "EpiAccountID",
        "EpiRemittanceInfoIdentifier",
    ]


def test_credit_note_and_version_2_warning():
    credit = INVOICE.decode("iso-8859-15").replace("INV01", "INV02").replace(">380<", ">381<")
    for amount in (
        "1023,33",
        "256,15",
        "1279,48",
        "983,33",
        "250,75",
        "40,00",
        "5,40",
        "950,00",
        "242,25",
        "1192,25",
        "45,40",
        "33,33",
        "8,50",
        "41,83",
    ):
        credit = credit.replace(f">{amount}<", f">-{amount}<")
    credit = credit.replace(
        '<EpiInstructedAmount AmountCurrencyIdentifier="EUR">-1279,48',
        '<EpiInstructedAmount AmountCurrencyIdentifier="EUR">0,00',
    )
    invoice = read(credit.replace('Version="3.0"', 'Version="2.01"').encode("iso-8859-15"))
    assert invoice.credit_note and invoice.total == Decimal("-1279.48")
    assert invoice.warnings == (
        "Finvoice version 2.01: read by the 3.0 element names.",
        "EpiInstructedAmount 0,00 differs from InvoiceTotalVatIncludedAmount -1279,48.",
    )


def test_schema_check_names_the_line():
    broken = _set(INVOICE, "<OriginCode>Original</OriginCode>", "<OriginCode>Kopio</OriginCode>")
    with pytest.raises(FinvoiceError, match=r"Finvoice3.0.xsd: line 53: Element 'OriginCode'"):
        read(broken, check_schema=True)
    assert read(broken).number == "2026-0317"


def test_batch_of_invoices_behind_envelopes_reads_each_and_names_the_bad_one():
    second = _set(SOAP, "<InvoiceNumber>2026-0317<", "<InvoiceNumber>2026-0318<")
    broken = _set(
        SOAP, "1279,48</InvoiceTotalVatIncludedAmount>", "1279,00</InvoiceTotalVatIncludedAmount>"
    )
    first, good, bad = read_batch(SOAP + second + broken)
    assert (first.number, good.number) == ("2026-0317", "2026-0318")
    assert isinstance(bad, FinvoiceError)
    assert bad.problems[0].startswith("Invoice 3: InvoiceTotalVatIncludedAmount: 1279,00")
    with pytest.raises(FinvoiceError, match="The file holds 2 invoices: import it as a batch"):
        read(SOAP + second)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf_16_batch_reads_each_invoice_behind_its_envelope(codec):
    second = _set(SOAP, "<InvoiceNumber>2026-0317<", "<InvoiceNumber>2026-0318<")
    broken = _set(
        SOAP, "1279,48</InvoiceTotalVatIncludedAmount>", "1279,00</InvoiceTotalVatIncludedAmount>"
    )
    first, good, bad = read_batch(_utf16(SOAP + second + broken, codec))
    assert first == read(SOAP) and good.number == "2026-0318"
    assert bad.problems[0].startswith("Invoice 3: InvoiceTotalVatIncludedAmount: 1279,00")
    assert "Työpajan osallistujat: 2 henkilöä" in good.notes  # the letters read as written
    assert [line.description for line in good.lines] == [line.description for line in first.lines]
    # a document type declaration in the second document is refused there, the first read
    bomb = _utf16(
        b'<?xml version="1.0"?>\n<!DOCTYPE Finvoice [<!ENTITY a "aaaa">]>\n<Finvoice Version="3.0">&a;</Finvoice>',
        codec,
    )[2:]
    kept, refused = read_batch(_utf16(SOAP, codec) + bomb)
    assert kept.number == "2026-0317" and "(DOCTYPE)" in refused.problems[0]


XXE = b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><Finvoice Version="3.0">&x;</Finvoice>'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4", "Not XML"),
        (XXE, "declares XML entities"),
        (INVOICE[:3000], "Not well-formed XML"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>',
            "Not a Finvoice invoice: the file holds <Document>",
        ),
        (b'<Finvoice Version="3.0"><SellerPartyDetails/></Finvoice>', "InvoiceDetails: missing"),
    ],
    ids=["pdf", "xxe", "truncated", "camt", "no-details"],
)
def test_files_that_are_not_invoices_are_refused(data, message):
    with pytest.raises(FinvoiceError, match=message):
        read(data)


def _rss_anon() -> int:
    """The process's anonymous resident memory (bytes), where lxml's C tree lives too, which
    tracemalloc does not see."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("RssAnon"))


@pytest.mark.parametrize("codec", ["iso-8859-15", "utf-16-le", "utf-16-be"])
def test_a_file_of_many_invoices_is_read_in_flat_memory(tmp_path, codec):
    """Also in UTF-16, which was decoded whole (the file as text, then as UTF-8: over twice
    its size in Python objects) before it streamed."""
    count = 600
    path = tmp_path / "batch.xml"
    with path.open("wb") as out:
        for n in range(count):
            one = SOAP.replace(b"<InvoiceNumber>2026-0317<", b"<InvoiceNumber>B-%d<" % n)
            if codec != "iso-8859-15":
                one = _utf16(one, codec)[2 if n else 0 :]  # one byte order mark, at the start
            out.write(one)
    size = path.stat().st_size
    read(SOAP)  # the modules' own first-use caches are not the file's
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        base = highest = _rss_anon()
        tracemalloc.start()
        try:
            numbers = []
            for position, invoice in stream(data):
                numbers.append((position, invoice.number))
                if position % 50 == 0:
                    highest = max(highest, _rss_anon())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert numbers == [(n + 1, f"B-{n}") for n in range(count)]
    # the whole file as bytes, or as a tree, would be the file's size or several times it
    assert peak < size / 8, (peak, size)
    assert highest - base < size / 2, (highest - base, size)


def test_a_doctype_is_refused_in_any_document_of_a_batch_and_the_others_read():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Finvoice [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>\n'
        b'<Finvoice Version="3.0">&b;</Finvoice>\n'
    )
    first, refused = read_batch(SOAP + bomb)
    assert first.number == "2026-0317"
    assert refused.problems == [
        "Invoice 2: The file declares XML entities or external references (DOCTYPE), which an "
        "accounting file never needs; refused for safety."
    ]
    with pytest.raises(FinvoiceError, match=r"^The file declares XML entities"):
        read(bomb)
    undeclared = b'<?xml version="1.0"?><Finvoice Version="3.0">&b;</Finvoice>'
    with pytest.raises(FinvoiceError, match="Not well-formed XML: Entity 'b' not defined"):
        read(undeclared)


def test_invoices_written_one_after_another_in_one_document_are_each_read():
    body = INVOICE.split(b"<Finvoice ", 1)[1]
    head = b'<?xml version="1.0" encoding="ISO-8859-15"?>\n'
    second = b"<Finvoice " + body.replace(b"<InvoiceNumber>2026-0317<", b"<InvoiceNumber>X-2<")
    both = read_batch(head + b"<Finvoice " + body + second)
    assert [i.number for i in both] == ["2026-0317", "X-2"]


def _naming(number: str, identifier: str) -> bytes:
    """The fixture as invoice ``number``, naming attachment message ``identifier`` if any."""
    data = _set(INVOICE, "<InvoiceNumber>2026-0317<", f"<InvoiceNumber>{number}<")
    if identifier:
        data = _set(
            data,
            "</Finvoice>",
            "<AttachmentMessageDetails><AttachmentMessageIdentifier>"
            f"{identifier}</AttachmentMessageIdentifier></AttachmentMessageDetails></Finvoice>",
        )
    return data


def _attachments_message(identifier: str, name: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<FinvoiceAttachments Version="1.0">'
        "<MessageTransmissionDetails><MessageDetails><MessageIdentifier>"
        f"{identifier}</MessageIdentifier></MessageDetails></MessageTransmissionDetails>"
        f"<AttachmentDetails><AttachmentContent>{base64.b64encode(b'%PDF-1.4').decode()}"
        f"</AttachmentContent><AttachmentName>{name}</AttachmentName>"
        "<AttachmentMimeType>application/pdf</AttachmentMimeType></AttachmentDetails>"
        "</FinvoiceAttachments>\n"
    ).encode()


def test_attachment_messages_find_their_invoice_as_the_file_streams():
    data = (
        _naming("A-1", "ATT-1")
        + _naming("A-2", "")
        + _attachments_message("", "a2.pdf")  # no identifier: the invoice before it
        + _naming("A-3", "")
        + _attachments_message("ATT-1", "a1.pdf")  # named: the invoice naming it
        + _naming("A-4", "ATT-4")  # its message never comes
    )
    # an invoice is given out once nothing can still go to it: A-1 waits for its message
    assert [p for p, _ in stream(data)] == [2, 1, 3, 4]
    read = read_batch(data)
    assert [(i.number, [a.name for a in i.attachments]) for i in read] == [
        ("A-1", ["a1.pdf"]),
        ("A-2", ["a2.pdf"]),
        ("A-3", []),
        ("A-4", []),
    ]
    assert read[0].attachments[0].content == b"%PDF-1.4"
