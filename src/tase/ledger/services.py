"""Every write of bookkeeping: charts, fiscal years, vouchers, locks, year-end.

Each function takes the acting user (an :class:`~tase.core.access.Actor`, or the
:class:`~tase.ledger.system.SystemActor` of the command line), checks the
permission, runs in one transaction and records an audit event. Bad input raises
``ValidationError`` keyed by the field at fault; problems of voucher lines are all
collected first and reported together under ``lines``, each naming its line number.

Amounts: ``Decimal`` euros at the edges, integer cents inside (debit +, credit -).
Euros become cents in :func:`to_cents`, which refuses fractions of a cent (no
rounding there); the only rounding is the VAT split, half up to the cent
(:mod:`tase.rules.vat`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tase import db
from tase.core import audit
from tase.core.models import Company
from tase.rules import vat as vat_rules

from . import charts, sample
from .models import (
    Account,
    AccountBalance,
    Attachment,
    Entry,
    FiscalYear,
    LedgerSettings,
    PeriodLock,
    SeriesCounter,
    Voucher,
    VoucherSeries,
)
from .system import SystemActor

STANDARD_SERIES = {
    "MU": ("Muistiotositteet", "Memo vouchers"),
    "ML": ("Myyntilaskut", "Sales invoices"),
    "OL": ("Ostolaskut", "Purchase invoices"),
    "PA": ("Palkat", "Payroll"),
    "TI": ("Tiliotteet", "Bank statements"),
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


# -- helpers -------------------------------------------------------------------------


def guard(actor, company: Company, action: str) -> Company:
    """404 if the actor cannot see ``company``, 403 if the role lacks ``action``.

    The answer is remembered on the actor object, so posting many vouchers in one
    request or command asks the database once.
    """
    cache = actor.__dict__.setdefault("_ledger_guard", {})
    key = (company.pk, action)
    if key not in cache:
        cache[key] = actor.company(company.pk, action)
    return cache[key]


def fmt_date(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def to_cents(value, field: str = "amount") -> int:
    """Euros (Decimal, int or text with a point or comma) to integer cents; exact."""
    if value is None or value == "":
        return 0
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        amount = Decimal(value)
    else:
        text = str(value).strip().replace(",", ".").replace(" ", "").replace("\xa0", "")
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": value}) from None
    if not amount.is_finite():
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": value})
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(
            _("%(value)s has more than two decimals (whole cents only).") % {"value": value}
        )
    return int(cents)


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _as_date(value, field: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a valid date.")}) from None


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def fiscal_year_on(company: Company, on: dt.date) -> FiscalYear | None:
    return FiscalYear.objects.filter(company=company, start__lte=on, end__gte=on).first()


def locked_until(company: Company) -> dt.date | None:
    return PeriodLock.objects.filter(company=company).values_list("locked_until", flat=True).first()


def check_date_open(company: Company, on: dt.date, field: str = "date") -> FiscalYear:
    """The open fiscal year of ``on``; refuses dates outside every year, in a closed
    year or in a locked period. One query (it runs for every voucher posted)."""
    year_table, lock_table = FiscalYear._meta.db_table, PeriodLock._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT y.id, y.start, y."end", y.state, '
            f"(SELECT l.locked_until FROM {lock_table} l WHERE l.company_id = %s) "
            f'FROM {year_table} y WHERE y.company_id = %s AND y.start <= %s AND y."end" >= %s',
            [company.pk, company.pk, on, on],
        )
        row = cursor.fetchone()
    if row is None:
        raise ValidationError(
            {field: _("No fiscal year covers %(date)s.") % {"date": fmt_date(on)}}
        )
    pk, start, end, state, lock = row
    year = FiscalYear(pk=pk, company=company, start=_as_date(start), end=_as_date(end), state=state)
    year._state.adding = False
    if not year.is_open:
        raise ValidationError(
            {field: _("The fiscal year %(year)s is closed.") % {"year": str(year)}}
        )
    if lock is not None and on <= _as_date(lock):
        raise ValidationError(
            {
                field: _("The period up to %(lock)s is locked; %(date)s cannot be used.")
                % {"lock": fmt_date(_as_date(lock)), "date": fmt_date(on)}
            }
        )
    return year


def _cache(actor, company: Company) -> dict:
    """Accounts and series of ``company``, loaded once per actor (a request, a command).

    Services that change accounts or series through the same actor clear it; the
    fiscal year, its state and the lock are never cached (see :func:`check_date_open`).
    """
    store = actor.__dict__.setdefault("_ledger_cache", {})
    entry = store.get(company.pk)
    if entry is None:
        accounts = {a.number: a for a in Account.objects.filter(company=company, is_header=False)}
        entry = store[company.pk] = {"accounts": accounts, "series": {}}
    return entry


def _forget(actor) -> None:
    actor.__dict__.pop("_ledger_cache", None)


def series_for(company: Company, code: str) -> VoucherSeries:
    code = (code or "").strip().upper()
    series = VoucherSeries.objects.filter(company=company, code=code).first()
    if series is None:
        if code not in STANDARD_SERIES:
            raise ValidationError(
                {"series": _("Unknown voucher series “%(code)s”.") % {"code": code}}
            )
        series = _create_series(company, code, *STANDARD_SERIES[code])
    return series


def _create_series(company: Company, code: str, name_fi: str, name_en: str) -> VoucherSeries:
    series, _created = VoucherSeries.objects.get_or_create(
        company=company, code=code, defaults={"name_fi": name_fi, "name_en": name_en}
    )
    for year in FiscalYear.objects.filter(company=company):
        SeriesCounter.objects.get_or_create(series=series, fiscal_year=year)
    return series


def ensure_standard_series(company: Company) -> None:
    for code, (name_fi, name_en) in STANDARD_SERIES.items():
        _create_series(company, code, name_fi, name_en)


# -- charts of accounts -----------------------------------------------------------------


@transaction.atomic
def apply_chart(actor, company: Company, key: str) -> int:
    """Add the standard chart ``key`` (limited-company, sole-trader) to the company.

    Idempotent: accounts that exist (by number) are left as they are. Returns the
    number of rows added.
    """
    guard(actor, company, "ledger.manage")
    _forget(actor)
    try:
        rows = charts.chart(key)
    except KeyError:
        raise ValidationError(
            {"chart": _("Unknown chart of accounts “%(key)s”.") % {"key": key}}
        ) from None
    existing = {(a.number, a.is_header): a for a in Account.objects.filter(company=company)}
    parents: dict[int, Account] = {}
    added = 0
    for row in rows:
        account = existing.get((row.number, row.is_header))
        parent = None
        for level in range(min(row.level, 4) - 1, 0, -1):
            if level in parents:
                parent = parents[level]
                break
        if account is None:
            account = Account.objects.create(
                company=company,
                number=row.number,
                name_fi=row.name_fi,
                name_en=row.name_en,
                type=row.type,
                is_header=row.is_header,
                level=row.level if row.is_header else 0,
                parent=parent,
                default_vat_code=row.vat_code,
                takes_vat=bool(row.vat_code) or (row.type in ("revenue", "expense")),
                income_statement_line=row.line if row.line.startswith("IS") else "",
                balance_sheet_line=row.line if row.line.startswith("BS") else "",
                role=row.role,
            )
            added += 1
        if row.is_header:
            parents[row.level] = account
            for deeper in [lv for lv in parents if lv > row.level]:
                del parents[deeper]
    LedgerSettings.objects.update_or_create(company=company, defaults={"chart": key})
    ensure_standard_series(company)
    audit.record(
        actor.user, "apply_chart", company, company=company, changes={"chart": [None, key]}
    )
    return added


def _clean_account_fields(company, number, name_fi, type_, vat_code, line, *, exclude=None):
    errors = {}
    number = (number or "").strip()
    if not number.isdigit() or not 3 <= len(number) <= 8:
        errors["number"] = _("An account number is 3-8 digits.")
    elif (
        Account.objects.filter(company=company, number=number, is_header=False)
        .exclude(pk=exclude)
        .exists()
    ):
        errors["number"] = _("Account %(number)s exists already.") % {"number": number}
    if not (name_fi or "").strip():
        errors["name_fi"] = _("This field is required.")
    if type_ not in Account.Type.values:
        errors["type"] = _("Choose a type.")
    if vat_code and vat_code not in vat_rules.CODES:
        errors["default_vat_code"] = _("Unknown VAT code “%(code)s”.") % {"code": vat_code}
    if line:
        known = {row.code for rows in charts.statements().values() for row in rows}
        if line not in known:
            errors["line"] = _("Unknown statement line “%(line)s”.") % {"line": line}
    if errors:
        raise ValidationError(errors)
    return number


@transaction.atomic
def create_account(
    actor,
    company: Company,
    *,
    number: str,
    name_fi: str,
    name_en: str = "",
    type: str,
    default_vat_code: str = "",
    line: str = "",
) -> Account:
    guard(actor, company, "ledger.manage")
    _forget(actor)
    number = _clean_account_fields(company, number, name_fi, type, default_vat_code, line)
    if not line:
        # Take the statement line of the nearest account below it in the chart.
        neighbour = (
            Account.objects.filter(company=company, is_header=False, number__lte=number)
            .order_by("-number")
            .first()
        )
        if neighbour is not None:
            line = neighbour.income_statement_line or neighbour.balance_sheet_line
    parent = (
        Account.objects.filter(company=company, is_header=True, number__lte=number)
        .order_by("-number", "-level")
        .first()
    )
    account = Account.objects.create(
        company=company,
        number=number,
        name_fi=name_fi.strip(),
        name_en=(name_en or "").strip(),
        type=type,
        parent=parent,
        default_vat_code=default_vat_code or "",
        takes_vat=bool(default_vat_code) or type in ("revenue", "expense"),
        income_statement_line=line if line.startswith("IS") else "",
        balance_sheet_line=line if line.startswith("BS") else "",
    )
    audit.record(actor.user, "create", account, company=company, changes={"number": [None, number]})
    return account


@transaction.atomic
def update_account(
    actor,
    account: Account,
    *,
    name_fi: str | None = None,
    name_en: str | None = None,
    default_vat_code: str | None = None,
    hidden: bool | None = None,
) -> Account:
    guard(actor, account.company, "ledger.manage")
    _forget(actor)
    before = audit.snapshot(account, ["name_fi", "name_en", "default_vat_code", "hidden"])
    if name_fi is not None:
        if not name_fi.strip():
            raise ValidationError({"name_fi": _("This field is required.")})
        account.name_fi = name_fi.strip()
    if name_en is not None:
        account.name_en = name_en.strip()
    if default_vat_code is not None:
        if default_vat_code and default_vat_code not in vat_rules.CODES:
            raise ValidationError(
                {"default_vat_code": _("Unknown VAT code “%(code)s”.") % {"code": default_vat_code}}
            )
        account.default_vat_code = default_vat_code
        if default_vat_code:
            account.takes_vat = True
    if hidden is not None:
        account.hidden = hidden
    account.save()
    changes = audit.changes_since(before, account)
    audit.record(actor.user, "update", account, company=account.company, changes=changes)
    return account


@transaction.atomic
def delete_account(actor, account: Account) -> None:
    guard(actor, account.company, "ledger.manage")
    _forget(actor)
    if account.entries.exists() or account.children.exists():
        raise ValidationError(
            {
                "account": _("Account %(number)s is in use; hide it instead.")
                % {"number": account.number}
            }
        )
    audit.record(actor.user, "delete", account, company=account.company)
    account.delete()


# -- fiscal years and locks ------------------------------------------------------------


@transaction.atomic
def create_fiscal_year(
    actor, company: Company, *, start, end, change_of_period: bool = False
) -> FiscalYear:
    """A new fiscal year (KPL 1336/1997 1:4 §): the first may be 1-18 months long; a later
    one starts the day after the one before it and is 12 months long, unless the fiscal
    period is being changed (``change_of_period``, tilikauden muutos), when it may again be
    1-18 months. A year placed before existing ones must end the day before them."""
    guard(actor, company, "ledger.manage")
    start, end = _as_date(start, "start"), _as_date(end, "end")
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if end > add_months(start, 18) - dt.timedelta(days=1):
        raise ValidationError({"end": _("A fiscal year is at most 18 months long.")})
    years = FiscalYear.objects.filter(company=company)
    if years.filter(start__lte=end, end__gte=start).exists():
        raise ValidationError({"start": _("The fiscal year overlaps an existing one.")})
    before = years.filter(end__lt=start).order_by("-end").first()
    if before is not None and before.end + dt.timedelta(days=1) != start:
        raise ValidationError(
            {
                "start": _("The next fiscal year must start on %(date)s.")
                % {"date": fmt_date(before.end + dt.timedelta(days=1))}
            }
        )
    twelve_months = add_months(start, 12) - dt.timedelta(days=1)
    if before is not None and not change_of_period and end != twelve_months:
        raise ValidationError(
            {
                "end": _(
                    "A fiscal year after the first is 12 months long and ends on %(date)s; "
                    "mark it as a change of fiscal period to make it 1-18 months."
                )
                % {"date": fmt_date(twelve_months)}
            }
        )
    year = FiscalYear.objects.create(company=company, start=start, end=end)
    ensure_standard_series(company)
    for series in VoucherSeries.objects.filter(company=company):
        SeriesCounter.objects.get_or_create(series=series, fiscal_year=year)
    audit.record(
        actor.user,
        "create",
        year,
        company=company,
        changes={
            "start": [None, start.isoformat()],
            "end": [None, end.isoformat()],
            **({"change_of_period": [None, True]} if change_of_period else {}),
        },
    )
    return year


@transaction.atomic
def set_vat_period(actor, company: Company, period: str) -> LedgerSettings:
    """The company's VAT period: month, quarter or year (as the Tax Administration set it)."""
    guard(actor, company, "ledger.manage")
    if period not in LedgerSettings.VatPeriod.values:
        raise ValidationError({"vat_period": _("Choose month, quarter or year.")})
    row, _created = LedgerSettings.objects.get_or_create(company=company)
    old, row.vat_period = row.vat_period, period
    row.save()
    audit.record(actor.user, "update", row, company=company, changes={"vat_period": [old, period]})
    return row


