"""The Finnish bank barcode (pankkiviivakoodi) and its virtual form (virtuaaliviivakoodi).

Source: Finanssiala, *Pankkiviivakoodi-opas* (version 5.3), layout and the official worked
examples quoted in shared/reference/formats-fi.md §2. A virtual barcode is 54 digits:

=========  ======  ==========================================  ==========================
position   length  version 4 (national reference)              version 5 (RF reference)
=========  ======  ==========================================  ==========================
1          1       ``4``                                       ``5``
2-17       16      IBAN digits without ``FI``                  same
18-23      6       euros, zero-padded                          same
24-25      2       cents                                       same
26-28      3       ``000`` (reserve)                           —
26-27      2       —                                           RF check digits
29-48      20      national reference, zero-padded left        —
28-48      21      —                                           RF body, zero-padded left
49-54      6       due date YYMMDD, ``000000`` = none          same
=========  ======  ==========================================  ==========================

Only Finnish IBANs can be encoded; an amount of a million euros or more does not fit and is
encoded as zero (the payer types it), as are invoices without an amount. The printed symbol
is Code 128 in character set C (pairs of digits): start C (105), the 27 pairs, the check
value (105 + Σ position x value) mod 103, stop. :func:`barcode_svg` draws it with
python-barcode.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from barcode import Code128
from barcode.writer import SVGWriter
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from .reference import normalize_reference

MAX_AMOUNT = Decimal("999999.99")
START_C = 105


class BarcodeError(ValueError):
    """Input that cannot be written as a bank barcode (the message names the field)."""


@dataclass(frozen=True)
class BarcodeData:
    """What a virtual barcode carries; ``amount`` None and ``due`` None when encoded as zero."""

    version: int
    iban: str
    amount: Decimal | None
    reference: str
    due: dt.date | None


@lru_cache(maxsize=256)
def _iban_digits(iban: str) -> str:
    """The IBAN's digits after ``FI``; kept for the few accounts of a batch (checking an IBAN
    took about a tenth of an invoice's Finvoice in a recurring run, profiled)."""
    try:
        compact = stdnum_iban.validate(iban)
    except StdnumError:
        raise BarcodeError(f"iban: {iban!r} is not a valid IBAN.") from None
    if not compact.startswith("FI"):
        raise BarcodeError(f"iban: only a Finnish IBAN fits in a bank barcode, not {iban!r}.")
    return compact[2:]


def _amount_digits(amount: Decimal | None) -> str:
    if amount is None:
        return "0" * 8
    amount = Decimal(amount)
    if amount < 0:
        raise BarcodeError("amount: a bank barcode cannot carry a negative amount.")
    if amount != amount.quantize(Decimal("0.01")):
        raise BarcodeError("amount: whole cents only.")
    if amount > MAX_AMOUNT:
        return "0" * 8
    return f"{int(amount * 100):08d}"


def virtual_barcode(iban: str, amount: Decimal | None, reference: str, due: dt.date | None) -> str:
    """The 54-digit virtual barcode: version 4 for a national reference, 5 for an RF one."""
    account = _iban_digits(iban)
    try:
        ref = normalize_reference(reference)
    except ValueError as error:
        raise BarcodeError(f"reference: {error}") from None
    due_digits = due.strftime("%y%m%d") if due else "000000"
    if ref.startswith("RF"):
        body = ref[4:]
        if not body.isdigit() or len(body) > 21:
            raise BarcodeError(
                "reference: only an RF reference with a numeric body of at most 21 digits fits."
            )
        return f"5{account}{_amount_digits(amount)}{ref[2:4]}{body.zfill(21)}{due_digits}"
    return f"4{account}{_amount_digits(amount)}000{ref.zfill(20)}{due_digits}"


def parse_virtual_barcode(code: str) -> BarcodeData:
    """Read a version 4 or 5 virtual barcode back (spaces ignored)."""
    text = "".join(code.split())
    if len(text) != 54 or not text.isdigit() or text[0] not in "45":
        raise BarcodeError("virtual_barcode: 54 digits starting with 4 or 5 are expected.")
    cents = int(text[17:25])
    if text[0] == "4":
        reference = text[28:48].lstrip("0")
    else:
        reference = f"RF{text[25:27]}{text[27:48].lstrip('0')}"
    try:
        reference = normalize_reference(reference)
        iban = stdnum_iban.validate("FI" + text[1:17])
    except (ValueError, StdnumError) as error:
        raise BarcodeError(f"virtual_barcode: {error}") from None
    due = None
    if text[48:] != "000000":  # YYMMDD of this century (the guide's examples run to 2099)
        try:
            due = dt.date(2000 + int(text[48:50]), int(text[50:52]), int(text[52:54]))
        except ValueError:
            raise BarcodeError("virtual_barcode: the due date is not a date.") from None
    return BarcodeData(
        version=int(text[0]),
        iban=iban,
        amount=Decimal(cents) / 100 if cents else None,
        reference=reference,
        due=due,
    )


def code128_values(code: str) -> list[int]:
    """The Code 128 symbol values of a virtual barcode: start C, the digit pairs, the check
    value and stop (106)."""
    encoded = Code128(code).encoded  # start C and the pairs
    if encoded[0] != START_C or len(encoded) != len(code) // 2 + 1:
        raise BarcodeError("virtual_barcode: not encodable in Code 128 set C alone.")
    check = (encoded[0] + sum(i * v for i, v in enumerate(encoded[1:], start=1))) % 103
    return [*encoded, check, 106]


def barcode_svg(code: str, *, module_mm: float = 0.25, height_mm: float = 13.0) -> str:
    """The printed barcode as an SVG document (no human-readable text under the bars; the
    giro form prints the virtual barcode itself beside it). ``module_mm``: the width of the
    narrowest bar; the quiet zone on each side is ten modules."""
    out = io.BytesIO()
    Code128(code, writer=SVGWriter()).write(
        out,
        options={
            "module_width": module_mm,
            "module_height": height_mm,
            "quiet_zone": module_mm * 10,
            "write_text": False,
        },
    )
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]
