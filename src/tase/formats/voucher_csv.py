"""The voucher CSV import format: reading, with every problem collected by line.

One row per voucher line, header (any column order, names case-insensitive)::

    voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project,delivery_date

- ``voucher``: the file's own key; consecutive rows with the same key form one voucher (a
  key that comes back after other vouchers starts a voucher of its own);
- ``date``: 2026-03-31 or 31.3.2026;
- ``series``: MU, ML, OL, PA, TI (empty: MU);
- ``debit`` / ``credit``: one of them on each row; decimal comma or point, spaces
  as thousand separators allowed; amounts with a VAT code are gross (VAT included);
- ``vat_code`` empty for none; ``text``, ``cost_centre``, ``project`` optional;
- ``delivery_date`` optional: the date of delivery of a VAT-coded line when it is not the
  voucher's date (its VAT rate is the one in force then).

Encodings, separators, numbers and dates as in :mod:`tase.formats.csv_table`.
Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from .csv_table import parse_amount, parse_date, read
from .i18n import _

COLUMNS = (
    "voucher",
    "date",
    "series",
    "account",
    "debit",
    "credit",
    "vat_code",
    "text",
    "cost_centre",
    "project",
    "delivery_date",
)
REQUIRED = ("voucher", "date", "account", "debit", "credit")


@dataclass(slots=True)
class Row:
    line: int
    voucher: str
    date: dt.date
    series: str
    account: str
    debit: Decimal | None
    credit: Decimal | None
    vat_code: str
    text: str
    cost_centre: str
    project: str
    delivery_date: dt.date | None = None


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    bad_vouchers: set[str] = field(default_factory=set)  # keys with a row in error
    encoding: str = ""
    delimiter: str = ""


class Reader:
    """Streams the vouchers of a file (bytes or a seekable binary file), keeping only the
    voucher at hand: ``errors`` fills as the file is read, in line order per kind."""

    def __init__(self, source):
        self.table = read(source, COLUMNS, REQUIRED, as_tuples=True)
        self.row_errors: list[tuple[int, str]] = []
        self.bad_vouchers: set[str] = set()

    @property
    def encoding(self) -> str:
        return self.table.encoding

    @property
    def delimiter(self) -> str:
        return self.table.delimiter

    @property
    def has_errors(self) -> bool:
        return bool(self.table.errors or self.row_errors)

    @property
    def errors(self) -> list[tuple[int, str]]:
        return sorted(self.table.errors + self.row_errors, key=lambda error: error[0])

    def rows(self) -> Iterator[Row | None]:
        """Every row read; None in place of a row in error (its problem is in ``errors``)."""
        for line_number, cells in self.table.rows:
            row = _row(line_number, cells, self.row_errors)
            if row is None:
                self.bad_vouchers.add(cells[0])
            yield row

    def vouchers(self) -> Iterator[tuple[str, list[Row], bool]]:
        """``(key, rows, complete)`` per run of consecutive rows with the same key;
        ``complete`` is False when a row of it was in error."""
        key, rows, complete = None, [], True
        errors = self.row_errors
        for line_number, cells in self.table.rows:
            if cells[0] != key:
                if key is not None:
                    yield key, rows, complete
                key, rows, complete = cells[0], [], True
            row = _row(line_number, cells, errors)
            if row is None:
                self.bad_vouchers.add(key)
                complete = False
            else:
                rows.append(row)
        if key is not None:
            yield key, rows, complete


def _row(line_number: int, cells: tuple[str, ...], errors: list) -> Row | None:
    """The row of ``cells`` (in :data:`COLUMNS` order), or None with its problems appended
    to ``errors``. A row without problems takes the straight path: a date or an amount in
    error is parsed again on the slow path, which names each problem in order."""
    key, date, series, account, debit, credit, vat_code, text, centre, project, delivery = cells
    if key and account:
        try:
            return Row(
                line_number,
                key,
                parse_date(date),
                series.upper() if series else "MU",
                account,
                parse_amount(debit),
                parse_amount(credit),
                vat_code.upper(),
                text,
                centre,
                project,
                parse_date(delivery) if delivery else None,
            )
        except ValueError:
            pass
    problems = []
    if not key:
        problems.append(_("the voucher column is empty"))
    try:
        parse_date(date)
    except ValueError:
        problems.append(
            _("“%(value)s” is not a date (use 2026-03-31 or 31.3.2026)") % {"value": date}
        )
    for name, value in (("debit", debit), ("credit", credit)):
        try:
            parse_amount(value)
        except ValueError:
            problems.append(
                _("%(column)s “%(value)s” is not an amount") % {"column": name, "value": value}
            )
    if delivery:
        try:
            parse_date(delivery)
        except ValueError:
            problems.append(_("delivery date “%(value)s” is not a date") % {"value": delivery})
    if not account:
        problems.append(_("the account is empty"))
    errors.append((line_number, "; ".join(problems) + "."))
    return None


def parse(data) -> Parsed:
    """Every row of a (small) file read into memory, with the problems by line number."""
    reader = Reader(data)
    rows = [row for row in reader.rows() if row is not None]
    return Parsed(
        rows=rows,
        errors=reader.errors,
        bad_vouchers=reader.bad_vouchers,
        encoding=reader.encoding,
        delimiter=reader.delimiter,
    )
