"""A bank account number (IBAN) as printed, whole or masked for someone who may see only its
end: the country code and the last four characters stay, the rest are asterisks."""

SHOWN_AT_END = 4


def compact(iban: str) -> str:
    return "".join(iban.split()).upper()


def grouped(iban: str) -> str:
    """In groups of four, as printed: ``FI21 1234 5600 0007 85``."""
    plain = compact(iban)
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def masked(iban: str) -> str:
    """``FI2112345600000785`` → ``FI** **** **** **07 85``: the same length and grouping as
    the printed number. Empty stays empty; anything too short to hide a part is ``****``."""
    plain = compact(iban)
    if not plain:
        return ""
    if len(plain) <= 2 + SHOWN_AT_END:
        return "****"
    hidden = len(plain) - 2 - SHOWN_AT_END
    return grouped(plain[:2] + "*" * hidden + plain[-SHOWN_AT_END:])
