"""The recapitulative statement of EU sales (arvonlisäveron yhteenvetoilmoitus, record VSRALVYV).

Pure Python, no Django. The same Ilmoitin.fi / OmaVero text format as the periodic return
(:mod:`.vat_return_file`): lines ``NNN:value``, beginning with ``000:VSRALVYV`` and ending with
``999:1``, money in euros with a decimal comma and two decimals.

Source: Verohallinto, *Arvonlisäveron yhteenvetoilmoitus (VSRALVYV) - tietuekuvaus*, listed
on the Tax Administration's page of file specifications for self-assessed taxes
https://www.vero.fi/en/About-us/it_developer/data-format-specifications/specifications__return_for_selfassessed/
(the Swedish edition
https://www.vero.fi/contentassets/ef5905e0f5b74bcba89aa9ba9c34015d/tietuekuvaus_vsralvyv_swe.pdf).
The PDF could not be read here; the codes below are those three independent filing
implementations agree on (Microsoft's "EU Sales list for Finland" documentation with its
example file, Odoo's Finnish localisation, SoftOne GO), and the header codes are the ones the
periodic return uses for the same things:

- header: ``000`` record id, ``198`` send time ``ddMMyyyyHHmmss``, ``014`` the producing
  software's id, ``048`` its name, ``010`` the filer's Y-tunnus, ``052`` the month (1-12),
  ``053`` the year, ``001`` the number of customer groups that follow;
- one repeating group per customer VAT number: ``102`` the country code of the customer's VAT
  number (Greece ``EL``), ``103`` the VAT number without its country code, ``210`` sales of
  goods (yhteisömyynti, the periodic return's field 311), ``211`` sales of services (field
  312), ``212`` triangular trade (kolmikantakauppa), ``009`` the group's running number;
- ``999:1`` closes the record.

The statement is given per calendar month (Odoo's implementation refuses any other period).
A correction of an earlier month is a new statement of the same month with every customer's
figures as they should be, so a correction is written the same way; the older two-step
layout with a trade-type code ``104`` per row (written by Pupesoft) is not used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .vat_return_file import SENT_AT, VatFileError, cents, euros, sent_at

RECORD = "VSRALVYV"

# Member states by the country code their VAT numbers carry (Greece: EL, not GR).
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
# Northern Ireland's traders (XI) keep EU VAT numbers for goods under the Windsor Framework.
VAT_PREFIXES = EU_COUNTRIES | {"XI"}
NUMBER = re.compile(r"^[0-9A-Z+*]{2,12}$")


class EuSalesFileError(VatFileError):
    """A statement that cannot be written or a file that cannot be read; the message says why."""


@dataclass(frozen=True)
class EuSale:
    """One customer's sales of the month, in cents."""

    country: str
    vat_number: str  # without the country code
    goods: int = 0
    services: int = 0
    triangular: int = 0

    @classmethod
    def of(cls, vat_number: str, **amounts: int) -> EuSale:
        """From a full VAT number as customers give it (``DE 129 273 398``, ``GR…`` for EL)."""
        compact = re.sub(r"[\s.\-]", "", vat_number or "").upper()
        country, number = compact[:2], compact[2:]
        return cls("EL" if country == "GR" else country, number, **amounts)


@dataclass(frozen=True)
class EuSalesStatement:
    business_id: str
    year: int
    month: int
    sales: tuple[EuSale, ...]
    sent_at: dt.datetime | None = None
    software_id: str = ""
    software_name: str = ""


def _check(data: EuSalesStatement) -> list[EuSale]:
    if not data.business_id:
        raise EuSalesFileError("field 010: the filer's business ID is missing")
    if not 1 <= data.month <= 12:
        raise EuSalesFileError(f"field 052: {data.month} is not a month")
    rows = [s for s in data.sales if s.goods or s.services or s.triangular]
    if not rows:
        raise EuSalesFileError("the month has no EU sales to report")
    seen = set()
    for sale in rows:
        key = (sale.country, sale.vat_number)
        if sale.country == "FI" or sale.country not in VAT_PREFIXES:
            raise EuSalesFileError(
                f"field 102: {sale.country!r} ({sale.country}{sale.vat_number}) "
                "is not another member state's VAT number"
            )
        if not NUMBER.match(sale.vat_number):
            raise EuSalesFileError(f"field 103: {sale.vat_number!r} is not a VAT number")
        if key in seen:
            raise EuSalesFileError(f"field 103: {sale.country}{sale.vat_number} appears twice")
        seen.add(key)
    return sorted(rows, key=lambda s: (s.country, s.vat_number))


def write(data: EuSalesStatement) -> str:
    """The file's text: the customers in the order of their VAT numbers, each with goods,
    services and triangular trade (zeros too); a customer whose figures are all zero is left
    out, and a month without any EU sales is refused (no statement is due for it)."""
    rows = _check(data)
    lines = [("000", RECORD)]
    if data.sent_at is not None:
        lines.append(("198", data.sent_at.strftime(SENT_AT)))
    if data.software_id:
        lines.append(("014", data.software_id))
    if data.software_name:
        lines.append(("048", data.software_name))
    lines += [
        ("010", data.business_id),
        ("052", str(data.month)),
        ("053", str(data.year)),
        ("001", str(len(rows))),
    ]
    for number, sale in enumerate(rows, start=1):
        lines += [
            ("102", sale.country),
            ("103", sale.vat_number),
            ("210", euros(sale.goods)),
            ("211", euros(sale.services)),
            ("212", euros(sale.triangular)),
            ("009", str(number)),
        ]
    lines.append(("999", "1"))
    return "".join(f"{code}:{value}\n" for code, value in lines)


def read(text: str) -> EuSalesStatement:
    """A VSRALVYV file back into its data; a malformed line or group is named."""
    header: dict[str, str] = {}
    sales: list[EuSale] = []
    group: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        code, sep, value = line.partition(":")
        if not sep or not code.isdigit():
            raise EuSalesFileError(f"line {number}: {line[:40]!r} is not 'code:value'")
        code, value = code.zfill(3), value.strip()
        if code in ("102", "103", "210", "211", "212"):
            group[code] = value
        elif code == "009":
            if "102" not in group or "103" not in group:
                raise EuSalesFileError(f"line {number}: group {value} lacks 102 or 103")
            try:
                amounts = {
                    name: cents(group[field], field) if field in group else 0
                    for name, field in (
                        ("goods", "210"),
                        ("services", "211"),
                        ("triangular", "212"),
                    )
                }
            except VatFileError as error:
                raise EuSalesFileError(f"group {value}: {error}") from None
            sales.append(EuSale(group["102"], group["103"], **amounts))
            group = {}
        else:
            header[code] = value
    if header.get("000") != RECORD:
        raise EuSalesFileError(f"not a {RECORD} file (000 is {header.get('000')!r})")
    if header.get("999") != "1":
        raise EuSalesFileError("the file does not end with 999:1")
    if group:
        raise EuSalesFileError("the last customer group is not closed by 009")
    if header.get("001") != str(len(sales)):
        raise EuSalesFileError(f"field 001 says {header.get('001')}, the file has {len(sales)}")
    try:
        year, month = int(header["053"]), int(header["052"])
    except (KeyError, ValueError):
        raise EuSalesFileError("fields 052/053: the month or the year is missing") from None
    return EuSalesStatement(
        business_id=header.get("010", ""),
        year=year,
        month=month,
        sales=tuple(sales),
        sent_at=sent_at(header, EuSalesFileError),
        software_id=header.get("014", ""),
        software_name=header.get("048", ""),
    )
