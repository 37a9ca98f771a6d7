"""Importing a camt.053 / camt.054 file: read, check, store each statement once, match.

The file is read from disk, not memory (:func:`tase.core.limits.on_disk`: the upload Django kept
on disk, or a temporary copy made within the size limit, mapped), and streamed by
:mod:`tase.formats.camt` (lxml without DTDs or entities; hostile or
foreign files refused with the reason, said in the user's language through
:mod:`tase.bank.camt_text`). Every statement must be for one of the company's bank accounts (by
IBAN) and in euros; otherwise nothing is written and the error names every such statement. A
statement imported before (same fingerprint) is reported as such and not written again. Each
booked payment becomes a line (each payment of a batch of reference payments its own); a payment
that a statement of the same account carried already (the camt.054 advice and the camt.053
batch of the same reference payments: same archive id and amount) is ignored with that reason.
Then the registered matchers (:mod:`tase.bank.matching`) claim what they know. All in one
transaction.

Memory stays flat for a year's statement: the lines are written and matched a chunk at a time
(:data:`CHUNK_LINES`, cut where the booking day changes, so that a day's reference payments are
booked together) while the file streams; the fingerprint is summed up on the way and checked at
the statement's end (a statement seen before is rolled back to its savepoint).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase import db
from tase.core import audit, limits
from tase.formats import camt
from tase.ledger.models import BankAccount

from ..camt_text import say, say_error
from ..matching import Context, matchers
from ..models import Line, Settings, Statement
from .common import guard

BATCH = 5000
CHUNK = 500
CHUNK_LINES = 5000  # lines written and matched at a time
# Larger files are not checked against the ISO schema: lxml would hold the whole document as
# a tree (about ten times the file), where the reader streams it.
SCHEMA_CHECK_MAX_BYTES = 10 * 1024 * 1024


@dataclass
class Imported:
    statement: Statement
    already: bool  # imported before: nothing written
    warnings: list[str] = field(default_factory=list)
    line_count: int = 0

    @cached_property
    def lines(self) -> list[Line]:
        """The statement's lines as stored (loaded when asked: a year is 100,000 of them)."""
        return list(self.statement.lines.order_by("position"))


class _Fingerprint:
    """A hash of what the bank said (account, period, balances, entries), summed up as the
    entries stream by; the same value the whole statement gave before the import streamed."""

    def __init__(self, kind: str, parsed: camt.Statement):
        self.digest = hashlib.sha256()
        head = (kind, parsed.iban, parsed.id, parsed.legal_number, parsed.from_date)
        head += (parsed.to_date, parsed.opening_balance, parsed.closing_balance)
        self.digest.update(repr(head).encode())

    def add(self, entry: camt.Entry) -> None:
        update = self.digest.update
        update(
            repr(
                (entry.archive_id, entry.amount, entry.booking_date, entry.status, entry.reference)
            ).encode()
        )
        for tx in entry.transactions:
            update(repr((tx.archive_id, tx.amount, tx.reference)).encode())

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def _entry_lines(company, statement, parsed: camt.Statement, entry: camt.Entry, warnings: list):
    """The lines of one entry (a batch: one per payment); none for an entry not booked."""
    if not entry.booked:
        warnings.append(
            _("%(where)s, entry %(index)s is not booked (%(status)s); not imported.")
            % {"where": _where(parsed), "index": entry.index, "status": entry.status or "-"}
        )
        return []
    day = entry.booking_date or entry.value_date or parsed.to_date
    if day is None:
        raise ValidationError(
            {
                "file": _("%(where)s, entry %(index)s has no booking date.")
                % {"where": _where(parsed), "index": entry.index}
            }
        )
    payments = entry.transactions if entry.is_batch else (entry,)
    bank_code = (f"{entry.fi_code} {entry.bank_code}".strip())[:40]
    return [
        Line(
            company=company,
            statement=statement,
            date=day,
            amount_cents=payment.amount,
            counterparty=payment.counterparty_name[:140],
            counterparty_iban=payment.counterparty_iban[:34],
            reference=payment.reference[:35] if payment.reference_valid else "",
            message=(
                payment.message
                or ("" if payment.reference_valid else payment.reference)
                or entry.fi_text
            )[:500],
            end_to_end_id=payment.end_to_end_id[:35],
            archive_id=(payment.archive_id or entry.archive_id)[:35],
            bank_code=bank_code,
        )
        for payment in payments
    ]


