"""The financial statements (tilinpäätös) of a fiscal year in a statutory form, and the
statement book (tasekirja) around them.

The figures of a year are one grouped query: the balance table (debits and credits per
account per month) summed over the year's months and grouped by the statement lines of the
accounts, so the cost is O(lines), whatever the number of vouchers. A year that does not
begin and end on month boundaries sums its entries instead (one grouped query still). The
balance sheet at the year's end is the same sum: the year's opening balances are posted in
the year, so the year's net of each balance-sheet account is its closing balance. The
period's result goes to equity (item VT.A.VI). The previous fiscal year is one more query;
the first year has no comparative figures (Kirjanpitolaki 1336/1997 3:1 § 2 mom.).

The layouts and how lines fill them are pure rules: :mod:`tase.rules.financial_statements`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tase.rules import financial_statements as rules

from . import balance_specifications
from .models import (
    Account,
    AccountBalance,
    Entry,
    FiscalYear,
    StatementBook,
    Voucher,
    VoucherSeries,
)
from .selectors import month_end, previous_fiscal_year
from .services import cents_to_decimal, fmt_date

BALANCE_TYPES = (Account.Type.ASSET, Account.Type.LIABILITY, Account.Type.EQUITY)
LANGUAGES = ("fi", "sv", "en")
INCOME_LAYOUTS = {"nature": "income_statement", "function": "income_statement_by_function"}


def fiscal_year_ending(company, year_end: dt.date) -> FiscalYear:
    """The company's fiscal year that ends on ``year_end``; a clear error otherwise."""
    year = FiscalYear.objects.filter(company=company, end=year_end).first()
    if year is None:
        raise ValidationError(
            {
                "year_end": _("No fiscal year of %(company)s ends on %(date)s.")
                % {"company": company.name, "date": fmt_date(year_end)}
            }
        )
    return year


def period_rows(company, start: dt.date, end: dt.date):
    """The balance table (whole months) or the entries of ``start``-``end``, and the net
    (debit - credit) to sum over them."""
    whole_months = start.day == 1 and end == month_end(end)
    if whole_months:
        qs = AccountBalance.objects.filter(company=company)
        if start.year == end.year:
            qs = qs.filter(year=start.year, month__gte=start.month, month__lte=end.month)
        else:
            qs = (
                qs.filter(year__gte=start.year, year__lte=end.year)
                .annotate(ym=F("year") * 100 + F("month"))
                .filter(ym__gte=start.year * 100 + start.month, ym__lte=end.year * 100 + end.month)
            )
        net = Sum("debit_cents") - Sum("credit_cents")
    else:
        qs = Entry.objects.filter(company=company, date__gte=start, date__lte=end)
        net = Sum("amount_cents")
    return qs, net


def line_totals(
    company, start: dt.date, end: dt.date, *, basis: str = "nature"
) -> tuple[dict[str, int], bool]:
    """Presentation-signed cents per statement line for the entries dated ``start``-``end``,
    with the period's result on :data:`rules.PROFIT_LINE`, and whether an account that needs
    a function lacks one. By function, the accounts of the by-nature operating lines are on
    the line of their function (``FN.selling`` ...). One grouped query."""
    qs, net = period_rows(company, start, end)
    fields = ["account__type", "account__income_statement_line", "account__balance_sheet_line"]
    by_function = basis == "function"
    if by_function:
        fields.append("account__function")
    rows = qs.values(*fields).order_by().annotate(net=Coalesce(net, 0))
    totals: dict[str, int] = defaultdict(int)
    result = 0
    missing = False
    for row in rows:
        value = int(row["net"])
        if not value:
            continue
        if row["account__type"] in BALANCE_TYPES:
            line = row["account__balance_sheet_line"] or "?" + row["account__type"]
        else:
            line = row["account__income_statement_line"] or "?" + (row["account__type"] or "")
            result -= value
            if by_function and rules.needs_function(line):
                missing = missing or not row["account__function"]
                line = rules.function_line(row["account__function"] or "?")
        totals[line] += rules.presentation_sign(line) * value if not line.startswith("?") else value
    totals[rules.PROFIT_LINE] += result
    return dict(totals), missing


