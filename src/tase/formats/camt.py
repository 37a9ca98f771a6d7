"""Bank statements in: ISO 20022 camt.053 (BankToCustomerStatement, tiliote) and camt.054
(BankToCustomerDebitCreditNotification, used in Finland for reference-payment advices,
viitesiirrot), versions .02 (001.02, what Finnish banks send) and .08 (001.08).

Sources: the ISO 20022 message definitions and schemas (shared/reference/xsd/camt/), and
Finanssiala's *ISO 20022 Tiliote-opas* and *Tapahtumaraportti-opas* (FFFS B2C guides) as
summarised in shared/reference/formats-fi.md §4:

- a statement (``Stmt``; ``Ntfctn`` in camt.054) holds the account (``Acct/Id/IBAN``), its
  balances (``Bal``: ``OPBD`` opening booked, ``CLBD`` closing booked; ``PRCD`` previous closing
  stands in for a missing OPBD) and entries (``Ntry``);
- an entry is one booking on the account: amount and ``CdtDbtInd`` (``CRDT`` in, ``DBIT`` out),
  status (``BOOK`` booked, ``PDNG`` pending, ``INFO``), booking and value date, the archive id
  (arkistointitunnus, ``AcctSvcrRef``) and the bank transaction code, the ISO one
  (``PMNT/RCDT/ESCT``) and the Finnish FFFS code whose first three digits are read
  (``705`` reference payments, ``710`` transfer …);
- a batch (a day's reference payments booked as one sum) is one entry with many ``TxDtls``, each
  with its amount, payer, creditor reference (``RmtInf/Strd/CdtrRefInf/Ref``: the national or RF
  reference, often zero-padded to 20 digits or with spaces) and payment date
  (``RltdDts/AccptncDtTm``).
- .08 differs only in small ways read here alike: ``Sts/Cd``, ``BICFI``, ``TxDtls/Amt`` and
  parties as ``Dbtr/Pty/Nm``.

What real files do and this reader takes: UTF-8 with or without a byte order mark,
ISO-8859-1 (or another declared encoding), UTF-16, a file labelled UTF-8 whose bytes are
Windows-1252 (with a warning naming the line of the first such byte), a missing or
other-version namespace (elements are read by name, with a warning), the document inside a
bank's or a SOAP wrapper, several statements in a message and several messages in a file (one
after another, with or without their own XML declarations; a part that holds no message is
skipped with a warning), zero-padded and spaced references, amounts with more than two
decimals. A file that breaks the schema in a harmless way (an empty ``<Id>``) is read with a
warning naming the line.

The file is streamed (lxml's pull parser, :func:`tase.formats.safe_xml.pull`: no DTD, no
entities, no network): :func:`stream` hands out each statement's header, then its entries one
by one as they end (each dropped from the tree at once), then the statement with its warnings,
so that a year of 100,000 entries is read in flat memory; :func:`read` collects the same into
one :class:`CamtFile`. Warnings and errors are :class:`~tase.formats.safe_xml.Notice` texts:
English as strings, with a code and parameters for the Finnish of the web edge.

Amounts are integer cents; a non-zero fraction of a cent is rounded half up with a warning.
Opening balance + booked entries must equal the closing balance; otherwise the statement
carries a warning with the difference. A file that is not XML, that declares entities (XML
bombs, external entities) or that holds no camt.053/054 message raises :class:`CamtError` with
the reason; so does an amount, sign or date that cannot be read, naming the statement and entry.
Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from . import safe_xml
from .reference import InvalidReference, normalize_reference
from .safe_xml import Notice

MESSAGES = {"BkToCstmrStmt": ("camt.053", "Stmt"), "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn")}
KNOWN_VERSIONS = ("001.02", "001.08")
_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[2-4])\.(\d{3}\.\d{2})$")
_CENT = Decimal("0.01")
_NOT_PROVIDED = {"", "NOTPROVIDED"}
_TAGS = tuple(f"{{*}}{name}" for name in (*MESSAGES, "Stmt", "Ntfctn", "Ntry", "GrpHdr"))

# Every message the reader gives, in English (``template % params``); the web edge says them in
# Finnish by code (tase.bank.camt_text). ``where`` parameters are themselves messages.
TEXTS = {
    "camt.where.statement": "Statement %(number)s",
    "camt.where.notification": "Notification %(number)s",
    "camt.where.header": "Group header",
    "camt.where.entry": "%(where)s, entry %(entry)s",
    "camt.where.payment": "%(where)s, payment %(payment)s",
    "camt.where.field": "%(where)s %(field)s",
    "camt.where.balance": "%(where)s, balance %(number)s (%(code)s)",
    "camt.rounded": "%(where)s: amount %(raw)s rounded to %(rounded)s (half up).",
    "camt.bad_datetime": "%(where)s: %(field)s %(raw)s is not a date and time; ignored.",
    "camt.bad_reference": "%(where)s: %(reason)s",
    "camt.batch_sum": "%(where)s: its %(count)s payments sum to %(total)s, the entry to %(amount)s.",
    "camt.no_iban": "%(where)s: the account has no IBAN.",
    "camt.no_iban_other": "%(where)s: the account has no IBAN (other id %(other)s).",
    "camt.no_opening": (
        "%(where)s: no opening (OPBD) balance, so the entries cannot be checked against the "
        "balances."
    ),
    "camt.no_closing": (
        "%(where)s: no closing (CLBD) balance, so the entries cannot be checked against the "
        "balances."
    ),
    "camt.balance_difference": (
        "%(where)s: opening balance %(opening)s + booked entries %(booked)s ≠ closing balance "
        "%(closing)s; difference %(difference)s."
    ),
    "camt.no_namespace": "The %(kind)s message has no namespace; read by element names.",
    "camt.unknown_namespace": (
        "The %(kind)s message has an unknown namespace %(namespace)s; read by element names."
    ),
    "camt.namespace_kind": (
        "The namespace says %(declared)s but the message is a %(kind)s; read as %(kind)s."
    ),
    "camt.unknown_version": (
        "%(kind)s.%(version)s is not a version Tase knows (.02, .08); read by element names."
    ),
    "camt.schema": "The file does not follow the %(schema)s schema (read anyway): %(problems)s",
    "camt.skipped": "A part of the file was skipped: %(reason)s",
    "camt.not_amount": "%(where)s: %(raw)s is not an amount.",
    "camt.bad_indicator": "%(where)s: CdtDbtInd %(raw)s is neither CRDT nor DBIT.",
    "camt.not_date": "%(where)s: %(raw)s is not a date.",
    "camt.no_amount": "%(where)s: no Amt.",
    "camt.no_indicator": "%(where)s: no CdtDbtInd (CRDT or DBIT).",
    "camt.not_camt": (
        "Not a camt.053 or camt.054 bank statement: the file's root element is <%(root)s>, and "
        "no BkToCstmrStmt or BkToCstmrDbtCdtNtfctn message is inside it."
    ),
    "camt.not_camt_ns": (
        "Not a camt.053 or camt.054 bank statement: the file's root element is <%(root)s> in "
        "namespace %(namespace)s, and no BkToCstmrStmt or BkToCstmrDbtCdtNtfctn message is "
        "inside it."
    ),
    "camt.no_statement": "The %(kind)s message holds no %(tag)s (statement).",
    "camt.mixed": "The file mixes camt.053 and camt.054 messages; give them as two files.",
}


def notice(code: str, **params) -> Notice:
    return Notice(code, TEXTS[code], **params)


class CamtError(ValueError):
    """A file that cannot be read as a camt.053 or camt.054 statement; the message says why
    (``notice``: its code and parameters)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.notice = message if isinstance(message, Notice) else None


