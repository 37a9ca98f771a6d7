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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from . import safe_xml
from .reference import InvalidReference, normalize_reference

MESSAGES = {"BkToCstmrStmt": ("camt.053", "Stmt"), "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn")}
KNOWN_VERSIONS = ("001.02", "001.08")
_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[2-4])\.(\d{3}\.\d{2})$")
_CENT = Decimal("0.01")
_NOT_PROVIDED = {"", "NOTPROVIDED"}


class CamtError(ValueError):
    """A file that cannot be read as a camt.053 or camt.054 statement; the message says why."""


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
    """One account's statement (camt.053 ``Stmt``) or notification (camt.054 ``Ntfctn``)."""

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

    @property
    def booked_total(self) -> int:
        return sum(entry.amount for entry in self.entries if entry.booked)

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


class _Reader:
    """Turns the (namespace-stripped) elements of one message into dataclasses, collecting
    warnings; one reader per statement."""

    def __init__(self, where: str):
        self.where = where
        self.warnings: list[str] = []

    @staticmethod
    def text(element: Element | None, path: str = "") -> str:
        if element is None:
            return ""
        found = element.find(path) if path else element
        return (found.text or "").strip() if found is not None else ""

    def cents(self, element: Element | None, where: str) -> int | None:
        raw = self.text(element)
        if not raw:
            return None
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise CamtError(f"{where}: {raw!r} is not an amount.") from None
        if not amount.is_finite():
            raise CamtError(f"{where}: {raw!r} is not an amount.")
        rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
        if rounded != amount:
            self.warnings.append(f"{where}: amount {raw} rounded to {rounded} (half up).")
        return int(rounded * 100)

    def signed(
        self, element: Element, amount_path: str, where: str, default_sign: int = 1
    ) -> int | None:
        cents = self.cents(element.find(amount_path), where)
        if cents is None:
            return None
        indicator = self.text(element, "CdtDbtInd")
        if indicator and indicator not in ("CRDT", "DBIT"):
            raise CamtError(f"{where}: CdtDbtInd {indicator!r} is neither CRDT nor DBIT.")
        sign = {"CRDT": 1, "DBIT": -1}.get(indicator, default_sign)
        return sign * cents

    def date(self, element: Element | None, where: str) -> dt.date | None:
        """``<X><Dt>…</Dt></X>``, ``<X><DtTm>…</DtTm></X>`` or a plain date/time text."""
        if element is None:
            return None
        raw = self.text(element, "Dt") or self.text(element, "DtTm") or self.text(element)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw[:10])
        except ValueError:
            raise CamtError(f"{where}: {raw!r} is not a date.") from None

    def datetime(self, element: Element | None, path: str) -> dt.datetime | None:
        raw = self.text(element, path)
        try:
            return dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            self.warnings.append(f"{self.where}: {path} {raw!r} is not a date and time; ignored.")
            return None

    def reference(self, raw: str, where: str) -> tuple[str, bool]:
        if not raw:
            return "", False
        try:
            return normalize_reference(raw), True
        except InvalidReference as error:
            self.warnings.append(f"{where}: {error}")
            return "".join(raw.split()), False

    @staticmethod
    def party(parties: Element | None, role: str) -> tuple[str, str]:
        """Name and account of ``Dbtr``/``Cdtr`` (.02: ``Dbtr/Nm``; .08: ``Dbtr/Pty/Nm``)."""
        if parties is None:
            return "", ""
        name = _Reader.text(parties, f"{role}/Nm") or _Reader.text(parties, f"{role}/Pty/Nm")
        name = (
            name
            or _Reader.text(parties, f"Ultmt{role}/Nm")
            or _Reader.text(parties, f"Ultmt{role}/Pty/Nm")
        )
        account = parties.find(f"{role}Acct/Id")
        iban = _Reader.text(account, "IBAN") or _Reader.text(account, "Othr/Id")
        return name, iban.replace(" ", "").upper()

    def transaction(self, tx: Element, entry_sign: int, where: str) -> Transaction:
        amount = None
        for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
            if tx.find(path) is not None:
                amount = self.signed(tx, path, f"{where} {path}", entry_sign)
                break
        refs = tx.find("Refs")
        end_to_end = self.text(refs, "EndToEndId")
        counterparty = "Dbtr" if entry_sign > 0 else "Cdtr"
        name, iban = self.party(tx.find("RltdPties"), counterparty)
        raw_ref = next(
            (
                (ref.text or "").strip()
                for ref in tx.iterfind("RmtInf/Strd/CdtrRefInf/Ref")
                if (ref.text or "").strip()
            ),
            "",
        )
        reference, valid = self.reference(raw_ref, where)
        message = " ".join(
            (u.text or "").strip() for u in tx.iterfind("RmtInf/Ustrd") if (u.text or "").strip()
        )
        return Transaction(
            amount=amount if amount is not None else 0,
            reference=reference,
            reference_valid=valid,
            message=message or self.text(tx, "AddtlTxInf"),
            counterparty_name=name,
            counterparty_iban=iban,
            end_to_end_id="" if end_to_end.upper() in _NOT_PROVIDED else end_to_end,
            archive_id=self.text(refs, "AcctSvcrRef"),
            payment_date=self.date(tx.find("RltdDts/AccptncDtTm"), f"{where} AccptncDtTm"),
        )

    def entry(self, ntry: Element, index: int) -> Entry:
        where = f"{self.where}, entry {index}"
        amount = self.signed(ntry, "Amt", f"{where} Amt")
        if amount is None:
            raise CamtError(f"{where}: no Amt.")
        if not self.text(ntry, "CdtDbtInd"):
            raise CamtError(f"{where}: no CdtDbtInd (CRDT or DBIT).")
        sign = 1 if amount >= 0 else -1
        status = self.text(ntry, "Sts/Cd") or self.text(ntry, "Sts/Prtry") or self.text(ntry, "Sts")
        transactions = tuple(
            self.transaction(tx, sign, f"{where}, payment {i}")
            for i, tx in enumerate(ntry.iterfind("NtryDtls/TxDtls"), start=1)
        )
        if len(transactions) > 1 and all(t.amount for t in transactions):
            total = sum(t.amount for t in transactions)
            if total != amount:
                self.warnings.append(
                    f"{where}: its {len(transactions)} payments sum to {_euros(total)}, "
                    f"the entry to {_euros(amount)}."
                )
        if len(transactions) == 1 and not transactions[0].amount:
            transactions = (replace(transactions[0], amount=amount),)
        domain = ntry.find("BkTxCd/Domn")
        bank_code = "/".join(
            part
            for part in (
                self.text(domain, "Cd"),
                self.text(domain, "Fmly/Cd"),
                self.text(domain, "Fmly/SubFmlyCd"),
            )
            if part
        )
        proprietary = self.text(ntry, "BkTxCd/Prtry/Cd")
        fi_code = proprietary[:3] if proprietary[:3].isdigit() else ""
        single = transactions[0] if len(transactions) == 1 else None
        return Entry(
            index=index,
            amount=amount,
            status=status,
            booking_date=self.date(ntry.find("BookgDt"), f"{where} BookgDt"),
            value_date=self.date(ntry.find("ValDt"), f"{where} ValDt"),
            archive_id=self.text(ntry, "AcctSvcrRef"),
            entry_ref=self.text(ntry, "NtryRef"),
            reversal=self.text(ntry, "RvslInd").lower() == "true",
            bank_code=bank_code,
            fi_code=fi_code,
            fi_text=proprietary[3:].strip() if fi_code else proprietary,
            counterparty_name=single.counterparty_name if single else "",
            counterparty_iban=single.counterparty_iban if single else "",
            reference=single.reference if single else "",
            reference_valid=single.reference_valid if single else False,
            message=(single.message if single else "") or self.text(ntry, "AddtlNtryInf"),
            end_to_end_id=single.end_to_end_id if single else "",
            transactions=transactions,
        )

    def balances(self, statement: Element) -> dict[str, int]:
        found: dict[str, int] = {}
        for i, balance in enumerate(statement.iterfind("Bal"), start=1):
            code = self.text(balance, "Tp/CdOrPrtry/Cd") or self.text(balance, "Tp/CdOrPrtry/Prtry")
            amount = self.signed(balance, "Amt", f"{self.where}, balance {i} ({code}) Amt")
            if code and amount is not None:
                found.setdefault(code, amount)
        return found

    def statement(self, kind: str, element: Element, entries: Iterable[Entry]) -> Statement:
        entries = tuple(entries)
        account = element.find("Acct")
        iban = self.text(account, "Id/IBAN").replace(" ", "").upper()
        if not iban:
            other = self.text(account, "Id/Othr/Id")
            self.warnings.append(
                f"{self.where}: the account has no IBAN"
                + (f" (other id {other!r})." if other else ".")
            )
            iban = other
        balances = self.balances(element)
        opening = balances.get("OPBD", balances.get("PRCD"))
        closing = balances.get("CLBD")
        currency = self.text(account, "Ccy") or next(
            (e.get("Ccy", "") for e in element.iter("Amt") if e.get("Ccy")), ""
        )
        period = element.find("FrToDt")
        statement = Statement(
            kind=kind,
            id=self.text(element, "Id"),
            iban=iban,
            currency=currency,
            created=self.datetime(element, "CreDtTm"),
            from_date=self.date(
                period.find("FrDtTm") if period is not None else None, f"{self.where} FrDtTm"
            ),
            to_date=self.date(
                period.find("ToDtTm") if period is not None else None, f"{self.where} ToDtTm"
            ),
            legal_number=self.text(element, "LglSeqNb"),
            electronic_number=self.text(element, "ElctrncSeqNb"),
            owner_name=self.text(account, "Ownr/Nm") or self.text(account, "Nm"),
            bic=self.text(account, "Svcr/FinInstnId/BIC")
            or self.text(account, "Svcr/FinInstnId/BICFI"),
            opening_balance=opening,
            closing_balance=closing,
            entries=entries,
            warnings=(),
        )
        if kind == "camt.053" and (opening is None or closing is None):
            self.warnings.append(
                f"{self.where}: no {'opening (OPBD)' if opening is None else 'closing (CLBD)'} "
                "balance, so the entries cannot be checked against the balances."
            )
        difference = statement.balance_difference
        if difference:
            self.warnings.append(
                f"{self.where}: opening balance {_euros(opening)} + booked entries "
                f"{_euros(statement.booked_total)} ≠ closing balance {_euros(closing)}; "
                f"difference {_euros(difference)}."
            )
        return replace(statement, warnings=tuple(self.warnings))


