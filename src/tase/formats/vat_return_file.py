"""The periodic VAT return as the Tax Administration's file (record VSRALVKV).

Pure Python, no Django. The file is what OmaVero's file upload and Ilmoitin.fi take:
text lines ``NNN:value``, the code zero-padded to three digits, money in euros with a
decimal comma and two decimals (``301:1234,56``), beginning with ``000:VSRALVKV`` and
ending with ``999:1``.

Source: Verohallinto, *Veroilmoitus oma-aloitteisista veroista, arvonlisäveron tiedot
(VSRALVKV) - tietuekuvaus* (29.8.2024),
https://www.vero.fi/en/About-us/it_developer/data-format-specifications/specifications__return_for_selfassessed/
— the codes as shared/reference/formats-fi.md §6 lists them:

- header: ``000`` record id, ``198`` send time ``ddMMyyyyHHmmss``, ``014`` the producing
  software's id (the maker's Y-tunnus, ``_`` and a suffix), ``048`` software name, ``010``
  the taxpayer's Y-tunnus, ``050`` period type (``K`` month, ``Q`` quarter, ``V`` calendar
  year), ``052`` the month (1-12) or quarter (1-4), left out for a year, ``053`` the year;
- ``056:1`` when the period had no activity, instead of the money fields;
- the money fields 301-314 and 318-320 (315-317, the lower-limit relief, are not given for
  periods from 2025 and Tase does not write them);
- ``042`` the contact phone, when known; ``999:1`` closes the record.

A correction of an earlier period is a new return of the same period with every figure as
it should be: the file has the same shape, so a correction is written the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

RECORD = "VSRALVKV"
MONEY_FIELDS = (
    "301",
    "302",
    "303",
    "304",
    "305",
    "306",
    "318",
    "307",
    "308",
    "309",
    "310",
    "311",
    "312",
    "313",
    "314",
    "319",
    "320",
)
MONTH, QUARTER, YEAR = "K", "Q", "V"


class VatFileError(ValueError):
    """A return that cannot be written or a file that cannot be read; the message says why."""


@dataclass(frozen=True)
class Period:
    """A tax period as the file names it: type, number (month or quarter) and year."""

    kind: str
    year: int
    number: int | None = None

    @classmethod
    def of(cls, start: dt.date, end: dt.date) -> Period:
        """The period covering exactly ``start``-``end``: a calendar month, quarter or year."""
        last = calendar.monthrange(end.year, end.month)[1]
        if start.year != end.year or start.day != 1 or end.day != last or start > end:
            raise VatFileError(
                f"{start.isoformat()}-{end.isoformat()} is not a calendar month, quarter or year"
            )
        if start.month == 1 and end.month == 12:
            return cls(YEAR, start.year)
        if start.month == end.month:
            return cls(MONTH, start.year, start.month)
        if start.month % 3 == 1 and end.month == start.month + 2:
            return cls(QUARTER, start.year, end.month // 3)
        raise VatFileError(
            f"{start.isoformat()}-{end.isoformat()} is not a calendar month, quarter or year"
        )

    @property
    def start(self) -> dt.date:
        if self.kind == YEAR:
            return dt.date(self.year, 1, 1)
        month = self.number if self.kind == MONTH else self.number * 3 - 2
        return dt.date(self.year, month, 1)

    @property
    def end(self) -> dt.date:
        if self.kind == YEAR:
            return dt.date(self.year, 12, 31)
        month = self.number if self.kind == MONTH else self.number * 3
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])


@dataclass(frozen=True)
class VatReturnFile:
    """What one file says: the taxpayer, the period, the money fields in cents."""

    business_id: str
    period: Period
    figures: dict[str, int]
    no_activity: bool
    sent_at: dt.datetime | None = None
    software_id: str = ""
    software_name: str = ""
    phone: str = ""


def euros(cents: int) -> str:
    """Cents as the file's money: euros, a decimal comma, two decimals, a minus sign first."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole},{part:02d}"


