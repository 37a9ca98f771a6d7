"""Supplier e-invoices in: a Finvoice 3.0 invoice (or 2.x, read by the same element names)
read into a purchase invoice, its totals checked against its rows.

Source: Finanssiala, Finvoice 3.0 schema and implementation guidelines
(https://file.finanssiala.fi/finvoice/Finvoice3.0.xsd,
https://file.finanssiala.fi/finvoice/Finvoice_3_0_implementation_guidelines.pdf), summarised in
shared/reference/formats-fi.md §3. What is read, and from where:

- seller: ``SellerPartyDetails`` (``SellerOrganisationName``, ``SellerPartyIdentifier`` =
  Y-tunnus, ``SellerOrganisationTaxCode`` = VAT number); the account paid to is
  ``EpiDetails/…/EpiBeneficiaryPartyDetails/EpiAccountID`` (IBAN) and
  ``EpiBfiPartyDetails/EpiBfiIdentifier`` (BIC), else the first ``SellerAccountDetails``;
- ``InvoiceDetails``: type (``INV01`` invoice, ``INV02`` credit note), number, date, totals
  (``InvoiceTotalVatExcludedAmount``, ``InvoiceTotalVatAmount``,
  ``InvoiceTotalVatIncludedAmount``), VAT per rate (``VatSpecificationDetails``), due date
  (``PaymentTermsDetails/InvoiceDueDate``, else ``EpiDateOptionDate``);
- cash discount (käteisalennus): the first ``PaymentTermsDetails`` with a ``CashDiscountDate``
  gives the date by which paying earns it and its amount: ``CashDiscountAmount``, else
  ``CashDiscountPercent`` of ``CashDiscountBaseAmount`` (default: the invoice's total), rounded
  half up to the cent. The schema has the same element names in Finvoice 2.01 and 3.0. An
  amount without a date, or one not between zero and the total, is an error;
- reference: ``EpiRemittanceInfoIdentifier`` (``SPY`` national 7-3-1, ``ISO`` RF);
- rows (``InvoiceRow``): name, quantity (``InvoicedQuantity``, ``DeliveredQuantity`` or
  ``OrderedQuantity``) with its unit, ``UnitPriceAmount``, ``RowVatRatePercent``,
  ``RowVatCode``, ``RowVatExcludedAmount`` (net), ``RowVatAmount``, ``RowAmount`` (VAT included
  in 3.0). A row with no amount (free text only) is not a line: its text joins ``notes`` with
  the ``InvoiceFreeText``. Amounts keep the decimals written (Finvoice allows up to five). A missing net is quantity
  times unit price; a missing VAT is net times rate, rounded half up to the cent.

Finvoice writes amounts with a decimal comma (``1279,48``) and dates as ``CCYYMMDD``; a decimal
point, spaces between thousands and ISO dates are taken too. Files come in ISO-8859-15 or UTF-8
as declared (a file labelled UTF-8 whose bytes are Windows-1252 is read with a warning), or in
UTF-16 with a byte order mark (streamed as its own bytes like the others), and
an operator's SOAP envelope may come first in the same file (two XML
documents); both are handled (:mod:`tase.formats.safe_xml`).

A file is streamed (:func:`stream`): its documents found one at a time (an operator's batch is
envelope + invoice pairs one after another; ``Finvoice`` messages may also follow each other in
one document, or sit in an envelope's body), each parsed a megabyte at a time by lxml's pull
parser without DTDs, entities or network access (a ``DOCTYPE`` is refused before parsing), and
each message read and dropped as it ends, so a file of thousands of invoices reads in flat
memory from an ``mmap`` of the file.

Attachments: Finvoice carries them in a message of their own, ``FinvoiceAttachments``
(Finanssiala, *Finvoice Attachments* 1.0), sent in the same file after the invoice (with its own
envelope); each ``AttachmentDetails`` has ``AttachmentName``, ``AttachmentMimeType`` and the
Base64 ``AttachmentContent``. The invoice names its attachment message in
``AttachmentMessageDetails/AttachmentMessageIdentifier``; an attachment message whose
``MessageIdentifier`` matches goes with that invoice, else with the invoice before it.

Checks (every problem is collected; any error refuses the invoice with all of them, each
naming its field): the rows' nets, VATs and gross amounts must add up to the invoice totals
within one cent per row (rounding per row is allowed that much); VAT per rate must add up to the
totals within one cent per rate; each row's ``RowAmount`` must be its net + VAT within a cent;
the reference must have a right check digit and the IBAN a right checksum. Pure Python: no
Django.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element

from stdnum import iban as iban_number
from stdnum.fi import ytunnus

from . import safe_xml
from .reference import InvalidReference, normalize_reference

CENT = Decimal("0.01")
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")


class FinvoiceError(ValueError):
    """A file that is not a readable Finvoice invoice, or whose figures do not tie; ``problems``
    lists every problem, each naming its field."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class Seller:
    name: str
    business_id: str  # Y-tunnus as written ("" if none)
    vat_number: str
    iban: str
    bic: str


