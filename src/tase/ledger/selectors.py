"""Reads of bookkeeping: lists and reports, aggregated in the database.

Reports over whole calendar months read the balance table (debits and credits per
account per month, kept by posting), so their cost is O(accounts x months); the
partial months at either end of a period, and any report filtered by cost centre
or project, sum the entries in the database instead. Nothing here loads all lines
into Python at once: the journal and the general ledger iterate.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core.models import Company
from tase.formats import eu_sales_file as eu_file
from tase.formats import vat_return_file as vat_file
from tase.rules import vat as vat_rules

from . import charts
from .models import Account, AccountBalance, BankAccount, Entry, FiscalYear, Voucher


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def _entry_totals(company, start, end, account_ids=None, cost_centre="", project=""):
    qs = Entry.objects.filter(company=company, date__gte=start, date__lte=end)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    if cost_centre:
        qs = qs.filter(cost_centre=cost_centre)
    if project:
        qs = qs.filter(project=project)
    rows = (
        qs.values("account_id")
        .order_by()
        .annotate(
            debit=Coalesce(Sum(Case(When(amount_cents__gt=0, then=F("amount_cents")))), 0),
            credit=Coalesce(Sum(Case(When(amount_cents__lt=0, then=-F("amount_cents")))), 0),
        )
    )
    return {row["account_id"]: (int(row["debit"]), int(row["credit"])) for row in rows}


def _balance_totals(company, first: dt.date, last: dt.date, account_ids=None):
    """Sum of the balance table over the whole months from ``first``'s month to
    ``last``'s month."""
    ym_first, ym_last = first.year * 100 + first.month, last.year * 100 + last.month
    qs = AccountBalance.objects.filter(company=company)
    if first.year == last.year:
        qs = qs.filter(year=first.year, month__gte=first.month, month__lte=last.month)
    else:
        qs = (
            qs.filter(year__gte=first.year, year__lte=last.year)
            .annotate(ym=F("year") * 100 + F("month"))
            .filter(ym__gte=ym_first, ym__lte=ym_last)
        )
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    rows = (
        qs.values("account_id")
        .order_by()
        .annotate(debit=Sum("debit_cents"), credit=Sum("credit_cents"))
    )
    return {row["account_id"]: (int(row["debit"]), int(row["credit"])) for row in rows}


def account_totals(
    company: Company,
    start: dt.date,
    end: dt.date,
    *,
    account_ids=None,
    cost_centre: str = "",
    project: str = "",
) -> dict[int, tuple[int, int]]:
    """(debit cents, credit cents) per account id for entries dated ``start``-``end``."""
    if end < start:
        return {}
    if cost_centre or project:
        return _entry_totals(company, start, end, account_ids, cost_centre, project)
    full_first = start if start.day == 1 else month_end(start) + dt.timedelta(days=1)
    full_last = end if end == month_end(end) else end.replace(day=1) - dt.timedelta(days=1)
    if full_first > full_last:
        return _entry_totals(company, start, end, account_ids)
    parts = [_balance_totals(company, full_first, full_last, account_ids)]
    if start < full_first:
        parts.append(_entry_totals(company, start, full_first - dt.timedelta(days=1), account_ids))
    if end > full_last:
        parts.append(_entry_totals(company, full_last + dt.timedelta(days=1), end, account_ids))
    if len(parts) == 1:
        return parts[0]
    merged: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for part in parts:
        for account_id, (debit, credit) in part.items():
            merged[account_id][0] += debit
            merged[account_id][1] += credit
    return {k: (v[0], v[1]) for k, v in merged.items()}


def fiscal_year_of(company: Company, on: dt.date) -> FiscalYear | None:
    return FiscalYear.objects.filter(company=company, start__lte=on, end__gte=on).first()


def previous_fiscal_year(company: Company, year: FiscalYear) -> FiscalYear | None:
    return FiscalYear.objects.filter(company=company, end__lt=year.start).order_by("-end").first()


def accounts_of(company: Company, *, include_hidden: bool = True):
    qs = Account.objects.filter(company=company)
    if not include_hidden:
        qs = qs.filter(hidden=False)
    return qs.order_by("number", "-is_header", "level")


def bank_accounts_of(company: Company):
    """The company's bank accounts, the default first, with their ledger accounts."""
    return BankAccount.objects.filter(company=company).select_related("account")


def account_number_for_role(company: Company, role: str) -> str | None:
    """The number of the company's account with ``role`` (receivables, bank …), or None."""
    return (
        Account.objects.filter(company=company, role=role, is_header=False, hidden=False)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )


