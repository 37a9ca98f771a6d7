"""Withholding data as the Tax Administration (Verohallinto) delivers it to an employer:
many employees' tax card figures (ennakonpidätystiedot) in one file, read into records for
the bulk tax card import.

What could and could not be verified (searched 6.12.2026):

- The old direct transfer (verokorttien suorasiirto, request file sent 1.11.-31.1., answer
  file from the Tax Administration) is closed: payroll vendors switched it off in 2024
  (Procountor: "Direct transfer of tax cards function has been disabled in the version update
  of August 2024"; support.procountor.fi "Withholding percentage request").
- Its successor is a Vero API interface (api.vero.fi, JSON over HTTPS with the client
  certificate of the Incomes Register's Web Service; vero.fi "Vero API - overview",
  "Technical guidance"). Its message schema is published only in the Vero API developer
  portal behind registration; it could not be read here, so the exact element names below
  are NOT the official schema. What the public sources show a record carries: the tax card
  type, the base and the additional withholding percentage, the annual income limit, the
  card's date and start of validity, the tax year, and the person's identity code (Procountor
  "Verokorttien suorasiirto" and "Withholding percentage request"; vero.fi "Verokortti ja
  ennakkovero", VH/6323/00.01.00/2024).

So this reader takes those fields from an XML or a JSON document, by the English names the
Vero API uses for its fields elsewhere or the Finnish names of the old record description
(case, hyphens and underscores ignored; any namespace; see ``FIELDS``). A record is an
element (XML) or an object (JSON) with an identity code among its direct children; other
elements are containers and ignored. Example::

    <WithholdingData>
      <TaxCard>
        <PersonalIdentityCode>150675-123X</PersonalIdentityCode>
        <TaxYear>2026</TaxYear>
        <ValidFrom>2026-02-01</ValidFrom>
        <WithholdingPercentage>20,5</WithholdingPercentage>
        <AdditionalPercentage>40</AdditionalPercentage>
        <IncomeLimit>35000.00</IncomeLimit>
      </TaxCard>
    </WithholdingData>

XML is parsed with defusedxml (:mod:`tase.formats.safe_xml`: no entities, no DTD tricks),
streamed element by element; its encoding is its declaration's (UTF-8, UTF-16 with a byte
order mark, ISO-8859-1/15), and a file that says UTF-8 but holds Windows-1252 bytes is read
as Windows-1252. JSON: UTF-8 (with or without a byte order mark), UTF-16 with a byte order
mark, else Windows-1252. Numbers take a decimal comma or point; dates are 2026-02-01 or
1.2.2026. A record that cannot be read is an error naming its line; the file's other
records still come back, and the caller writes nothing while there is any error.

Pure Python: no Django.
"""

from __future__ import annotations

import bisect
import codecs
import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from . import safe_xml

# Field → the names it goes by (normalised: lower case, letters and digits only, ä → a).
FIELDS: dict[str, tuple[str, ...]] = {
    "identity_code": (
        "personalidentitycode",
        "identitycode",
        "personid",
        "hetu",
        "henkilotunnus",
        "incomeearnerid",
        "customerid",
    ),
    "year": ("taxyear", "year", "verovuosi", "withholdingyear"),
    "valid_from": (
        "validfrom",
        "startdate",
        "validitystartdate",
        "taxcardstartdate",
        "voimassaalkaen",
        "alkupaiva",
    ),
    "base_rate": (
        "withholdingpercentage",
        "basepercentage",
        "baserate",
        "perusprosentti",
        "ennakonpidatysprosentti",
    ),
    "additional_rate": ("additionalpercentage", "additionalrate", "lisaprosentti"),
    "income_limit": ("incomelimit", "annualincomelimit", "tuloraja", "vuosituloraja"),
    "card_type": ("taxcardtype", "cardtype", "verokorttityyppi"),
}
ALIASES = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
IDENTITY = set(FIELDS["identity_code"])
FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class TaxCardFileError(ValueError):
    """The file as a whole cannot be read (not XML or JSON, malformed, refused, empty)."""


@dataclass(frozen=True)
class Record:
    """One person's withholding data; ``line`` is where it starts in the file (JSON: its
    position in the list)."""

    line: int
    identity_code: str
    year: int | None = None
    valid_from: dt.date | None = None
    base_rate: Decimal | None = None
    additional_rate: Decimal | None = None
    income_limit: Decimal | None = None
    card_type: str = ""


@dataclass
class Result:
    records: list[Record] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    warning: str = ""


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", safe_xml.local(name)).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]", "", text.decode().lower())


def _number(text: str) -> Decimal | None:
    text = (text or "").strip().replace("\xa0", "").replace(" ", "").rstrip("%")
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    match = FI_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text[:10])