def _where(parsed: camt.Statement) -> str:
    return _("Statement of %(iban)s %(from)s–%(to)s") % {  # noqa: RUF001
        "iban": parsed.iban,
        "from": parsed.from_date or "",
        "to": parsed.to_date or "",
    }


def _account_problem(company, parsed: camt.Statement, accounts: dict, name: str) -> str:
    """Why statement ``parsed`` cannot be booked to one of the company's accounts, or ""."""
    if parsed.iban not in accounts:
        return _(
            "%(file)s: statement %(number)s is for account %(iban)s, which is not a bank "
            "account of %(company)s. Add the account under the books' bank accounts "
            "first, or import the file to the company it belongs to."
        ) % {
            "file": name,
            "number": parsed.number,
            "iban": parsed.iban or _("(no IBAN)"),
            "company": company.name,
        }
    if parsed.currency and parsed.currency != "EUR":
        return _(
            "%(file)s: statement %(number)s is in %(currency)s; Tase keeps books in euros."
        ) % {
            "file": name,
            "number": parsed.number,
            "currency": parsed.currency,
        }
    return ""


def _seen_before(company, statement: Statement, lines: list[Line]) -> None:
    """A payment already on another statement of the account (same archive id and amount)."""
    keyed = {(line.archive_id, line.amount_cents): line for line in lines if line.archive_id}
    ids = sorted({archive for archive, _amount in keyed})
    for start in range(0, len(ids), CHUNK):
        rows = (
            Line.objects.filter(
                company=company,
                statement__bank_account=statement.bank_account,
                archive_id__in=ids[start : start + CHUNK],
            )
            .exclude(statement=statement)
            .values_list("archive_id", "amount_cents", "statement__number", "statement__to_date")
        )
        for archive, amount, number, to_date in rows:
            line = keyed.get((archive, amount))
            if line is not None and line.status == Line.Status.OPEN:
                line.status = Line.Status.IGNORED
                line.note = _("Already on an earlier statement (%(number)s, %(date)s)") % {
                    "number": number or "-",
                    "date": to_date or "-",
                }


def _context(actor, company, statement: Statement, batch_ref: str) -> Context:
    settings = Settings.objects.filter(company=company).first()
    return Context(
        actor=actor,
        company=company,
        bank_ledger_account=statement.bank_account.account.number,
        write_off_cents=settings.write_off_cents if settings else 0,
        write_off_account=settings.write_off_account if settings else "",
        batch_ref=batch_ref,
    )


def match(ctx: Context, lines: list[Line]) -> None:
    """Hand the open lines to each registered matcher; store what they claimed."""
    for matcher in matchers():
        open_lines = [line for line in lines if line.status == Line.Status.OPEN]
        if not open_lines:
            break
        claimed = matcher.claim(ctx, open_lines)
        changed = []
        for line in open_lines:
            claim = claimed.get(line.pk)
            if claim is None:
                continue
            line.status, line.matcher = Line.Status.MATCHED, matcher.key
            line.matched_to, line.voucher_id = claim.matched_to[:200], claim.voucher_id
            line.note = claim.note[:300]
            changed.append(line)
        db.update_rows(Line, ["status", "matcher", "matched_to", "voucher_id", "note"], changed)


