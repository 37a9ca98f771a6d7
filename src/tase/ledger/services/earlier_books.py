"""Coming from Tilitin or Kitsas: the chart, the fiscal years and every voucher of the
earlier program's book (:mod:`tase.formats.tilitin`, :mod:`tase.formats.kitsas`), with a
reconciliation that each year's trial balance in Tase equals the earlier program's.

The import is one transaction and all or nothing:

- accounts missing from the company's chart are added with the earlier number, name and
  type (an account Tase already has keeps Tase's settings; a different type is an error);
- each period becomes a fiscal year (an existing year with the same dates is used; an
  overlapping one is an error); a period the earlier program had locked is closed in Tase,
  its books taken as they were closed there;
- a period's opening balances (Tilitin's document 0, Kitsas's tilinavaus) are posted as the
  year's opening balances (source ``opening-balances``, so balances count from them as from
  any opening balances); every other document as a memo voucher (MU) whose description keeps
  the earlier number; a period's vouchers are posted together (:func:`.bulk_posting.post_vouchers`,
  every voucher checked before any is written). Documents without lines or with only zero lines are skipped, counted;
- a file imported before is recognised by its vouchers (``source_ref`` ``tilitin:``… or
  ``kitsas:``…) and nothing is posted twice;
- finally each year's net per account in Tase is compared with the earlier program's own
  sums; any difference refuses the whole import, naming the year and the account.

The earlier lines carry their VAT as separate lines on the VAT accounts, so they are
imported without VAT codes: the VAT of those years was reported from the earlier program.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.limits import check_size
from tase.core.models import Company
from tase.formats import kitsas, tilitin
from tase.formats.earlier_books import BookError

from ..models import Account, Entry, FiscalYear, Voucher
from .bulk_posting import NewVoucher, post_vouchers
from .common import cents_to_decimal, guard
from .periods import create_fiscal_year

OPENING_SOURCE = "opening-balances"
PROGRAMS = {"tilitin": ("Tilitin", tilitin.Book), "kitsas": ("Kitsas", kitsas.Book)}


@dataclass
class YearReport:
    start: dt.date
    end: dt.date
    vouchers: int = 0
    skipped: int = 0
    accounts: int = 0  # accounts with a balance in the earlier program's trial balance
    closed: bool = False


@dataclass
class BooksReport:
    program: str
    name: str
    business_id: str
    accounts_added: int = 0
    already_imported: int = 0
    years: list[YearReport] = field(default_factory=list)

    @property
    def vouchers(self) -> int:
        return sum(year.vouchers for year in self.years)


def _message(error: BookError, program: str) -> str:
    params = error.params
    where = params.get("where", "")
    kind, _sep, rest = where.partition(":")
    place = {
        "period": _("period %(id)s") % {"id": rest},
        "document": _("document %(number)s of %(year)s")
        % {"number": rest.partition(":")[2], "year": rest.partition(":")[0]},
        "account": _("account %(number)s") % {"number": rest},
    }.get(kind, where)
    messages = {
        "not_a_database": _("The file is not a %(program)s book."),
        "missing_table": _("The file is not a %(program)s book: the table %(table)s is missing."),
        "missing_columns": _("%(program)s's table %(table)s lacks the columns %(columns)s."),
        "bad_date": _("%(place)s: the date %(value)s cannot be read."),
        "bad_amount": _("%(place)s: the amount %(value)s cannot be read."),
        "amount_out_of_range": _("%(place)s: the amount %(value)s is too large."),
        "unknown_account_type": _("Account %(account)s has an unknown type %(value)s."),
    }
    text = messages.get(error.code, _("The file cannot be read."))
    message = text % {**params, "place": place, "program": program}
    return message[:1].upper() + message[1:]


def _sort_key(number: str) -> str:
    """Account numbers compared digit by digit from the left, as the Finnish chart reads
    them: 1701 falls between 1700 and 1710, and 29391 under 2939."""
    return number.ljust(10, "0")


def _statement_lines(chart: list[Account], number: str, type_: str) -> tuple[str, str]:
    """The statement lines of the nearest account of the same type at or below ``number`` in
    the company's chart: the earlier programs number their charts as Tase's does (the
    Finnish chart tradition, formats-fi.md §7), so 1701 Myyntisaamiset lands where 1700 does
    and 2251 where 2250 does."""
    below = [
        account
        for account in chart
        if account.type == type_ and _sort_key(account.number) <= _sort_key(number)
    ]
    if not below:
        return "", ""
    nearest = max(below, key=lambda account: _sort_key(account.number))
    return nearest.income_statement_line, nearest.balance_sheet_line


# Roles that several accounts may share: the closing gate and the balance-sheet
# specifications sum the accounts of the role. Each other role is one account's (the VAT
# settlement and the year-end close take the account of the role), so an imported account
# takes it only while the chart has none.
SHARED_ROLES = (Account.Role.RECEIVABLES, Account.Role.PAYABLES)


def _role(account, taken: set[str]) -> str:
    """The role the source names for a new account, when Tase can give it
    (:data:`SHARED_ROLES`, or a role no account of the chart has yet)."""
    role = account.role
    if not role or (role in taken and role not in SHARED_ROLES):
        return ""
    taken.add(role)
    return role


def _chart(company: Company, accounts, program: str) -> int:
    """Add the accounts the company's chart lacks, each placed in the financial statements
    beside its nearest neighbour (:func:`_statement_lines`) and with the role its source
    names (:func:`_role`: Kitsas's sales receivables 1701 are receivables, so the closing
    gate and the specifications count them)."""
    chart = list(Account.objects.filter(company=company, is_header=False))
    taken = {account.role for account in chart if account.role}
    existing = {account.number: account.type for account in chart}
    problems = [
        _(
            "Account %(number)s is of another type in Tase (%(tase)s) than in %(program)s (%(type)s)."
        )
        % {
            "number": account.number,
            "tase": Account.Type(existing[account.number]).label,
            "program": program,
            "type": Account.Type(account.type).label,
        }
        for account in accounts
        if existing.get(account.number) not in (None, "", account.type)
    ]
    if problems:
        raise ValidationError({"file": problems})
    new = []
    for account in accounts:
        if account.number in existing:
            continue
        income_line, balance_line = _statement_lines(chart, account.number, account.type)
        new.append(
            Account(
                company=company,
                number=account.number,
                name_fi=account.name[:200] or account.number,
                type=account.type,
                income_statement_line=income_line,
                balance_sheet_line=balance_line,
                role=_role(account, taken),
            )
        )
    Account.objects.bulk_create(new)
    return len(new)


def _year(actor, company: Company, period, program: str) -> FiscalYear:
    """The fiscal year of the period: the one with its dates, or a new one (its length and
    its place after the years before are checked as for any year; a change of the fiscal
    period is allowed, as the earlier book's own history may hold one)."""
    year = FiscalYear.objects.filter(company=company, start=period.start, end=period.end).first()
    if year is not None:
        return year
    try:
        return create_fiscal_year(
            actor, company, start=period.start, end=period.end, change_of_period=True
        )
    except ValidationError as error:
        dates = {"start": f"{period.start:%-d.%-m.%Y}", "end": f"{period.end:%-d.%-m.%Y}"}
        raise ValidationError(
            {
                "file": [
                    _("%(program)s's period %(start)s–%(end)s: %(problem)s")  # noqa: RUF001
                    % {**dates, "problem": message, "program": program}
                    for message in error.messages
                ]
            }
        ) from None


def _voucher(period, document, key: str, program: str) -> NewVoucher | None:
    """The document as a voucher to post, or None for one without lines or with only zero
    lines."""
    lines = [line for line in document.lines if line.cents]
    if not lines:
        return None
    if not period.start <= document.date <= period.end:
        raise ValidationError(
            {
                "file": [
                    _("%(program)s's document %(number)s is dated outside its period.")
                    % {"number": document.label, "program": program}
                ]
            }
        )
    first_text = next((line.text for line in lines if line.text), "")
    if document.opening:
        description = _("Opening balances (%(program)s)") % {"program": program}
    else:
        description = _("%(program)s %(number)s: %(text)s") % {
            "program": program,
            "number": document.label,
            "text": first_text,
        }
    return NewVoucher(
        date=document.date,
        series="MU",
        description=description[:200],
        lines=[
            {
                "account": line.account,
                ("debit" if line.cents > 0 else "credit"): cents_to_decimal(abs(line.cents)),
                "text": line.text[:200],
            }
            for line in lines
        ],
        source=OPENING_SOURCE if document.opening else key,
        source_ref=f"{key}:{period.start.isoformat()}:{document.key}",
        label=_("%(program)s's document %(number)s")
        % {"number": document.label, "program": program},
    )


def _reconcile(
    company: Company, year: FiscalYear, expected: dict[str, int], key: str, program: str
) -> list[str]:
    rows = (
        Entry.objects.filter(
            company=company,
            date__gte=year.start,
            date__lte=year.end,
            voucher__source__in=[key, OPENING_SOURCE],
            voucher__source_ref__startswith=f"{key}:",
        )
        .values("account__number")
        .order_by()
        .annotate(net=Sum("amount_cents"))
    )
    found = {row["account__number"]: int(row["net"]) for row in rows if row["net"]}
    return [
        _("%(year)s, account %(number)s: %(program)s %(earlier)s, Tase %(tase)s.")
        % {
            "year": year,
            "number": number,
            "program": program,
            "earlier": cents_to_decimal(expected.get(number, 0)),
            "tase": cents_to_decimal(found.get(number, 0)),
        }
        for number in sorted(set(expected) | set(found))
        if expected.get(number, 0) != found.get(number, 0)
    ]


@transaction.atomic
def import_books(actor, company: Company, path, *, program: str) -> BooksReport:
    """Import the book at ``path`` of the earlier ``program`` (``tilitin``, ``kitsas``) into
    ``company``: all of it, or nothing with a ``ValidationError`` under ``file`` that names
    every problem."""
    guard(actor, company, "ledger.manage")
    if program not in PROGRAMS:
        raise ValidationError({"program": _("Choose Tilitin or Kitsas.")})
    name, reader = PROGRAMS[program]
    try:
        with reader(path) as book:
            report = BooksReport(name, book.name, book.business_id)
            report.accounts_added = _chart(company, book.accounts(), name)
            imported = set(
                Voucher.objects.filter(
                    company=company, source_ref__startswith=f"{program}:"
                ).values_list("source_ref", flat=True)
            )
            differences = []
            for period in book.periods():
                year = _year(actor, company, period, name)
                row = YearReport(period.start, period.end)
                vouchers = []
                for document in book.documents(period):
                    ref = f"{program}:{period.start.isoformat()}:{document.key}"
                    voucher = None if ref in imported else _voucher(period, document, program, name)
                    if ref in imported:
                        report.already_imported += 1
                    elif voucher is None:
                        row.skipped += 1
                    else:
                        vouchers.append(voucher)
                # The period's vouchers posted together, numbered in the earlier book's order.
                try:
                    post_vouchers(actor, company, vouchers)
                except ValidationError as error:
                    raise ValidationError({"file": error.messages}) from None
                row.vouchers = len(vouchers)
                expected = book.trial_balance(period)
                row.accounts = len(expected)
                differences += _reconcile(company, year, expected, program, name)
                if period.locked and year.is_open:
                    year.state = FiscalYear.State.CLOSED
                    year.save(update_fields=["state"])
                    row.closed = True
                report.years.append(row)
    except BookError as error:
        raise ValidationError({"file": [_message(error, name)]}) from None
    if differences:
        raise ValidationError(
            {
                "file": [
                    _("The imported books do not equal %(program)s's:") % {"program": name},
                    *differences,
                ]
            }
        )
    audit.record(
        actor.user,
        "import_books",
        company,
        company=company,
        changes={
            "program": [None, program],
            "vouchers": [None, report.vouchers],
            "accounts_added": [None, report.accounts_added],
            "years": [None, len(report.years)],
        },
    )
    return report


def import_books_upload(actor, company: Company, upload, *, program: str) -> BooksReport:
    """An uploaded book: its size checked before anything is read, copied to a temporary
    file (SQLite reads a path, not a stream), imported, and the copy removed."""
    check_size(upload, "earlier_books")
    with tempfile.NamedTemporaryFile(suffix=".sqlite") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        return import_books(actor, company, copy.name, program=program)
