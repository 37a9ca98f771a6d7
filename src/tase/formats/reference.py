"""Finnish payment references: the national reference (kotimainen viite, 7-3-1) and the RF
creditor reference (kansainvälinen viite, ISO 11649).

National reference — Finanssiala, *Kotimaisen viitteen rakenneohje*
(https://www.finanssiala.fi/wp-content/uploads/2021/03/kotimaisen_viitteen_rakenneohje.pdf):
the digits of the base are multiplied right to left by the weights 7, 3, 1, 7, 3, 1 …, the
products summed, and the check digit is the difference to the next multiple of ten (10 → 0),
appended as the last digit. A reference is 4-20 digits including the check digit (a base of
3-19 digits). It is printed in groups of five counted from the right without leading zeros
(``12 34561``); machine-readable forms (camt, bank barcode) may pad it with zeros to 20 digits
(``00000000000001234561``), so leading zeros are stripped before validating.

RF reference — ISO 11649 and Finanssiala, *Kansainvälisen viitteen rakenneohje*: ``RF`` + two
check digits + 1-21 letters or digits; the check digits make the rearranged string (body +
``RF`` + check, letters as 10…35) equal 1 mod 97, as in an IBAN. Finnish practice builds the body
from a national reference including its own check digit: ``2348236`` → ``RF33 2348 236``. It is
printed in groups of four. The mod-97 arithmetic is python-stdnum's (``stdnum.iso11649``,
``stdnum.iso7064.mod_97_10``); python-stdnum has no Finnish national reference, so 7-3-1 is here.

Examples and their sources: shared/reference/formats-fi.md §1.
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

_WEIGHTS = (7, 3, 1)
_SPACES = re.compile(r"[\s\u00a0]+")


class InvalidReference(ValueError):
    """A payment reference that is malformed or has a wrong check digit."""


def _compact(text: str) -> str:
    return _SPACES.sub("", text or "").upper()


def fi_check_digit(base: str) -> str:
    """The 7-3-1 check digit of the digits ``base``."""
    total = sum(int(digit) * _WEIGHTS[i % 3] for i, digit in enumerate(reversed(base)))
    return str(-total % 10)


def fi_reference(base: str | int) -> str:
    """The national reference (machine form, no spaces or leading zeros) of ``base``: its
    digits followed by the 7-3-1 check digit. ``base`` is 3-19 digits (spaces allowed)."""
    digits = _compact(str(base)).lstrip("0")
    if not digits.isdigit() or not 3 <= len(digits) <= 19:
        raise InvalidReference(
            f"The base of a reference must be 3-19 digits (not counting leading zeros), not {base!r}."
        )
    return digits + fi_check_digit(digits)


def rf_reference(body: str | int) -> str:
    """The RF creditor reference (electronic form ``RF…`` without spaces) whose body is
    ``body`` (1-21 letters or digits; in Finland a national reference with its check digit)."""
    text = _compact(str(body))
    if not text.isalnum() or not text.isascii() or not 1 <= len(text) <= 21:
        raise InvalidReference(
            f"The body of an RF reference must be 1-21 letters or digits, not {body!r}."
        )
    return f"RF{mod_97_10.calc_check_digits(text + 'RF')}{text}"


def _valid_fi(digits: str) -> bool:
    return digits.isdigit() and 4 <= len(digits) <= 20 and fi_check_digit(digits[:-1]) == digits[-1]


def normalize_reference(text: str) -> str:
    """The machine form of a national or RF reference written in any common way (spaces,
    lower case, zero padding to 20 digits, trailing space); raises :class:`InvalidReference`
    naming the problem when it is neither."""
    compact = _compact(text)
    if compact.startswith("RF"):
        try:
            return iso11649.validate(compact)
        except ValidationError as error:
            raise InvalidReference(f"{text!r} is not a valid RF reference: {error}.") from None
    digits = compact.lstrip("0")
    if not compact.isdigit():
        raise InvalidReference(
            f"{text!r} is not a reference: only digits, or RF and letters or digits."
        )
    if not 4 <= len(digits) <= 20:
        raise InvalidReference(f"{text!r} is not a reference: it must be 4-20 digits.")
    if not _valid_fi(digits):
        raise InvalidReference(
            f"{text!r} has a wrong check digit: {fi_check_digit(digits[:-1])} is expected last."
        )
    return digits


def is_valid_reference(text: str) -> bool:
    """True if ``text`` is a valid national or RF reference (in any common writing)."""
    try:
        normalize_reference(text)
    except InvalidReference:
        return False
    return True


def reference_kind(text: str) -> str:
    """``"rf"`` for an RF reference, ``"fi"`` for a national one (``text`` must be valid)."""
    return "rf" if normalize_reference(text).startswith("RF") else "fi"


def format_reference(text: str) -> str:
    """The printed form: a national reference in groups of five from the right
    (``12 34561``), an RF reference in groups of four from the left (``RF33 2348 236``)."""
    reference = normalize_reference(text)
    if reference.startswith("RF"):
        return iso11649.format(reference)
    head = len(reference) % 5
    groups = [reference[:head]] if head else []
    groups += [reference[i : i + 5] for i in range(head, len(reference), 5)]
    return " ".join(groups)