@transaction.atomic
def lock_period(actor, company: Company, until) -> PeriodLock:
    """Lock every month up to and including the one ending on ``until`` (the last day of a
    month, or of a fiscal year). Moving the lock back needs the right to reopen a year
    (:func:`unlock_period`)."""
    guard(actor, company, "ledger.manage")
    until = _as_date(until, "locked_until")
    month_end = until.day == monthrange(until.year, until.month)[1]
    if not month_end and not FiscalYear.objects.filter(company=company, end=until).exists():
        raise ValidationError(
            {
                "locked_until": _(
                    "Periods are locked a whole month at a time: choose the last day of a month."
                )
            }
        )
    lock = PeriodLock.objects.select_for_update().filter(company=company).first()
    old = lock.locked_until if lock else None
    if old is not None and until < old:
        raise ValidationError(
            {
                "locked_until": _("The period is already locked until %(date)s.")
                % {"date": fmt_date(old)}
            }
        )
    if lock is None:
        lock = PeriodLock.objects.create(company=company, locked_until=until)
    else:
        lock.locked_until = until
        lock.save()
    audit.record(
        actor.user,
        "lock_period",
        lock,
        company=company,
        changes={"locked_until": [old.isoformat() if old else None, until.isoformat()]},
    )
    return lock


@transaction.atomic
def unlock_period(actor, company: Company, until) -> PeriodLock | None:
    """Move the lock back to ``until`` (None: remove it). Main user only; audited."""
    guard(actor, company, "ledger.reopen_year")
    lock = PeriodLock.objects.select_for_update().filter(company=company).first()
    if lock is None:
        return None
    old = lock.locked_until
    until = _as_date(until, "locked_until") if until else None
    closed = FiscalYear.objects.filter(company=company, state=FiscalYear.State.CLOSED)
    if until is None or closed.filter(end__gt=until).exists():
        last_closed = closed.order_by("-end").first()
        if last_closed is not None and (until is None or until < last_closed.end):
            raise ValidationError(
                {"locked_until": _("A closed fiscal year stays locked; reopen it first.")}
            )
    audit.record(
        actor.user,
        "unlock_period",
        lock,
        company=company,
        changes={"locked_until": [old.isoformat(), until.isoformat() if until else None]},
    )
    if until is None:
        PeriodLock.objects.filter(pk=lock.pk).delete()
        return None
    lock.locked_until = until
    lock.save()
    return lock