# -- trial balance -------------------------------------------------------------------------


@dataclass
class TrialRow:
    account: Account
    debit: int
    credit: int

    @property
    def balance(self) -> int:
        return self.debit - self.credit


def trial_balance(company, start, end, *, cost_centre="", project="") -> list[TrialRow]:
    totals = account_totals(company, start, end, cost_centre=cost_centre, project=project)
    accounts = Account.objects.in_bulk(list(totals))
    rows = [TrialRow(accounts[a], d, c) for a, (d, c) in totals.items() if d or c]
    rows.sort(key=lambda row: row.account.number)
    return rows


# -- statements -------------------------------------------------------------------------


@dataclass
class StatementLine:
    code: str
    label: str
    level: int
    kind: str
    amounts: list[int | None] = field(default_factory=list)
    accounts: list[tuple[Account, list[int]]] = field(default_factory=list)


@dataclass
class Statement:
    title: str
    columns: list[str]
    periods: list[tuple[dt.date, dt.date]]
    lines: list[StatementLine]


def _line_of(account: Account, statement: str) -> str:
    return (
        account.income_statement_line
        if statement == "income_statement"
        else account.balance_sheet_line
    )


def _matches(line_code: str, code: str) -> bool:
    return line_code == code or line_code.startswith(code + ".")


def _build(
    statement: str,
    per_column: list[dict[int, int]],
    accounts: dict[int, Account],
    language: str,
    *,
    pma: bool,
    sign: int,
    extra: dict[str, list[int]] | None = None,
) -> list[StatementLine]:
    """Statement lines from net cents per account per column (debit - credit)."""
    by_line: dict[str, list[int]] = defaultdict(lambda: [0] * len(per_column))
    account_rows: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for index, column in enumerate(per_column):
        for account_id, net in column.items():
            account = accounts[account_id]
            code = _line_of(account, statement)
            if not code:
                continue
            shown = sign * net if statement == "income_statement" else net
            by_line[code][index] += shown
            account_rows[code].setdefault(account_id, [0] * len(per_column))[index] += shown
    for code, amounts in (extra or {}).items():
        for index, amount in enumerate(amounts):
            by_line[code][index] += amount
    rows = charts.statements()[statement]
    result = []
    for row in rows:
        if pma and row.level > 1:
            continue
        line = StatementLine(row.code, row.label(language), row.level, row.kind)
        if row.kind == "heading":
            line.amounts = [None] * len(per_column)
        else:
            codes = row.sum if row.kind == "total" else (row.code,)
            amounts = [0] * len(per_column)
            for code, values in by_line.items():
                if any(_matches(code, c) or (c == "IS" and code.startswith("IS")) for c in codes):
                    for index, value in enumerate(values):
                        amounts[index] += value
            if (
                statement == "balance_sheet"
                and row.kind != "total"
                and row.code.startswith(("BS.C", "BS.D", "BS.E", "BS.F"))
            ):
                amounts = [-a for a in amounts]
            if statement == "balance_sheet" and row.code == "BS.LT":
                amounts = [-a for a in amounts]
            line.amounts = amounts
            if row.kind == "line":
                # The accounts directly on this line, for drill-down.
                direct = [
                    (accounts[a], values)
                    for code, items in account_rows.items()
                    if code == row.code or (pma and _matches(code, row.code))
                    for a, values in items.items()
                ]
                if statement == "balance_sheet" and row.code.startswith(
                    ("BS.C", "BS.D", "BS.E", "BS.F")
                ):
                    direct = [(a, [-v for v in values]) for a, values in direct]
                line.accounts = sorted(direct, key=lambda item: item[0].number)
        result.append(line)
    return result


def _column_label(start: dt.date, end: dt.date) -> str:
    return f"{start:%-d.%-m.%Y}\u2013{end:%-d.%-m.%Y}"


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29.2.
        return day.replace(year=day.year + years, day=28)