def accounts_without_function(company, periods) -> list[str]:
    """The accounts ("number name") of the by-nature operating lines with no function and a
    balance in one of ``periods``: a by-function statement cannot place them."""
    function_lines = Q()
    for prefix in rules.FUNCTION_LINES:
        function_lines |= Q(account__income_statement_line=prefix)
        function_lines |= Q(account__income_statement_line__startswith=prefix + ".")
    found: dict[str, str] = {}
    for start, end in periods:
        qs, net = period_rows(company, start, end)
        rows = (
            qs.filter(function_lines, account__function="")
            .values("account__number", "account__name_fi")
            .order_by()
            .annotate(net=Coalesce(net, 0))
        )
        for row in rows:
            if row["net"]:
                found[row["account__number"]] = row["account__name_fi"]
    return [f"{number} {name}" for number, name in sorted(found.items())]


@dataclass
class FinancialStatements:
    company: object
    year: FiscalYear
    previous: FiscalYear | None
    form: str
    language: str
    basis: str
    income_statement: list[rules.Row]
    balance_sheet: list[rules.Row]
    total_assets: list[int]
    total_equity_and_liabilities: list[int]
    profit: list[int]
    unmapped: list[str]
    gross: bool = False

    @property
    def columns(self) -> list[str]:
        years = [self.year] + ([self.previous] if self.previous else [])
        return [f"{fmt_date(y.start)}\u2013{fmt_date(y.end)}" for y in years]

    @property
    def dates(self) -> list[str]:
        years = [self.year] + ([self.previous] if self.previous else [])
        return [fmt_date(y.end) for y in years]


def financial_statements(
    company,
    year_end: dt.date,
    *,
    form: str = "small",
    language: str = "fi",
    basis: str = "nature",
    gross: bool = False,
) -> FinancialStatements:
    """The income statement and the balance sheet of the fiscal year ending ``year_end`` in
    ``form`` (micro, small or full), the previous fiscal year beside; the income statement
    by nature of expense (KPA 1:1 §) or by function (``basis="function"``, KPA 1:2 §, PMA
    2 and 4 luku: the same items for every form but the financial items' and the
    appropriations' sub-items of the full form). By function is refused, naming them, while
    an operating account with a balance in either year has no function. ``gross``: the
    small or micro company's first items combined into Bruttotulos (PMA 2:1 § 2 mom., 4:1 §;
    :data:`rules.GROSS_ITEMS`), refused for the full form."""
    if form not in rules.FORMS:
        raise ValidationError({"form": _("Unknown statement form %(form)s.") % {"form": form}})
    if basis not in rules.BASES:
        raise ValidationError({"basis": _("Choose nature or function.")})
    check_gross(form, gross)
    year = fiscal_year_ending(company, year_end)
    previous = previous_fiscal_year(company, year)
    periods = [(year.start, year.end)] + ([(previous.start, previous.end)] if previous else [])
    found = [line_totals(company, start, end, basis=basis) for start, end in periods]
    if any(missing for _totals, missing in found):
        raise ValidationError(
            {
                "basis": _(
                    "The income statement by function needs the function of every operating "
                    "account with a balance; these accounts have none: %(accounts)s. Give them "
                    "their function on the chart of accounts."
                )
                % {"accounts": ", ".join(accounts_without_function(company, periods))}
            }
        )
    per_year = [totals for totals, _missing in found]
    columns = len(per_year)
    amounts: dict[str, list[int]] = defaultdict(lambda: [0] * columns)
    for index, totals in enumerate(per_year):
        for line, value in totals.items():
            amounts[line][index] += value
    amounts = dict(amounts)
    language = language if language in LANGUAGES else "fi"
    income_layout = INCOME_LAYOUTS[basis]
    income = rules.fill(
        income_layout, form, amounts, columns=columns, language=language, gross=gross
    )
    balance = rules.fill("balance_sheet", form, amounts, columns=columns, language=language)
    unmapped = sorted(
        set(rules.unmapped(amounts, income_layout)) & set(rules.unmapped(amounts, "balance_sheet"))
    )
    return FinancialStatements(
        company=company,
        year=year,
        previous=previous,
        form=form,
        language=language,
        basis=basis,
        income_statement=income,
        balance_sheet=balance,
        total_assets=rules.sum_lines(amounts, rules.ASSET_LINES, columns),
        total_equity_and_liabilities=rules.sum_lines(
            amounts, rules.EQUITY_AND_LIABILITY_LINES, columns
        ),
        profit=rules.sum_lines(amounts, ["IS", rules.FUNCTION_PREFIX], columns),
        unmapped=unmapped,
        gross=gross,
    )


def check_gross(form: str, gross: bool) -> None:
    """Bruttotulos is the small and the micro company's option (PMA 1753/2015 2:1 § 2 mom.,
    4:1 §); the full form of KPA 1:1-2 § has no such item."""
    if gross and form not in rules.GROSS_FORMS:
        raise ValidationError(
            {
                "gross": _(
                    "Only a small or micro company may combine the first items of its income "
                    "statement into Bruttotulos; choose the small or micro form."
                )
            }
        )