# -- posting ------------------------------------------------------------------------------


def _line_error(errors: list, number: int, message: str) -> None:
    errors.append(_("Line %(line)s: %(message)s") % {"line": number, "message": message})


def _prepare_entries(
    company: Company,
    on: dt.date,
    lines: list[dict],
    *,
    allow_hidden=False,
    labels: list[int] | None = None,
    accounts: dict[str, Account] | None = None,
):
    """Turn line dicts into entry kwargs (VAT split), collecting every problem.

    ``accounts``: the company's accounts by number, when the caller has them loaded."""
    errors: list[str] = []
    if not lines:
        raise ValidationError({"lines": _("A voucher needs at least two lines.")})
    if accounts is None:
        numbers = {str(line.get("account", "")).strip() for line in lines}
        accounts = {
            a.number: a
            for a in Account.objects.filter(company=company, number__in=numbers, is_header=False)
        }
        vat_accounts: dict[str, Account] | None = None
    else:
        vat_accounts = {a.role: a for a in accounts.values() if a.role}
    entries: list[dict] = []
    for position, line in enumerate(lines, start=1):
        index = labels[position - 1] if labels else position
        number = str(line.get("account", "")).strip()
        account = accounts.get(number)
        if not number:
            _line_error(errors, index, _("the account is missing."))
            continue
        if account is None:
            _line_error(errors, index, _("unknown account %(number)s.") % {"number": number})
            continue
        if account.hidden and not allow_hidden:
            _line_error(errors, index, _("account %(number)s is hidden.") % {"number": number})
            continue
        try:
            debit = to_cents(line.get("debit"))
            credit = to_cents(line.get("credit"))
        except ValueError as error:
            _line_error(errors, index, str(error))
            continue
        if debit < 0 or credit < 0:
            _line_error(errors, index, _("amounts are entered as positive numbers."))
            continue
        if (debit and credit) or not (debit or credit):
            _line_error(errors, index, _("enter either a debit or a credit."))
            continue
        amount = debit or -credit
        code_text = (line.get("vat_code") or "").strip()
        common = {
            "cost_centre": (line.get("cost_centre") or "").strip()[:40],
            "project": (line.get("project") or "").strip()[:40],
            "text": (line.get("text") or "").strip()[:300],
        }
        if not code_text:
            entries.append({"account": account, "amount_cents": amount, **common})
            continue
        code = vat_rules.CODES.get(code_text.upper())
        if code is None:
            _line_error(errors, index, _("unknown VAT code “%(code)s”.") % {"code": code_text})
            continue
        if not account.takes_vat:
            _line_error(
                errors,
                index,
                _("account %(number)s takes no VAT code.") % {"number": account.number},
            )
            continue
        try:
            split = vat_rules.line_vat(
                code, amount, gross=line.get("gross", True) is not False, on=on
            )
        except LookupError as error:
            _line_error(errors, index, str(error))
            continue
        entries.append(
            {"account": account, "amount_cents": split.base, "vat_code": code.code, **common}
        )
        if split.output_vat or split.input_vat:
            if vat_accounts is None:
                vat_accounts = {
                    a.role: a
                    for a in Account.objects.filter(
                        company=company,
                        role__in=[Account.Role.VAT_OUTPUT, Account.Role.VAT_INPUT],
                        is_header=False,
                    )
                }
            for role, part in (
                (Account.Role.VAT_OUTPUT, split.output_vat),
                (Account.Role.VAT_INPUT, split.input_vat),
            ):
                if not part:
                    continue
                vat_account = vat_accounts.get(role)
                if vat_account is None:
                    _line_error(
                        errors,
                        index,
                        _("the chart has no %(role)s account.") % {"role": role.label},
                    )
                    break
                entries.append(
                    {
                        "account": vat_account,
                        "amount_cents": part,
                        "vat_code": code.code,
                        "is_vat": True,
                        "vat_base_cents": split.base,
                        **common,
                    }
                )
    if not errors:
        entries = [e for e in entries if e["amount_cents"] != 0]
        total = sum(e["amount_cents"] for e in entries)
        if total != 0:
            debit = sum(e["amount_cents"] for e in entries if e["amount_cents"] > 0)
            credit = -sum(e["amount_cents"] for e in entries if e["amount_cents"] < 0)
            errors.append(
                _(
                    "The voucher does not balance: debit %(debit)s, credit %(credit)s, "
                    "difference %(diff)s."
                )
                % {
                    "debit": cents_to_decimal(debit),
                    "credit": cents_to_decimal(credit),
                    "diff": cents_to_decimal(total),
                }
            )
        elif len(entries) < 2:
            errors.append(_("A voucher needs at least two lines."))
    if errors:
        raise ValidationError({"lines": errors})
    return entries


