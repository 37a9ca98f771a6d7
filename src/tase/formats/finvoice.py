"""Finvoice 3.0 e-invoices: write (lxml, validated against the official XSD) and read back
(defusedxml).

Sources: Finanssiala, Finvoice 3.0 schema (https://file.finanssiala.fi/finvoice/Finvoice3.0.xsd,
copy in ``schemas/finvoice/Finvoice3.0.xsd``) and implementation guidelines
(https://file.finanssiala.fi/finvoice/Finvoice_3_0_implementation_guidelines.pdf); facts in
shared/reference/formats-fi.md §3. The document has no namespace; amounts carry a decimal
comma and ``AmountCurrencyIdentifier="EUR"``, dates ``Format="CCYYMMDD"``; INV01/380 is an
invoice and INV02/381 a credit note; the payment reference sits in
``EpiRemittanceInfoIdentifier`` with scheme ``SPY`` (national 7-3-1) or ``ISO`` (RF).

Operators take the file with an ebXML SOAP envelope (``eb:MessageHeader`` with sender,
receiver and their intermediators, ``eb:Manifest``) written in the same file *before* the
Finvoice document: the file then holds two XML documents. :func:`read_finvoice` splits them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources

from defusedxml import ElementTree as SafeET
from lxml import etree

ENCODING = "ISO-8859-15"  # what banks and operators send and expect; UTF-8 is read as well
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
EB = "http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd"
XLINK = "http://www.w3.org/1999/xlink"
UNIT_CODE_LENGTH = 14


class FinvoiceError(ValueError):
    """A Finvoice that cannot be written (fails the schema) or read."""


@dataclass(frozen=True)
class Party:
    name: str
    business_id: str = ""  # Y-tunnus 1234567-8
    vat_number: str = ""  # FI12345678, DE123…
    street: str = ""
    postcode: str = ""
    town: str = ""
    country: str = "FI"
    email: str = ""
    edi_address: str = ""  # OVT or IBAN e-invoice address
    intermediator: str = ""  # operator code (e.g. 003721291126) or bank BIC


@dataclass(frozen=True)
class Row:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal  # excluding VAT
    vat_rate: Decimal
    vat_code: str  # UNTDID 5305: S, Z, E, AE, K, …
    net: Decimal
    vat: Decimal
    discount_percent: Decimal = Decimal(0)
    article: str = ""


@dataclass(frozen=True)
class VatLine:
    rate: Decimal
    code: str
    base: Decimal
    vat: Decimal
    free_text: str = ""  # the ground of 0 %: reverse charge, intra-community supply


@dataclass(frozen=True)
class Invoice:
    seller: Party
    buyer: Party
    number: str
    date: dt.date
    due_date: dt.date
    reference: str  # machine form: digits or RF…
    iban: str
    bic: str
    rows: list[Row]
    vat_lines: list[VatLine]
    net: Decimal
    vat: Decimal
    gross: Decimal
    credit_note: bool = False
    original_number: str = ""
    delivery_date: dt.date | None = None
    order_number: str = ""
    buyer_reference: str = ""
    seller_reference: str = ""
    language: str = "fi"
    virtual_barcode: str = ""
    notes: list[str] = field(default_factory=list)
    payment_terms: str = ""


def _amount(value: Decimal) -> str:
    return f"{Decimal(value):.2f}".replace(".", ",")


def _number(value: Decimal, places: int | None = None) -> str:
    value = Decimal(value)
    text = f"{value:.{places}f}" if places is not None else format(value.normalize(), "f")
    return text.replace(".", ",")


def _sub(parent, tag: str, text=None, **attrs):
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = str(text)
    return element


def _money(parent, tag: str, value: Decimal):
    return _sub(parent, tag, _amount(value), AmountCurrencyIdentifier="EUR")


def _date(parent, tag: str, value: dt.date):
    return _sub(parent, tag, value.strftime("%Y%m%d"), Format="CCYYMMDD")


def _party(root, prefix: str, party: Party) -> None:
    details = _sub(root, f"{prefix}PartyDetails")
    if party.business_id:
        _sub(details, f"{prefix}PartyIdentifier", party.business_id)
    _sub(details, f"{prefix}OrganisationName", party.name[:70])
    if party.vat_number:
        _sub(details, f"{prefix}OrganisationTaxCode", party.vat_number)
    if party.street and party.town and party.postcode:
        address = _sub(details, f"{prefix}PostalAddressDetails")
        _sub(address, f"{prefix}StreetName", party.street[:35])
        _sub(address, f"{prefix}TownName", party.town[:35])
        _sub(address, f"{prefix}PostCodeIdentifier", party.postcode)
        _sub(address, "CountryCode", party.country or "FI")


def _invoice_details(root, invoice: Invoice) -> None:
    details = _sub(root, "InvoiceDetails")
    _sub(details, "InvoiceTypeCode", "INV02" if invoice.credit_note else "INV01")
    _sub(details, "InvoiceTypeCodeUN", "381" if invoice.credit_note else "380")
    _sub(details, "InvoiceTypeText", "HYVITYSLASKU" if invoice.credit_note else "LASKU")
    _sub(details, "OriginCode", "Original")
    _sub(details, "InvoiceNumber", invoice.number)
    _date(details, "InvoiceDate", invoice.date)
    if invoice.original_number:
        _sub(details, "OriginalInvoiceNumber", invoice.original_number)
    if invoice.seller_reference:
        _sub(details, "SellerReferenceIdentifier", invoice.seller_reference[:70])
    if invoice.order_number:
        _sub(details, "OrderIdentifier", invoice.order_number[:70])
    if invoice.buyer_reference:
        _sub(details, "BuyerReferenceIdentifier", invoice.buyer_reference[:70])
    _money(details, "InvoiceTotalVatExcludedAmount", invoice.net)
    _money(details, "InvoiceTotalVatAmount", invoice.vat)
    _money(details, "InvoiceTotalVatIncludedAmount", invoice.gross)
    for line in invoice.vat_lines:
        spec = _sub(details, "VatSpecificationDetails")
        _money(spec, "VatBaseAmount", line.base)
        _sub(spec, "VatRatePercent", _number(line.rate))
        _sub(spec, "VatCode", line.code)
        _money(spec, "VatRateAmount", line.vat)
        if line.free_text:
            _sub(spec, "VatFreeText", line.free_text[:70])
    for note in invoice.notes:
        _sub(details, "InvoiceFreeText", note[:512])
    terms = _sub(details, "PaymentTermsDetails")
    if invoice.payment_terms:
        _sub(terms, "PaymentTermsFreeText", invoice.payment_terms[:70])
    _date(terms, "InvoiceDueDate", invoice.due_date)


def _row(root, row: Row, delivery_date: dt.date | None) -> None:
    element = _sub(root, "InvoiceRow")
    if row.article:
        _sub(element, "ArticleIdentifier", row.article[:70])
    _sub(element, "ArticleName", row.description[:100])
    _sub(
        element,
        "InvoicedQuantity",
        _number(row.quantity),
        QuantityUnitCode=(row.unit or "")[:UNIT_CODE_LENGTH],
    )
    _sub(element, "UnitPriceAmount", _number(row.unit_price, 2), AmountCurrencyIdentifier="EUR")
    if delivery_date:
        _date(element, "RowDeliveryDate", delivery_date)
    if row.discount_percent:
        _sub(element, "RowDiscountPercent", _number(row.discount_percent))
    _sub(element, "RowVatRatePercent", _number(row.vat_rate))
    _sub(element, "RowVatCode", row.vat_code)
    _money(element, "RowVatAmount", row.vat)
    _money(element, "RowVatExcludedAmount", row.net)
    _money(element, "RowAmount", row.net + row.vat)


def _epi(root, invoice: Invoice) -> None:
    epi = _sub(root, "EpiDetails")
    ident = _sub(epi, "EpiIdentificationDetails")
    _date(ident, "EpiDate", invoice.date)
    _sub(ident, "EpiReference", "")
    parties = _sub(epi, "EpiPartyDetails")
    bfi = _sub(parties, "EpiBfiPartyDetails")
    _sub(bfi, "EpiBfiIdentifier", invoice.bic, IdentificationSchemeName="BIC")
    beneficiary = _sub(parties, "EpiBeneficiaryPartyDetails")
    _sub(beneficiary, "EpiNameAddressDetails", invoice.seller.name[:35])
    if invoice.seller.business_id:
        _sub(beneficiary, "EpiBei", invoice.seller.business_id)
    _sub(beneficiary, "EpiAccountID", invoice.iban, IdentificationSchemeName="IBAN")
    payment = _sub(epi, "EpiPaymentInstructionDetails")
    scheme = "ISO" if invoice.reference.startswith("RF") else "SPY"
    _sub(payment, "EpiRemittanceInfoIdentifier", invoice.reference, IdentificationSchemeName=scheme)
    _sub(payment, "EpiInstructedAmount", _amount(invoice.gross), AmountCurrencyIdentifier="EUR")
    _sub(payment, "EpiCharge", "SHA", ChargeOption="SHA")
    _date(payment, "EpiDateOptionDate", invoice.due_date)
    _sub(payment, "EpiPaymentMeansCode", "58")


def finvoice_tree(invoice: Invoice, *, message_id: str = "", sent_at: dt.datetime | None = None):
    """The Finvoice document as an lxml element (not yet validated). The routing block
    (MessageTransmissionDetails) is written when both parties have an e-invoice address and
    an intermediator."""
    root = etree.Element("Finvoice", Version="3.0")
    routing = (invoice.seller.edi_address, invoice.seller.intermediator)
    routing += (invoice.buyer.edi_address, invoice.buyer.intermediator)
    if message_id and all(routing):
        transmission = _sub(root, "MessageTransmissionDetails")
        sender = _sub(transmission, "MessageSenderDetails")
        _sub(sender, "FromIdentifier", invoice.seller.edi_address)
        _sub(sender, "FromIntermediator", invoice.seller.intermediator)
        receiver = _sub(transmission, "MessageReceiverDetails")
        _sub(receiver, "ToIdentifier", invoice.buyer.edi_address)
        _sub(receiver, "ToIntermediator", invoice.buyer.intermediator)
        message = _sub(transmission, "MessageDetails")
        _sub(message, "MessageIdentifier", message_id)
        _sub(message, "MessageTimeStamp", (sent_at or dt.datetime.now(dt.UTC)).isoformat())
        _sub(message, "SpecificationIdentifier", "EN16931")
    _party(root, "Seller", invoice.seller)
    info = _sub(root, "SellerInformationDetails")
    account = _sub(info, "SellerAccountDetails")
    _sub(account, "SellerAccountID", invoice.iban, IdentificationSchemeName="IBAN")
    _sub(account, "SellerBic", invoice.bic, IdentificationSchemeName="BIC")
    _sub(root, "InvoiceRecipientLanguageCode", invoice.language.upper())
    _party(root, "Buyer", invoice.buyer)
    if invoice.buyer.email:
        communication = _sub(root, "BuyerCommunicationDetails")
        _sub(communication, "BuyerEmailaddressIdentifier", invoice.buyer.email[:70])
    if invoice.delivery_date:
        delivery = _sub(root, "DeliveryDetails")
        _date(delivery, "DeliveryDate", invoice.delivery_date)
    _invoice_details(root, invoice)
    if invoice.virtual_barcode:
        _sub(root, "VirtualBankBarcode", invoice.virtual_barcode)
    for row in invoice.rows:
        _row(root, row, invoice.delivery_date)
    _epi(root, invoice)
    return root


@cache
def schema() -> etree.XMLSchema:
    path = resources.files("tase.formats") / "schemas" / "finvoice" / "Finvoice3.0.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def validate(root) -> None:
    """Raise :class:`FinvoiceError` with the schema's first complaints if ``root`` is invalid."""
    xsd = schema()
    if not xsd.validate(root):
        problems = "; ".join(f"line {e.line}: {e.message}" for e in list(xsd.error_log)[:5])
        raise FinvoiceError(f"The Finvoice does not pass the Finvoice 3.0 schema: {problems}")


