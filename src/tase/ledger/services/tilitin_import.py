"""Coming from Tilitin: the chart, the fiscal years and every voucher of a Tilitin database
file (:mod:`tase.formats.tilitin`), with a reconciliation that each year's trial balance in
Tase equals Tilitin's.

The import is one transaction and all or nothing:

- accounts missing from the company's chart are added with Tilitin's number, name and type
  (an account Tase already has keeps Tase's settings; a different type is an error);
- each Tilitin period becomes a fiscal year (an existing year with the same dates is used;
  an overlapping one is an error); a period Tilitin has locked is closed in Tase, its books
  taken as they were closed in Tilitin;
- document 0 of a period, Tilitin's opening balances, is posted as the year's opening
  balances (source ``opening-balances``, so balances count from it as from any opening
  balances); every other document as a memo voucher (MU) whose description keeps Tilitin's
  number. Documents without lines or with only zero lines are skipped and counted;
- a file imported before is recognised by its vouchers (``source_ref`` ``tilitin:``…) and
  nothing is posted twice;
- finally each year's net per account in Tase is compared with Tilitin's sums; any
  difference refuses the whole import, naming the year and the account.

Tilitin's lines carry their VAT as separate lines on the VAT accounts, so they are imported
without VAT codes: the VAT of earlier years was reported from Tilitin.
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
from tase.formats import tilitin

from ..models import Account, Entry, FiscalYear, Voucher
from .common import cents_to_decimal, guard
from .periods import create_fiscal_year
from .posting import post_voucher

SOURCE, OPENING_SOURCE = "tilitin", "opening-balances"


@dataclass
class YearReport:
    start: dt.date
    end: dt.date
    vouchers: int = 0
    skipped: int = 0
    accounts: int = 0  # accounts with a balance in Tilitin's trial balance
    closed: bool = False


@dataclass
class TilitinReport:
    name: str
    business_id: str
    accounts_added: int = 0
    already_imported: int = 0
    years: list[YearReport] = field(default_factory=list)

    @property
    def vouchers(self) -> int:
        return sum(year.vouchers for year in self.years)


def _message(error: tilitin.TilitinError) -> str:
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
        "not_a_database": _("The file is not a Tilitin database (kirjanpito.sqlite)."),
        "missing_table": _("The file is not a Tilitin database: the table %(table)s is missing."),
        "missing_columns": _("Tilitin's table %(table)s lacks the columns %(columns)s."),
        "bad_date": _("%(place)s: the date %(value)s cannot be read."),
        "bad_amount": _("%(place)s: the amount %(value)s cannot be read."),
        "amount_out_of_range": _("%(place)s: the amount %(value)s is too large."),
        "unknown_account_type": _("Account %(account)s has an unknown type %(value)s."),
    }
    text = messages.get(error.code, _("The file cannot be read."))
    return text % {**params, "place": place}


def _chart(company: Company, accounts: list[tilitin.Account]) -> int:
    existing = dict(
        Account.objects.filter(company=company, is_header=False).values_list("number", "type")
    )
    problems = [
        _("Account %(number)s is of another type in Tase (%(tase)s) than in Tilitin (%(tilitin)s).")
        % {
            "number": account.number,
            "tase": Account.Type(existing[account.number]).label,
            "tilitin": Account.Type(account.type).label,
        }
        for account in accounts
        if existing.get(account.number) not in (None, "", account.type)
    ]
    if problems:
        raise ValidationError({"file": problems})
    new = [
        Account(
            company=company,
            number=account.number,
            name_fi=account.name[:200] or account.number,
            type=account.type,
        )
        for account in accounts
        if account.number not in existing
    ]
    Account.objects.bulk_create(new)
    return len(new)


def _year(actor, company: Company, period: tilitin.Period) -> FiscalYear:
    """The fiscal year of the period: the one with its dates, or a new one (its length and
    its place after the years before are checked as for any year; a change of the fiscal
    period is allowed, as Tilitin's own history may hold one)."""
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
                    _("Tilitin's period %(start)s–%(end)s: %(problem)s")  # noqa: RUF001
                    % {**dates, "problem": message}
                    for message in error.messages
                ]
            }
        ) from None