class _NoMessage(CamtError):
    """An XML document that holds no camt.053/054 message at all."""


@dataclass(frozen=True, slots=True)
class Transaction:
    """One payment inside an entry (``TxDtls``): in a batch, one reference payment."""

    amount: int  # cents, signed: + in, - out
    reference: str  # the creditor reference in machine form ("" if none); raw if invalid
    reference_valid: bool
    message: str  # unstructured remittance text
    counterparty_name: str  # the payer of money in, the payee of money out
    counterparty_iban: str
    end_to_end_id: str
    archive_id: str  # Refs/AcctSvcrRef
    payment_date: dt.date | None  # RltdDts/AccptncDtTm: when the payer paid


@dataclass(frozen=True, slots=True)
class Entry:
    """One booking on the account (``Ntry``). For an entry of one payment the payment's
    details are repeated here; for a batch they are only in ``transactions``."""

    index: int  # 1-based position in its statement
    amount: int  # cents, signed
    status: str  # BOOK, PDNG, INFO
    booking_date: dt.date | None
    value_date: dt.date | None
    archive_id: str  # AcctSvcrRef (arkistointitunnus)
    entry_ref: str  # NtryRef
    reversal: bool
    bank_code: str  # ISO domain/family/sub-family: PMNT/RCDT/ESCT
    fi_code: str  # the FFFS transaction code's three digits (705, 710 …), "" if none
    fi_text: str  # the text after them (VIITESIIRROT, TILISIIRTO …)
    counterparty_name: str
    counterparty_iban: str
    reference: str
    reference_valid: bool
    message: str
    end_to_end_id: str
    transactions: tuple[Transaction, ...]

    @property
    def credit(self) -> bool:
        return self.amount > 0

    @property
    def booked(self) -> bool:
        return self.status == "BOOK"

    @property
    def is_batch(self) -> bool:
        return len(self.transactions) > 1


