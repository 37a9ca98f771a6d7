"""Reading the CSV files accountants bring: encodings, separators, Finnish numbers and dates.

- Encodings: UTF-8 with or without BOM, else Windows-1252 (what Excel saves in Finland).
- Separator: comma or semicolon, whichever the header row uses more of.
- Header: names case-insensitive, any order; required columns must be present, unknown ones
  are refused (a typo would otherwise drop a column silently).
- Amounts: decimal comma or point, spaces (also no-break) as thousand separators, 1.234,56.
- Dates: 2026-03-31 or 31.3.2026.

Rows come back with their line numbers (the header is line 1), so every problem can name its
line. Pure Python: no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass
class Table:
    """The data rows of a file as ``(line, {column: text})``, or the file-level errors."""

    rows: Iterator[tuple[int, dict[str, str]]] = field(default_factory=lambda: iter(()))
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
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
    """An amount, or None for an empty cell; ValueError for anything else."""
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


def read(data: bytes, columns: tuple[str, ...], required: tuple[str, ...]) -> Table:
    """Check the header of ``data`` and stream its non-empty rows (see the module doc).

    A row whose field count differs from the header's is reported in ``errors`` as the
    rows are read, so read every row before looking at ``errors``."""
    table = Table()
    try:
        text, table.encoding = decode(data)
    except ValueError as error:
        table.errors.append((0, str(error)))
        return table
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        table.errors.append((1, "The file is empty: the header row is missing."))
        return table
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    table.delimiter = delimiter
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower().lstrip("\ufeff") for h in next(reader)]
    missing = [c for c in required if c not in header]
    if missing:
        other = "," if delimiter == ";" else ";"
        hint = ""
        if len(header) == 1 and other in header_line:
            hint = f" The separator seems to be “{other}”, which is not accepted here."
        table.errors.append(
            (
                1,
                f"Missing column(s): {', '.join(missing)}. "
                f"Expected header: {','.join(columns)}.{hint}",
            )
        )
        return table
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        table.errors.append((1, f"Unknown column(s): {', '.join(unknown)}."))
        return table
    names = [(position, name) for position, name in enumerate(header) if name]

    def rows():
        for line_number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                table.errors.append(
                    (line_number, f"{len(values)} fields, the header has {len(header)}.")
                )
                continue
            cells = {name: values[position].strip() for position, name in names}
            yield line_number, {name: cells.get(name, "") for name in columns}

    table.rows = rows()
    return table