@dataclass(frozen=True, slots=True)
class Line:
    row: int  # the InvoiceRow's position in the file, 1-based
    description: str
    quantity: Decimal | None
    unit: str
    unit_price: Decimal | None
    vat_rate: Decimal | None  # percent, 25.5
    vat_code: str  # S, AE, Z, E …
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class VatSummary:
    rate: Decimal | None
    code: str
    base: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    mime_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class PurchaseInvoice:
    version: str  # the Finvoice Version attribute: 3.0, 2.01 …
    type_code: str  # INV01 invoice, INV02 credit note
    number: str
    invoice_date: dt.date
    due_date: dt.date | None
    reference: str  # machine form; "" when the invoice has none
    currency: str
    seller: Seller
    buyer_name: str
    buyer_business_id: str
    order_number: str
    lines: tuple[Line, ...]
    vat: tuple[VatSummary, ...]
    net_total: Decimal
    vat_total: Decimal
    total: Decimal  # VAT included: what is payable
    virtual_barcode: str
    message_id: str  # MessageTransmissionDetails/…/MessageIdentifier
    notes: tuple[str, ...]  # InvoiceFreeText and rows of text only
    warnings: tuple[str, ...]
    attachments: tuple[Attachment, ...] = ()
    cash_discount_date: dt.date | None = None  # paying by this day earns …
    cash_discount: Decimal | None = None  # … this much off the total (VAT included)

    @property
    def credit_note(self) -> bool:
        return self.type_code == "INV02"