@dataclass(frozen=True, slots=True)
class Statement:
    """One account's statement (camt.053 ``Stmt``) or notification (camt.054 ``Ntfctn``).
    From :func:`stream` first as its header (no entries, no warnings), at its end complete but
    for the entries, which were handed out one by one."""

    kind: str  # camt.053 or camt.054
    id: str
    iban: str
    currency: str
    created: dt.datetime | None
    from_date: dt.date | None
    to_date: dt.date | None
    legal_number: str  # LglSeqNb: the statement's number
    electronic_number: str  # ElctrncSeqNb
    owner_name: str
    bic: str
    opening_balance: int | None  # cents, signed (OPBD, or PRCD)
    closing_balance: int | None  # cents, signed (CLBD)
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...]
    number: int = 1  # its position in the file
    booked_total: int = 0  # cents: the sum of the booked entries
    entry_count: int = 0

    @property
    def balance_difference(self) -> int | None:
        """Closing - (opening + booked entries) in cents; 0 when the statement ties, None
        when it has no opening or closing balance (a camt.054 has none)."""
        if self.opening_balance is None or self.closing_balance is None:
            return None
        return self.closing_balance - self.opening_balance - self.booked_total


@dataclass(frozen=True, slots=True)
class CamtFile:
    kind: str  # camt.053 or camt.054
    version: str  # 001.02, 001.08, or what the namespace says ("" if none)
    message_id: str
    created: dt.datetime | None
    statements: tuple[Statement, ...]
    warnings: tuple[str, ...] = field(default=())


