"""Reads of bank: statements with their counts, one statement's lines with proposals, and the
difference between each bank account's books and its last statement (for the closing gate)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from tase.core.models import Company
from tase.ledger import selectors as ledger_selectors
from tase.ledger.models import BankAccount

from .matching import Context, Proposal, matchers
from .models import Line, Rule, Settings, Statement


def companies(actor):
    return actor.companies("bank.view").order_by("name")


def statements_of(company: Company):
    """The company's statements, newest first, each with ``line_count`` and ``open_count``."""
    return (
        Statement.objects.filter(company=company)
        .select_related("bank_account")
        .annotate(
            line_count=Count("lines"),
            open_count=Count("lines", filter=Q(lines__status=Line.Status.OPEN)),
        )
        .order_by("-to_date", "-pk")
    )


def statement_of(actor, company_pk: int, pk: int, action: str = "bank.view") -> Statement:
    company = actor.company(company_pk, action)
    statement = statements_of(company).filter(pk=pk).first()
    if statement is None:
        raise Http404
    return statement


def line_of(actor, company_pk: int, pk: int, action: str = "bank.reconcile") -> Line:
    company = actor.company(company_pk, action)
    line = Line.objects.filter(company=company, pk=pk).select_related("company").first()
    if line is None:
        raise Http404
    return line


def rules_of(company: Company):
    return Rule.objects.filter(company=company)


def settings_of(company: Company) -> Settings:
    return Settings.objects.filter(company=company).first() or Settings(company=company)


@dataclass(frozen=True)
class RuleProposal:
    account: str
    vat_code: str
    label: str


def _rule_for(line: Line, rules: list[Rule]) -> Rule | None:
    payer = line.counterparty.casefold()
    for rule in rules:
        if rule.reference and rule.reference == line.reference:
            return rule
    for rule in rules:
        if rule.counterparty and rule.counterparty.casefold() in payer:
            return rule
    return None


def proposals(actor, statement: Statement, lines: list[Line]) -> dict[int, dict]:
    """For each open line: ``rule`` (a saved rule's or the last posting's account and VAT code
    for the same counterparty IBAN) and ``targets`` (what matchers propose). A fixed number
    of queries whatever the number of lines."""
    open_lines = [line for line in lines if line.status == Line.Status.OPEN]
    if not open_lines:
        return {}
    company = statement.company
    rules = list(rules_of(company))
    ibans = {line.counterparty_iban for line in open_lines if line.counterparty_iban}
    history: dict[str, str] = {}
    for iban, matched in (
        Line.objects.filter(company=company, status=Line.Status.POSTED, counterparty_iban__in=ibans)
        .order_by("pk")
        .values_list("counterparty_iban", "matched_to")
    ):
        history[iban] = matched
    settings = settings_of(company)
    ctx = Context(
        actor=actor,
        company=company,
        bank_ledger_account=statement.bank_account.account.number,
        write_off_cents=settings.write_off_cents,
        write_off_account=settings.write_off_account,
    )
    targets: dict[int, list[Proposal]] = {}
    for matcher in matchers():
        if matcher.propose is not None:
            for pk, found in matcher.propose(ctx, open_lines).items():
                targets.setdefault(pk, []).extend(found)
    result = {}
    for line in open_lines:
        rule = _rule_for(line, rules)
        proposal = None
        if rule is not None:
            proposal = RuleProposal(rule.account, rule.vat_code, str(rule))
        elif line.counterparty_iban in history:
            account, _sep, vat_code = history[line.counterparty_iban].partition(" ")
            proposal = RuleProposal(account, vat_code, line.counterparty_iban)
        result[line.pk] = {
            "rule": proposal,
            "targets": sorted(targets.get(line.pk, []), key=lambda p: -p.score),
        }
    return result


@dataclass(frozen=True)
class BalanceDifference:
    bank_account: BankAccount
    ledger_account: str
    book_cents: int
    statement_cents: int | None  # None: no statement with a closing balance on or before
    statement_date: dt.date | None
    statement_id: int | None

    @property
    def difference_cents(self) -> int | None:
        if self.statement_cents is None:
            return None
        return self.book_cents - self.statement_cents


def statement_balance_differences(company: Company, on_date: dt.date) -> list[BalanceDifference]:
    """Per bank account of the company: the book balance of its ledger account at the end of
    the last statement's date on or before ``on_date`` against that statement's closing
    balance (the book balance at ``on_date`` when no statement has one)."""
    accounts = list(
        BankAccount.objects.filter(company=company).select_related("account").order_by("iban")
    )
    last: dict[int, Statement] = {}
    for statement in (
        Statement.objects.filter(
            company=company,
            kind=Statement.Kind.STATEMENT,
            closing_cents__isnull=False,
            to_date__lte=on_date,
        )
        .order_by("bank_account_id", "-to_date", "-pk")
        .only("pk", "bank_account_id", "to_date", "closing_cents")
    ):
        last.setdefault(statement.bank_account_id, statement)
    result = []
    for account in accounts:
        statement = last.get(account.pk)
        day = statement.to_date if statement else on_date
        result.append(
            BalanceDifference(
                bank_account=account,
                ledger_account=account.account.number,
                book_cents=book_balance(company, account.account_id, day),
                statement_cents=statement.closing_cents if statement else None,
                statement_date=statement.to_date if statement else None,
                statement_id=statement.pk if statement else None,
            )
        )
    return result


def book_balance(company: Company, account_id: int, on: dt.date) -> int:
    """Debit minus credit of one balance-sheet account at the end of ``on``, cents."""
    year = ledger_selectors.fiscal_year_of(company, on)
    start = year.start if year else dt.date(on.year, 1, 1)
    debit, credit = ledger_selectors.account_totals(
        company, start, on, account_ids=[account_id]
    ).get(account_id, (0, 0))
    return debit - credit


def last_statement_balance(bank_account: BankAccount) -> tuple[dt.date, int] | None:
    """The closing balance (cents) of the account's latest bank statement (camt.053, not a
    camt.054 notification, which has none) and its date; None before the first statement."""
    found = (
        Statement.objects.filter(
            bank_account=bank_account,
            kind=Statement.Kind.STATEMENT,
            closing_cents__isnull=False,
            to_date__isnull=False,
        )
        .order_by("-to_date", "-pk")
        .values_list("to_date", "closing_cents")
        .first()
    )
    return tuple(found) if found else None