def _text(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return " ".join((found.text or "").split()) if found is not None else ""


class _Reader:
    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.notes: list[str] = []

    def decimal(self, element: Element | None, path: str, field: str) -> Decimal | None:
        raw = _text(element, path)
        if not raw:
            return None
        compact = raw.replace(" ", "").replace("\u00a0", "").replace(",", ".")
        if not _AMOUNT.match(compact):
            self.errors.append(f"{field}: {raw!r} is not a number.")
            return None
        try:
            return Decimal(compact)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            self.errors.append(f"{field}: {raw!r} is not a number.")
            return None

    def date(self, element: Element | None, path: str, field: str) -> dt.date | None:
        raw = _text(element, path)
        if not raw:
            return None
        try:
            if raw.isdigit() and len(raw) == 8:
                return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.errors.append(f"{field}: {raw!r} is not a date (CCYYMMDD).")
            return None

    def line(self, row: Element, position: int) -> Line | None:
        where = f"InvoiceRow {position}"
        quantity_element = next(
            (
                row.find(n)
                for n in ("InvoicedQuantity", "DeliveredQuantity", "OrderedQuantity")
                if row.find(n) is not None
            ),
            None,
        )
        quantity = (
            self.decimal(quantity_element, ".", f"{where} quantity")
            if quantity_element is not None
            else None
        )
        price = self.decimal(row, "UnitPriceAmount", f"{where} UnitPriceAmount")
        rate = self.decimal(row, "RowVatRatePercent", f"{where} RowVatRatePercent")
        net = self.decimal(row, "RowVatExcludedAmount", f"{where} RowVatExcludedAmount")
        vat = self.decimal(row, "RowVatAmount", f"{where} RowVatAmount")
        gross = self.decimal(row, "RowAmount", f"{where} RowAmount")
        if net is None and gross is not None and vat is not None:
            net = gross - vat
        if net is None and quantity is not None and price is not None:
            net = (quantity * price).quantize(CENT, ROUND_HALF_UP)
        if net is None:
            if gross is not None or vat is not None:
                self.errors.append(
                    f"{where}: no RowVatExcludedAmount, and it cannot be worked out."
                )
            self.notes.append(_text(row, "RowFreeText") or _text(row, "ArticleName"))
            return None  # a row of text only
        if vat is None:
            vat = (net * (rate or 0) / 100).quantize(CENT, ROUND_HALF_UP)
        if gross is not None and abs(gross - (net + vat)) > CENT:
            self.errors.append(
                f"{where} RowAmount: {_fi(gross)} is not RowVatExcludedAmount {_fi(net)} + "
                f"RowVatAmount {_fi(vat)}."
            )
        description = (
            _text(row, "ArticleName")
            or _text(row, "ArticleDescription")
            or _text(row, "RowFreeText")
        )
        return Line(
            row=position,
            description=description,
            quantity=quantity,
            unit=quantity_element.get("QuantityUnitCode", "")
            if quantity_element is not None
            else "",
            unit_price=price,
            vat_rate=rate,
            vat_code=_text(row, "RowVatCode"),
            net=net,
            vat=vat,
            gross=net + vat,
        )

    def check_total(
        self, field: str, stated: Decimal | None, computed: Decimal, tolerance: int, what: str
    ) -> None:
        if stated is not None and abs(stated - computed) > tolerance * CENT:
            self.errors.append(
                f"{field}: {_fi(stated)} but {what} come to {_fi(computed)} "
                f"(difference {_fi(stated - computed)}, more than {tolerance} cent(s) allowed)."
            )


def _fi(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def _attachments(root: Element) -> tuple[str, list[Attachment], list[str]]:
    """The message identifier, attachments and problems of a ``FinvoiceAttachments`` message."""
    for element in root.iter():
        element.tag = safe_xml.local(element.tag)
    found, problems = [], []
    for i, details in enumerate(root.iterfind("AttachmentDetails"), start=1):
        name = _text(details, "AttachmentName") or f"attachment-{i}"
        raw = "".join((details.findtext("AttachmentContent") or "").split())
        try:
            content = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            problems.append(f"AttachmentContent {i} ({name}): not Base64.")
            continue
        found.append(Attachment(name, _text(details, "AttachmentMimeType"), content))
    return (
        _text(root, "MessageTransmissionDetails/MessageDetails/MessageIdentifier"),
        found,
        problems,
    )


_MESSAGES = ("{*}Finvoice", "{*}FinvoiceAttachments")


def _messages(data, roots: list[str]) -> Iterator[tuple[str, Any, str]]:
    """The messages of a file as they end, streamed document by document: ``("invoice",
    element, warning)`` for each ``Finvoice`` (the warning: its encoding had to be repaired),
    ``("attachments", element, "")`` for each ``FinvoiceAttachments`` and ``("error",
    FinvoiceError, "")`` for a document that is not (or stops being) XML. Each element is
    dropped from the tree once the caller has read it; the root tags of documents without a
    message (an operator's envelope) go to ``roots``."""
    for buffer, start, end, note in safe_xml.parts(data):
        root, found = "", False
        try:
            for event, element in safe_xml.pull(buffer, _MESSAGES, start=start, end=end):
                if event == "root":
                    root = safe_xml.local(element)
                elif event == "end":
                    found = True
                    invoice = safe_xml.local(element.tag) == "Finvoice"
                    yield ("invoice", element, note) if invoice else ("attachments", element, "")
                    safe_xml.drop(element)
        except safe_xml.XmlError as error:
            yield "error", FinvoiceError(str(error)), ""
            continue
        if not found:
            roots.append(root)


@dataclass(eq=False)  # held invoices are told apart by identity
class _Held:
    """An invoice read that an attachment message later in the file may still go to."""

    position: int
    result: PurchaseInvoice | FinvoiceError
    identifier: str  # the AttachmentMessageIdentifier it names, "" if none
    attachments: list[Attachment] = field(default_factory=list)
    received: bool = False  # the attachment message it names has come

    def settled(self) -> tuple[int, PurchaseInvoice | FinvoiceError]:
        result = self.result
        if self.attachments and isinstance(result, PurchaseInvoice):
            result = replace(result, attachments=tuple(self.attachments))
        return self.position, result


def _read_or_error(
    element, note: str, check_schema: bool
) -> tuple[PurchaseInvoice | FinvoiceError, str]:
    identifier = _text(element, "{*}AttachmentMessageDetails/{*}AttachmentMessageIdentifier")
    try:
        return _read_invoice(element, note, check_schema=check_schema), identifier
    except FinvoiceError as error:
        return error, identifier


def stream(
    data, *, check_schema: bool = False
) -> Iterator[tuple[int, PurchaseInvoice | FinvoiceError]]:
    """Each invoice of a file — one, or an operator's batch of envelope + invoice pairs, or
    ``Finvoice`` messages one after another — as ``(position, invoice)``, or ``(position,
    FinvoiceError)`` for one that cannot be read (positions from 1, in the file's order), as
    the file is read: ``data`` is bytes or an ``mmap`` of the file, parsed a megabyte at a time
    and each message dropped once read, so that memory stays flat for thousands of invoices.

    An invoice is given out once no attachment message can still go to it: when the next
    invoice has come and, if it names an attachment message, that message has come; an
    invoice whose named attachment message never comes is given out at the end (so the
    positions may come out of order). A file with no invoice raises :class:`FinvoiceError`."""
    roots: list[str] = []
    held: list[_Held] = []
    latest: _Held | None = None
    position = 0
    for kind, item, note in _messages(data, roots):
        position += 1
        if kind == "error":
            yield position, item
        elif kind == "invoice":
            waiting = [h for h in held if h.identifier and not h.received]
            for ready in (h for h in held if h not in waiting):
                yield ready.settled()
            latest = _Held(position, *_read_or_error(item, note, check_schema))
            held = [*waiting, latest]
        else:
            identifier, attachments, problems = _attachments(item)
            owner = next((h for h in held if identifier and h.identifier == identifier), None)
            if owner is not None:
                owner.received = True
            owner = owner or latest
            if problems or owner is None:
                yield (
                    position,
                    FinvoiceError(problems or ["FinvoiceAttachments: no invoice before it."]),
                )
            else:
                position -= 1  # an attachment message is no invoice of its own
                owner.attachments.extend(attachments)
    yield from sorted(h.settled() for h in held)
    if not position:
        raise FinvoiceError(
            f"Not a Finvoice invoice: the file holds <{'>, <'.join(roots)}> but no <Finvoice>."
        )


def _check_totals(
    reader: _Reader,
    details: Element,
    lines: tuple[Line, ...],
    vat: tuple[VatSummary, ...],
    total: Decimal | None,
) -> tuple[Decimal, Decimal]:
    """The invoice's net and VAT totals, with every disagreement between rows, totals and the
    VAT breakdown recorded as an error naming the field. The rows' net less invoice-level
    discounts plus charges must give the net total; the rows' VAT must give the VAT total only
    when there are no invoice-level discounts or charges (whose VAT the file need not itemise)."""

    def amount(name: str) -> Decimal | None:
        return reader.decimal(details, name, name)

    discounts = amount("DiscountsTotalVatExcludedAmount") or Decimal(0)
    charges = amount("ChargesTotalVatExcludedAmount") or Decimal(0)
    rounding = amount("InvoiceTotalRoundoffAmount") or Decimal(0)
    stated_net = amount("InvoiceTotalVatExcludedAmount")
    stated_vat = amount("InvoiceTotalVatAmount")
    rows_net = sum((line.net for line in lines), Decimal(0)) - discounts + charges
    rows_vat = sum((line.vat for line in lines), Decimal(0))
    per_row = max(len(lines), 1)
    if not lines:
        reader.errors.append("InvoiceRow: no row with an amount.")
    else:
        what = "the rows' RowVatExcludedAmount" + (
            " less discounts plus charges" if discounts or charges else ""
        )
        reader.check_total("InvoiceTotalVatExcludedAmount", stated_net, rows_net, per_row, what)
        if not discounts and not charges:
            reader.check_total(
                "InvoiceTotalVatAmount", stated_vat, rows_vat, per_row, "the rows' RowVatAmount"
            )
            if total is not None:
                reader.check_total(
                    "InvoiceTotalVatIncludedAmount",
                    total - rounding,
                    rows_net + rows_vat,
                    per_row,
                    "the rows' net + VAT",
                )
    net_total = rows_net if stated_net is None else stated_net
    vat_total = rows_vat if stated_vat is None else stated_vat
    if total is not None and stated_net is not None and stated_vat is not None:
        reader.check_total(
            "InvoiceTotalVatIncludedAmount",
            total - rounding,
            net_total + vat_total,
            1,
            "InvoiceTotalVatExcludedAmount + InvoiceTotalVatAmount",
        )
    if vat:
        for field, figures, computed, label in (
            ("VatBaseAmount", [v.base for v in vat], net_total, "net"),
            ("VatRateAmount", [v.vat for v in vat], vat_total, "VAT"),
        ):
            reader.check_total(
                f"VatSpecificationDetails {field}",
                sum(figures, Decimal(0)),
                computed,
                len(vat),
                f"the invoice's {label} total",
            )
    return net_total, vat_total


def _reference(reader: _Reader, raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalize_reference(raw)
    except InvalidReference as error:
        reader.errors.append(f"EpiRemittanceInfoIdentifier: {error}")
        return raw


def _cash_discount(
    reader: _Reader, details: Element, total: Decimal | None
) -> tuple[dt.date | None, Decimal | None]:
    """The cash discount's date and amount (see the module's docstring), or (None, None)."""
    field = "PaymentTermsDetails/"
    for terms in details.iterfind("PaymentTermsDetails"):
        on = reader.date(terms, "CashDiscountDate", field + "CashDiscountDate")
        amount = reader.decimal(terms, "CashDiscountAmount", field + "CashDiscountAmount")
        percent = reader.decimal(terms, "CashDiscountPercent", field + "CashDiscountPercent")
        if amount is None and percent is not None:
            base = reader.decimal(terms, "CashDiscountBaseAmount", field + "CashDiscountBaseAmount")
            base = total if base is None else base
            amount = None if base is None else (base * percent / 100).quantize(CENT, ROUND_HALF_UP)
        if on is None and amount is None:
            continue
        if on is None:
            reader.errors.append(f"{field}CashDiscountDate: missing for the cash discount.")
        elif amount is None:
            reader.errors.append(
                f"{field}CashDiscountAmount: missing (nor CashDiscountPercent) for the cash "
                "discount."
            )
        elif total is not None and not 0 < amount < total:
            reader.errors.append(
                f"{field}CashDiscountAmount: {_fi(amount)} is not between 0 and the total "
                f"{_fi(total)}."
            )
        else:
            return on, amount
        return None, None
    return None, None


def _iban(reader: _Reader, raw: str, field: str) -> str:
    compact = raw.replace(" ", "").upper()
    if compact and not iban_number.is_valid(compact):
        reader.errors.append(
            f"{field}: {raw!r} is not a valid IBAN (wrong check digits or length)."
        )
    return compact


def _seller(reader: _Reader, root: Element) -> Seller:
    """The seller, paid to the account of ``EpiDetails`` (else its first own account)."""
    party = root.find("SellerPartyDetails")
    epi = root.find("EpiDetails/EpiPartyDetails")
    beneficiary = epi.find("EpiBeneficiaryPartyDetails") if epi is not None else None
    account = root.find("SellerInformationDetails/SellerAccountDetails")
    iban_field = "EpiAccountID" if _text(beneficiary, "EpiAccountID") else "SellerAccountID"
    seller = Seller(
        name=_text(party, "SellerOrganisationName"),
        business_id=_text(party, "SellerPartyIdentifier"),
        vat_number=_text(party, "SellerOrganisationTaxCode").replace(" ", ""),
        iban=_iban(
            reader,
            _text(beneficiary, "EpiAccountID") or _text(account, "SellerAccountID"),
            iban_field,
        ),
        bic=_text(epi, "EpiBfiPartyDetails/EpiBfiIdentifier") or _text(account, "SellerBic"),
    )
    if not seller.name:
        reader.errors.append("SellerOrganisationName: missing.")
    if seller.business_id and not ytunnus.is_valid(seller.business_id):
        reader.warnings.append(
            f"SellerPartyIdentifier: {seller.business_id!r} is not a valid Y-tunnus."
        )
    return seller


def read(data: bytes, *, check_schema: bool = False) -> PurchaseInvoice:
    """The purchase invoice of a Finvoice file (its bytes). Raises :class:`FinvoiceError`
    listing every problem. ``check_schema``: also refuse a 3.0 invoice that breaks
    Finvoice3.0.xsd, naming the line."""
    invoices = list(stream(data, check_schema=check_schema))
    if len(invoices) > 1:
        raise FinvoiceError(f"The file holds {len(invoices)} invoices: import it as a batch.")
    if isinstance(invoices[0][1], FinvoiceError):
        raise invoices[0][1]
    return invoices[0][1]


def numbered(error: FinvoiceError, position: int) -> FinvoiceError:
    """The error of the invoice at ``position`` of a batch, each problem naming it."""
    return FinvoiceError([f"Invoice {position}: {p}" for p in error.problems])


def read_batch(data: bytes, *, check_schema: bool = False) -> list[PurchaseInvoice | FinvoiceError]:
    """Every invoice of a batch file (an operator's file of envelope + invoice pairs one after
    another), in order: the purchase invoice, or the error naming its position and problems,
    so that one bad invoice does not hide the others. The whole list at once, for a file small
    enough to hold (the import goes through :func:`stream`)."""
    return [
        numbered(result, position) if isinstance(result, FinvoiceError) else result
        for position, result in sorted(
            stream(data, check_schema=check_schema), key=lambda found: found[0]
        )
    ]


def _read_invoice(root, note: str, *, check_schema: bool) -> PurchaseInvoice:
    version = root.get("Version", "")
    reader = _Reader()
    if note:
        reader.warnings.append(note)
    if check_schema and version.startswith("3"):
        problems = safe_xml.element_schema_errors(root, "Finvoice3.0")
        reader.errors += [f"Finvoice3.0.xsd: {p}" for p in problems]
    elif not version.startswith("3"):
        reader.warnings.append(
            f"Finvoice version {version or '(none)'}: read by the 3.0 element names."
        )
    for element in root.iter():  # Finvoice has no namespace; drop one a sender added
        element.tag = safe_xml.local(element.tag)
    details = root.find("InvoiceDetails")
    if details is None:
        raise FinvoiceError("InvoiceDetails: missing; this is not an invoice.")
    seller = _seller(reader, root)
    total_element = details.find("InvoiceTotalVatIncludedAmount")
    total = reader.decimal(
        details, "InvoiceTotalVatIncludedAmount", "InvoiceTotalVatIncludedAmount"
    )
    if total is None:
        reader.errors.append("InvoiceTotalVatIncludedAmount: missing.")
    number = _text(details, "InvoiceNumber")
    if not number:
        reader.errors.append("InvoiceNumber: missing.")
    invoice_date = reader.date(details, "InvoiceDate", "InvoiceDate")
    if invoice_date is None and not _text(details, "InvoiceDate"):
        reader.errors.append("InvoiceDate: missing.")
    instructions = root.find("EpiDetails/EpiPaymentInstructionDetails")
    due = reader.date(
        details, "PaymentTermsDetails/InvoiceDueDate", "InvoiceDueDate"
    ) or reader.date(instructions, "EpiDateOptionDate", "EpiDateOptionDate")
    lines = tuple(
        line
        for i, row in enumerate(root.iterfind("InvoiceRow"), start=1)
        if (line := reader.line(row, i)) is not None
    )
    vat = tuple(
        VatSummary(
            rate=reader.decimal(
                spec, "VatRatePercent", f"VatSpecificationDetails {i} VatRatePercent"
            ),
            code=_text(spec, "VatCode"),
            base=reader.decimal(spec, "VatBaseAmount", f"VatSpecificationDetails {i} VatBaseAmount")
            or Decimal(0),
            vat=reader.decimal(spec, "VatRateAmount", f"VatSpecificationDetails {i} VatRateAmount")
            or Decimal(0),
        )
        for i, spec in enumerate(details.iterfind("VatSpecificationDetails"), start=1)
    )
    net_total, vat_total = _check_totals(reader, details, lines, vat, total)
    instructed = reader.decimal(instructions, "EpiInstructedAmount", "EpiInstructedAmount")
    if instructed is not None and total is not None and instructed != total:
        reader.warnings.append(
            f"EpiInstructedAmount {_fi(instructed)} differs from InvoiceTotalVatIncludedAmount {_fi(total)}."
        )
    reference = _reference(reader, _text(instructions, "EpiRemittanceInfoIdentifier"))
    discount_date, discount = _cash_discount(reader, details, total)
    if reader.errors:
        raise FinvoiceError(reader.errors)
    return PurchaseInvoice(
        version=version,
        type_code=_text(details, "InvoiceTypeCode"),
        number=number,
        invoice_date=invoice_date,  # type: ignore[arg-type]  # checked above
        due_date=due,
        reference=reference,
        currency=total_element.get("AmountCurrencyIdentifier", "EUR")
        if total_element is not None
        else "EUR",
        seller=seller,
        buyer_name=_text(root, "BuyerPartyDetails/BuyerOrganisationName"),
        buyer_business_id=_text(root, "BuyerPartyDetails/BuyerPartyIdentifier"),
        order_number=_text(details, "OrderIdentifier"),
        lines=lines,
        vat=vat,
        net_total=net_total,
        vat_total=vat_total,
        total=total,  # type: ignore[arg-type]  # checked above
        virtual_barcode=_text(root, "VirtualBankBarcode"),
        message_id=_text(root, "MessageTransmissionDetails/MessageDetails/MessageIdentifier"),
        notes=tuple(
            [_text(e, ".") for e in details.iterfind("InvoiceFreeText")]
            + [n for n in reader.notes if n]
        ),
        warnings=tuple(reader.warnings),
        cash_discount_date=discount_date,
        cash_discount=discount,
    )