def comparison_period(company, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The same stretch of the previous fiscal year (the whole previous year when
    the period is a whole fiscal year)."""
    year = fiscal_year_of(company, start)
    if year is not None and year.start == start and year.end == end:
        previous = previous_fiscal_year(company, year)
        if previous is not None:
            return previous.start, previous.end
    return _shift_year(start, -1), _shift_year(end, -1)


def monthly_periods(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    periods = []
    cursor = start
    while cursor <= end:
        last = min(month_end(cursor), end)
        periods.append((cursor, last))
        cursor = last + dt.timedelta(days=1)
    return periods


def _net(totals: dict[int, tuple[int, int]]) -> dict[int, int]:
    return {a: d - c for a, (d, c) in totals.items() if d - c}


def income_statement(
    company,
    start,
    end,
    *,
    compare: bool = True,
    monthly: bool = False,
    pma: bool = False,
    language: str = "fi",
    cost_centre: str = "",
    project: str = "",
) -> Statement:
    periods = monthly_periods(start, end) if monthly else [(start, end)]
    if monthly and len(periods) > 1:
        periods.append((start, end))
    if compare:
        previous = comparison_period(company, start, end)
        if previous:
            periods.append(previous)
    columns = [
        _net(account_totals(company, s, e, cost_centre=cost_centre, project=project))
        for s, e in periods
    ]
    ids = {a for column in columns for a in column}
    accounts = Account.objects.in_bulk(list(ids))
    lines = _build("income_statement", columns, accounts, language, pma=pma, sign=-1)
    return Statement("income_statement", [_column_label(s, e) for s, e in periods], periods, lines)


def _balance_at(company, on: dt.date, *, cost_centre="", project=""):
    """Net per balance-sheet account at the end of ``on`` (from the start of its
    fiscal year, whose opening balances are posted), and the year's result so far."""
    year = fiscal_year_of(company, on)
    start = year.start if year else dt.date(on.year, 1, 1)
    net = _net(account_totals(company, start, on, cost_centre=cost_centre, project=project))
    accounts = Account.objects.in_bulk(list(net))
    balances = {a: v for a, v in net.items() if accounts[a].is_balance_sheet}
    result = -sum(v for a, v in net.items() if not accounts[a].is_balance_sheet)
    return balances, result, accounts


def balance_sheet(
    company,
    on,
    *,
    compare: bool = True,
    pma: bool = False,
    language: str = "fi",
    cost_centre: str = "",
    project: str = "",
) -> Statement:
    dates = [on]
    if compare:
        year = fiscal_year_of(company, on)
        previous = previous_fiscal_year(company, year) if year else None
        if previous is not None and year.end == on:
            dates.append(previous.end)
        else:
            dates.append(_shift_year(on, -1))
    columns, results, accounts = [], [], {}
    for day in dates:
        balances, result, found = _balance_at(
            company, day, cost_centre=cost_centre, project=project
        )
        columns.append(balances)
        results.append(result)
        accounts.update(found)
    # The period's result shows on its own line of equity (credit balance → negative net).
    lines = _build(
        "balance_sheet",
        columns,
        accounts,
        language,
        pma=pma,
        sign=1,
        extra={"BS.C.5": [-r for r in results]},
    )
    return Statement(
        "balance_sheet", [f"{d:%-d.%-m.%Y}" for d in dates], [(d, d) for d in dates], lines
    )


# -- journal and general ledger -------------------------------------------------------------


def entries_in(company, start, end, *, account=None, cost_centre="", project=""):
    qs = Entry.objects.filter(
        company=company, date__gte=start, date__lte=end, voucher__state="posted"
    )
    if account is not None:
        qs = qs.filter(account=account)
    if cost_centre:
        qs = qs.filter(cost_centre=cost_centre)
    if project:
        qs = qs.filter(project=project)
    return qs.select_related("account", "voucher", "voucher__series")


def journal(company, start, end, **filters):
    """Entries in date and voucher order (päiväkirja)."""
    return entries_in(company, start, end, **filters).order_by(
        "date", "voucher__series__code", "voucher__number", "position"
    )


def general_ledger(company, start, end, *, account=None, cost_centre="", project=""):
    """Per account: opening balance, its entries in date order, closing balance.

    Yields ``(account, opening_cents, entries_iterator)``; the caller keeps the
    running balance, so memory stays flat."""
    year = fiscal_year_of(company, start)
    year_start = year.start if year else start
    opening = {}
    if start > year_start:
        opening = _net(
            account_totals(
                company,
                year_start,
                start - dt.timedelta(days=1),
                cost_centre=cost_centre,
                project=project,
            )
        )
    moving = account_totals(company, start, end, cost_centre=cost_centre, project=project)
    ids = set(moving) | set(opening)
    if account is not None:
        ids = {account.pk} & ids
    for acc in Account.objects.filter(pk__in=ids).order_by("number"):
        entries = (
            entries_in(company, start, end, account=acc, cost_centre=cost_centre, project=project)
            .order_by("date", "voucher__series__code", "voucher__number", "position")
            .iterator(chunk_size=2000)
        )
        yield acc, opening.get(acc.pk, 0) if acc.is_balance_sheet else 0, entries


# -- VAT return -------------------------------------------------------------------------------


@dataclass
class VatReturn:
    start: dt.date
    end: dt.date
    figures: dict[str, int]
    by_code: list[dict]


def vat_return_entries(qs):
    """The entries of ``qs`` a VAT return sums: the VAT-coded ones. The return and the closing
    gate (:mod:`tase.ledger.closing`) both take them from here, so they agree.

    VAT waiting on the unrecognised (cash-basis) VAT accounts is not the period's: it counts
    when a payment moves it to the output or input VAT account, on the payment's date."""
    return qs.exclude(vat_code="").exclude(account__role__in=PENDING_VAT_ROLES)


def vat_figures(rows) -> tuple[dict[str, int], dict[str, dict]]:
    """The return's fields in cents, and base, output and input VAT per code, from rows of
    ``vat_code``, ``is_vat``, ``account__role`` and their summed ``total``."""
    output_by_code: dict[str, int] = defaultdict(int)
    base_by_code: dict[str, int] = defaultdict(int)
    input_total = 0
    detail: dict[str, dict] = defaultdict(lambda: {"base": 0, "output": 0, "input": 0})
    for row in rows:
        code, total = row["vat_code"], int(row["total"] or 0)
        info = vat_rules.CODES.get(code)
        if info is None:
            continue
        if row["is_vat"]:
            if row["account__role"] == Account.Role.VAT_INPUT:
                input_total += total
                detail[code]["input"] += total
            else:
                output_by_code[code] += -total
                detail[code]["output"] += -total
        else:
            base = -total if info.sales else total
            base_by_code[code] += base
            detail[code]["base"] += base
    return vat_rules.return_figures(output_by_code, input_total, base_by_code), detail


def vat_return(company, start, end) -> VatReturn:
    """The figures of the periodic tax return from the VAT-coded entries of the period."""
    qs = vat_return_entries(Entry.objects.filter(company=company, date__gte=start, date__lte=end))
    rows = (
        qs.values("vat_code", "is_vat", "account__role")
        .order_by()
        .annotate(total=Sum("amount_cents"))
    )
    figures, detail = vat_figures(rows)
    by_code = [
        {
            "code": code,
            "name_fi": vat_rules.CODES[code].name_fi,
            "name_en": vat_rules.CODES[code].name_en,
            **values,
        }
        for code, values in sorted(detail.items())
    ]
    return VatReturn(start, end, figures, by_code)


def vat_file_period(company, start, end) -> vat_file.Period:
    """The tax period ``start``-``end`` names, if it is one of the company's.

    Refused (:class:`~tase.formats.vat_return_file.VatFileError`) unless it is a calendar
    month, quarter or year matching the VAT period in the company's bookkeeping settings
    (AVL 162 §: the tax period the company has with the Tax Administration)."""
    from .models import LedgerSettings

    dates = {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end, "SHORT_DATE_FORMAT"),
    }
    try:
        period = vat_file.Period.of(start, end)
    except vat_file.VatFileError:
        raise vat_file.VatFileError(
            _("%(start)s-%(end)s is not a calendar month, quarter or year.") % dates
        ) from None
    chosen = (
        LedgerSettings.objects.filter(company=company).values_list("vat_period", flat=True).first()
        or LedgerSettings.VatPeriod.MONTH
    )
    if _FILE_KIND[chosen] != period.kind:
        raise vat_file.VatFileError(
            _("The company's VAT period is %(period)s: %(start)s-%(end)s is not one of them.")
            % {"period": LedgerSettings.VatPeriod(chosen).label.lower(), **dates}
        )
    return period