def _euros(cents: int | None) -> str | None:
    return None if cents is None else f"{cents_to_decimal(cents):.2f}"


def _at(values: list[int | None], index: int) -> int | None:
    return values[index] if index < len(values) else None


def to_data(statements: FinancialStatements) -> dict:
    """The JSON shape of issue 17: rows of ``{code, label, level, amount, previous}``,
    amounts as decimal strings in euros, ``previous`` null in the first year."""

    def rows(items):
        return [
            {
                "code": row.code,
                "label": row.label,
                "level": row.level,
                "kind": row.kind,
                "amount": _euros(_at(row.amounts, 0)),
                "previous": _euros(_at(row.amounts, 1)),
            }
            for row in items
        ]

    def pair(values):
        return {"amount": _euros(values[0]), "previous": _euros(_at(values, 1))}

    company, year, previous = statements.company, statements.year, statements.previous
    return {
        "company": company.name,
        "business_id": company.business_id,
        "form": statements.form,
        "basis": statements.basis,
        "gross": statements.gross,
        "fiscal_year": {"start": year.start.isoformat(), "end": year.end.isoformat()},
        "previous_fiscal_year": (
            {"start": previous.start.isoformat(), "end": previous.end.isoformat()}
            if previous
            else None
        ),
        "income_statement": rows(statements.income_statement),
        "balance_sheet": rows(statements.balance_sheet),
        "balance_sheet_total_assets": pair(statements.total_assets),
        "balance_sheet_total_equity_and_liabilities": pair(statements.total_equity_and_liabilities),
        "profit": pair(statements.profit),
        "unmapped_lines": statements.unmapped,
    }


def decimal_rows(rows: list[rules.Row]) -> list[dict]:
    """Rows for templates: euros as ``Decimal`` (formatted by the template filters)."""
    return [
        {
            "code": row.code,
            "label": row.label,
            "level": row.level,
            "kind": row.kind,
            "amounts": [None if a is None else cents_to_decimal(a) for a in row.amounts],
        }
        for row in rows
    ]


# -- the statement book ------------------------------------------------------------------------


def statement_book_of(year: FiscalYear) -> StatementBook | None:
    return StatementBook.objects.filter(fiscal_year=year).first()


# Kirjanpitolaki 1336/1997 2:10 §: the statements, the journal, the general ledger and the
# list of books are kept at least ten years from the end of the year, vouchers six.
BOOK_YEARS, VOUCHER_YEARS = 10, 6


@dataclass
class BookListing:
    """One line of the list of books and kinds of vouchers (luettelo kirjanpidoista ja
    aineistoista, Kirjanpitolaki 1336/1997 2:7 a §): what it is, how it is kept, how long,
    and for a voucher series the numbers the year used."""

    name: str
    storage: str
    years: int
    count: int | None = None
    first: int | None = None
    last: int | None = None


def books_list(company, year: FiscalYear) -> list[BookListing]:
    """The books of the year and one line per voucher series with its numbers used: one
    grouped query for the series."""
    stats = {
        row["series_id"]: row
        for row in Voucher.objects.filter(fiscal_year=year, state=Voucher.State.POSTED)
        .values("series_id")
        .order_by()
        .annotate(count=Count("id"), first=Min("number"), last=Max("number"))
    }
    electronic = _("electronic, in Tase")
    listing = [
        BookListing(_("Statement book (financial statements)"), _("PDF, signed"), BOOK_YEARS),
        BookListing(_("Balance sheet specifications"), _("PDF"), BOOK_YEARS),
        BookListing(_("Journal"), electronic, BOOK_YEARS),
        BookListing(_("General ledger"), electronic, BOOK_YEARS),
        BookListing(_("List of accounts"), electronic, BOOK_YEARS),
    ]
    for series in VoucherSeries.objects.filter(company=company).order_by("code"):
        row = stats.get(series.pk)
        listing.append(
            BookListing(
                _("Voucher series %(code)s %(name)s")
                % {"code": series.code, "name": series.name_fi},
                electronic,
                VOUCHER_YEARS,
                row["count"] if row else 0,
                row["first"] if row else None,
                row["last"] if row else None,
            )
        )
    return listing


def signatures_of(book: StatementBook | None) -> list[dict]:
    if book is None:
        return []
    found = []
    for item in book.signatures or []:
        day = item.get("date")
        found.append(
            {
                "name": item.get("name", ""),
                "role": item.get("role", ""),
                "date": dt.date.fromisoformat(day) if day else None,
            }
        )
    return found


