"""The closing gate (täsmäytys): the assertions that must tie before a period is locked or a
fiscal year closed, read from the registry in core that each app fills (receivables, VAT,
payroll, and later the bank and payables).

Each assertion compares a balance of the books with the ledger it summarises (the open sales
invoices, the VAT returns, the pay runs, a bank statement). A company's gate is asked when a
period is locked (:func:`tase.ledger.services.lock_period`) and when a fiscal year is closed
(with the year-end items too); the accounting office's page asks every client company's at
once, each check with its batched reader (``ClosingCheck.many``), so its queries grow with the
checks, not the companies.

Balances "on" a date are of the end of that day and cumulative: the entries since the latest
opening-balance voucher on or before it (an imported opening balance, or the one closing the
previous year posts), so an open previous year still counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Max, Min, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase.core.registry import CLOSING_CHECKS, ClosingValue, ordered

from .models import Account, AccountBalance, Entry, FiscalYear, Voucher
from .selectors import month_end, vat_figures, vat_return_entries

OPENING_SOURCES = ("opening-balances", "year-end")
VAT_SETTLEMENT = "vat-settlement"
_BEGINNING = dt.date(1900, 1, 1)


# -- balances of many companies ------------------------------------------------------------


def opening_dates(company_ids, on: dt.date) -> dict[int, dt.date]:
    """Per company: the date of its latest opening-balance voucher on or before ``on`` (not
    reversed); companies without one count from the beginning. One query."""
    rows = (
        Voucher.objects.filter(
            company_id__in=company_ids,
            source__in=OPENING_SOURCES,
            state=Voucher.State.POSTED,
            date__lte=on,
            reversed_by__isnull=True,
        )
        .values("company_id")
        .order_by()
        .annotate(last=Max("date"))
    )
    found = {row["company_id"]: row["last"] for row in rows}
    return {company_id: found.get(company_id, _BEGINNING) for company_id in company_ids}


def _sums(model, company_ids, accounts: Q, key: str, where: Q) -> dict[tuple[int, str], int]:
    net = F("amount_cents") if model is Entry else F("debit_cents") - F("credit_cents")
    rows = (
        model.objects.filter(where, accounts, company_id__in=company_ids)
        .values("company_id", f"account__{key}")
        .order_by()
        .annotate(net=Sum(net))
    )
    return {(row["company_id"], row[f"account__{key}"]): int(row["net"] or 0) for row in rows}


def _between(company_ids, start: dt.date, end: dt.date, accounts: Q, key: str):
    """Net cents per (company, account key) of entries dated ``start``-``end``: whole months
    from the balance table, the partial months at either end from the entries."""
    if end < start:
        return {}
    full_first = start if start.day == 1 else month_end(start) + dt.timedelta(days=1)
    full_last = end if end == month_end(end) else end.replace(day=1) - dt.timedelta(days=1)
    if full_first > full_last:
        return _sums(Entry, company_ids, accounts, key, Q(date__gte=start, date__lte=end))
    months = Q(year__gt=full_first.year) | Q(year=full_first.year, month__gte=full_first.month)
    months &= Q(year__lt=full_last.year) | Q(year=full_last.year, month__lte=full_last.month)
    parts = [_sums(AccountBalance, company_ids, accounts, key, months)]
    if start < full_first:
        parts.append(
            _sums(Entry, company_ids, accounts, key, Q(date__gte=start, date__lt=full_first))
        )
    if end > full_last:
        parts.append(_sums(Entry, company_ids, accounts, key, Q(date__gt=full_last, date__lte=end)))
    merged: dict[tuple[int, str], int] = defaultdict(int)
    for part in parts:
        for item, net in part.items():
            merged[item] += net
    return dict(merged)


def balances_on(company_ids, on: dt.date, *, roles=(), numbers=()) -> dict[tuple[int, str], int]:
    """Net cents (debit +) per (company id, role or account number) at the end of ``on``, of
    the accounts with ``roles`` (keyed by role) or ``numbers`` (keyed by number). Queries:
    one, and up to three for each distinct opening date among the companies."""
    company_ids = list(company_ids)
    if roles:
        accounts, key = Q(account__role__in=list(roles), account__is_header=False), "role"
    else:
        accounts, key = Q(account__number__in=list(numbers), account__is_header=False), "number"
    by_start: dict[dt.date, list[int]] = defaultdict(list)
    for company_id, start in opening_dates(company_ids, on).items():
        by_start[start].append(company_id)
    result: dict[tuple[int, str], int] = {}
    for start, ids in sorted(by_start.items()):
        result.update(_between(ids, start, on, accounts, key))
    return result


# -- the gate --------------------------------------------------------------------------------


@dataclass
class GateRow:
    code: str
    label: str
    other_label: str
    value: ClosingValue

    @property
    def ok(self) -> bool:
        return self.value.difference_cents == 0


@dataclass
class Gate:
    on: dt.date
    year_end: bool
    rows: list[GateRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def failing(self) -> list[GateRow]:
        return [row for row in self.rows if not row.ok]


def checks(*, year_end: bool = False) -> list:
    return [check for check in ordered(CLOSING_CHECKS) if year_end or not check.year_end]


def _as_list(values) -> list[ClosingValue]:
    if values is None:
        return []
    if isinstance(values, ClosingValue):
        return [values]
    return list(values)


def _rows(check, values) -> list[GateRow]:
    other = str(check.other_label) if check.other_label else _("Other ledger")
    return [GateRow(check.code, str(check.label), other, value) for value in _as_list(values)]


def closing_gate(company, on: dt.date, *, year_end: bool = False) -> Gate:
    """Every registered assertion for ``company`` at the end of ``on``."""
    gate = Gate(on, year_end)
    for check in checks(year_end=year_end):
        gate.rows.extend(_rows(check, check.values(company, on)))
    return gate


def closing_gates(companies, on: dt.date, *, year_end: bool = False) -> dict[int, Gate]:
    """The gates of many companies: each check asked once for all of them when it has a
    batched reader (``many``), else once per company."""
    companies = list(companies)
    gates = {company.pk: Gate(on, year_end) for company in companies}
    for check in checks(year_end=year_end):
        if check.many is not None:
            answers = check.many(companies, on)
            for company in companies:
                gates[company.pk].rows.extend(_rows(check, answers.get(company.pk)))
        else:
            for company in companies:
                gates[company.pk].rows.extend(_rows(check, check.values(company, on)))
    return gates


# -- VAT: the settlements equal the returns, the VAT accounts the unsettled returns ----------------


def _fmt(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _vat_url(company_id: int, start: dt.date, end: dt.date) -> str:
    return (
        reverse("ledger:report", args=[company_id, "vat-return"])
        + f"?from={start.isoformat()}&to={end.isoformat()}"
    )


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _windows(company_ids, on: dt.date) -> dict[int, dt.date]:
    """Per company with a fiscal year: the first day after its last closed fiscal year (else
    its first fiscal year's start). Periods before it are closed with their year."""
    closed = dict(
        FiscalYear.objects.filter(
            company_id__in=company_ids, state=FiscalYear.State.CLOSED, end__lt=on
        )
        .values("company_id")
        .order_by()
        .annotate(last=Max("end"))
        .values_list("company_id", "last")
    )
    first = dict(
        FiscalYear.objects.filter(company_id__in=company_ids)
        .values("company_id")
        .order_by()
        .annotate(first=Min("start"))
        .values_list("company_id", "first")
    )
    return {
        company_id: closed[company_id] + dt.timedelta(days=1) if company_id in closed else start
        for company_id, start in first.items()
    }


def _monthly_308(company_ids, since: dt.date, on: dt.date) -> dict[tuple[int, int, int], int]:
    """The return's 308 (tax payable) per (company, year, month) from the entries dated
    ``since``-``on`` that :func:`tase.ledger.selectors.vat_return` sums, summed as it sums
    them. One query."""
    rows = (
        vat_return_entries(
            Entry.objects.filter(company_id__in=company_ids, date__gte=since, date__lte=on)
        )
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("company_id", "y", "m", "vat_code", "is_vat", "account__role")
        .order_by()
        .annotate(total=Sum("amount_cents"))
    )
    by_month: dict[tuple[int, int, int], list] = defaultdict(list)
    for row in rows:
        by_month[(row["company_id"], row["y"], row["m"])].append(row)
    return {month: vat_figures(items)[0]["308"] for month, items in by_month.items()}


def _settlements(company_ids, on: dt.date) -> list[tuple[int, dt.date, dt.date, int]]:
    """(company, period start, end, VAT payable it moved) of each VAT settlement voucher dated
    on or before ``on`` and not reversed. One query."""
    rows = (
        Entry.objects.filter(
            company_id__in=company_ids,
            date__lte=on,
            voucher__source=VAT_SETTLEMENT,
            voucher__reversed_by__isnull=True,
            account__role__in=[Account.Role.VAT_OUTPUT, Account.Role.VAT_INPUT],
        )
        .values("company_id", "voucher__source_ref")
        .order_by()
        .annotate(total=Sum("amount_cents"))
    )
    found = []
    for row in rows:
        try:
            start, end = (
                dt.date.fromisoformat(part) for part in row["voucher__source_ref"].split(":")
            )
        except ValueError:
            continue
        found.append((row["company_id"], start, end, int(row["total"] or 0)))
    return sorted(found, key=lambda item: (item[0], item[1]))


def vat_values_many(companies, on: dt.date) -> dict[int, list[ClosingValue]]:
    """Per company with VAT accounts: each VAT settlement of the open fiscal years that moved
    another sum than its period's return now gives (308), on its own row (or one row for all
    of them when they tie); and the VAT accounts' balance against the returns of the months
    not settled. Seven queries, and up to three more per distinct opening date."""
    ids = list(
        Account.objects.filter(
            company_id__in=[company.pk for company in companies],
            role=Account.Role.VAT_OUTPUT,
            is_header=False,
        )
        .values_list("company_id", flat=True)
        .distinct()
    )
    windows = _windows(ids, on)
    ids = [company_id for company_id in ids if company_id in windows and windows[company_id] <= on]
    if not ids:
        return {}
    returns = _monthly_308(ids, min(windows[c] for c in ids), on)
    balances = balances_on(ids, on, roles=[Account.Role.VAT_OUTPUT, Account.Role.VAT_INPUT])
    settled: dict[int, list] = defaultdict(list)
    for company_id, start, end, moved in _settlements(ids, on):
        if end >= windows[company_id] and end <= on:
            settled[company_id].append((start, end, moved))
    result = {}
    for company_id in ids:
        window = windows[company_id]
        rows, covered, tied = [], set(), []
        for start, end, moved in settled[company_id]:
            months = _months(start, end)
            covered.update(months)
            due = sum(returns.get((company_id, y, m), 0) for y, m in months)
            value = ClosingValue(
                moved,
                due,
                _vat_url(company_id, start, end),
                _("Settled %(start)s-%(end)s") % {"start": _fmt(start), "end": _fmt(end)},
            )
            (tied if moved == due else rows).append(value)
        if tied:
            rows.insert(
                0,
                ClosingValue(
                    sum(v.book_cents for v in tied),
                    sum(v.other_cents for v in tied),
                    _vat_url(company_id, settled[company_id][0][0], on),
                    _("%(count)s settled periods") % {"count": len(tied)},
                ),
            )
        open_months = [m for m in _months(window, on) if m not in covered]
        first_open = dt.date(*open_months[0], 1) if open_months else on
        book = -sum(balances.get((company_id, role), 0) for role in ("vat_output", "vat_input"))
        rows.append(
            ClosingValue(
                book,
                sum(returns.get((company_id, y, m), 0) for y, m in open_months),
                _vat_url(company_id, max(first_open, window), on),
                _("Not settled %(start)s-%(end)s")
                % {"start": _fmt(max(first_open, window)), "end": _fmt(on)},
            )
        )
        result[company_id] = rows
    return result


def vat_values(company, on: dt.date) -> list[ClosingValue] | None:
    return vat_values_many([company], on).get(company.pk)
