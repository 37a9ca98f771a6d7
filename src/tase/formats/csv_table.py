"""Reading the CSV files accountants bring: encodings, separators, Finnish numbers and dates.

- Encodings: UTF-8 with or without BOM, else Windows-1252 (what Excel saves in Finland).
- Separator: comma or semicolon, whichever the header row uses more of.
- Header: names case-insensitive, any order; required columns must be present, unknown ones
  are refused (a typo would otherwise drop a column silently).
- Amounts: decimal comma or point, spaces (also no-break) as thousand separators, 1.234,56.
- Dates: 2026-03-31 or 31.3.2026.
- Text: a control character (a NUL byte, an escape; tab and line breaks are fine) refuses
  its row, so binary junk never reaches the database.

Rows come back with their line numbers (the header is line 1), so every problem can name its
line. Pure Python: no Django.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import itemgetter
from typing import BinaryIO, TextIO

from .i18n import _

FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
PLAIN_AMOUNT = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Table:
    """The data rows of a file as ``(line, {column: text})``, or the file-level errors."""

    rows: Iterator[tuple[int, dict[str, str]]] = field(default_factory=lambda: iter(()))
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    encoding: str = ""
    delimiter: str = ""


BLOCK = 1 << 20


def detect_encoding(stream: BinaryIO) -> str:
    """The encoding of a seekable binary stream, read block by block (the file is never
    held whole): "utf-8-sig" with a BOM, "utf-8" when every byte decodes, else "cp1252".
    Leaves the stream at its start."""
    stream.seek(0)
    if stream.read(3) == b"\xef\xbb\xbf":
        stream.seek(0)
        return "utf-8-sig"
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while block := stream.read(BLOCK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "cp1252"
    stream.seek(0)
    if encoding == "cp1252":
        cp1252 = codecs.getincrementaldecoder("cp1252")()
        try:
            while block := stream.read(BLOCK):
                cp1252.decode(block)
        except UnicodeDecodeError as error:
            stream.seek(0)
            raise ValueError(
                _("The file is neither UTF-8 nor Windows-1252 text (%(error)s).") % {"error": error}
            ) from None
        stream.seek(0)
    return encoding


def count_lines(source: bytes | BinaryIO) -> int:
    """How many lines ``source`` has (for progress), read block by block; a seekable file is
    left at its start."""
    if isinstance(source, bytes | bytearray):
        return source.count(b"\n") + (1 if source and not source.endswith(b"\n") else 0)
    source.seek(0)
    count, last = 0, b""
    while block := source.read(BLOCK):
        count += block.count(b"\n")
        last = block
    source.seek(0)
    return count + (1 if last and not last.endswith(b"\n") else 0)


def open_text(source: bytes | BinaryIO) -> tuple[TextIO, str]:
    """A text stream over ``source`` (bytes, or a seekable binary file such as an upload) in
    its detected encoding, for the csv module (newline=""), and the encoding's name."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    encoding = detect_encoding(stream)
    return io.TextIOWrapper(stream, encoding=encoding, newline=""), encoding


@lru_cache(maxsize=4096)
def parse_date(text: str) -> dt.date:
    """2026-03-31 or 31.3.2026 (a file repeats its dates, so they are remembered)."""
    text = text.strip()
    match = FI_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def parse_amount(text: str) -> Decimal | None:
    """An amount, or None for an empty cell; ValueError for anything else."""
    if not text:
        return None
    if PLAIN_AMOUNT.fullmatch(text):  # most cells: no separators to remove
        return Decimal(text.replace(",", "."))
    text = text.strip().replace("\xa0", "").replace(" ", "")
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


def _control_message(header: list[str], values: list[str]) -> str:
    column, value = next((h, v) for h, v in zip(header, values, strict=True) if CONTROL.search(v))
    character = CONTROL.search(value).group()
    return _("column %(column)s contains a control character (%(character)s); remove it.") % {
        "column": column,
        "character": f"U+{ord(character):04X}",
    }


def read(
    source: bytes | BinaryIO,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    *,
    as_tuples: bool = False,
) -> Table:
    """Check the header of ``source`` and stream its non-empty rows (see the module doc).

    Rows are read lazily, so a file of any size takes flat memory. A row whose field count
    differs from the header's is reported in ``errors`` as the rows are read: read every
    row before looking at ``errors``. ``as_tuples``: each row's cells as a tuple in the
    order of ``columns`` instead of a dict (a large import's reader saves a dict a row)."""
    table = Table()
    try:
        text, table.encoding = open_text(source)
    except ValueError as error:
        table.errors.append((0, str(error)))
        return table
    header_line = text.readline()
    if not header_line.strip():
        table.errors.append((1, _("The file is empty: the header row is missing.")))
        return table
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    table.delimiter = delimiter
    header = [
        h.strip().lower().lstrip("\ufeff")
        for h in next(csv.reader([header_line], delimiter=delimiter))
    ]
    missing = [c for c in required if c not in header]
    if missing:
        other = "," if delimiter == ";" else ";"
        hint = ""
        if len(header) == 1 and other in header_line:
            hint = " " + _(
                "The separator seems to be “%(separator)s”, which is not accepted here."
            ) % {"separator": other}
        table.errors.append(
            (
                1,
                _("Missing column(s): %(missing)s. Expected header: %(header)s.")
                % {"missing": ", ".join(missing), "header": ",".join(columns)}
                + hint,
            )
        )
        return table
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        table.errors.append(
            (1, _("Unknown column(s): %(unknown)s.") % {"unknown": ", ".join(unknown)})
        )
        return table
    width = len(header)
    # A column the file lacks reads the empty cell appended after the row's own.
    pick = itemgetter(*(header.index(name) if name in header else width for name in columns))

    def rows():
        reader = csv.reader(text, delimiter=delimiter)
        strip, control = str.strip, CONTROL.search
        for values in reader:
            line_number = reader.line_num + 1  # the header was line 1
            if len(values) != width:
                if any(v.strip() for v in values):
                    table.errors.append(
                        (
                            line_number,
                            _("%(count)s fields, the header has %(width)s.")
                            % {"count": len(values), "width": width},
                        )
                    )
                continue
            if control("".join(values)):
                table.errors.append((line_number, _control_message(header, values)))
                continue
            values.append("")
            cells = tuple(map(strip, pick(values)))
            if any(cells):
                yield line_number, (cells if as_tuples else dict(zip(columns, cells, strict=True)))

    table.rows = rows()
    return table