def _bump_balances(company: Company, rows: Iterable[tuple[int, int, int, int, int]]) -> None:
    """Add (account_id, year, month, debit, credit) to the balance table, in account
    order (so concurrent posts take row locks in the same order)."""
    merged: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    for account_id, year, month, debit, credit in rows:
        slot = merged[(account_id, year, month)]
        slot[0] += debit
        slot[1] += credit
    if not merged:
        return
    table = AccountBalance._meta.db_table
    values, params = [], []
    for (account_id, year, month), (debit, credit) in sorted(merged.items()):
        values.append("(%s, %s, %s, %s, %s, %s)")
        params += [company.pk, account_id, year, month, debit, credit]
    sql = (
        f"INSERT INTO {table} (company_id, account_id, year, month, debit_cents, credit_cents) "
        f"VALUES {', '.join(values)} "
        f"ON CONFLICT (account_id, year, month) DO UPDATE SET "
        f"debit_cents = {table}.debit_cents + excluded.debit_cents, "
        f"credit_cents = {table}.credit_cents + excluded.credit_cents"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _next_number(series: VoucherSeries, year: FiscalYear, count: int = 1) -> int:
    """Take the next ``count`` numbers of the series in the fiscal year; returns the last.

    The UPDATE locks the counter row until the transaction ends, so concurrent posters
    into one series queue here and numbers stay gapless and unique."""
    table = SeriesCounter._meta.db_table
    sql = (
        f"UPDATE {table} SET last_number = last_number + %s "
        f"WHERE series_id = %s AND fiscal_year_id = %s RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, series.pk, year.pk])
        row = cursor.fetchone()
        if row is None:
            SeriesCounter.objects.get_or_create(series=series, fiscal_year_id=year.pk)
            cursor.execute(sql, [count, series.pk, year.pk])
            row = cursor.fetchone()
    return row[0]


ENTRY_COLUMNS = (
    "voucher_id",
    "company_id",
    "account_id",
    "date",
    "amount_cents",
    "vat_code",
    "is_vat",
    "vat_base_cents",
    "cost_centre",
    "project",
    "text",
    "position",
)


def _insert_entries(rows: list[tuple]) -> None:
    """Insert the entry rows (tuples in :data:`ENTRY_COLUMNS` order) of whole vouchers in
    one statement: PostgreSQL checks at the end of each INSERT that every voucher it touched
    balances (migration 0003), so a voucher's entries must not be split across statements."""
    if not rows:
        return
    table = Entry._meta.db_table
    row = f"({', '.join(['%s'] * len(ENTRY_COLUMNS))})"
    sql = f"INSERT INTO {table} ({', '.join(ENTRY_COLUMNS)}) VALUES {', '.join([row] * len(rows))}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for values in rows for value in values])


def _entry_row(voucher_id: int, company_id: int, on, position: int, entry: dict) -> tuple:
    """An entry row in :data:`ENTRY_COLUMNS` order; ``on``: the date, or the date adapted
    for the database."""
    return (
        voucher_id,
        company_id,
        entry["account"].id,
        on,
        entry["amount_cents"],
        entry.get("vat_code", ""),
        entry.get("is_vat", False),
        entry.get("vat_base_cents", 0),
        entry.get("cost_centre", ""),
        entry.get("project", ""),
        entry.get("text", ""),
        position,
    )


def _write_entries(voucher: Voucher, entries: list[dict]) -> None:
    _insert_entries(
        [
            _entry_row(voucher.pk, voucher.company_id, voucher.date, position, entry)
            for position, entry in enumerate(entries)
        ]
    )
    _bump_balances(voucher.company, _balance_rows(voucher.date, entries))


def _insert_voucher(fields: dict) -> Voucher:
    """INSERT one posted voucher (see :func:`tase.db.insert`)."""
    voucher = db.insert(Voucher(**fields, draft_lines=[]))
    voucher._loaded_state = voucher.state
    return voucher


# The entry columns that differ per line, with the array type each is passed as.
ENTRY_ARRAYS = (
    ("account_id", "bigint"),
    ("amount_cents", "bigint"),
    ("vat_code", "text"),
    ("is_vat", "boolean"),
    ("vat_base_cents", "bigint"),
    ("cost_centre", "text"),
    ("project", "text"),
    ("text", "text"),
    ("position", "integer"),
)


@cache
def _one_statement_sql(voucher_columns: tuple[str, ...]) -> str:
    """The statement of :func:`_insert_posted_voucher_in_one_statement`. Lines travel as one
    array a column, so the text and the number of parameters do not depend on the voucher:
    the driver and the server reuse their work on it (psycopg caches a statement's parsing
    only up to 50 parameters)."""
    entries, balances = Entry._meta.db_table, AccountBalance._meta.db_table
    names = ", ".join(name for name, _type in ENTRY_ARRAYS)
    arrays = ", ".join(f"%s::{type_}[]" for _name, type_ in ENTRY_ARRAYS)
    columns = ", ".join(connection.ops.quote_name(c) for c in voucher_columns)
    return f"""
        WITH n AS (
            UPDATE {SeriesCounter._meta.db_table} SET last_number = last_number + 1
            WHERE series_id = %s AND fiscal_year_id = %s RETURNING last_number
        ), v AS (
            INSERT INTO {Voucher._meta.db_table} ({columns}, number)
            SELECT {", ".join(["%s"] * len(voucher_columns))}, n.last_number FROM n
            RETURNING id, number
        ), e AS (
            INSERT INTO {entries} (voucher_id, company_id, date, {names})
            SELECT v.id, %s, %s, {names} FROM v, unnest({arrays}) AS x ({names})
        ), b AS (
            INSERT INTO {balances} (company_id, year, month, account_id, debit_cents, credit_cents)
            SELECT %s, %s, %s, x.* FROM v, unnest(%s::bigint[], %s::bigint[], %s::bigint[])
                AS x (account_id, debit_cents, credit_cents)
            ON CONFLICT (account_id, year, month) DO UPDATE SET
                debit_cents = {balances}.debit_cents + excluded.debit_cents,
                credit_cents = {balances}.credit_cents + excluded.credit_cents
        )
        SELECT id, number FROM v
    """


def _insert_posted_voucher_in_one_statement(fields: dict, entries: list[dict]) -> Voucher:
    """PostgreSQL: take the number, insert the voucher and its entries and add to the
    balances in one statement (data-modifying CTEs), one round trip instead of four; the
    commit is what remains. Same rows as :func:`_insert_voucher` and :func:`_write_entries`."""
    voucher = Voucher(**fields, draft_lines=[])
    values = db.row_values(voucher)
    del values["number"]
    rows = [
        _entry_row(0, voucher.company_id, voucher.date, position, entry)
        for position, entry in enumerate(entries)
    ]
    # _entry_row's order: voucher, company, account, date, amount, vat code, is VAT, VAT
    # base, cost centre, project, text, position; the arrays take all but the constants.
    lines = [[row[i] for row in rows] for i in (2, 4, 5, 6, 7, 8, 9, 10, 11)]
    balances = _balance_rows(voucher.date, entries)
    params = [
        voucher.series_id,
        voucher.fiscal_year_id,
        *values.values(),
        voucher.company_id,
        voucher.date,
        *lines,
        voucher.company_id,
        voucher.date.year,
        voucher.date.month,
        *([row[i] for row in balances] for i in (0, 3, 4)),
    ]
    sql = _one_statement_sql(tuple(values))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:  # the series has no counter for this year yet
            SeriesCounter.objects.get_or_create(
                series_id=voucher.series_id, fiscal_year_id=voucher.fiscal_year_id
            )
            cursor.execute(sql, params)
            row = cursor.fetchone()
    voucher.pk, voucher.number = row
    voucher._state.adding = False
    voucher._loaded_state = voucher.state
    return voucher


def _balance_rows(on: dt.date, entries: list[dict]) -> list[tuple[int, int, int, int, int]]:
    """``(account_id, year, month, debit, credit)`` per account of ``entries``, in account
    order (so concurrent posts take the balance rows' locks in the same order)."""
    merged: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        amount = entry["amount_cents"]
        merged[entry["account"].id][0 if amount > 0 else 1] += abs(amount)
    return [
        (account_id, on.year, on.month, debit, credit)
        for account_id, (debit, credit) in sorted(merged.items())
    ]


def _existing_by_source(company: Company, source: str, source_ref: str) -> Voucher | None:
    if not source_ref:
        return None
    return (
        Voucher.objects.filter(company=company, source=source, source_ref=source_ref)
        .exclude(source_ref="")  # the unique index is partial: the planners need this to use it
        .select_related("series")
        .first()
    )


def _imported_before(company: Company, source: str, refs: list[str]) -> set[str]:
    """The ``refs`` the company already has a voucher of from ``source``, each looked up in
    the partial unique index (company, source, source_ref), which a planner uses only when
    the query repeats its condition source_ref <> ''. Inside a long import the planner's
    statistics know nothing of the rows the import has added, so a set-wise query let
    PostgreSQL scan the company's vouchers for every batch (quadratic in the file); the
    lookup per reference (LATERAL … LIMIT 1) leaves it no other plan."""
    if connection.vendor != "postgresql":
        return set(
            Voucher.objects.filter(company=company, source=source, source_ref__in=refs)
            .exclude(source_ref="")
            .order_by()  # the default ordering would join the company and the series
            .values_list("source_ref", flat=True)
        )
    sql = (
        "SELECT r.ref FROM unnest(%s::text[]) AS r (ref), LATERAL ("
        f"SELECT 1 FROM {Voucher._meta.db_table} AS v WHERE v.company_id = %s "
        "AND v.source = %s AND NOT (v.source_ref = '') AND v.source_ref = r.ref LIMIT 1"
        ") AS found"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [refs, company.pk, source])
        return {ref for (ref,) in cursor.fetchall()}


@transaction.atomic
def post_voucher(
    actor,
    company: Company,
    *,
    date,
    series: str,
    description: str,
    lines: list[dict],
    source: str = "",
    source_ref: str = "",
    attachments=(),
) -> Voucher:
    """Post a voucher: check it, split VAT, number it gaplessly, update balances.

    ``lines``: dicts ``{account: "3000", debit: Decimal|None, credit: Decimal|None,
    vat_code: str|None, gross: bool (default True), text, cost_centre, project}``.
    A line with a VAT code posts its VAT part to the output or input VAT account;
    ``gross`` says whether the amount entered includes the VAT. With ``source_ref``,
    posting is idempotent: the voucher already posted from the same source and
    reference is returned as it is.
    """
    guard(actor, company, "ledger.post")
    existing = _existing_by_source(company, source, source_ref)
    if existing is not None:
        return existing
    return _post(
        actor,
        company,
        date=date,
        series=series,
        description=description,
        lines=lines,
        source=source,
        source_ref=source_ref,
        attachments=attachments,
    )


def _post(
    actor,
    company,
    *,
    date,
    series,
    description,
    lines,
    source="",
    source_ref="",
    attachments=(),
    reverses: Voucher | None = None,
    entries: list[dict] | None = None,
    voucher: Voucher | None = None,
    allow_hidden: bool = False,
) -> Voucher:
    on = _as_date(date)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("This field is required.")})
    year = check_date_open(company, on)
    cache = _cache(actor, company)
    series_obj = cache["series"].get(series)
    if series_obj is None:
        series_obj = cache["series"][series] = series_for(company, series)
    if entries is None:
        entries = _prepare_entries(
            company, on, list(lines), allow_hidden=allow_hidden, accounts=cache["accounts"]
        )
    fields = {
        "company": company,
        "fiscal_year": year,
        "series": series_obj,
        "date": on,
        "description": description[:300],
        "state": Voucher.State.POSTED,
        "reverses": reverses,
        "source": source[:40],
        "source_ref": source_ref[:200],
        "created_by": actor.user if getattr(actor.user, "is_authenticated", False) else None,
        "posted_at": timezone.now(),
    }
    if voucher is None and connection.vendor == "postgresql":
        voucher = _insert_posted_voucher_in_one_statement(fields, entries)
    elif voucher is None:
        voucher = _insert_voucher(fields | {"number": _next_number(series_obj, year)})
        _write_entries(voucher, entries)
    else:
        fields |= {"number": _next_number(series_obj, year), "draft_lines": []}
        for name, value in fields.items():
            setattr(voucher, name, value)
        voucher.save()
        _write_entries(voucher, entries)
    number = voucher.number
    for upload in attachments:
        _attach(voucher, upload)
    audit.record(
        actor.user,
        "reverse" if reverses else "post",
        voucher,
        company=company,
        changes={
            "number": [None, f"{series_obj.code} {number}"],
            "date": [None, on.isoformat()],
            "total": [
                None,
                str(
                    cents_to_decimal(
                        sum(e["amount_cents"] for e in entries if e["amount_cents"] > 0)
                    )
                ),
            ],
        },
    )
    return voucher