def vat_return_file(company, start, end, *, sent_at: dt.datetime) -> tuple[str, str]:
    """The period's return as the Tax Administration's VSRALVKV file: (file name, text).

    A period whose every figure is zero is filed as 'no activity' (056)."""
    from django.conf import settings

    period = vat_file_period(company, start, end)
    figures = vat_return(company, start, end).figures
    text = vat_file.write(
        vat_file.VatReturnFile(
            business_id=company.business_id,
            period=period,
            figures=figures,
            no_activity=not any(figures.values()),
            sent_at=sent_at,
            software_id=settings.TASE_VAT_FILE_SOFTWARE_ID or f"{company.business_id}_TASE",
            software_name="Tase",
        )
    )
    return f"ALV-{company.business_id}-{start:%Y%m}-{end:%Y%m}.txt", text


def eu_sales_file(company, start, end, *, sent_at: dt.datetime) -> tuple[str, str]:
    """The month's recapitulative statement of EU sales as the Tax Administration's VSRALVYV
    file: (file name, text). The figures come from the sales registered in the core registry
    per customer VAT number (the books know no customers). Refused
    (:class:`~tase.formats.eu_sales_file.EuSalesFileError`) unless ``start``-``end`` is a
    calendar month with EU sales; a statement of an earlier month is its correction."""
    from django.conf import settings

    from tase.core.registry import eu_sales

    dates = {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end, "SHORT_DATE_FORMAT"),
    }
    try:
        period = vat_file.Period.of(start, end)
    except vat_file.VatFileError:
        period = None
    if period is None or period.kind != vat_file.MONTH:
        raise eu_file.EuSalesFileError(
            _(
                "The recapitulative statement is given per calendar month: %(start)s-%(end)s is not one."
            )
            % dates
        )
    merged: dict[tuple[str, str], eu_file.EuSale] = {}
    for row in eu_sales(company, start, end):
        sale = eu_file.EuSale.of(
            row.vat_number, goods=row.goods, services=row.services, triangular=row.triangular
        )
        if sale.country == "FI" or sale.country not in eu_file.VAT_PREFIXES:
            raise eu_file.EuSalesFileError(
                _(
                    "Sales to other EU countries were invoiced to the VAT number “%(number)s”, "
                    "which is not another member state's; correct the customer and credit "
                    "the invoice."
                )
                % {"number": row.vat_number or "—"}
            )
        key = (sale.country, sale.vat_number)
        if key in merged:
            old = merged[key]
            sale = eu_file.EuSale(
                sale.country,
                sale.vat_number,
                old.goods + sale.goods,
                old.services + sale.services,
                old.triangular + sale.triangular,
            )
        merged[key] = sale
    if not any(s.goods or s.services or s.triangular for s in merged.values()):
        raise eu_file.EuSalesFileError(
            _("%(start)s-%(end)s had no sales to other EU countries: no statement is due.") % dates
        )
    text = eu_file.write(
        eu_file.EuSalesStatement(
            business_id=company.business_id,
            year=period.year,
            month=period.number,
            sales=tuple(merged.values()),
            sent_at=sent_at,
            software_id=settings.TASE_VAT_FILE_SOFTWARE_ID or f"{company.business_id}_TASE",
            software_name="Tase",
        )
    )
    return f"YV-{company.business_id}-{start:%Y%m}.txt", text