LABELS = {
    "year": "tax year",
    "valid_from": "start date",
    "base_rate": "base percentage",
    "additional_rate": "additional percentage",
    "income_limit": "income limit",
}


def _record(line: int, values: dict[str, str]) -> Record:
    """A record from its fields' texts; ValueError names the field that is not readable."""
    parsed: dict = {"line": line, "identity_code": values["identity_code"].strip().upper()}
    parsed["card_type"] = (values.get("card_type") or "").strip()
    for name, parse in (
        ("year", lambda t: int(t) if t.strip() else None),
        ("valid_from", _date),
        ("base_rate", _number),
        ("additional_rate", _number),
        ("income_limit", _number),
    ):
        text = str(values.get(name) or "")
        try:
            parsed[name] = parse(text)
        except ValueError:
            raise ValueError(f"the {LABELS[name]} “{text.strip()}” cannot be read.") from None
    if parsed["year"] is None and parsed["valid_from"] is not None:
        parsed["year"] = parsed["valid_from"].year
    return Record(**parsed)


def _add(result: Result, line: int, values: dict[str, str]) -> None:
    if not (values.get("identity_code") or "").strip():
        result.errors.append((line, "the record has no personal identity code."))
        return
    try:
        result.records.append(_record(line, values))
    except ValueError as error:
        result.errors.append((line, str(error)))


def _read_xml(data: bytes, result: Result) -> None:
    data, result.warning = safe_xml.repair_encoding(data)
    # Line numbers: expat counts them; the element's start is what a clerk looks for.
    lines: dict[int, int] = {}
    position = 0
    parser_lines = _line_index(data)
    try:
        for event, element in safe_xml.iterparse(data):
            if event == "start":
                position += 1
                lines[id(element)] = parser_lines(position)
                continue
            children = list(element)
            names = [normalise(child.tag) for child in children]
            if not IDENTITY.intersection(names):
                continue
            values: dict[str, str] = {}
            for name, child in zip(names, children, strict=True):
                if name in ALIASES and not len(child):
                    values.setdefault(ALIASES[name], (child.text or "").strip())
            _add(result, lines.get(id(element), 0), values)
            element.clear()
    except safe_xml.XmlError as error:
        raise TaxCardFileError(str(error)) from None


def _line_index(data: bytes):
    """The line of the ``n``-th start tag of ``data`` (1-based), found by scanning for
    ``<`` followed by a name character: no second parse."""
    starts = [m.start() for m in re.finditer(rb"<[A-Za-z_]", data)]
    newlines = [m.start() for m in re.finditer(rb"\n", data)]

    def line(n: int) -> int:
        if not 0 < n <= len(starts):
            return 0
        return bisect.bisect_left(newlines, starts[n - 1]) + 1

    return line


def _decode_json(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _json_records(node, found: list[dict]) -> None:
    if isinstance(node, dict):
        keys = {normalise(k): k for k in node}
        if IDENTITY.intersection(keys):
            found.append(node)
            return
        for value in node.values():
            _json_records(value, found)
    elif isinstance(node, list):
        for value in node:
            _json_records(value, found)


def _read_json(data: bytes, result: Result) -> None:
    try:
        document = json.loads(_decode_json(data))
    except ValueError as error:
        raise TaxCardFileError(f"Not well-formed JSON: {error}.") from None
    found: list[dict] = []
    _json_records(document, found)
    for number, item in enumerate(found, start=1):
        values = {}
        for key, value in item.items():
            name = ALIASES.get(normalise(key))
            if name and not isinstance(value, dict | list) and value is not None:
                values.setdefault(name, str(value))
        _add(result, number, values)


def read(data: bytes) -> Result:
    """The records of a withholding-data file (XML or JSON), with the records that cannot be
    read as ``errors``; :class:`TaxCardFileError` when the file as a whole cannot be read."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:2]
    result = Result()
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        text_start = data.decode("utf-16", errors="ignore").lstrip()[:1]
        start = text_start.encode()
    if start.startswith(b"<"):
        _read_xml(data, result)
    elif start[:1] in (b"{", b"["):
        _read_json(data, result)
    else:
        raise TaxCardFileError(
            "The file is neither XML nor JSON: give the Tax Administration's withholding "
            "data file, or a CSV file in the CSV import."
        )
    if not result.records and not result.errors:
        raise TaxCardFileError("The file has no tax card records (no personal identity codes).")
    return result


def looks_like(data: bytes) -> bool:
    """Whether ``data`` starts like XML or JSON (else it is taken for CSV)."""
    head = data[:4]
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="ignore").lstrip()[:1] in ("<", "{", "[")
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"<", b"{", b"[")