@transaction.atomic
def reverse_voucher(actor, voucher: Voucher, *, date, description: str = "") -> Voucher:
    """A new voucher in the same series that cancels ``voucher`` line by line and
    refers to it. A reversal cannot itself be reversed; a voucher is reversed once."""
    company = guard(actor, voucher.company, "ledger.post")
    voucher = Voucher.objects.select_related("series").get(pk=voucher.pk)
    if voucher.state != Voucher.State.POSTED:
        raise ValidationError({"voucher": _("Only a posted voucher can be reversed.")})
    if voucher.reverses_id is not None:
        raise ValidationError({"voucher": _("A reversal cannot be reversed.")})
    if Voucher.objects.filter(reverses=voucher).exists():
        raise ValidationError({"voucher": _("The voucher has been reversed already.")})
    entries = [
        {
            "account": entry.account,
            "amount_cents": -entry.amount_cents,
            "vat_code": entry.vat_code,
            "is_vat": entry.is_vat,
            "vat_base_cents": -entry.vat_base_cents,
            "cost_centre": entry.cost_centre,
            "project": entry.project,
            "text": entry.text,
        }
        for entry in voucher.entries.select_related("account")
    ]
    description = description or _("Reversal of %(voucher)s") % {"voucher": voucher.label}
    return _post(
        actor,
        company,
        date=date,
        series=voucher.series.code,
        description=description,
        lines=(),
        entries=entries,
        reverses=voucher,
    )


@transaction.atomic
def save_draft(
    actor,
    company: Company,
    *,
    date,
    series: str,
    description: str,
    lines: list[dict],
    voucher: Voucher | None = None,
) -> Voucher:
    """Save (or update) a draft voucher; it gets its number only when posted."""
    guard(actor, company, "ledger.post")
    on = _as_date(date)
    series_obj = series_for(company, series)
    year = fiscal_year_on(company, on)
    if year is None:
        raise ValidationError(
            {"date": _("No fiscal year covers %(date)s.") % {"date": fmt_date(on)}}
        )
    clean = [
        {k: (str(v) if isinstance(v, Decimal) else v) for k, v in line.items()} for line in lines
    ]
    if voucher is None:
        voucher = Voucher(company=company, created_by=actor.user if actor.user else None)
    elif voucher.state != Voucher.State.DRAFT:
        raise ValidationError({"voucher": _("A posted voucher cannot be changed.")})
    voucher.fiscal_year, voucher.series, voucher.date = year, series_obj, on
    voucher.description = (description or "").strip()[:300] or _("Draft")
    voucher.draft_lines = clean
    voucher.save()
    audit.record(actor.user, "save_draft", voucher, company=company)
    return voucher


@transaction.atomic
def post_draft(actor, voucher: Voucher) -> Voucher:
    company = guard(actor, voucher.company, "ledger.post")
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.state != Voucher.State.DRAFT:
        raise ValidationError({"voucher": _("The voucher is posted already.")})
    return _post(
        actor,
        company,
        date=voucher.date,
        series=voucher.series.code,
        description=voucher.description,
        lines=voucher.draft_lines,
        voucher=voucher,
    )


@transaction.atomic
def delete_draft(actor, voucher: Voucher) -> None:
    guard(actor, voucher.company, "ledger.post")
    if voucher.state != Voucher.State.DRAFT:
        raise ValidationError({"voucher": _("A posted voucher cannot be deleted.")})
    audit.record(actor.user, "delete", voucher, company=voucher.company)
    voucher.attachments.all().delete()
    voucher.delete()


# -- attachments ----------------------------------------------------------------------------

MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff(data: bytes) -> str | None:
    for content_type, prefixes in MAGIC.items():
        if any(data.startswith(prefix) for prefix in prefixes):
            return content_type
    return None