@dataclass
class VatSettings:
    vat_period: str
    cash_basis_vat: bool
    cash_basis_turnover_limit: Decimal


def vat_settings(company, today: dt.date) -> VatSettings:
    """The company's VAT period and method, with the turnover limit of the cash basis."""
    from .models import LedgerSettings

    row = LedgerSettings.objects.filter(company=company).first()
    return VatSettings(
        vat_period=row.vat_period if row else LedgerSettings.VatPeriod.MONTH,
        cash_basis_vat=bool(row and row.cash_basis_vat),
        cash_basis_turnover_limit=vat_rules.cash_basis_turnover_limit(today),
    )


def cash_basis_vat(company) -> bool:
    """Does the company account for VAT by payment (maksuperusteinen alv)?"""
    from .models import LedgerSettings

    return bool(
        LedgerSettings.objects.filter(company=company)
        .values_list("cash_basis_vat", flat=True)
        .first()
    )


PENDING_VAT_ROLES = (Account.Role.VAT_OUTPUT_PENDING, Account.Role.VAT_INPUT_PENDING)
_FILE_KIND = {"month": vat_file.MONTH, "quarter": vat_file.QUARTER, "year": vat_file.YEAR}


def posted_under(company, source: str, refs) -> bool:
    """Was a voucher of ``company`` posted with ``source`` and one of the references ``refs``?"""
    return Voucher.objects.filter(company=company, source=source, source_ref__in=refs).exists()


# -- lists ----------------------------------------------------------------------------------


def vouchers_of(company, *, start=None, end=None, series="", state="", query="", account=""):
    qs = Voucher.objects.filter(company=company).select_related("series", "reverses__series")
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    if series:
        qs = qs.filter(series__code=series)
    if state:
        qs = qs.filter(state=state)
    if account:
        qs = qs.filter(entries__account__number=account).distinct()
    if query:
        condition = Q(description__icontains=query)
        if query.isdigit():
            condition |= Q(number=int(query))
        qs = qs.filter(condition)
    return qs.order_by("-date", "-id")