SENT_AT = "%d%m%Y%H%M%S"  # field 198, ddMMyyyyHHmmss


def sent_at(fields: dict, error: type[VatFileError] = VatFileError) -> dt.datetime | None:
    """Field 198, the time the file was made, if given; ``error`` when it is not a time."""
    if "198" not in fields:
        return None
    try:
        return dt.datetime.strptime(fields["198"], SENT_AT)
    except ValueError:
        raise error(f"field 198: {fields['198']!r} is not ddMMyyyyHHmmss") from None


def cents(text: str, code: str) -> int:
    """The file's money back to cents; a malformed amount names its field."""
    value = text.strip().replace(",", ".")
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise VatFileError(f"field {code}: {text!r} is not an amount") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise VatFileError(f"field {code}: {text!r} is not an amount in cents")
    return int(amount * 100)


def write(data: VatReturnFile) -> str:
    """The file's text. Every money field is written, zeros too, unless the period had no
    activity (``056:1``), when none is. Field 308 must be the sum the return defines
    (output VAT 301-306 and 318 less the deductible 307): a caller's mistake is refused."""
    figures = {code: int(data.figures.get(code, 0)) for code in MONEY_FIELDS}
    output = sum(figures[c] for c in ("301", "302", "303", "304", "305", "306", "318"))
    if figures["308"] != output - figures["307"]:
        raise VatFileError("field 308 is not 301+302+303+304+305+306+318 - 307")
    if data.no_activity and any(figures.values()):
        raise VatFileError("a period without activity (056) cannot carry amounts")
    if not data.business_id:
        raise VatFileError("field 010: the taxpayer's business ID is missing")
    period = data.period
    lines = [("000", RECORD)]
    if data.sent_at is not None:
        lines.append(("198", data.sent_at.strftime(SENT_AT)))
    if data.software_id:
        lines.append(("014", data.software_id))
    if data.software_name:
        lines.append(("048", data.software_name))
    lines += [("010", data.business_id), ("050", period.kind)]
    if period.number is not None:
        lines.append(("052", str(period.number)))
    lines.append(("053", str(period.year)))
    if data.no_activity:
        lines.append(("056", "1"))
    else:
        lines += [(code, euros(figures[code])) for code in MONEY_FIELDS]
    if data.phone:
        lines.append(("042", data.phone))
    lines.append(("999", "1"))
    return "".join(f"{code}:{value}\n" for code, value in lines)


def read(text: str) -> VatReturnFile:
    """A VSRALVKV file back into its data (Tase's own files and other software's alike).

    Lines may end in CRLF; blank lines are passed over; a line without ``NNN:`` or a
    record other than VSRALVKV is an error naming the line."""
    fields: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        code, sep, value = line.partition(":")
        if not sep or not code.isdigit():
            raise VatFileError(f"line {number}: {line[:40]!r} is not 'code:value'")
        fields[code.zfill(3)] = value.strip()
    if fields.get("000") != RECORD:
        raise VatFileError(f"not a {RECORD} file (000 is {fields.get('000')!r})")
    if fields.get("999") != "1":
        raise VatFileError("the file does not end with 999:1")
    kind = fields.get("050", "")
    if kind not in (MONTH, QUARTER, YEAR):
        raise VatFileError(f"field 050: {kind!r} is not K, Q or V")
    try:
        year = int(fields["053"])
        number = None if kind == YEAR else int(fields["052"])
    except (KeyError, ValueError):
        raise VatFileError("fields 052/053: the period's number or year is missing") from None
    return VatReturnFile(
        business_id=fields.get("010", ""),
        period=Period(kind, year, number),
        figures={code: cents(fields[code], code) for code in MONEY_FIELDS if code in fields},
        no_activity=fields.get("056") == "1",
        sent_at=sent_at(fields),
        software_id=fields.get("014", ""),
        software_name=fields.get("048", ""),
        phone=fields.get("042", ""),
    )