def _read_upload(upload) -> tuple[str, bytes]:
    if isinstance(upload, tuple):
        name, data = upload
        return str(name), bytes(data)
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    return PurePath(upload.name).name, data


def _attach(voucher: Voucher, upload) -> Attachment:
    name, data = _read_upload(upload)
    extension = PurePath(name).suffix.lower()
    expected = ATTACHMENT_TYPES.get(extension)
    if expected is None:
        raise ValidationError(
            {
                "attachments": _("“%(name)s”: only PDF, JPEG and PNG files are accepted.")
                % {"name": name}
            }
        )
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"attachments": _("“%(name)s” is larger than 10 MB.") % {"name": name}}
        )
    actual = sniff(data)
    if actual != expected:
        raise ValidationError(
            {
                "attachments": _(
                    "“%(name)s” is not what its name says: its content is not %(kind)s."
                )
                % {"name": name, "kind": extension.lstrip(".").upper()}
            }
        )
    attachment = Attachment(
        voucher=voucher,
        company_id=voucher.company_id,
        name=name[:200],
        content_type=actual,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_attachment(actor, voucher: Voucher, upload) -> Attachment:
    guard(actor, voucher.company, "ledger.post")
    attachment = _attach(voucher, upload)
    audit.record(
        actor.user,
        "attach",
        voucher,
        company=voucher.company,
        changes={"file": [None, attachment.name]},
    )
    return attachment


# -- year-end -------------------------------------------------------------------------------


def _year_totals(company: Company, year: FiscalYear) -> dict[int, int]:
    """Net cents per account over the fiscal year."""
    from .selectors import account_totals

    return {
        account_id: debit - credit
        for account_id, (debit, credit) in account_totals(company, year.start, year.end).items()
    }


@transaction.atomic
def close_fiscal_year(actor, year: FiscalYear) -> FiscalYear:
    """Close ``year``: the result to retained earnings in the next year's opening
    balances (a voucher on the next year's first day), the year locked."""
    company = guard(actor, year.company, "ledger.manage")
    year = FiscalYear.objects.select_for_update().get(pk=year.pk)
    if not year.is_open:
        raise ValidationError({"fiscal_year": _("The fiscal year is closed already.")})
    earlier_open = FiscalYear.objects.filter(
        company=company, end__lt=year.start, state=FiscalYear.State.OPEN
    ).exists()
    if earlier_open:
        raise ValidationError({"fiscal_year": _("Close the earlier fiscal years first.")})
    if Voucher.objects.filter(fiscal_year=year, state=Voucher.State.DRAFT).exists():
        raise ValidationError(
            {"fiscal_year": _("The fiscal year has draft vouchers; post or delete them first.")}
        )
    following = FiscalYear.objects.filter(
        company=company, start=year.end + dt.timedelta(days=1)
    ).first()
    if following is None:
        following = create_fiscal_year(
            actor,
            company,
            start=year.end + dt.timedelta(days=1),
            change_of_period=False,
            end=add_months(year.end + dt.timedelta(days=1), 12) - dt.timedelta(days=1),
        )
    retained = Account.objects.filter(
        company=company, role=Account.Role.RETAINED_EARNINGS, is_header=False
    ).first()
    if retained is None:
        raise ValidationError({"fiscal_year": _("The chart has no retained earnings account.")})
    totals = _year_totals(company, year)
    accounts = Account.objects.in_bulk(list(totals))
    opening: dict[int, int] = defaultdict(int)
    result = 0
    for account_id, net in totals.items():
        account = accounts[account_id]
        if account.is_balance_sheet:
            opening[account_id] += net
        else:
            result += net
    opening[retained.pk] += result
    entries = [
        {"account": accounts.get(account_id) or retained, "amount_cents": net, "text": ""}
        for account_id, net in sorted(
            opening.items(), key=lambda item: (accounts.get(item[0]) or retained).number
        )
        if net
    ]
    year.close_count += 1
    if entries:
        _post(
            actor,
            company,
            date=following.start,
            series="MU",
            description=_("Opening balances from fiscal year %(year)s") % {"year": str(year)},
            lines=(),
            entries=entries,
            source="year-end",
            source_ref=f"opening:{year.pk}:{year.close_count}",
        )
    year.state = FiscalYear.State.CLOSED
    year.closed_at = timezone.now()
    year.save()
    lock = PeriodLock.objects.filter(company=company).first()
    if lock is None or lock.locked_until < year.end:
        PeriodLock.objects.update_or_create(company=company, defaults={"locked_until": year.end})
    audit.record(
        actor.user,
        "close",
        year,
        company=company,
        changes={"state": ["open", "closed"], "result": [None, str(cents_to_decimal(-result))]},
    )
    return year


@transaction.atomic
def reopen_fiscal_year(actor, year: FiscalYear, *, reason: str = "") -> FiscalYear:
    """Reopen a closed year (main user only): the opening-balance voucher it made is
    reversed, the lock moved back before the year; the act is audited."""
    company = guard(actor, year.company, "ledger.reopen_year")
    year = FiscalYear.objects.select_for_update().get(pk=year.pk)
    if year.is_open:
        raise ValidationError({"fiscal_year": _("The fiscal year is open.")})
    if FiscalYear.objects.filter(
        company=company, start__gt=year.end, state=FiscalYear.State.CLOSED
    ).exists():
        raise ValidationError({"fiscal_year": _("Reopen the later fiscal years first.")})
    lock = PeriodLock.objects.filter(company=company).first()
    before_year = year.start - dt.timedelta(days=1)
    if lock is not None and lock.locked_until >= year.start:
        lock.locked_until = before_year
        lock.save()
    year.state = FiscalYear.State.OPEN
    year.closed_at = None
    year.save()
    opening = Voucher.objects.filter(
        company=company, source="year-end", source_ref=f"opening:{year.pk}:{year.close_count}"
    ).first()
    if opening is not None and not Voucher.objects.filter(reverses=opening).exists():
        following = FiscalYear.objects.get(pk=opening.fiscal_year_id)
        reverse_voucher(
            actor,
            opening,
            date=following.start,
            description=_("Fiscal year %(year)s reopened") % {"year": str(year)},
        )
    audit.record(
        actor.user,
        "reopen",
        year,
        company=company,
        changes={"state": ["closed", "open"], "reason": [None, reason]},
    )
    return year


# -- VAT settlement -------------------------------------------------------------------------


@transaction.atomic
def settle_vat(
    actor, company: Company, *, start, end, date=None, lock: bool = True
) -> Voucher | None:
    """The VAT settlement voucher (alv-tilitys) of a period: output and input VAT moved
    to VAT payable (or receivable), then the period locked."""
    guard(actor, company, "ledger.manage")
    start, end = _as_date(start, "start"), _as_date(end, "end")
    on = _as_date(date, "date") if date else end
    from .selectors import account_totals

    accounts = {
        a.role: a
        for a in Account.objects.filter(
            company=company,
            is_header=False,
            role__in=[
                Account.Role.VAT_OUTPUT,
                Account.Role.VAT_INPUT,
                Account.Role.VAT_PAYABLE,
                Account.Role.VAT_RECEIVABLE,
            ],
        )
    }
    missing = {Account.Role.VAT_OUTPUT, Account.Role.VAT_INPUT, Account.Role.VAT_PAYABLE} - set(
        accounts
    )
    if missing:
        raise ValidationError({"company": _("The chart lacks the VAT accounts.")})
    ids = [accounts[Account.Role.VAT_OUTPUT].pk, accounts[Account.Role.VAT_INPUT].pk]
    totals = account_totals(company, start, end, account_ids=ids)
    entries = []
    net_total = 0
    for role in (Account.Role.VAT_OUTPUT, Account.Role.VAT_INPUT):
        debit, credit = totals.get(accounts[role].pk, (0, 0))
        net = debit - credit
        if net:
            entries.append({"account": accounts[role], "amount_cents": -net})
            net_total += net
    voucher = None
    if entries:
        target = accounts[Account.Role.VAT_PAYABLE]
        if net_total > 0 and Account.Role.VAT_RECEIVABLE in accounts:
            target = accounts[Account.Role.VAT_RECEIVABLE]
        entries.append({"account": target, "amount_cents": net_total})
        ref = f"{start.isoformat()}:{end.isoformat()}"
        voucher = _existing_by_source(company, "vat-settlement", ref) or _post(
            actor,
            company,
            date=on,
            series="MU",
            description=_("VAT settlement %(start)s to %(end)s")
            % {"start": fmt_date(start), "end": fmt_date(end)},
            lines=(),
            entries=entries,
            source="vat-settlement",
            source_ref=ref,
            allow_hidden=True,
        )
    if lock:
        current = locked_until(company)
        if current is None or current < end:
            lock_period(actor, company, end)
    return voucher


# -- CSV import ------------------------------------------------------------------------------


def _import_ref(key: str, rows) -> str:
    """The voucher's reference for idempotent imports: its key and a digest of its rows."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(
            f"{row.date!s}|{row.series}|{row.account}|{row.debit!s}|{row.credit!s}|"
            f"{row.vat_code}|{row.text}|{row.cost_centre}|{row.project}".encode()
        )
    return f"{key[:100]}:{digest.hexdigest()[:40]}"


IMPORT_BATCH = 1000  # vouchers written at a time; also how often progress is reported


def _first(item: tuple):
    return item[0]


def _check_import_voucher(
    company, cache, years, key, rows, untitled: str
) -> tuple | list[tuple[int, str]]:
    """The voucher of one key's rows ready to write, ``(ref, date, series, description,
    entries)``, or its problems as ``(line, message)``. ``untitled``: the description of a
    voucher whose rows have no text, with ``%(key)s``."""
    labels = [row.line for row in rows]

    def where() -> str:
        return _("Voucher %(key)s (line %(lines)s)") % {
            "key": key,
            "lines": ", ".join(str(n) for n in labels),
        }

    if len({(row.date, row.series) for row in rows}) > 1:
        return [(labels[0], where() + ": " + _("the rows differ in date or series."))]
    on, series = rows[0].date, rows[0].series
    try:
        if on not in years:
            try:
                years[on] = check_date_open(company, on)
            except ValidationError as error:
                years[on] = error
        if isinstance(years[on], ValidationError):
            raise years[on]
        if series not in cache["series"]:
            cache["series"][series] = series_for(company, series)
        entries = _prepare_entries(
            company,
            on,
            [
                {
                    "account": row.account,
                    "debit": row.debit,
                    "credit": row.credit,
                    "vat_code": row.vat_code,
                    "gross": True,
                    "text": row.text,
                    "cost_centre": row.cost_centre,
                    "project": row.project,
                }
                for row in rows
            ],
            labels=labels,
            accounts=cache["accounts"],
        )
    except ValidationError as error:
        line_prefix = _("Line %(line)s: %(message)s").split("%")[0]
        return [
            (labels[0], message if message.startswith(line_prefix) else f"{where()}: {message}")
            for messages in error.message_dict.values()
            for message in messages
        ]
    description = next((row.text for row in rows if row.text), "") or untitled % {"key": key}
    return (_import_ref(key, rows), on, series, description, entries)


@transaction.atomic
def import_vouchers(actor, company: Company, source, *, progress=None) -> dict:
    """Post every voucher of a CSV file (:mod:`tase.formats.voucher_csv`), or none.

    ``source``: the file's bytes, or a seekable binary file (an upload, an open file). The
    file is streamed: vouchers are checked and written :data:`IMPORT_BATCH` at a time inside
    this one transaction, so memory stays flat whatever the file's size. At the first problem
    writing stops, the rest of the file is still checked, and one ``ValidationError`` lists
    every bad row by its line number; the transaction is rolled back, so nothing is written.
    A voucher imported before (same key, same rows) is skipped, so importing a file twice
    does not double it. ``progress(stage, done, total)`` is called every
    :data:`IMPORT_BATCH` vouchers with the lines read and the lines in the file.
    """
    from tase.formats import csv_table, voucher_csv

    guard(actor, company, "ledger.post")
    total_lines = max(csv_table.count_lines(source) - 1, 0)
    reader = voucher_csv.Reader(source)
    cache = _cache(actor, company)
    years: dict[dt.date, FiscalYear | ValidationError] = {}
    problems: list[tuple[int, str]] = []
    batch: list[tuple] = []
    counts = {"posted": 0, "skipped": 0, "vouchers": 0}
    untitled = _("Imported voucher %(key)s")
    for key, rows, complete in reader.vouchers():
        counts["vouchers"] += 1
        if complete:
            checked = _check_import_voucher(company, cache, years, key, rows, untitled)
            if isinstance(checked, list):
                problems += checked
            else:
                batch.append(checked)
        if problems or reader.has_errors:
            batch.clear()  # nothing more is written; the rest is only checked
        elif len(batch) >= IMPORT_BATCH:
            _write_import_batch(actor, company, cache, years, batch, counts)
            batch = []
        if progress is not None and counts["vouchers"] % IMPORT_BATCH == 0 and rows:
            progress("importing", rows[-1].line - 1, total_lines)
    if problems or reader.has_errors:
        problems += [
            (line, _("Line %(line)s: %(message)s") % {"line": line, "message": message})
            if line
            else (line, message)
            for line, message in reader.errors
        ]
        raise ValidationError({"file": [text for _line, text in sorted(problems, key=_first)]})
    _write_import_batch(actor, company, cache, years, batch, counts)
    if progress is not None:
        progress("importing", total_lines, total_lines)
    audit.record(
        actor.user,
        "import",
        company,
        company=company,
        changes={"vouchers": [None, counts["posted"]], "skipped": [None, counts["skipped"]]},
    )
    return counts


VOUCHER_IMPORT_COLUMNS = (
    "company_id",
    "fiscal_year_id",
    "series_id",
    "number",
    "date",
    "description",
    "state",
    "source",
    "source_ref",
    "draft_lines",
    "created_by_id",
    "created_at",
    "posted_at",
)


def _write_import_batch(actor, company, cache, years, batch, counts) -> None:
    """Write checked vouchers: the ones imported before skipped, numbers taken per series
    and year in one counter update, vouchers and entries inserted in bulk (COPY on
    PostgreSQL), balances added once. Every rule has been checked; numbering stays gapless."""
    if not batch:
        return
    done = _imported_before(company, "csv-import", [item[0] for item in batch])
    todo = []
    for item in batch:
        if item[0] not in done:
            done.add(item[0])
            todo.append(item)
    counts["skipped"] += len(batch) - len(todo)
    counts["posted"] += len(todo)
    if not todo:
        return
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    for _ref, on, series, _description, _entries in todo:
        wanted[(cache["series"][series].pk, years[on].pk)] += 1
    first_numbers = {}
    for (series_pk, year_pk), count in sorted(wanted.items()):
        last = _next_number(VoucherSeries(pk=series_pk), FiscalYear(pk=year_pk), count)
        first_numbers[(series_pk, year_pk)] = last - count + 1
    user_id = actor.user.pk if getattr(actor.user, "is_authenticated", False) else None
    # Values adapted for the database once, not once a row by the driver.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    adapted = {on: connection.ops.adapt_datefield_value(on) for on in {item[1] for item in todo}}
    next_numbers = dict(first_numbers)
    keys, voucher_rows = [], []
    for ref, on, series, description, _entries in todo:
        key = (cache["series"][series].pk, years[on].pk)
        number, next_numbers[key] = next_numbers[key], next_numbers[key] + 1
        keys.append((key, number))
        voucher_rows.append(
            (
                company.pk,
                key[1],
                key[0],
                number,
                adapted[on],
                description[:300],
                Voucher.State.POSTED,
                "csv-import",
                ref[:200],
                "[]",
                user_id,
                now,
                now,
            )
        )
    _bulk_insert(Voucher._meta.db_table, VOUCHER_IMPORT_COLUMNS, voucher_rows)
    ids = {}
    with connection.cursor() as cursor:
        for (series_pk, year_pk), first in first_numbers.items():
            cursor.execute(
                f"SELECT number, id FROM {Voucher._meta.db_table} "
                "WHERE series_id = %s AND fiscal_year_id = %s AND number BETWEEN %s AND %s",
                [series_pk, year_pk, first, next_numbers[(series_pk, year_pk)] - 1],
            )
            ids.update({((series_pk, year_pk), number): pk for number, pk in cursor.fetchall()})
    entry_rows: list[tuple] = []
    merged: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    for (key, number), (_ref, on, _series, _description, entries) in zip(keys, todo, strict=True):
        voucher_id, day = ids[(key, number)], adapted[on]
        for position, entry in enumerate(entries):
            entry_rows.append(_entry_row(voucher_id, company.pk, day, position, entry))
            amount = entry["amount_cents"]
            slot = merged[(entry["account"].id, on.year, on.month)]
            slot[0 if amount > 0 else 1] += abs(amount)
    _bulk_insert(Entry._meta.db_table, ENTRY_COLUMNS, entry_rows)
    items = [(*key, debit, credit) for key, (debit, credit) in merged.items()]
    for start in range(0, len(items), 1000):
        _bump_balances(company, items[start : start + 1000])


def _bulk_insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows in one statement: COPY on PostgreSQL, executemany elsewhere.
    (One statement, so PostgreSQL's per-statement balance check sees whole vouchers.)"""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
            )


