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
from collections.abc import Iterator

from .earlier_books import Account, BookError, Document, Line, Period, SQLiteBook, to_cents, to_date

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


class Book(SQLiteBook):
    """A Tilitin database opened read-only. Use as a context manager."""

    tables = TABLES

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
                raise BookError("unknown_account_type", account=str(number), value=str(kind))
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
                    yield _document(number, on, lines)
                where = f"document:{period.start.year}:{doc_number}"
                current, number, on, lines = doc_id, doc_number, to_date(doc_date, where), []
            cents = to_cents(amount, f"document:{period.start.year}:{doc_number}")
            lines.append(Line(str(account).strip(), cents if debit else -cents, str(text or "")))
        if current is not None:
            yield _document(number, on, lines)

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


def _document(number: int, on: dt.date, lines: list[Line]) -> Document:
    """Tilitin's document 0 holds the period's opening balances."""
    return Document(str(number), str(number), on, tuple(lines), opening=number == 0)