def _version(namespace: str, kind: str, warnings: list[str]) -> str:
    match = _NAMESPACE.match(namespace)
    if not match:
        warnings.append(
            f"The {kind} message has "
            + (f"an unknown namespace {namespace!r}" if namespace else "no namespace")
            + "; read by element names."
        )
        return ""
    declared, version = match.groups()
    if declared != kind:
        warnings.append(
            f"The namespace says {declared} but the message is a {kind}; read as {kind}."
        )
    elif version not in KNOWN_VERSIONS:
        warnings.append(
            f"{kind}.{version} is not a version Tase knows (.02, .08); read by element names."
        )
    return version


class _Stream:
    """Follows the parse events of one file: finds the camt message wherever it is wrapped,
    reads each entry as it ends and drops it from the tree, and each statement at its end."""

    def __init__(self, statements_before: int = 0):
        self.statements_before = statements_before  # in earlier documents of the file
        self.warnings: list[str] = []
        self.kind = self.statement_tag = self.namespace = self.root_tag = ""
        self.depth = self.message_depth = 0
        self.header: tuple[str, dt.datetime | None] = ("", None)
        self.statements: list[Statement] = []
        self.reader: _Reader | None = None
        self.entries: list[Entry] = []

    def start(self, element: Element, name: str) -> None:
        self.depth += 1
        self.root_tag = self.root_tag or element.tag
        if not self.kind and name in MESSAGES:
            self.kind, self.statement_tag = MESSAGES[name]
            self.namespace = safe_xml.namespace(element.tag)
            self.message_depth = self.depth
        elif self.kind and name == self.statement_tag and self.depth == self.message_depth + 1:
            label = "Statement" if self.kind == "camt.053" else "Notification"
            number = self.statements_before + len(self.statements) + 1
            self.reader = _Reader(f"{label} {number}")
            self.entries = []

    def end(self, element: Element, name: str) -> None:
        self.depth -= 1
        element.tag = name  # read by names: the children ended (and were renamed) first
        if self.reader is not None and name == "Ntry":
            self.entries.append(self.reader.entry(element, len(self.entries) + 1))
            element.clear()
        elif (
            self.reader is not None
            and name == self.statement_tag
            and self.depth == self.message_depth
        ):
            self.statements.append(self.reader.statement(self.kind, element, self.entries))
            element.clear()
            self.reader = None
        elif self.kind and name == "GrpHdr" and self.depth == self.message_depth:
            reader = _Reader("Group header")
            self.header = (reader.text(element, "MsgId"), reader.datetime(element, "CreDtTm"))
            self.warnings += reader.warnings

    def refusal(self) -> CamtError | None:
        if not self.kind:
            root, space = safe_xml.local(self.root_tag), safe_xml.namespace(self.root_tag)
            return _NoMessage(
                f"Not a camt.053 or camt.054 bank statement: the file's root element is <{root}>"
                + (f" in namespace {space}" if space else "")
                + ", and no BkToCstmrStmt or BkToCstmrDbtCdtNtfctn message is inside it."
            )
        if not self.statements:
            return CamtError(f"The {self.kind} message holds no {self.statement_tag} (statement).")
        return None