# -- opening balances ---------------------------------------------------------------------


def _first_open_year(company: Company) -> FiscalYear:
    year = FiscalYear.objects.filter(company=company, state=FiscalYear.State.OPEN).order_by("start")
    if not year.exists():
        raise ValidationError({"fiscal_year": _("The company has no open fiscal year.")})
    return year.first()


@transaction.atomic
def import_opening_balances(
    actor, company: Company, data: bytes, *, fiscal_year: FiscalYear | None = None
) -> dict:
    """Post the opening balances (avaavat saldot) of a fiscal year from a CSV file
    (:mod:`tase.formats.opening_csv`): one memo voucher dated the year's first day, for books
    that come to Tase from elsewhere. Later years get theirs from the year-end close.

    Only balance sheet accounts take an opening balance (the result of earlier years is in
    equity); the balances must sum to zero. A year has one set: the same file imported again
    is skipped; a different one is refused until the first is reversed. All or nothing, every
    bad row named by its line number. ``fiscal_year``: default the earliest open one.
    """
    from tase.formats import opening_csv

    guard(actor, company, "ledger.post")
    year = fiscal_year or _first_open_year(company)
    if year.company_id != company.pk:
        raise ValidationError({"fiscal_year": _("Unknown fiscal year.")})
    parsed = opening_csv.parse(data)
    errors = [
        _("Line %(line)s: %(message)s") % {"line": line, "message": message} if line else message
        for line, message in parsed.errors
    ]
    accounts = _cache(actor, company)["accounts"]
    seen: dict[str, int] = {}
    for row in parsed.rows:
        account = accounts.get(row.account)
        if account is not None and not account.is_balance_sheet:
            _line_error(
                errors,
                row.line,
                _(
                    "account %(number)s is not a balance sheet account; earlier results "
                    "belong in equity."
                )
                % {"number": row.account},
            )
        elif row.account in seen:
            _line_error(
                errors,
                row.line,
                _("account %(number)s is on line %(first)s already.")
                % {"number": row.account, "first": seen[row.account]},
            )
        seen.setdefault(row.account, row.line)
    if not parsed.rows and not errors:
        errors.append(_("The file has no balances."))
    if errors:
        raise ValidationError({"file": errors})
    digest = hashlib.sha256(
        "\n".join(f"{row.account}:{row.balance:.2f}" for row in parsed.rows).encode()
    ).hexdigest()[:40]
    source_ref = f"opening:{year.pk}:{digest}"
    existing = (
        Voucher.objects.filter(
            company=company, date=year.start, source__in=["opening-balances", "year-end"]
        )
        .filter(reversed_by__isnull=True)
        .select_related("series")
        .first()
    )
    if existing is not None:
        if existing.source_ref == source_ref:
            return {"voucher": existing, "accounts": len(parsed.rows), "skipped": True}
        raise ValidationError(
            {
                "file": _(
                    "The fiscal year %(year)s has opening balances already (voucher "
                    "%(voucher)s); reverse that voucher to import new ones."
                )
                % {"year": str(year), "voucher": existing.label}
            }
        )
    lines = [
        {
            "account": row.account,
            "debit": row.balance if row.balance > 0 else None,
            "credit": -row.balance if row.balance < 0 else None,
        }
        for row in parsed.rows
    ]
    try:
        entries = _prepare_entries(
            company, year.start, lines, labels=[row.line for row in parsed.rows], accounts=accounts
        )
    except ValidationError as error:
        raise ValidationError({"file": error.message_dict["lines"]}) from None
    voucher = _post(
        actor,
        company,
        date=year.start,
        series="MU",
        description=_("Opening balances"),
        lines=(),
        entries=entries,
        source="opening-balances",
        source_ref=source_ref,
    )
    return {"voucher": voucher, "accounts": len(parsed.rows), "skipped": False}


