"""What Tase reads from the books of another bookkeeping program (Tilitin, Kitsas) that a
company moves from: its accounts, its fiscal periods and the documents of each with their
lines in integer cents, and the reader's errors as codes for the caller to say in the user's
language. Each reader (:mod:`tase.formats.tilitin`, :mod:`tase.formats.kitsas`) gives a
``Book`` with ``name``, ``business_id``, ``accounts()``, ``periods()``, ``documents(period)``
and ``trial_balance(period)``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path


class BookError(ValueError):
    """The file is not a book Tase can read. ``code`` names the problem and
    ``params`` where it is, for the caller to say in the user's language:

    - ``not_a_database`` (``detail``), ``missing_table`` (``table``), ``missing_columns``
      (``table``, ``columns``);
    - ``bad_date`` and ``bad_amount`` (``where``, ``value``), ``amount_out_of_range``
      (``where``, ``value``), ``unknown_account_type`` (``account``, ``value``).
    """

    def __init__(self, code: str, **params):
        super().__init__(f"{code}: {params}")
        self.code, self.params = code, params


@dataclass(frozen=True, slots=True)
class Account:
    number: str
    name: str
    type: str  # asset, liability, equity, revenue, expense
    role: str = ""  # Tase's account role when the source names one (Kitsas's type codes)


@dataclass(frozen=True, slots=True)
class Period:
    id: int | str  # the reader's own key
    start: dt.date
    end: dt.date
    locked: bool


@dataclass(frozen=True, slots=True)
class Line:
    account: str
    cents: int  # debit positive, credit negative
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    key: str  # unique within the period: Tilitin's number, Kitsas's voucher id
    label: str  # what the accountant knew it by: "12", "ML 12"
    date: dt.date
    lines: tuple[Line, ...]
    opening: bool  # the period's opening balances


_HALF_DAY = dt.timedelta(hours=12)


def to_date(value, where: str) -> dt.date:
    """``where`` names the row for an error (``period:ID``, ``document:YEAR:NUMBER``,
    ``account:NUMBER``). A date as Tilitin's JDBC driver writes it: milliseconds of a local midnight (shifted by half a day before the
    UTC date is taken, so any time zone within ±12 hours gives its own date), or ISO text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            moment = dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC) + _HALF_DAY
        except (OverflowError, OSError, ValueError):
            raise BookError("bad_date", where=where, value=str(value)) from None
        return moment.date()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise BookError("bad_date", where=where, value=str(value)) from None


def to_cents(value, where: str) -> int:
    """A Tilitin amount (a number or text, two decimals) in integer cents."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise BookError("bad_amount", where=where, value=str(value)) from None
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 12:
        raise BookError("amount_out_of_range", where=where, value=str(value))
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class SQLiteBook:
    """A book kept in an SQLite file, opened read-only (a subclass names its ``tables`` and
    the columns it reads; a missing one is an error). Use as a context manager."""

    tables: dict[str, tuple[str, ...]] = {}

    def __init__(self, path: str | Path):
        try:
            self._db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
            self._check_tables()
        except sqlite3.DatabaseError as error:
            raise BookError("not_a_database", detail=str(error)) from None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()

    def _check_tables(self) -> None:
        for table, columns in self.tables.items():
            found = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if not found:
                raise BookError("missing_table", table=table)
            missing = [column for column in columns if column not in found]
            if missing:
                raise BookError("missing_columns", table=table, columns=", ".join(missing))