def _euros(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


class _Names(dict):
    """Qualified tag -> local name, computed once per tag."""

    def __missing__(self, tag: str) -> str:
        self[tag] = name = safe_xml.local(tag)
        return name


_LOCAL = _Names()
_Index = dict[str, list[Any]]


def _index(element: Any, split: str = "", skip: str = "") -> tuple[_Index, list[_Index]]:
    """Every element under ``element`` by its path of local names (``Sts/Cd``), in document
    order, read in one pass of lxml's iterator over each child: the reader then looks fields
    up in a dict instead of searching the tree per field (the namespace plays no part:
    elements are read by name). The elements at the path ``split`` (an entry's
    ``NtryDtls/TxDtls``, a statement's ``Bal``) are listed, and what is under each goes to an
    index of its own, by its path below it: the second of the pair, one index for each such
    element. The children named ``skip`` are left out (a statement's entries, read as they
    end)."""
    found: _Index = {}
    parts: list[_Index] = []
    where = {element: (found, "")}
    for top in element.iterchildren("{*}*"):  # elements: no comments or instructions
        if skip and _LOCAL[top.tag] == skip:
            continue
        for child in top.iter("{*}*"):
            index, prefix = where[child.getparent()]
            path = prefix + _LOCAL[child.tag]
            if path in index:
                index[path].append(child)
            else:
                index[path] = [child]
            if path == split and index is found:
                parts.append({})
                where[child] = (parts[-1], "")
            elif len(child):
                where[child] = (index, path + "/")
    return found, parts


def _text(index: _Index, path: str) -> str:
    elements = index.get(path)
    return (elements[0].text or "").strip() if elements else ""


def _texts(index: _Index, path: str) -> list[str]:
    return [t for e in index.get(path, ()) if (t := (e.text or "").strip())]


class _Reader:
    """Turns the elements of one statement into dataclasses, collecting warnings. Fields are
    read from an index of each element's descendants by path (:func:`_index`). ``where``
    arguments are tuples of steps, turned into a message only when one is needed."""

    def __init__(self, where: Notice):
        self.where = where
        self.warnings: list[str] = []

    def place(self, steps: tuple) -> Notice:
        where = self.where
        for kind, value in steps:
            where = notice(f"camt.where.{kind}", where=where, **value)
        return where

    def cents(self, raw: str, where: tuple) -> int | None:
        if not raw:
            return None
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise CamtError(notice("camt.not_amount", where=self.place(where), raw=repr(raw)))
        rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
        if rounded != amount:
            self.warnings.append(
                notice("camt.rounded", where=self.place(where), raw=raw, rounded=str(rounded))
            )
        return int(rounded * 100)

    def signed(self, index: _Index, amount_path: str, where: tuple, default_sign: int = 1):
        cents = self.cents(_text(index, amount_path), where)
        if cents is None:
            return None
        indicator = _text(index, "CdtDbtInd")
        if indicator and indicator not in ("CRDT", "DBIT"):
            raise CamtError(
                notice("camt.bad_indicator", where=self.place(where), raw=repr(indicator))
            )
        sign = {"CRDT": 1, "DBIT": -1}.get(indicator, default_sign)
        return sign * cents

    def date(self, index: _Index, path: str, where: tuple) -> dt.date | None:
        """``<X><Dt>…</Dt></X>``, ``<X><DtTm>…</DtTm></X>`` or a plain date/time text."""
        if path not in index:
            return None
        raw = _text(index, f"{path}/Dt") or _text(index, f"{path}/DtTm") or _text(index, path)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw[:10])
        except ValueError:
            where = self.place((*where, ("field", {"field": path.rsplit("/", 1)[-1]})))
            raise CamtError(notice("camt.not_date", where=where, raw=repr(raw))) from None

    def datetime(self, index: _Index, path: str) -> dt.datetime | None:
        raw = _text(index, path)
        try:
            return dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            self.warnings.append(
                notice("camt.bad_datetime", where=self.where, field=path, raw=repr(raw))
            )
            return None

    def reference(self, raw: str, where: tuple) -> tuple[str, bool]:
        if not raw:
            return "", False
        try:
            return normalize_reference(raw), True
        except InvalidReference as error:
            self.warnings.append(
                notice(
                    "camt.bad_reference", where=self.place(where), reason=str(error), reference=raw
                )
            )
            return "".join(raw.split()), False

    @staticmethod
    def party(index: _Index, role: str) -> tuple[str, str]:
        """Name and account of ``Dbtr``/``Cdtr`` (.02: ``Dbtr/Nm``; .08: ``Dbtr/Pty/Nm``)."""
        base = "RltdPties/"
        name = (
            _text(index, f"{base}{role}/Nm")
            or _text(index, f"{base}{role}/Pty/Nm")
            or _text(index, f"{base}Ultmt{role}/Nm")
            or _text(index, f"{base}Ultmt{role}/Pty/Nm")
        )
        account = f"{base}{role}Acct/Id/"
        iban = _text(index, f"{account}IBAN") or _text(index, f"{account}Othr/Id")
        return name, iban.replace(" ", "").upper()

    def transaction(self, index: _Index, entry_sign: int, where: tuple) -> Transaction:
        amount = None
        for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
            if path in index:
                amount = self.signed(index, path, (*where, ("field", {"field": path})), entry_sign)
                break
        end_to_end = _text(index, "Refs/EndToEndId")
        name, iban = self.party(index, "Dbtr" if entry_sign > 0 else "Cdtr")
        refs = _texts(index, "RmtInf/Strd/CdtrRefInf/Ref")
        reference, valid = self.reference(refs[0] if refs else "", where)
        message = " ".join(_texts(index, "RmtInf/Ustrd"))
        return Transaction(
            amount=amount if amount is not None else 0,
            reference=reference,
            reference_valid=valid,
            message=message or _text(index, "AddtlTxInf"),
            counterparty_name=name,
            counterparty_iban=iban,
            end_to_end_id="" if end_to_end.upper() in _NOT_PROVIDED else end_to_end,
            archive_id=_text(index, "Refs/AcctSvcrRef"),
            payment_date=self.date(index, "RltdDts/AccptncDtTm", where),
        )

    def entry(self, ntry: Any, index_in_statement: int) -> Entry:
        where = (("entry", {"entry": index_in_statement}),)
        index, payments = _index(ntry, "NtryDtls/TxDtls")
        amount = self.signed(index, "Amt", (*where, ("field", {"field": "Amt"})))
        if amount is None:
            raise CamtError(notice("camt.no_amount", where=self.place(where)))
        if not _text(index, "CdtDbtInd"):
            raise CamtError(notice("camt.no_indicator", where=self.place(where)))
        sign = 1 if amount >= 0 else -1
        status = _text(index, "Sts/Cd") or _text(index, "Sts/Prtry") or _text(index, "Sts")
        transactions = tuple(
            self.transaction(payment, sign, (*where, ("payment", {"payment": i})))
            for i, payment in enumerate(payments, start=1)
        )
        if len(transactions) > 1 and all(t.amount for t in transactions):
            total = sum(t.amount for t in transactions)
            if total != amount:
                self.warnings.append(
                    notice(
                        "camt.batch_sum",
                        where=self.place(where),
                        count=len(transactions),
                        total=_euros(total),
                        amount=_euros(amount),
                    )
                )
        if len(transactions) == 1 and not transactions[0].amount:
            transactions = (replace(transactions[0], amount=amount),)
        bank_code = "/".join(
            part
            for part in (
                _text(index, "BkTxCd/Domn/Cd"),
                _text(index, "BkTxCd/Domn/Fmly/Cd"),
                _text(index, "BkTxCd/Domn/Fmly/SubFmlyCd"),
            )
            if part
        )
        proprietary = _text(index, "BkTxCd/Prtry/Cd")
        fi_code = proprietary[:3] if proprietary[:3].isdigit() else ""
        single = transactions[0] if len(transactions) == 1 else None
        return Entry(
            index=index_in_statement,
            amount=amount,
            status=status,
            booking_date=self.date(index, "BookgDt", where),
            value_date=self.date(index, "ValDt", where),
            archive_id=_text(index, "AcctSvcrRef"),
            entry_ref=_text(index, "NtryRef"),
            reversal=_text(index, "RvslInd").lower() == "true",
            bank_code=bank_code,
            fi_code=fi_code,
            fi_text=proprietary[3:].strip() if fi_code else proprietary,
            counterparty_name=single.counterparty_name if single else "",
            counterparty_iban=single.counterparty_iban if single else "",
            reference=single.reference if single else "",
            reference_valid=single.reference_valid if single else False,
            message=(single.message if single else "") or _text(index, "AddtlNtryInf"),
            end_to_end_id=single.end_to_end_id if single else "",
            transactions=transactions,
        )

    def balances(self, indexes: list[_Index]) -> tuple[dict[str, int], str]:
        """The balances by code (the first of each), and the currency of the first."""
        found: dict[str, int] = {}
        currency = ""
        for i, index in enumerate(indexes, start=1):
            code = _text(index, "Tp/CdOrPrtry/Cd") or _text(index, "Tp/CdOrPrtry/Prtry")
            where = (("balance", {"number": i, "code": code}), ("field", {"field": "Amt"}))
            amount = self.signed(index, "Amt", where)
            currency = currency or next(iter(index.get("Amt", ())), {}).get("Ccy", "")
            if code and amount is not None:
                found.setdefault(code, amount)
        return found, currency

    def header(self, kind: str, element: Any, number: int) -> Statement:
        """The statement's account, period and balances: all before its first entry."""
        index, each_balance = _index(element, "Bal", skip="Ntry")
        iban = _text(index, "Acct/Id/IBAN").replace(" ", "").upper()
        if not iban:
            other = _text(index, "Acct/Id/Othr/Id")
            self.warnings.append(
                notice("camt.no_iban_other", where=self.where, other=repr(other))
                if other
                else notice("camt.no_iban", where=self.where)
            )
            iban = other
        balances, balance_currency = self.balances(each_balance)
        return Statement(
            kind=kind,
            id=_text(index, "Id"),
            iban=iban,
            currency=_text(index, "Acct/Ccy") or balance_currency,
            created=self.datetime(index, "CreDtTm"),
            from_date=self.date(index, "FrToDt/FrDtTm", ()),
            to_date=self.date(index, "FrToDt/ToDtTm", ()),
            legal_number=_text(index, "LglSeqNb"),
            electronic_number=_text(index, "ElctrncSeqNb"),
            owner_name=_text(index, "Acct/Ownr/Nm") or _text(index, "Acct/Nm"),
            bic=_text(index, "Acct/Svcr/FinInstnId/BIC")
            or _text(index, "Acct/Svcr/FinInstnId/BICFI"),
            opening_balance=balances.get("OPBD", balances.get("PRCD")),
            closing_balance=balances.get("CLBD"),
            entries=(),
            warnings=(),
            number=number,
        )

    def end(self, header: Statement, booked: int, count: int) -> Statement:
        """The statement at its end: checked against its balances, with every warning."""
        statement = replace(header, booked_total=booked, entry_count=count)
        opening, closing = statement.opening_balance, statement.closing_balance
        if statement.kind == "camt.053" and (opening is None or closing is None):
            code = "camt.no_opening" if opening is None else "camt.no_closing"
            self.warnings.append(notice(code, where=self.where))
        if difference := statement.balance_difference:
            self.warnings.append(
                notice(
                    "camt.balance_difference",
                    where=self.where,
                    opening=_euros(opening),
                    booked=_euros(booked),
                    closing=_euros(closing),
                    difference=_euros(difference),
                )
            )
        return replace(statement, warnings=tuple(self.warnings))