def equity_note(statements: FinancialStatements) -> Decimal:
    """The distributable free equity at the year's end (OYL 13:5 §, the board's proposal
    speaks of it): retained earnings + the year's result + other (free) reserves."""
    free = 0
    for row in statements.balance_sheet:
        if row.code in ("VT.A.IV", "VT.A.V", "VT.A.VI") and row.amounts:
            free += row.amounts[0] or 0
    return cents_to_decimal(free)


# -- PDF ---------------------------------------------------------------------------------------


def form_labels() -> dict[str, str]:
    return {
        "micro": _("Micro company (PMA 1753/2015, chapter 4)"),
        "small": _("Small company (PMA 1753/2015, chapter 2)"),
        "full": _("Full form (Accounting Ordinance 1339/1997, chapter 1)"),
    }


def basis_labels() -> dict[str, str]:
    return {
        "nature": _("Income statement by nature of expense"),
        "function": _("Income statement by function of expense"),
    }


def _rules_statement(form: str) -> str:
    """PMA 1 luku 1 § 5 mom. 1 kohta: with the signatures, which rules were followed."""
    if form == "micro":
        return _(
            "The financial statements have been prepared in accordance with the micro-company "
            "provisions of Government Decree 1753/2015."
        )
    if form == "small":
        return _(
            "The financial statements have been prepared in accordance with the small-company "
            "provisions of Government Decree 1753/2015."
        )
    return _("The financial statements have been prepared in accordance with the Accounting Act.")


def _html(statements: FinancialStatements, **extra) -> str:
    from django.template.loader import render_to_string

    return render_to_string(
        "ledger/statement_book_pdf.html",
        {
            "company": statements.company,
            "year": statements.year,
            "statements": statements,
            "income_title": basis_labels()[statements.basis]
            if statements.basis == "function"
            else _("Income statement"),
            "balance_title": _("Balance sheet"),
            "form_label": form_labels()[statements.form],
            **extra,
        },
    )


def statements_pdf(statements: FinancialStatements) -> bytes:
    """The income statement and the balance sheet alone (a draft may be printed any time)."""
    from tase.core import pdf

    html = _html(statements, title=_("Financial statements"), book_cover=False)
    return pdf.render(html, test_environment=statements.company.is_test_environment)


def check_book_ready(company, year: FiscalYear) -> None:
    """The statement book is printed of a closed year, or of one whose closing gate (with
    the year-end items) passes; otherwise a clear error naming what fails."""
    if not year.is_open:
        return
    from . import closing

    gate = closing.closing_gate(company, year.end, year_end=True)
    if not gate.ok:
        failing = ", ".join(str(row.label) for row in gate.failing)
        raise ValidationError(
            {
                "year_end": _(
                    "The year %(year)s is open and its closing gate fails (%(failing)s): "
                    "close the year or fix the gate before printing the statement book."
                )
                % {"year": f"{fmt_date(year.start)}\u2013{fmt_date(year.end)}", "failing": failing}
            }
        )


def statement_book_html(company, year_end: dt.date, *, language: str = "fi") -> str:
    year = fiscal_year_ending(company, year_end)
    check_book_ready(company, year)
    book = statement_book_of(year)
    form = book.form if book else "small"
    basis = book.basis if book else "nature"
    gross = book.gross if book else False
    statements = financial_statements(
        company, year_end, form=form, language=language, basis=basis, gross=gross
    )
    from .statement_notes import notes_for

    written = (book.notes or {}) if book else {}
    notes = [(note.title, written[note.key]) for note in notes_for(form) if note.key in written]
    return _html(
        statements,
        title=_("Statement book"),
        book_cover=True,
        book=book,
        notes=notes,
        signatures=signatures_of(book),
        free_equity=equity_note(statements),
        rules_statement=_rules_statement(form),
        books=books_list(company, year),
        specifications=balance_specifications.specifications(company, year),
    )


def statement_book_pdf(
    company, year_end: dt.date, *, language: str = "fi", variant: str | None = None
) -> bytes:
    """The statement book (tasekirja) as one PDF: the statements, the notes written, the
    board's proposal, the dated signatures, the auditor's note and the list of books and
    voucher series. ``variant``: ``tase.core.pdf.PDF_A`` for the archive (kept ten years)."""
    from tase.core import pdf

    html = statement_book_html(company, year_end, language=language)
    return pdf.render(html, test_environment=company.is_test_environment, variant=variant)
