"""SEPA credit transfer file for salaries: ISO 20022 pain.001.001.03 (default) or
pain.001.001.09, purpose SALA.

One payment information block, one transfer per employee (category purpose and purpose code
SALA), amounts in euros with two decimals. :func:`validate` checks the file against the ISO
XSD of its version shipped with the ``sepaxml`` package (read with ``xmlschema``) before it is
offered for download. Pure Python: no Django import.

What .09 changes for a salary file: its own namespace, the requested execution date is a choice
(``<ReqdExctnDt><Dt>…</Dt></ReqdExctnDt>``) and a bank's code is ``BICFI`` instead of ``BIC``.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

V03 = "pain.001.001.03"
V09 = "pain.001.001.09"
VERSIONS = (V03, V09)
NS = f"urn:iso:std:iso:20022:tech:xsd:{V03}"
SCHEMA = V03
_TEXT = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")  # the SEPA Latin character set
_FOLD = str.maketrans("ÅÄÖåäöÜüÉé", "AAOaaoUuEe")


class SepaError(ValueError):
    pass


@dataclass(frozen=True)
class Transfer:
    name: str
    iban: str
    amount: Decimal
    end_to_end_id: str
    text: str
    bic: str = ""


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str = ""


def _clean(text: str, length: int) -> str:
    return _TEXT.sub("", (text or "").translate(_FOLD)).strip()[:length] or "NOTPROVIDED"


def namespace(version: str) -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:{version}"


def _check_version(version: str) -> None:
    if version not in VERSIONS:
        raise SepaError(f"Unknown version {version!r}: use one of {', '.join(VERSIONS)}.")


class _Writer:
    def __init__(self, version: str):
        self.version = version
        self.ns = namespace(version)

    def sub(self, parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{self.ns}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    def agent(self, parent, tag, bic: str) -> None:
        institution = self.sub(self.sub(parent, tag), "FinInstnId")
        if bic:
            self.sub(institution, "BICFI" if self.version == V09 else "BIC", bic)
        else:
            self.sub(self.sub(institution, "Othr"), "Id", "NOTPROVIDED")

    def execution_date(self, parent, date: dt.date) -> None:
        if self.version == V09:
            self.sub(self.sub(parent, "ReqdExctnDt"), "Dt", date.isoformat())
        else:
            self.sub(parent, "ReqdExctnDt", date.isoformat())


def salary_file(
    debtor: Debtor,
    transfers: list[Transfer],
    *,
    execution_date: dt.date,
    message_id: str,
    created: dt.datetime,
    version: str = V03,
) -> bytes:
    """The pain.001 document (``version``: pain.001.001.03 or .09) for ``transfers`` (each
    amount > 0) as UTF-8 bytes."""
    _check_version(version)
    if not transfers:
        raise SepaError("No transfers.")
    for transfer in transfers:
        if transfer.amount <= 0:
            raise SepaError(f"{transfer.name}: the amount must be positive.")
        if not transfer.iban:
            raise SepaError(f"{transfer.name}: no IBAN.")
    total = sum((t.amount for t in transfers), Decimal("0")).quantize(Decimal("0.01"))
    w = _Writer(version)
    _sub = w.sub
    ET.register_namespace("", w.ns)
    root = ET.Element(f"{{{w.ns}}}Document")
    initiation = _sub(root, "CstmrCdtTrfInitn")
    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", _clean(message_id, 35))
    _sub(header, "CreDtTm", created.replace(microsecond=0, tzinfo=None).isoformat())
    _sub(header, "NbOfTxs", str(len(transfers)))
    _sub(header, "CtrlSum", f"{total:.2f}")
    _sub(_sub(header, "InitgPty"), "Nm", _clean(debtor.name, 70))
    info = _sub(initiation, "PmtInf")
    _sub(info, "PmtInfId", _clean(message_id, 35))
    _sub(info, "PmtMtd", "TRF")
    _sub(info, "BtchBookg", "true")
    _sub(info, "NbOfTxs", str(len(transfers)))
    _sub(info, "CtrlSum", f"{total:.2f}")
    payment_type = _sub(info, "PmtTpInf")
    _sub(_sub(payment_type, "SvcLvl"), "Cd", "SEPA")
    _sub(_sub(payment_type, "CtgyPurp"), "Cd", "SALA")
    w.execution_date(info, execution_date)
    _sub(_sub(info, "Dbtr"), "Nm", _clean(debtor.name, 70))
    _sub(_sub(_sub(info, "DbtrAcct"), "Id"), "IBAN", debtor.iban)
    w.agent(info, "DbtrAgt", debtor.bic)
    _sub(info, "ChrgBr", "SLEV")
    for transfer in transfers:
        tx = _sub(info, "CdtTrfTxInf")
        _sub(_sub(tx, "PmtId"), "EndToEndId", _clean(transfer.end_to_end_id, 35))
        _sub(_sub(tx, "Amt"), "InstdAmt", f"{transfer.amount:.2f}", Ccy="EUR")
        if transfer.bic:
            w.agent(tx, "CdtrAgt", transfer.bic)
        _sub(_sub(tx, "Cdtr"), "Nm", _clean(transfer.name, 70))
        _sub(_sub(_sub(tx, "CdtrAcct"), "Id"), "IBAN", transfer.iban)
        _sub(_sub(tx, "Purp"), "Cd", "SALA")
        _sub(_sub(tx, "RmtInf"), "Ustrd", _clean(transfer.text, 140))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def schema_path(version: str = V03) -> Path:
    import sepaxml

    _check_version(version)
    return Path(sepaxml.__file__).parent / "schemas" / f"{version}.xsd"


@cache
def _schema(version: str):
    import xmlschema

    return xmlschema.XMLSchema(str(schema_path(version)))


def version_of(document: bytes) -> str:
    """The pain.001 version a document declares by its namespace."""
    try:
        tag = ET.fromstring(document).tag
    except ET.ParseError as error:
        raise SepaError(f"Not XML: {error}") from None
    for version in VERSIONS:
        if tag == f"{{{namespace(version)}}}Document":
            return version
    raise SepaError(f"Not a pain.001.001.03 or .09 document: {tag}")


def validate(document: bytes, version: str | None = None) -> None:
    """Raise :class:`SepaError` unless ``document`` is valid against the ISO XSD of
    ``version`` (default: the version its namespace declares)."""
    version = version or version_of(document)
    errors = [
        str(error.reason or error)
        for error in _schema(version).iter_errors(document.decode("utf-8"))
    ]
    if errors:
        raise SepaError("; ".join(errors[:3]))