def _version(namespace: str, kind: str, warnings: list[str]) -> str:
    match = _NAMESPACE.match(namespace)
    if not match:
        warnings.append(
            notice("camt.unknown_namespace", kind=kind, namespace=repr(namespace))
            if namespace
            else notice("camt.no_namespace", kind=kind)
        )
        return ""
    declared, version = match.groups()
    if declared != kind:
        warnings.append(notice("camt.namespace_kind", declared=declared, kind=kind))
    elif version not in KNOWN_VERSIONS:
        warnings.append(notice("camt.unknown_version", kind=kind, version=version))
    return version


@dataclass
class _Document:
    """What one XML document of the file turned out to hold."""

    statements_before: int
    kind: str = ""
    namespace: str = ""
    root: str = ""
    message_id: str = ""
    created: dt.datetime | None = None
    statements: int = 0
    warnings: list[str] = field(default_factory=list)


def _stream_document(
    data, start: int, end: int, doc: _Document, kind_before: str
) -> Iterator[tuple[str, Any]]:
    """The events of the document ``data[start:end]`` (see :func:`stream`)."""
    message = statement_element = reader = header = None
    statement_tag = ""
    booked = count = 0
    for event, element in safe_xml.pull(data, _TAGS, start=start, end=end):
        if event == "root":
            doc.root = element
            continue
        name = safe_xml.local(element.tag)
        if event == "start":
            if name in MESSAGES:  # the first, or another written after it
                message = element
                kind_before = kind_before or doc.kind
                doc.kind, statement_tag = MESSAGES[name]
                doc.namespace = doc.namespace or safe_xml.namespace(element.tag)
                if kind_before and doc.kind != kind_before:
                    raise CamtError(notice("camt.mixed"))
            elif message is not None and name == statement_tag and element.getparent() is message:
                doc.statements += 1
                number = doc.statements_before + doc.statements
                label = "statement" if doc.kind == "camt.053" else "notification"
                reader = _Reader(notice(f"camt.where.{label}", number=number))
                statement_element, header, booked, count = element, None, 0, 0
            elif (
                reader is not None
                and name == "Ntry"
                and header is None
                and element.getparent() is statement_element
            ):
                header = reader.header(doc.kind, statement_element, number)
                yield "statement", header
            continue
        if reader is not None and name == "Ntry" and element.getparent() is statement_element:
            count += 1
            entry = reader.entry(element, count)
            if entry.booked:
                booked += entry.amount
            yield "entry", entry
            safe_xml.drop(element)
        elif reader is not None and element is statement_element:
            if header is None:
                header = reader.header(doc.kind, statement_element, number)
                yield "statement", header
            yield "end", reader.end(header, booked, count)
            safe_xml.drop(element)
            reader = statement_element = None
        elif (
            message is not None
            and name == "GrpHdr"
            and element.getparent() is message
            and not doc.message_id
        ):
            found, (index, _parts) = _Reader(notice("camt.where.header")), _index(element)
            doc.message_id = _text(index, "MsgId")
            doc.created = found.datetime(index, "CreDtTm")
            doc.warnings += found.warnings
    if not doc.kind:
        root, space = safe_xml.local(doc.root), safe_xml.namespace(doc.root)
        raise _NoMessage(
            notice("camt.not_camt_ns", root=root, namespace=space)
            if space
            else notice("camt.not_camt", root=root)
        )
    if not doc.statements:
        raise CamtError(notice("camt.no_statement", kind=doc.kind, tag=statement_tag))


