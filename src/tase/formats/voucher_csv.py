"""The voucher CSV import format: reading, with every problem collected by line.

One row per voucher line, header (any column order, names case-insensitive)::

    voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project

- ``voucher``: the file's own key; rows with the same key form one voucher;
- ``date``: 2026-03-31 or 31.3.2026;
- ``series``: MU, ML, OL, PA, TI (empty: MU);
- ``debit`` / ``credit``: one of them on each row; decimal comma or point, spaces
  as thousand separators allowed; amounts with a VAT code are gross (VAT included);
- ``vat_code`` empty for none; ``text``, ``cost_centre``, ``project`` optional.

Encodings, separators, numbers and dates as in :mod:`tase.formats.csv_table`.
Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .csv_table import parse_amount, parse_date, read

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
)
REQUIRED = ("voucher", "date", "account", "debit", "credit")


@dataclass
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


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    bad_vouchers: set[str] = field(default_factory=set)  # keys with a row in error
    encoding: str = ""
    delimiter: str = ""


def parse(data: bytes) -> Parsed:
    """Every row read, or the problems with their line numbers (header = line 1)."""
    result = Parsed()
    table = read(data, COLUMNS, REQUIRED)
    result.encoding, result.delimiter = table.encoding, table.delimiter
    for line_number, cells in table.rows:
        get = cells.__getitem__
        problems = []
        voucher = get("voucher")
        if not voucher:
            problems.append("the voucher column is empty")
        try:
            day = parse_date(get("date"))
        except ValueError:
            day = None
            problems.append(f"“{get('date')}” is not a date (use 2026-03-31 or 31.3.2026)")
        amounts = {}
        for name in ("debit", "credit"):
            try:
                amounts[name] = parse_amount(get(name))
            except ValueError:
                amounts[name] = None
                problems.append(f"{name} “{get(name)}” is not an amount")
        if not get("account"):
            problems.append("the account is empty")
        if problems:
            result.errors.append((line_number, "; ".join(problems) + "."))
            result.bad_vouchers.add(voucher)
            continue
        result.rows.append(
            Row(
                line=line_number,
                voucher=voucher,
                date=day,
                series=(get("series") or "MU").upper(),
                account=get("account"),
                debit=amounts["debit"],
                credit=amounts["credit"],
                vat_code=get("vat_code").upper(),
                text=get("text"),
                cost_centre=get("cost_centre"),
                project=get("project"),
            )
        )
    result.errors[:0] = table.errors
    result.errors.sort(key=lambda error: error[0])
    return result


def group(rows: list[Row]) -> dict[str, list[Row]]:
    """Rows by voucher key, in file order."""
    vouchers: dict[str, list[Row]] = {}
    for row in rows:
        vouchers.setdefault(row.voucher, []).append(row)
    return vouchers