def _envelope(invoice: Invoice, message_id: str, sent_at: dt.datetime) -> bytes:
    """The ebXML SOAP envelope operators route by (sender, receiver, their intermediators)."""
    nsmap = {"SOAP-ENV": SOAP_ENV, "eb": EB, "xlink": XLINK}
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=nsmap)
    header = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Header")
    message = etree.SubElement(
        header,
        f"{{{EB}}}MessageHeader",
        {f"{{{SOAP_ENV}}}mustUnderstand": "1", f"{{{EB}}}version": "2.0"},
    )
    for side, role, party_id in (
        ("From", "Sender", invoice.seller.edi_address),
        ("From", "Intermediator", invoice.seller.intermediator),
        ("To", "Receiver", invoice.buyer.edi_address),
        ("To", "Intermediator", invoice.buyer.intermediator),
    ):
        party = etree.SubElement(message, f"{{{EB}}}{side}")
        etree.SubElement(party, f"{{{EB}}}PartyId").text = party_id
        etree.SubElement(party, f"{{{EB}}}Role").text = role
    for tag, text in (
        ("CPAId", "yoursandmycpa"),
        ("ConversationId", ""),
        ("Service", "Routing"),
        ("Action", "ProcessInvoice"),
    ):
        etree.SubElement(message, f"{{{EB}}}{tag}").text = text
    data = etree.SubElement(message, f"{{{EB}}}MessageData")
    etree.SubElement(data, f"{{{EB}}}MessageId").text = message_id
    etree.SubElement(data, f"{{{EB}}}Timestamp").text = sent_at.isoformat()
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    manifest = etree.SubElement(
        body, f"{{{EB}}}Manifest", {f"{{{EB}}}id": "Manifest", f"{{{EB}}}version": "2.0"}
    )
    reference = etree.SubElement(
        manifest, f"{{{EB}}}Reference", {f"{{{EB}}}id": "Finvoice", f"{{{XLINK}}}href": message_id}
    )
    etree.SubElement(
        reference,
        f"{{{EB}}}Schema",
        {f"{{{EB}}}location": "http://www.finvoice.info/finvoice.xsd", f"{{{EB}}}version": "2.0"},
    )
    return etree.tostring(envelope, xml_declaration=True, encoding=ENCODING, pretty_print=True)


