"""Reading a Tilitin database file (kirjanpito.sqlite), the bookkeeping of a company moving
to Tase from Tilitin.

Tilitin (github.com/thelineva/tilitin, maintained fork jkseppan/tilitin) keeps one company in
one SQLite file (src/kirjanpito/db/sqlite/database.sql): ``account`` (number, name, type:
0 asset, 1 liability, 2 equity, 3 revenue, 4 expense, 5 profit of earlier periods, 6 profit
of the period), ``period`` (start_date, end_date, locked), ``document`` (a voucher: number
within its period, date; number 0 is the period's opening balances) and ``entry`` (a line:
account, ``debit`` true or false, a positive ``amount``, description, row_number), with the
company's name and business id in ``settings``.

The file is opened read-only and never trusted: a missing table or column, a date or an
amount that cannot be read is reported with the table and row. Dates are written by
Tilitin's JDBC driver as milliseconds since 1970 of the local midnight (or as ISO text by
other tools); amounts as SQLite numbers or text. Figures are turned into integer cents here,
rounded half up to the cent (Tilitin keeps two decimals, so the rounding only removes the
binary fraction of a REAL column).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

ACCOUNT_TYPES = {
    0: "asset",
    1: "liability",
    2: "equity",
    3: "revenue",
    4: "expense",
    5: "equity",  # profit (loss) of earlier periods
    6: "equity",  # profit (loss) of the period
}
TABLES = {
    "account": ("id", "number", "name", "type"),
    "period": ("id", "start_date", "end_date", "locked"),
    "document": ("id", "number", "period_id", "date"),
    "entry": ("document_id", "account_id", "debit", "amount", "description", "row_number"),
    "settings": ("name", "business_id"),
}
_HALF_DAY = dt.timedelta(hours=12)


class TilitinError(ValueError):
    """The file is not a Tilitin database Tase can read. ``code`` names the problem and
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


@dataclass(frozen=True, slots=True)
class Period:
    id: int
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
    number: int
    date: dt.date
    lines: tuple[Line, ...]

    @property
    def is_opening(self) -> bool:
        """Tilitin's document 0 holds the period's opening balances."""
        return self.number == 0


def to_date(value, where: str) -> dt.date:
    """``where`` names the row for an error (``period:ID``, ``document:YEAR:NUMBER``,
    ``account:NUMBER``). A Tilitin date: milliseconds of a local midnight (shifted by half a day before the
    UTC date is taken, so any time zone within ±12 hours gives its own date), or ISO text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            moment = dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC) + _HALF_DAY
        except (OverflowError, OSError, ValueError):
            raise TilitinError("bad_date", where=where, value=str(value)) from None
        return moment.date()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise TilitinError("bad_date", where=where, value=str(value)) from None


def to_cents(value, where: str) -> int:
    """A Tilitin amount (a number or text, two decimals) in integer cents."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise TilitinError("bad_amount", where=where, value=str(value)) from None
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 12:
        raise TilitinError("amount_out_of_range", where=where, value=str(value))
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Book:
    """A Tilitin database opened read-only. Use as a context manager."""

    def __init__(self, path: str | Path):
        try:
            self._db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
            self._check_tables()
        except sqlite3.DatabaseError as error:
            raise TilitinError("not_a_database", detail=str(error)) from None

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()

    def _check_tables(self) -> None:
        for table, columns in TABLES.items():
            found = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if not found:
                raise TilitinError("missing_table", table=table)
            missing = [column for column in columns if column not in found]
            if missing:
                raise TilitinError("missing_columns", table=table, columns=", ".join(missing))

    @property
    def name(self) -> str:
        row = self._db.execute("SELECT name FROM settings ORDER BY version DESC LIMIT 1").fetchone()
        return str(row[0] or "").strip() if row else ""

    @property
    def business_id(self) -> str:
        row = self._db.execute(
            "SELECT business_id FROM settings ORDER BY version DESC LIMIT 1"
        ).fetchone()
        return str(row[0] or "").strip() if row else ""

    def accounts(self) -> list[Account]:
        result = []
        for number, name, kind in self._db.execute(
            "SELECT number, name, type FROM account ORDER BY number"
        ):
            if kind not in ACCOUNT_TYPES:
                raise TilitinError("unknown_account_type", account=str(number), value=str(kind))
            result.append(
                Account(str(number).strip(), str(name or "").strip(), ACCOUNT_TYPES[kind])
            )
        return result

    def periods(self) -> list[Period]:
        return [
            Period(
                row_id,
                to_date(start, f"period:{row_id}"),
                to_date(end, f"period:{row_id}"),
                bool(locked),
            )
            for row_id, start, end, locked in self._db.execute(
                "SELECT id, start_date, end_date, locked FROM period ORDER BY start_date"
            )
        ]

    def documents(self, period: Period) -> Iterator[Document]:
        """The period's documents in number order, each with its lines in row order; read a
        document at a time (one query, streamed)."""
        rows = self._db.execute(
            "SELECT d.id, d.number, d.date, a.number, e.debit, e.amount, e.description "
            "FROM document d JOIN entry e ON e.document_id = d.id "
            "JOIN account a ON a.id = e.account_id "
            "WHERE d.period_id = ? ORDER BY d.number, d.id, e.row_number, e.id",
            (period.id,),
        )
        current, number, on, lines = None, 0, None, []
        for doc_id, doc_number, doc_date, account, debit, amount, text in rows:
            if doc_id != current:
                if current is not None:
                    yield Document(number, on, tuple(lines))
                where = f"document:{period.start.year}:{doc_number}"
                current, number, on, lines = doc_id, doc_number, to_date(doc_date, where), []
            cents = to_cents(amount, f"document:{period.start.year}:{doc_number}")
            lines.append(Line(str(account).strip(), cents if debit else -cents, str(text or "")))
        if current is not None:
            yield Document(number, on, tuple(lines))

    def trial_balance(self, period: Period) -> dict[str, int]:
        """Net cents (debit positive) per account of the period's entries, summed in SQLite."""
        rows = self._db.execute(
            "SELECT a.number, SUM(CASE WHEN e.debit THEN e.amount ELSE -e.amount END) "
            "FROM entry e JOIN document d ON d.id = e.document_id "
            "JOIN account a ON a.id = e.account_id WHERE d.period_id = ? GROUP BY a.number",
            (period.id,),
        )
        result = {}
        for number, net in rows:
            cents = to_cents(round(net or 0, 2), f"account:{number}")
            if cents:
                result[str(number).strip()] = cents
        return result
