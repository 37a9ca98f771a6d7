"""SEPA credit transfer file for salaries: ISO 20022 pain.001.001.03, purpose SALA.

One payment information block, one transfer per employee (category purpose and purpose code
SALA), amounts in euros with two decimals. :func:`validate` checks the file against the ISO
XSD shipped with the ``sepaxml`` package (read with ``xmlschema``) before it is offered for
download. Pure Python: no Django import.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
SCHEMA = "pain.001.001.03"
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


def _sub(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _agent(parent, tag, bic: str) -> None:
    institution = _sub(_sub(parent, tag), "FinInstnId")
    if bic:
        _sub(institution, "BIC", bic)
    else:
        _sub(_sub(institution, "Othr"), "Id", "NOTPROVIDED")


def salary_file(
    debtor: Debtor,
    transfers: list[Transfer],
    *,
    execution_date: dt.date,
    message_id: str,
    created: dt.datetime,
) -> bytes:
    """The pain.001.001.03 document for ``transfers`` (each amount > 0) as UTF-8 bytes."""
    if not transfers:
        raise SepaError("No transfers.")
    for transfer in transfers:
        if transfer.amount <= 0:
            raise SepaError(f"{transfer.name}: the amount must be positive.")
        if not transfer.iban:
            raise SepaError(f"{transfer.name}: no IBAN.")
    total = sum((t.amount for t in transfers), Decimal("0")).quantize(Decimal("0.01"))
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}Document")
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
    _sub(info, "ReqdExctnDt", execution_date.isoformat())
    _sub(_sub(info, "Dbtr"), "Nm", _clean(debtor.name, 70))
    _sub(_sub(_sub(info, "DbtrAcct"), "Id"), "IBAN", debtor.iban)
    _agent(info, "DbtrAgt", debtor.bic)
    _sub(info, "ChrgBr", "SLEV")
    for transfer in transfers:
        tx = _sub(info, "CdtTrfTxInf")
        _sub(_sub(tx, "PmtId"), "EndToEndId", _clean(transfer.end_to_end_id, 35))
        _sub(_sub(tx, "Amt"), "InstdAmt", f"{transfer.amount:.2f}", Ccy="EUR")
        if transfer.bic:
            _agent(tx, "CdtrAgt", transfer.bic)
        _sub(_sub(tx, "Cdtr"), "Nm", _clean(transfer.name, 70))
        _sub(_sub(_sub(tx, "CdtrAcct"), "Id"), "IBAN", transfer.iban)
        _sub(_sub(tx, "Purp"), "Cd", "SALA")
        _sub(_sub(tx, "RmtInf"), "Ustrd", _clean(transfer.text, 140))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def schema_path() -> Path:
    import sepaxml

    return Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"


def validate(document: bytes) -> None:
    """Raise :class:`SepaError` unless ``document`` is valid against the ISO XSD."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(schema_path()))
    errors = [str(error.reason or error) for error in schema.iter_errors(document.decode("utf-8"))]
    if errors:
        raise SepaError("; ".join(errors[:3]))
