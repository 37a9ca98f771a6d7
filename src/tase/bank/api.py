"""Bank API under /api/v1/bank/: thin over the same services and selectors as the pages.

Money is a decimal string in euros, signed on bank lines (``"-1234.50"`` went out); dates ISO
8601. A camt.053 or camt.054 file is posted as multipart ``file``; the answer has each
statement with its lines, what they were matched to, the reader's warnings and the counts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tase.apiutil import Day, actor

from . import selectors, services
from .models import Line, Statement

router = Router(tags=["bank"])


def _euros(cents: int | None) -> str | None:
    return None if cents is None else str((Decimal(cents) / 100).quantize(Decimal("0.01")))


class BankEntryOut(Schema):
    id: int
    date: dt.date
    amount: str
    counterparty: str
    counterparty_iban: str
    reference: str
    message: str
    end_to_end_id: str
    archive_id: str
    status: str = Field(description="open | matched | posted | ignored")
    matched_to: str
    note: str
    voucher_id: int | None

    @staticmethod
    def resolve_amount(obj: Line) -> str:
        return _euros(obj.amount_cents)


class BankStatementSummaryOut(Schema):
    id: int
    kind: str
    iban: str
    from_date: dt.date | None = Field(None, alias="from")
    to_date: dt.date | None = Field(None, alias="to")
    number: str
    opening_balance: str | None
    closing_balance: str | None
    warnings: list[str]


def _summary(statement: Statement) -> dict:
    return {
        "id": statement.pk,
        "kind": statement.kind,
        "iban": statement.bank_account.iban,
        "from": statement.from_date,
        "to": statement.to_date,
        "number": statement.number,
        "opening_balance": _euros(statement.opening_cents),
        "closing_balance": _euros(statement.closing_cents),
        "warnings": statement.warnings,
    }


class BankStatementOut(Schema):
    id: int
    kind: str
    iban: str
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None
    number: str
    opening_balance: str | None
    closing_balance: str | None
    already_imported: bool = False
    warnings: list[str]
    matched: int
    unmatched: int
    entries: list[BankEntryOut]


def _statement(statement: Statement, lines: list[Line], *, already=False, warnings=None) -> dict:
    return {
        **_summary(statement),
        "already_imported": already,
        "warnings": warnings if warnings is not None else statement.warnings,
        "matched": sum(1 for line in lines if line.done),
        "unmatched": sum(1 for line in lines if not line.done),
        "entries": lines,
    }


class BankImportOut(Schema):
    file: str
    statements: list[BankStatementOut]
    imported: int = Field(description="statements written now")
    already_imported: int = Field(description="statements seen before: nothing written")
    matched: int
    unmatched: int


@router.post(
    "/companies/{company_id}/statements",
    response={201: BankImportOut, 200: BankImportOut},
    by_alias=True,
    summary="Import a camt.053 statement or camt.054 reference payments",
)
def import_statements(request, company_id: int, file: File[UploadedFile]):
    """Every statement of the file, for the company's own bank accounts (by IBAN) only; each
    booked payment a line, matched by the registered matchers (sales: reference payments mark
    the invoice paid). A statement imported before is reported with ``already_imported`` and
    not written again (200 when every statement of the file was). Bad files (not XML, XML bombs
    or external entities, not a statement, an account that is not the company's) are a 422
    naming the file and the problem; nothing is written."""
    company = actor(request).company(company_id, "bank.reconcile")
    results = services.import_statements(actor(request), company, file)
    statements = [_statement(r.statement, r.lines, already=r.already) for r in results]
    body = {
        "file": file.name or "",
        "statements": statements,
        "imported": sum(1 for r in results if not r.already),
        "already_imported": sum(1 for r in results if r.already),
        "matched": sum(s["matched"] for s in statements),
        "unmatched": sum(s["unmatched"] for s in statements),
    }
    return Status(201 if body["imported"] else 200, body)


@router.get(
    "/companies/{company_id}/statements",
    response=list[BankStatementSummaryOut],
    by_alias=True,
    summary="Statements, newest first",
)
@paginate
def list_statements(request, company_id: int):
    company = actor(request).company(company_id, "bank.view")
    return [_summary(s) for s in selectors.statements_of(company)]


@router.get(
    "/companies/{company_id}/statements/{statement_id}",
    response=BankStatementOut,
    by_alias=True,
    summary="One statement with its lines",
)
def get_statement(request, company_id: int, statement_id: int):
    statement = selectors.statement_of(actor(request), company_id, statement_id)
    return _statement(statement, list(statement.lines.all()))


class BankPostIn(Schema):
    account: str
    vat_code: str = ""
    text: str = ""
    save_rule: bool = Field(False, description="Propose the same for this counterparty later")


class BankMatchIn(Schema):
    target: str = Field(description="A proposal's target, e.g. sales.invoice:42")


class BankIgnoreIn(Schema):
    reason: str


class BankProposalOut(Schema):
    target: str
    label: str


class BankProposalsOut(Schema):
    account: str | None
    vat_code: str | None
    targets: list[BankProposalOut]


@router.get(
    "/companies/{company_id}/lines/{line_id}/proposals",
    response=BankProposalsOut,
    summary="What an open line could be matched or posted to",
)
def line_proposals(request, company_id: int, line_id: int):
    line = selectors.line_of(actor(request), company_id, line_id, "bank.view")
    found = selectors.proposals(actor(request), line.statement, [line]).get(line.pk, {})
    rule = found.get("rule")
    return {
        "account": rule.account if rule else None,
        "vat_code": rule.vat_code if rule else None,
        "targets": found.get("targets", []),
    }


@router.post(
    "/companies/{company_id}/lines/{line_id}/post",
    response=BankEntryOut,
    summary="Post an open line to an account",
)
def post_line(request, company_id: int, line_id: int, payload: BankPostIn):
    line = selectors.line_of(actor(request), company_id, line_id)
    return services.post_line(actor(request), line, **payload.dict())


@router.post(
    "/companies/{company_id}/lines/{line_id}/match",
    response=BankEntryOut,
    summary="Match an open line to a proposal",
)
def match_line(request, company_id: int, line_id: int, payload: BankMatchIn):
    line = selectors.line_of(actor(request), company_id, line_id)
    return services.accept_proposal(actor(request), line, payload.target)


@router.post(
    "/companies/{company_id}/lines/{line_id}/ignore",
    response=BankEntryOut,
    summary="Ignore an open line, with the reason",
)
def ignore_line(request, company_id: int, line_id: int, payload: BankIgnoreIn):
    line = selectors.line_of(actor(request), company_id, line_id)
    return services.ignore_line(actor(request), line, reason=payload.reason)


class BankRuleIn(Schema):
    counterparty: str = Field(
        "", max_length=140, description="Proposed when the counterparty contains this"
    )
    reference: str = Field("", max_length=35, description="… or when the line has this reference")
    account: str
    vat_code: str = ""


class BankRuleOut(BankRuleIn):
    id: int


@router.get("/companies/{company_id}/rules", response=list[BankRuleOut], summary="Matching rules")
def list_rules(request, company_id: int):
    company = actor(request).company(company_id, "bank.view")
    return list(selectors.rules_of(company))


@router.post(
    "/companies/{company_id}/rules",
    response={201: BankRuleOut},
    summary="Save a rule: counterparty or reference → account and VAT code",
)
def create_rule(request, company_id: int, payload: BankRuleIn):
    company = actor(request).company(company_id, "bank.reconcile")
    return Status(201, services.create_rule(actor(request), company, **payload.dict()))


@router.delete(
    "/companies/{company_id}/rules/{rule_id}", response={204: None}, summary="Delete a rule"
)
def delete_rule(request, company_id: int, rule_id: int):
    company = actor(request).company(company_id, "bank.reconcile")
    rule = selectors.rules_of(company).filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    services.delete_rule(actor(request), rule)
    return Status(204, None)


class BankSettingsIn(Schema):
    write_off: Decimal = Field(
        Decimal(0),
        ge=0,
        le=1000,
        decimal_places=2,
        description="A short payment within this many euros is written off",
    )
    write_off_account: str = ""


class BankSettingsOut(Schema):
    write_off: str
    write_off_account: str


@router.put("/companies/{company_id}/settings", response=BankSettingsOut, summary="Write-off rule")
def update_settings(request, company_id: int, payload: BankSettingsIn):
    company = actor(request).company(company_id, "bank.reconcile")
    settings = services.update_settings(
        actor(request),
        company,
        write_off_cents=int(payload.write_off * 100),
        write_off_account=payload.write_off_account,
    )
    return {
        "write_off": _euros(settings.write_off_cents),
        "write_off_account": settings.write_off_account,
    }


class BankDifferenceQuery(Schema):
    on: Day


class BankDifferenceOut(Schema):
    iban: str
    ledger_account: str
    book_balance: str
    statement_balance: str | None
    statement_date: dt.date | None
    difference: str | None


@router.get(
    "/companies/{company_id}/balance-differences",
    response=list[BankDifferenceOut],
    summary="Each bank account's books against its last statement on or before a date",
)
def balance_differences(request, company_id: int, query: Query[BankDifferenceQuery]):
    company = actor(request).company(company_id, "bank.view")
    return [
        {
            "iban": d.bank_account.iban,
            "ledger_account": d.ledger_account,
            "book_balance": _euros(d.book_cents),
            "statement_balance": _euros(d.statement_cents),
            "statement_date": d.statement_date,
            "difference": _euros(d.difference_cents),
        }
        for d in selectors.statement_balance_differences(company, query.on)
    ]
