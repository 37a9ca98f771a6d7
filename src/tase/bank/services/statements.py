"""Importing a camt.053 / camt.054 file: read, check, store each statement once, match.

The file is read by :mod:`tase.formats.camt` (defusedxml; hostile or foreign files refused with
the reason). Every statement must be for one of the company's bank accounts (by IBAN) and in
euros; otherwise nothing is written and the error names the statement and the IBAN. A statement
imported before (same fingerprint) is reported as such and not written again. Each booked
payment becomes a line (each payment of a batch of reference payments its own); a payment that
a statement of the same account carried already (the camt.054 advice and the camt.053 batch of
the same reference payments: same archive id and amount) is ignored with that reason. Then the
registered matchers (:mod:`tase.bank.matching`) claim what they know. All in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase import db
from tase.core import audit, limits
from tase.formats import camt
from tase.ledger.models import BankAccount

from ..matching import Context, matchers
from ..models import Line, Settings, Statement
from .common import guard

BATCH = 5000
CHUNK = 500
# Larger files are not checked against the ISO schema: lxml would hold the whole document as
# a tree (about ten times the file), where the reader streams it.
SCHEMA_CHECK_MAX_BYTES = 10 * 1024 * 1024


@dataclass
class Imported:
    statement: Statement
    already: bool  # imported before: nothing written
    lines: list[Line]
    warnings: list[str] = field(default_factory=list)


def _fingerprint(kind: str, parsed: camt.Statement) -> str:
    digest = hashlib.sha256()
    head = (kind, parsed.iban, parsed.id, parsed.legal_number, parsed.from_date, parsed.to_date)
    digest.update(repr((*head, parsed.opening_balance, parsed.closing_balance)).encode())
    for entry in parsed.entries:
        digest.update(
            repr(
                (entry.archive_id, entry.amount, entry.booking_date, entry.status, entry.reference)
            ).encode()
        )
        for tx in entry.transactions:
            digest.update(repr((tx.archive_id, tx.amount, tx.reference)).encode())
    return digest.hexdigest()


def _lines(company, statement: Statement, parsed: camt.Statement, warnings: list) -> list[Line]:
    lines: list[Line] = []
    for entry in parsed.entries:
        if not entry.booked:
            warnings.append(
                _("%(where)s, entry %(index)s is not booked (%(status)s); not imported.")
                % {"where": _where(parsed), "index": entry.index, "status": entry.status or "-"}
            )
            continue
        day = entry.booking_date or entry.value_date or parsed.to_date
        if day is None:
            raise ValidationError(
                {
                    "file": _("%(where)s, entry %(index)s has no booking date.")
                    % {"where": _where(parsed), "index": entry.index}
                }
            )
        payments = entry.transactions if entry.is_batch else (entry,)
        for payment in payments:
            lines.append(
                Line(
                    company=company,
                    statement=statement,
                    position=len(lines) + 1,
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
                    bank_code=(f"{entry.fi_code} {entry.bank_code}".strip())[:40],
                )
            )
    return lines


def _where(parsed: camt.Statement) -> str:
    return _("Statement of %(iban)s %(from)s–%(to)s") % {  # noqa: RUF001
        "iban": parsed.iban,
        "from": parsed.from_date or "",
        "to": parsed.to_date or "",
    }


def _accounts(company, parsed: camt.CamtFile, name: str) -> dict[str, BankAccount]:
    """The company's bank account of each statement, or a ValidationError naming every
    statement that is not for one."""
    accounts = {
        a.iban: a for a in BankAccount.objects.filter(company=company).select_related("account")
    }
    problems = []
    for number, statement in enumerate(parsed.statements, start=1):
        if statement.iban not in accounts:
            problems.append(
                _(
                    "%(file)s: statement %(number)s is for account %(iban)s, which is not a bank "
                    "account of %(company)s. Add the account under the books' bank accounts "
                    "first, or import the file to the company it belongs to."
                )
                % {
                    "file": name,
                    "number": number,
                    "iban": statement.iban or _("(no IBAN)"),
                    "company": company.name,
                }
            )
        elif statement.currency and statement.currency != "EUR":
            problems.append(
                _("%(file)s: statement %(number)s is in %(currency)s; Tase keeps books in euros.")
                % {"file": name, "number": number, "currency": statement.currency}
            )
    if problems:
        raise ValidationError({"file": problems})
    return accounts


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


def match(actor, company, statement: Statement, lines: list[Line]) -> None:
    """Hand the open lines to each registered matcher; store what they claimed."""
    settings = Settings.objects.filter(company=company).first()
    ctx = Context(
        actor=actor,
        company=company,
        bank_ledger_account=statement.bank_account.account.number,
        write_off_cents=settings.write_off_cents if settings else 0,
        write_off_account=settings.write_off_account if settings else "",
        batch_ref=str(statement.pk),
    )
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


@transaction.atomic
def import_statements(actor, company, upload, *, name: str = "") -> list[Imported]:
    """Import every statement of a camt.053 or camt.054 file (an upload, a file or bytes)."""
    company = guard(actor, company, "bank.reconcile")
    name = (name or getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    limits.check_size(upload, "bank_statement", name=name)
    data = bytes(upload) if isinstance(upload, bytes | bytearray) else upload.read()
    check = len(data) <= SCHEMA_CHECK_MAX_BYTES
    try:
        parsed = camt.read(data, check_schema=check)
    except camt.CamtError as error:
        raise ValidationError({"file": f"{name or _('The file')}: {error}"}) from None
    if not check:
        note = _("The file is too large to be checked against the ISO schema; it was read as is.")
        parsed = replace(parsed, warnings=(*parsed.warnings, note))
    accounts = _accounts(company, parsed, name or _("The file"))
    results = []
    for number, statement_in in enumerate(parsed.statements, start=1):
        fingerprint = _fingerprint(parsed.kind, statement_in)
        existing = Statement.objects.filter(company=company, fingerprint=fingerprint).first()
        if existing is not None:
            results.append(Imported(existing, True, list(existing.lines.all())))
            continue
        warnings = [*(parsed.warnings if number == 1 else ()), *statement_in.warnings]
        statement = Statement.objects.create(
            company=company,
            bank_account=accounts[statement_in.iban],
            kind=parsed.kind,
            bank_id=statement_in.id[:35],
            number=(statement_in.legal_number or statement_in.electronic_number)[:20],
            from_date=statement_in.from_date,
            to_date=statement_in.to_date,
            opening_cents=statement_in.opening_balance,
            closing_cents=statement_in.closing_balance,
            fingerprint=fingerprint,
            file_name=name[:200],
            imported_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        )
        lines = _lines(company, statement, statement_in, warnings)
        _seen_before(company, statement, lines)
        lines = Line.objects.bulk_create(lines, batch_size=BATCH)
        if any(line.pk is None for line in lines):  # backends that return no ids
            lines = list(statement.lines.order_by("position"))
        match(actor, company, statement, lines)
        statement.warnings = warnings
        statement.save(update_fields=["warnings"])
        audit.record(
            actor.user,
            "import",
            statement,
            company=company,
            changes={"lines": [None, len(lines)], "file": [None, name]},
        )
        results.append(Imported(statement, False, lines, warnings))
    return results