def _stream(data: bytes, statements_before: int) -> _Stream:
    stream = _Stream(statements_before)
    names: dict[str, str] = {}  # qualified tag -> local name, computed once per tag
    for event, element in safe_xml.iterparse(data):
        name = names.get(element.tag) or names.setdefault(element.tag, safe_xml.local(element.tag))
        if event == "start":
            stream.start(element, name)
        else:
            stream.end(element, name)
    return stream


def _read_document(data: bytes, check_schema: bool, statements_before: int) -> CamtFile:
    data, note = safe_xml.repair_encoding(data)
    try:
        try:
            stream = _stream(data, statements_before)
        except safe_xml.XmlError as error:
            if "junk after document element" not in str(error):
                raise
            data = safe_xml.wrap_roots(data)  # messages one after another, no declarations
            stream = _stream(data, statements_before)
    except safe_xml.XmlError as error:
        raise CamtError(str(error)) from None
    if refusal := stream.refusal():
        raise refusal
    kind, warnings = stream.kind, ([note] if note else []) + stream.warnings
    version = _version(stream.namespace, kind, warnings)
    if check_schema and version in KNOWN_VERSIONS:
        document = f"{{{stream.namespace}}}Document"
        if problems := safe_xml.schema_errors(data, f"{kind}.{version}", tag=document):
            warnings.append(
                f"The file does not follow the {kind}.{version} schema (read anyway): "
                + "; ".join(problems)
            )
    return CamtFile(
        kind=kind,
        version=version,
        message_id=stream.header[0],
        created=stream.header[1],
        statements=tuple(stream.statements),
        warnings=tuple(warnings),
    )


def read(data: bytes, *, check_schema: bool = True) -> CamtFile:
    """Read a camt.053 or camt.054 file (its bytes): one message, or several written one
    after another (each with its XML declaration, or none) as some banks do for several
    accounts. Entries are handled and dropped from the XML tree as the file streams by.
    ``check_schema``: check each message against its ISO schema (known versions only) and turn
    any violation into a warning naming the line."""
    files: list[CamtFile] = []
    skipped: list[_NoMessage] = []
    for document in safe_xml.documents(data):
        before = sum(len(f.statements) for f in files)
        try:
            files.append(_read_document(document, check_schema, before))
        except _NoMessage as refusal:  # another document of the file may hold the message
            skipped.append(refusal)
    if not files:
        raise skipped[0]
    first = files[0]
    if any(f.kind != first.kind for f in files):
        raise CamtError("The file mixes camt.053 and camt.054 messages; give them as two files.")
    return replace(
        first,
        statements=tuple(s for f in files for s in f.statements),
        warnings=tuple(w for f in files for w in f.warnings)
        + tuple(f"A part of the file was skipped: {refusal}" for refusal in skipped),
    )
