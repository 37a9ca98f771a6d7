"""SEPA credit transfer files: ISO 20022 pain.001.001.03 (default) and pain.001.001.09, the
one writer for supplier payments and (through :mod:`tase.formats.sepa_salary`) salaries.

Layout as Finnish banks take it (shared/reference/formats-fi.md §4; Danske Bank, OP and
Samlink pain.001.001.03 guides; EPC SEPA Credit Transfer Customer-to-PSP Implementation
Guidelines): group header (message id, time, count, control sum, initiating party — with the
bank's service id, ``Othr/Id`` under scheme ``BANK``, when the bank gave one) → one payment
information block (``TRF``, service level ``SEPA``, optional category purpose, requested
execution date, debtor, its account and bank, charges ``SLEV``) → one ``CdtTrfTxInf`` per
payment: end-to-end id (IBANs are checked: ISO 13616 check digits), amount in euros with a decimal point and two decimals, the payee's bank
(when its BIC is known), name, IBAN, optional purpose and the remittance information.

Remittance is either structured or a message, never both: a Finnish national reference or an
RF creditor reference goes to ``Strd/CdtrRefInf`` with type ``SCOR`` (plus issuer ``ISO`` for
RF, as the FFFS samples do), a payment without one carries its message in ``Ustrd`` (at most
140 characters). References are checked (7-3-1 or ISO 11649) before they are written.

What .09 changes here: its own namespace, ``<ReqdExctnDt><Dt>…</Dt></ReqdExctnDt>`` and
``BICFI`` instead of ``BIC``.

Characters: the EPC guidelines' basic Latin set (``a-z A-Z 0-9 / - ? : ( ) . , ' +`` and
space) is what every bank takes; ``charset="latin"`` (default) transliterates to it (Å→A,
Ä→A, Ö→O, é→e, & → +) and drops what has no Latin form; ``charset="utf-8"`` keeps ÅÄÖ and
other letters for banks that accept UTF-8 and drops only control characters. Which one is a
company's setting, not a silent loss.

Supplier payments are booked one by one (``BtchBookg`` false) so that each shows on the bank
statement with its end-to-end id and matches its purchase invoice; a salary batch is booked as
one sum. :func:`validate` checks a file against the ISO XSD of its version (the schemas shipped
with the ``sepaxml`` package) with lxml. Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from stdnum import iban

from . import safe_xml
from .reference import InvalidReference, normalize_reference

V03 = "pain.001.001.03"
V09 = "pain.001.001.09"
VERSIONS = (V03, V09)
CHARSETS = ("latin", "utf-8")
_LATIN_OUT = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LATIN_FOLD = str.maketrans(
    {"&": "+", "ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "_": "-"}
)


class SepaError(ValueError):
    pass


@dataclass(frozen=True)
class Transfer:
    """One payment: to ``name`` / ``iban`` (``bic`` if known), ``amount`` euros > 0, with a
    ``reference`` (national or RF; structured) or else the message ``text``."""

    name: str
    iban: str
    amount: Decimal
    end_to_end_id: str
    text: str = ""
    bic: str = ""
    reference: str = ""
    purpose: str = ""  # ISO purpose code (SALA for salaries), "" for none


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str = ""
    service_id: str = ""  # the bank's service / customer id (palvelutunnus), when it gave one


def namespace(version: str) -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:{version}"


def _check_version(version: str) -> None:
    if version not in VERSIONS:
        raise SepaError(f"Unknown version {version!r}: use one of {', '.join(VERSIONS)}.")


def clean_text(text: str, length: int, charset: str = "latin") -> str:
    """``text`` as the bank takes it (see the module's note on characters), cut to
    ``length``; an empty result becomes ``NOTPROVIDED`` (the EPC's placeholder)."""
    if charset == "latin":
        folded = unicodedata.normalize("NFKD", (text or "").translate(_LATIN_FOLD))
        text = _LATIN_OUT.sub("", "".join(c for c in folded if not unicodedata.combining(c)))
    else:
        text = _CONTROL.sub(" ", text or "")
    return " ".join(text.split())[:length].strip() or "NOTPROVIDED"


def _compact_iban(iban: str) -> str:
    return "".join((iban or "").split()).upper()


class _Writer:
    def __init__(self, version: str, charset: str):
        _check_version(version)
        if charset not in CHARSETS:
            raise SepaError(f"Unknown character set {charset!r}: use one of {', '.join(CHARSETS)}.")
        self.version = version
        self.charset = charset
        self.ns = namespace(version)

    def sub(self, parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{self.ns}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    def text(self, parent, tag, value: str, length: int):
        return self.sub(parent, tag, clean_text(value, length, self.charset))

    def agent(self, parent, tag, bic: str) -> None:
        institution = self.sub(self.sub(parent, tag), "FinInstnId")
        if bic:
            self.sub(institution, "BICFI" if self.version == V09 else "BIC", bic.strip().upper())
        else:
            self.sub(self.sub(institution, "Othr"), "Id", "NOTPROVIDED")

    def execution_date(self, parent, date: dt.date) -> None:
        if self.version == V09:
            self.sub(self.sub(parent, "ReqdExctnDt"), "Dt", date.isoformat())
        else:
            self.sub(parent, "ReqdExctnDt", date.isoformat())

    def initiating_party(self, parent, debtor: Debtor) -> None:
        party = self.sub(parent, "InitgPty")
        self.text(party, "Nm", debtor.name, 70)
        if debtor.service_id:
            other = self.sub(self.sub(self.sub(party, "Id"), "OrgId"), "Othr")
            self.sub(other, "Id", debtor.service_id.strip())
            self.sub(self.sub(other, "SchmeNm"), "Cd", "BANK")

    def remittance(self, parent, transfer: Transfer) -> None:
        info = self.sub(parent, "RmtInf")
        if transfer.reference:
            reference = normalize_reference(transfer.reference)
            creditor_reference = self.sub(self.sub(info, "Strd"), "CdtrRefInf")
            kind = self.sub(creditor_reference, "Tp")
            self.sub(self.sub(kind, "CdOrPrtry"), "Cd", "SCOR")
            if reference.startswith("RF"):
                self.sub(kind, "Issr", "ISO")
            self.sub(creditor_reference, "Ref", reference)
        else:
            self.text(info, "Ustrd", transfer.text, 140)


def _check(debtor: Debtor, transfers: list[Transfer]) -> Decimal:
    if not iban.is_valid(debtor.iban or ""):
        raise SepaError(f"The payer's account {debtor.iban!r} is not a valid IBAN.")
    if not transfers:
        raise SepaError("No transfers.")
    for i, transfer in enumerate(transfers, start=1):
        who = f"Transfer {i} ({transfer.name})"
        if transfer.amount <= 0:
            raise SepaError(f"{who}: the amount must be positive.")
        if transfer.amount != transfer.amount.quantize(Decimal("0.01")):
            raise SepaError(f"{who}: the amount {transfer.amount} has more than two decimals.")
        if not transfer.iban:
            raise SepaError(f"{who}: no IBAN.")
        if not iban.is_valid(transfer.iban):
            raise SepaError(
                f"{who}: {transfer.iban!r} is not a valid IBAN (check digits or length)."
            )
        if transfer.reference:
            try:
                normalize_reference(transfer.reference)
            except InvalidReference as error:
                raise SepaError(f"{who}: {error}") from None
    return sum((t.amount for t in transfers), Decimal("0"))


def credit_transfer_file(
    debtor: Debtor,
    transfers: list[Transfer],
    *,
    execution_date: dt.date,
    message_id: str,
    created: dt.datetime,
    version: str = V03,
    category_purpose: str = "",
    batch_booking: bool = False,
    charset: str = "latin",
) -> bytes:
    """The pain.001 document (``version``: pain.001.001.03 or .09) paying ``transfers`` from
    ``debtor``'s account on ``execution_date``, as UTF-8 bytes."""
    w = _Writer(version, charset)
    total = _check(debtor, transfers)
    ET.register_namespace("", w.ns)
    root = ET.Element(f"{{{w.ns}}}Document")
    initiation = w.sub(root, "CstmrCdtTrfInitn")
    header = w.sub(initiation, "GrpHdr")
    w.sub(header, "MsgId", clean_text(message_id, 35))
    w.sub(header, "CreDtTm", created.replace(microsecond=0, tzinfo=None).isoformat())
    w.sub(header, "NbOfTxs", str(len(transfers)))
    w.sub(header, "CtrlSum", f"{total:.2f}")
    w.initiating_party(header, debtor)
    info = w.sub(initiation, "PmtInf")
    w.sub(info, "PmtInfId", clean_text(message_id, 35))
    w.sub(info, "PmtMtd", "TRF")
    w.sub(info, "BtchBookg", "true" if batch_booking else "false")
    w.sub(info, "NbOfTxs", str(len(transfers)))
    w.sub(info, "CtrlSum", f"{total:.2f}")
    payment_type = w.sub(info, "PmtTpInf")
    w.sub(w.sub(payment_type, "SvcLvl"), "Cd", "SEPA")
    if category_purpose:
        w.sub(w.sub(payment_type, "CtgyPurp"), "Cd", category_purpose)
    w.execution_date(info, execution_date)
    w.text(w.sub(info, "Dbtr"), "Nm", debtor.name, 70)
    w.sub(w.sub(w.sub(info, "DbtrAcct"), "Id"), "IBAN", _compact_iban(debtor.iban))
    w.agent(info, "DbtrAgt", debtor.bic)
    w.sub(info, "ChrgBr", "SLEV")
    for transfer in transfers:
        tx = w.sub(info, "CdtTrfTxInf")
        w.sub(w.sub(tx, "PmtId"), "EndToEndId", clean_text(transfer.end_to_end_id, 35))
        w.sub(w.sub(tx, "Amt"), "InstdAmt", f"{transfer.amount:.2f}", Ccy="EUR")
        if transfer.bic:
            w.agent(tx, "CdtrAgt", transfer.bic)
        w.text(w.sub(tx, "Cdtr"), "Nm", transfer.name, 70)
        w.sub(w.sub(w.sub(tx, "CdtrAcct"), "Id"), "IBAN", _compact_iban(transfer.iban))
        if transfer.purpose:
            w.sub(w.sub(tx, "Purp"), "Cd", transfer.purpose)
        w.remittance(tx, transfer)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def supplier_payment_file(debtor: Debtor, transfers: list[Transfer], **file_options) -> bytes:
    """Supplier payments: one transfer per purchase invoice, each with its reference or,
    when the invoice has none, a message (a payment with neither is refused: the payee could
    not tell what it pays); booked one by one, category purpose SUPP (supplier payment).
    ``file_options``: ``execution_date``, ``message_id``, ``created`` and optionally ``version``
    and ``charset``, as for :func:`credit_transfer_file`."""
    for i, transfer in enumerate(transfers, start=1):
        if not transfer.reference and not transfer.text.strip():
            raise SepaError(f"Transfer {i} ({transfer.name}): give the reference or a message.")
    return credit_transfer_file(
        debtor, transfers, category_purpose="SUPP", batch_booking=False, **file_options
    )


def schema_path(version: str = V03) -> Path:
    import sepaxml

    _check_version(version)
    return Path(sepaxml.__file__).parent / "schemas" / f"{version}.xsd"


def version_of(document: bytes) -> str:
    """The pain.001 version a document declares by its namespace."""
    try:
        tag = safe_xml.parse(document).tag
    except safe_xml.XmlError as error:
        raise SepaError(str(error)) from None
    for version in VERSIONS:
        if tag == f"{{{namespace(version)}}}Document":
            return version
    raise SepaError(f"Not a pain.001.001.03 or .09 document: {tag}")


def validate(document: bytes, version: str | None = None) -> None:
    """Raise :class:`SepaError` unless ``document`` is valid against the ISO XSD of
    ``version`` (default: the version its namespace declares), naming the lines at fault."""
    version = version or version_of(document)
    errors = safe_xml.schema_errors(document, schema_path(version), limit=3)
    if errors:
        raise SepaError("; ".join(errors))
