"""Shared helpers of the bookkeeping services: permission guard, cents, dates, open periods, series."""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from tase.core import limits
from tase.core.models import Company

from ..models import Account, FiscalYear, PeriodLock, SeriesCounter, VoucherSeries

STANDARD_SERIES = {
    "MU": ("Muistiotositteet", "Memo vouchers"),
    "ML": ("Myyntilaskut", "Sales invoices"),
    "OL": ("Ostolaskut", "Purchase invoices"),
    "PA": ("Palkat", "Payroll"),
    "TI": ("Tiliotteet", "Bank statements"),
}


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


# A plain amount, as a file or a form gives it: at most 12 whole digits (so always within
# limits.MAX_AMOUNT_CENTS) and at most two decimals after a point or comma.
PLAIN_AMOUNT = re.compile(r"(-?)([0-9]{1,12})(?:[.,]([0-9]{1,2}))?")


def to_cents(value, field: str = "amount") -> int:
    """Euros (Decimal, int or text with a point or comma) to integer cents; exact.

    The common inputs take a fast path (:func:`_plain_cents`, no Decimal for a plain text);
    anything else, and every refusal, takes the exact Decimal path (:func:`_exact_cents`)."""
    if value is None:
        return 0
    kind = type(value)
    # Only text is ever equal to "": a Decimal or an int skips the comparison, which costs
    # a Decimal a quarter of its conversion.
    if kind is not Decimal and kind is not int and value == "":
        return 0
    cents = _plain_cents(value)
    return _exact_cents(value) if cents is None else cents


def _plain_cents(value) -> int | None:
    """The cents of a plain text ("-1234,5"), an int or a finite Decimal of whole cents within
    the limit, else None (for :func:`_exact_cents` to decide). Equal to :func:`_exact_cents`
    wherever it answers (tests/ledger/test_cents.py)."""
    kind = type(value)
    if kind is str:
        match = PLAIN_AMOUNT.fullmatch(value)
        if match is None:
            return None
        sign, whole, decimals = match.groups()
        cents = int(whole) * 100 + (int(decimals.ljust(2, "0")) if decimals else 0)
        return -cents if sign else cents
    if kind is int:
        return (
            value * 100
            if -limits.MAX_AMOUNT_CENTS <= value * 100 <= limits.MAX_AMOUNT_CENTS
            else None
        )
    if kind is Decimal and value.is_finite() and value.adjusted() <= 15:
        cents = value * 100
        whole = int(cents)  # compared as integers: exact, and cheaper than Decimal's
        if whole == cents and -limits.MAX_AMOUNT_CENTS <= whole <= limits.MAX_AMOUNT_CENTS:
            return whole
    return None


def _exact_cents(value) -> int:
    """:func:`to_cents` by Decimal arithmetic, with its refusals."""
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
    # The exponent first: 1E+999999 is finite, and multiplying it overflows the context.
    if amount.adjusted() > 15 or abs(amount) * 100 > limits.MAX_AMOUNT_CENTS:
        raise ValueError(
            _("%(value)s is out of range: an amount may be at most %(max)s.")
            % {
                "value": value,
                "max": number_format(
                    cents_to_decimal(limits.MAX_AMOUNT_CENTS), 2, force_grouping=True
                ),
            }
        )
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


def typed_account(company, number, field: str, type_: str, errors: dict) -> Account | None:
    """The company's posting account ``number`` of ``type_``; a problem goes to ``errors``
    under ``field`` (missing, unknown, or of another type) and None or the wrong account is
    returned, so a form's every problem is collected before it is refused."""
    number = str(number or "").strip()
    if not number:
        errors[field] = _("This field is required.")
        return None
    account = Account.objects.filter(company=company, number=number, is_header=False).first()
    if account is None:
        errors[field] = _("Unknown account %(number)s.") % {"number": number}
    elif account.type != type_:
        wrong = {
            Account.Type.ASSET: _("Account %(number)s is not a balance-sheet asset account."),
            Account.Type.LIABILITY: _("Account %(number)s is not a liability account."),
            Account.Type.REVENUE: _("Account %(number)s is not an income account."),
            Account.Type.EXPENSE: _("Account %(number)s is not an expense account."),
        }
        errors[field] = wrong.get(type_, _("Unknown account %(number)s.")) % {"number": number}
    return account


def fiscal_year_on(company: Company, on: dt.date) -> FiscalYear | None:
    return FiscalYear.objects.filter(company=company, start__lte=on, end__gte=on).first()


def locked_until(company: Company) -> dt.date | None:
    return PeriodLock.objects.filter(company=company).values_list("locked_until", flat=True).first()


def check_date_open(company: Company, on: dt.date, field: str = "date") -> FiscalYear:
    """The open fiscal year of ``on``; refuses dates outside every year, in a closed
    year or in a locked period. One query (it runs for every voucher posted)."""
    return open_year_and_lock(company, on, field)[0]


def open_year_and_lock(
    company: Company, on: dt.date, field: str = "date"
) -> tuple[FiscalYear, dt.date | None]:
    """:func:`check_date_open`'s year and the company's lock date it was checked against,
    read in the same query (a batch checks its other dates against both, see
    :mod:`.bulk_posting`)."""
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
    return year, (_as_date(lock) if lock is not None else None)


def _cache(actor, company: Company) -> dict:
    """Accounts and series of ``company``, loaded once per actor (a request, a command).

    Services that change accounts or series through the same actor clear it; the
    fiscal year, its state and the lock are never cached (see :func:`check_date_open`).
    """
    store = actor.__dict__.setdefault("_ledger_cache", {})
    entry = store.get(company.pk)
    if entry is None:
        accounts = {a.number: a for a in Account.objects.filter(company=company, is_header=False)}
        entry = store[company.pk] = {
            "accounts": accounts,
            "vat_accounts": {a.role: a for a in accounts.values() if a.role},
            "series": {},
        }
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