# -- test-environment copies ---------------------------------------------------------------


@transaction.atomic
def copy_configuration(actor, source: Company, target: Company) -> None:
    """Copy the bookkeeping set-up of ``source`` into a new test-environment company:
    settings, chart of accounts (groups kept), voucher series and fiscal years, then a few
    sample vouchers (:mod:`tase.ledger.sample`), never the real ones. Called by core's
    ``create_test_environment``, which has checked the actor's right to make the copy."""
    settings_row = LedgerSettings.objects.filter(company=source).first()
    if settings_row is not None:
        LedgerSettings.objects.update_or_create(
            company=target,
            defaults={"chart": settings_row.chart, "vat_period": settings_row.vat_period},
        )
    copies: dict[int, Account] = {}
    for account in Account.objects.filter(company=source).order_by("-is_header", "level", "id"):
        original_pk, parent_id = account.pk, account.parent_id
        account.pk = None
        account.company = target
        account.parent = copies.get(parent_id)
        account.save(force_insert=True)
        copies[original_pk] = account
    for series in VoucherSeries.objects.filter(company=source):
        VoucherSeries.objects.get_or_create(
            company=target,
            code=series.code,
            defaults={"name_fi": series.name_fi, "name_en": series.name_en},
        )
    for year in FiscalYear.objects.filter(company=source).order_by("start"):
        created = FiscalYear.objects.create(company=target, start=year.start, end=year.end)
        for series in VoucherSeries.objects.filter(company=target):
            SeriesCounter.objects.get_or_create(series=series, fiscal_year=created)
    audit.record(
        actor.user,
        "copy_configuration",
        target,
        company=target,
        changes={"copied_from": [None, source.pk], "accounts": [None, len(copies)]},
    )
    sample.post_sample_vouchers(SystemActor(), target)