def _post_document(actor, company, period, document) -> bool:
    lines = [line for line in document.lines if line.cents]
    if not lines:
        return False
    if not period.start <= document.date <= period.end:
        raise ValidationError(
            {
                "file": [
                    _("Tilitin's document %(number)s is dated outside its period.")
                    % {"number": document.number}
                ]
            }
        )
    first_text = next((line.text for line in lines if line.text), "")
    if document.is_opening:
        description = _("Opening balances (Tilitin)")
    else:
        description = _("Tilitin %(number)s: %(text)s") % {
            "number": document.number,
            "text": first_text,
        }
    post_voucher(
        actor,
        company,
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
        source=OPENING_SOURCE if document.is_opening else SOURCE,
        source_ref=f"tilitin:{period.start.isoformat()}:{document.number}",
    )
    return True


def _reconcile(company: Company, year: FiscalYear, expected: dict[str, int]) -> list[str]:
    rows = (
        Entry.objects.filter(
            company=company,
            date__gte=year.start,
            date__lte=year.end,
            voucher__source__in=[SOURCE, OPENING_SOURCE],
            voucher__source_ref__startswith="tilitin:",
        )
        .values("account__number")
        .order_by()
        .annotate(net=Sum("amount_cents"))
    )
    found = {row["account__number"]: int(row["net"]) for row in rows if row["net"]}
    return [
        _("%(year)s, account %(number)s: Tilitin %(tilitin)s, Tase %(tase)s.")
        % {
            "year": year,
            "number": number,
            "tilitin": cents_to_decimal(expected.get(number, 0)),
            "tase": cents_to_decimal(found.get(number, 0)),
        }
        for number in sorted(set(expected) | set(found))
        if expected.get(number, 0) != found.get(number, 0)
    ]


@transaction.atomic
def import_tilitin(actor, company: Company, path) -> TilitinReport:
    """Import the Tilitin database at ``path`` into ``company``: all of it, or nothing with
    a ``ValidationError`` under ``file`` that names every problem."""
    guard(actor, company, "ledger.manage")
    try:
        with tilitin.Book(path) as book:
            report = TilitinReport(book.name, book.business_id)
            report.accounts_added = _chart(company, book.accounts())
            imported = set(
                Voucher.objects.filter(
                    company=company, source_ref__startswith="tilitin:"
                ).values_list("source_ref", flat=True)
            )
            differences = []
            for period in book.periods():
                year = _year(actor, company, period)
                row = YearReport(period.start, period.end)
                for document in book.documents(period):
                    ref = f"tilitin:{period.start.isoformat()}:{document.number}"
                    if ref in imported:
                        report.already_imported += 1
                    elif _post_document(actor, company, period, document):
                        row.vouchers += 1
                    else:
                        row.skipped += 1
                expected = book.trial_balance(period)
                row.accounts = len(expected)
                differences += _reconcile(company, year, expected)
                if period.locked and year.is_open:
                    year.state = FiscalYear.State.CLOSED
                    year.save(update_fields=["state"])
                    row.closed = True
                report.years.append(row)
    except tilitin.TilitinError as error:
        raise ValidationError({"file": [_message(error)]}) from None
    if differences:
        raise ValidationError(
            {"file": [_("The imported books do not equal Tilitin's:"), *differences]}
        )
    audit.record(
        actor.user,
        "import_tilitin",
        company,
        company=company,
        changes={
            "vouchers": [None, report.vouchers],
            "accounts_added": [None, report.accounts_added],
            "years": [None, len(report.years)],
        },
    )
    return report


def import_tilitin_upload(actor, company: Company, upload) -> TilitinReport:
    """An uploaded Tilitin file: its size checked before anything is read, copied to a
    temporary file (SQLite reads a path, not a stream), imported, and the copy removed."""
    check_size(upload, "tilitin")
    with tempfile.NamedTemporaryFile(suffix=".sqlite") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        return import_tilitin(actor, company, copy.name)