def stream(data: bytes, *, check_schema: bool = True) -> Iterator[tuple[str, Any]]:
    """Read a camt.053 or camt.054 file (its bytes) as a stream of events:
    ``("statement", Statement)`` with the header of each statement (no entries yet), then
    ``("entry", Entry)`` for each of its entries, then ``("end", Statement)`` with its warnings
    and booked total (its entries not repeated); last ``("file", CamtFile)`` with the file's
    kind, version, message id and warnings, no statements. One message, or several written
    one after another (each with its XML declaration, or none) as some banks do for several
    accounts. ``check_schema``: check each message against its ISO schema (known versions
    only; lxml holds the document for it, so the caller skips it for large files) and turn
    any violation into a warning naming the line. A file mixing camt.053 and camt.054, or an
    unreadable part, raises :class:`CamtError` part way: the caller's transaction undoes it."""
    documents: list[_Document] = []
    skipped: list[_NoMessage] = []
    for buffer, start, end, note in safe_xml.parts(data):  # the file's bytes, not copies
        doc = _Document(sum(d.statements for d in documents), warnings=[note] if note else [])
        kind_before = documents[0].kind if documents else ""
        try:
            yield from _stream_document(buffer, start, end, doc, kind_before)
        except _NoMessage as refusal:  # another document of the file may hold the message
            skipped.append(refusal)
            continue
        except safe_xml.XmlError as error:
            raise CamtError(error.notice or str(error)) from None
        version = _version(doc.namespace, doc.kind, doc.warnings)
        if check_schema and version in KNOWN_VERSIONS:
            name = f"{doc.kind}.{version}"
            tag = f"{{{doc.namespace}}}Document"
            if problems := safe_xml.schema_errors(buffer[start:end], name, tag=tag):
                doc.warnings.append(
                    notice("camt.schema", schema=name, problems="; ".join(problems))
                )
        documents.append(doc)
    if not documents:
        raise skipped[0] if skipped else CamtError(Notice("xml.not_xml", safe_xml.NOT_XML))
    first = documents[0]
    yield (
        "file",
        CamtFile(
            kind=first.kind,
            version=_version(first.namespace, first.kind, []),
            message_id=first.message_id,
            created=first.created,
            statements=(),
            warnings=tuple(w for d in documents for w in d.warnings)
            + tuple(
                notice("camt.skipped", reason=refusal.notice or str(refusal)) for refusal in skipped
            ),
        ),
    )


def read(data: bytes, *, check_schema: bool = True) -> CamtFile:
    """The whole file at once (:func:`stream` collected): its statements with their entries.
    For files small enough to hold; the import streams."""
    statements: list[Statement] = []
    entries: list[Entry] = []
    for event, item in stream(data, check_schema=check_schema):
        if event == "statement":
            entries = []
        elif event == "entry":
            entries.append(item)
        elif event == "end":
            statements.append(replace(item, entries=tuple(entries)))
        else:
            return replace(item, statements=tuple(statements))
    raise AssertionError("the stream ends with its file")  # pragma: no cover