class _StatementImport:
    """One statement as it streams: its row first (in a savepoint), its lines written and
    matched a chunk at a time, at its end either kept (fingerprint, warnings, audit) or, when
    the same statement was imported before, rolled back."""

    def __init__(self, actor, company, account: BankAccount, parsed: camt.Statement, name: str):
        self.actor, self.company, self.parsed, self.name = actor, company, parsed, name
        self.savepoint = transaction.savepoint_create()
        self.fingerprint = _Fingerprint(parsed.kind, parsed)
        self.statement = Statement.objects.create(
            company=company,
            bank_account=account,
            kind=parsed.kind,
            bank_id=parsed.id[:35],
            number=(parsed.legal_number or parsed.electronic_number)[:20],
            from_date=parsed.from_date,
            to_date=parsed.to_date,
            opening_cents=parsed.opening_balance,
            closing_cents=parsed.closing_balance,
            fingerprint=f"importing:{uuid.uuid4().hex}",
            file_name=name[:200],
            imported_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        )
        self.statement.bank_account = account
        self.warnings: list[str] = []
        self.pending: list[Line] = []
        self.count = 0
        self.days_matched: set = set()
        self.chunks = 0

    def add(self, entry: camt.Entry) -> None:
        self.fingerprint.add(entry)
        lines = _entry_lines(self.company, self.statement, self.parsed, entry, self.warnings)
        if lines and len(self.pending) >= CHUNK_LINES and lines[0].date != self.pending[-1].date:
            self.flush()
        self.pending += lines

    def flush(self) -> None:
        """Write the pending lines, mark those seen before, and let the matchers claim."""
        lines, self.pending = self.pending, []
        if not lines:
            return
        for position, line in enumerate(lines, start=self.count + 1):
            line.position = position
        self.count += len(lines)
        _seen_before(self.company, self.statement, lines)
        db.insert_rows(Line, lines)
        # A day's reference payments are one voucher whose reference is the statement and the
        # day; a day met again in a later chunk (entries out of date order) gets its own.
        days = {line.date for line in lines}
        self.chunks += 1
        again = days & self.days_matched
        batch_ref = f"{self.statement.pk}:{self.chunks}" if again else str(self.statement.pk)
        self.days_matched |= days
        match(_context(self.actor, self.company, self.statement, batch_ref), lines)

    def finish(self, parsed: camt.Statement, file_warnings: list[str]) -> Imported:
        self.flush()
        fingerprint = self.fingerprint.hexdigest()
        existing = (
            Statement.objects.filter(company=self.company, fingerprint=fingerprint)
            .exclude(pk=self.statement.pk)
            .first()
        )
        if existing is not None:
            transaction.savepoint_rollback(self.savepoint)
            return Imported(existing, True, list(existing.warnings), existing.lines.count())
        transaction.savepoint_commit(self.savepoint)
        statement = self.statement
        warnings = [*file_warnings, *(say(w) for w in parsed.warnings), *self.warnings]
        statement.fingerprint, statement.warnings = fingerprint, warnings
        statement.save(update_fields=["fingerprint", "warnings"])
        audit.record(
            self.actor.user,
            "import",
            statement,
            company=self.company,
            changes={"lines": [None, self.count], "file": [None, self.name]},
        )
        return Imported(statement, False, warnings, self.count)


@transaction.atomic
def import_statements(actor, company, upload, *, name: str = "") -> list[Imported]:
    """Import every statement of a camt.053 or camt.054 file (an upload, a file or bytes),
    streamed: see the module's docstring."""
    company = guard(actor, company, "bank.reconcile")
    name = (name or getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    with limits.on_disk(upload, "bank_statement", name=name) as data:
        return _import(actor, company, data, name)


def _import(actor, company, data, name: str) -> list[Imported]:
    """:func:`import_statements` of the file's bytes (``data``: bytes, or a map of the
    file on disk)."""
    check = len(data) <= SCHEMA_CHECK_MAX_BYTES
    if check and not isinstance(data, bytes):
        data = data[:]  # the schema check holds the document in memory anyway
    accounts = {
        a.iban: a for a in BankAccount.objects.filter(company=company).select_related("account")
    }
    label = name or _("The file")
    results: list[Imported] = []
    file_warnings: list[str] = []
    problems: list[str] = []
    current: _StatementImport | None = None
    try:
        for event, item in camt.stream(data, check_schema=check):
            if event == "statement":
                problem = _account_problem(company, item, accounts, label)
                if problem:
                    problems.append(problem)
                current = (
                    None
                    if problems
                    else _StatementImport(actor, company, accounts[item.iban], item, name)
                )
            elif event == "entry" and current is not None:
                current.add(item)
            elif event == "end" and current is not None:
                results.append(current.finish(item, []))
                current = None
            elif event == "file":
                file_warnings = [say(w) for w in item.warnings]
    except camt.CamtError as error:
        raise ValidationError({"file": f"{label}: {say_error(error)}"}) from None
    if problems:
        raise ValidationError({"file": problems})
    if not check:
        file_warnings.append(
            _("The file is too large to be checked against the ISO schema; it was read as is.")
        )
    first = next((r for r in results if not r.already), None)
    if first is not None and file_warnings:  # the file's own warnings go with its first statement
        first.warnings[:0] = file_warnings
        first.statement.warnings = first.warnings
        first.statement.save(update_fields=["warnings"])
    return results
