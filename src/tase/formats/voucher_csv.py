"""The voucher CSV import format: reading, with every problem collected by line.

One row per voucher line, header (any column order, names case-insensitive)::

    voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project

- ``voucher``: the file's own key; rows with the same key form one voucher;
- ``date``: 2026-03-31 or 31.3.2026;
- ``series``: MU, ML, OL, PA, TI (empty: MU);
- ``debit`` / ``credit``: one of them on each row; decimal comma or point, spaces
  as thousand separators allowed; amounts with a VAT code are gross (VAT included);
- ``vat_code`` empty for none; ``text``, ``cost_centre``, ``project`` optional.

Encodings: UTF-8 with or without BOM, and Windows-1252. Separators: comma or
semicolon (whichever the header uses). Pure Python: no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

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
FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


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


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise ValueError(f"The file is neither UTF-8 nor Windows-1252 text ({error}).") from None


def parse_date(text: str) -> dt.date:
    text = text.strip()
    match = FI_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def parse_amount(text: str) -> Decimal | None:
    text = (text or "").strip().replace("\xa0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "")  # 1.234,56
    text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse(data: bytes) -> Parsed:
    """Every row read, or the problems with their line numbers (header = line 1)."""
    result = Parsed()
    try:
        text, result.encoding = decode(data)
    except ValueError as error:
        result.errors.append((0, str(error)))
        return result
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        result.errors.append((1, "The file is empty: the header row is missing."))
        return result
    header_line = lines[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    result.delimiter = delimiter
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower().lstrip("\ufeff") for h in next(reader)]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        other = "," if delimiter == ";" else ";"
        hint = ""
        if len(header) == 1 and other in header_line:
            hint = f" The separator seems to be “{other}”, which is not accepted here."
        result.errors.append(
            (
                1,
                f"Missing column(s): {', '.join(missing)}. Expected header: {','.join(COLUMNS)}.{hint}",
            )
        )
        return result
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        result.errors.append((1, f"Unknown column(s): {', '.join(unknown)}."))
        return result
    index = {name: header.index(name) for name in header if name}
    for line_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            result.errors.append(
                (line_number, f"{len(values)} fields, the header has {len(header)}.")
            )
            continue

        def get(name: str, values=values) -> str:
            return values[index[name]].strip() if name in index else ""

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
    return result


def group(rows: list[Row]) -> dict[str, list[Row]]:
    """Rows by voucher key, in file order."""
    vouchers: dict[str, list[Row]] = {}
    for row in rows:
        vouchers.setdefault(row.voucher, []).append(row)
    return vouchers