def write_finvoice(
    invoice: Invoice, *, soap: bool = False, sent_at: dt.datetime | None = None
) -> bytes:
    """The Finvoice 3.0 file of ``invoice``, validated against the schema (raises
    :class:`FinvoiceError` naming the schema's complaint rather than return an invalid file).
    With ``soap`` the operators' ebXML envelope comes first; it needs the e-invoice addresses
    and intermediators of both parties."""
    sent_at = sent_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    message_id = f"{invoice.seller.business_id or 'tase'}-{invoice.number}"
    if soap:
        missing = [
            name
            for name, value in (
                ("seller e-invoice address", invoice.seller.edi_address),
                ("seller intermediator", invoice.seller.intermediator),
                ("buyer e-invoice address", invoice.buyer.edi_address),
                ("buyer intermediator", invoice.buyer.intermediator),
            )
            if not value
        ]
        if missing:
            raise FinvoiceError("The SOAP envelope needs the " + ", ".join(missing) + ".")
    root = finvoice_tree(invoice, message_id=message_id, sent_at=sent_at)
    validate(root)
    document = etree.tostring(root, xml_declaration=True, encoding=ENCODING, pretty_print=True)
    if soap:
        return _envelope(invoice, message_id, sent_at) + document
    return document


# Reading ----------------------------------------------------------------------------------

_DECLARATION = re.compile(rb"<\?xml[^>]*\?>")
_FINVOICE_START = re.compile(rb"<Finvoice[\s>]")


def _finvoice_part(data: bytes) -> bytes:
    """The Finvoice document of a file, without a BOM or a SOAP envelope before it."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    start = _FINVOICE_START.search(data)
    if start is None:
        raise FinvoiceError("The file holds no Finvoice document.")
    declarations = [m for m in _DECLARATION.finditer(data, 0, start.start())]
    begin = declarations[-1].start() if declarations else start.start()
    return data[begin:]


def _text(element, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _attribute(element, path: str, name: str) -> str:
    found = element.find(path)
    return found.get(name, "") if found is not None else ""


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(" ", "").replace(",", ".")) if text else Decimal(0)


def _day(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%Y%m%d").date() if text else None


def _read_party(root, prefix: str) -> Party:
    details = root.find(f"{prefix}PartyDetails")
    address = f"{prefix}PostalAddressDetails/"
    side, direction = ("Sender", "From") if prefix == "Seller" else ("Receiver", "To")
    routing = f"MessageTransmissionDetails/Message{side}Details/{direction}"
    return Party(
        email=_text(root, f"{prefix}CommunicationDetails/{prefix}EmailaddressIdentifier"),
        edi_address=_text(root, f"{routing}Identifier"),
        intermediator=_text(root, f"{routing}Intermediator"),
        name=_text(details, f"{prefix}OrganisationName"),
        business_id=_text(details, f"{prefix}PartyIdentifier"),
        vat_number=_text(details, f"{prefix}OrganisationTaxCode"),
        street=_text(details, address + f"{prefix}StreetName"),
        postcode=_text(details, address + f"{prefix}PostCodeIdentifier"),
        town=_text(details, address + f"{prefix}TownName"),
        country=_text(details, address + "CountryCode"),
    )


def read_finvoice(data: bytes) -> Invoice:
    """Read a Finvoice 2.x/3.0 file (with or without a SOAP envelope, BOM, any declared
    encoding) safely; amounts and dates as Python values."""
    try:
        root = SafeET.fromstring(_finvoice_part(data))
    except SafeET.ParseError as error:
        raise FinvoiceError(f"The Finvoice is not well-formed XML: {error}") from None
    except Exception as error:  # defusedxml refuses entities and external references
        raise FinvoiceError(f"The Finvoice was refused: {error}") from None
    if root.tag != "Finvoice":
        raise FinvoiceError("The root element is not Finvoice.")
    details = root.find("InvoiceDetails")
    payment = root.find("EpiDetails/EpiPaymentInstructionDetails")
    rows = [
        Row(
            description=_text(row, "ArticleName"),
            quantity=_decimal(_text(row, "InvoicedQuantity")),
            unit=_attribute(row, "InvoicedQuantity", "QuantityUnitCode"),
            unit_price=_decimal(_text(row, "UnitPriceAmount")),
            vat_rate=_decimal(_text(row, "RowVatRatePercent")),
            vat_code=_text(row, "RowVatCode"),
            net=_decimal(_text(row, "RowVatExcludedAmount")),
            vat=_decimal(_text(row, "RowVatAmount")),
            discount_percent=_decimal(_text(row, "RowDiscountPercent")),
            article=_text(row, "ArticleIdentifier"),
        )
        for row in root.findall("InvoiceRow")
    ]
    vat_lines = [
        VatLine(
            rate=_decimal(_text(spec, "VatRatePercent")),
            code=_text(spec, "VatCode"),
            base=_decimal(_text(spec, "VatBaseAmount")),
            vat=_decimal(_text(spec, "VatRateAmount")),
            free_text=_text(spec, "VatFreeText"),
        )
        for spec in (details.findall("VatSpecificationDetails") if details is not None else [])
    ]
    type_code = _text(details, "InvoiceTypeCode")
    return Invoice(
        seller=_read_party(root, "Seller"),
        buyer=_read_party(root, "Buyer"),
        number=_text(details, "InvoiceNumber"),
        date=_day(_text(details, "InvoiceDate")),
        due_date=_day(_text(payment, "EpiDateOptionDate"))
        or _day(_text(details, "PaymentTermsDetails/InvoiceDueDate")),
        reference=_text(payment, "EpiRemittanceInfoIdentifier").replace(" ", ""),
        iban=_text(root, "EpiDetails/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID"),
        bic=_text(root, "EpiDetails/EpiPartyDetails/EpiBfiPartyDetails/EpiBfiIdentifier"),
        rows=rows,
        vat_lines=vat_lines,
        net=_decimal(_text(details, "InvoiceTotalVatExcludedAmount")),
        vat=_decimal(_text(details, "InvoiceTotalVatAmount")),
        gross=_decimal(_text(details, "InvoiceTotalVatIncludedAmount")),
        credit_note=type_code == "INV02",
        original_number=_text(details, "OriginalInvoiceNumber"),
        delivery_date=_day(_text(root, "DeliveryDetails/DeliveryDate")),
        order_number=_text(details, "OrderIdentifier"),
        buyer_reference=_text(details, "BuyerReferenceIdentifier"),
        seller_reference=_text(details, "SellerReferenceIdentifier"),
        language=_text(root, "InvoiceRecipientLanguageCode").lower() or "fi",
        virtual_barcode=_text(root, "VirtualBankBarcode"),
        notes=[(e.text or "").strip() for e in details.findall("InvoiceFreeText")]
        if details is not None
        else [],
        payment_terms=_text(details, "PaymentTermsDetails/PaymentTermsFreeText"),
    )
