"""The notes (liitetiedot) a small company gives with its financial statements, as a guided
list for the statement book's editor.

Valtioneuvoston asetus 1753/2015 (PMA) 3 luku lists the notes of a small company (pienyritys)
and 4 luku those of a micro company (mikroyritys); a micro company gives only a part of them.
Each entry names the topic, the size classes it concerns and, where Tase knows a figure, a
function that suggests a text from the books (the user confirms or rewrites it). The texts
are stored per fiscal year in :class:`tase.ledger.models.StatementBook.notes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Note:
    key: str
    title: object
    forms: tuple[str, ...]
    hint: object = ""  # what the statute asks the note to give, shown under its field


# PMA 3 luku 7 § (a small company; the micro company's notes in 4 luku ask the same of the
# collateral and commitments): the collateral given from the company's own property, split
# into cash pledges, vehicle mortgages, business mortgages, real-estate mortgages and any
# other kind; guarantees and other commitments given; the arrangements off the balance
# sheet, such as leasing and rent liabilities; and, separately, those given on behalf of
# group companies. Read in the statute's summary by Karttunen and Tomminen, Tilisanomat
# 7.3.2022 (tilisanomat.fi/kirjanpito/liitetiedot-annetut-vakuudet-ja-taseen-ulkopuoliset-
# sitoumukset-ja-jarjestelyt); statute: finlex.fi/fi/laki/alkup/2015/20151753.
GUARANTEES_HINT = _(
    "Give the amounts, each on its own line: the collateral given from the company's own "
    "property — cash pledges, vehicle mortgages, business mortgages, real-estate mortgages, "
    "other collateral — and the debts they secure; guarantees and other commitments given; "
    "leasing and rent liabilities and other arrangements off the balance sheet; those given "
    "on behalf of group companies separately. Write “None.” if there are none."
)


NOTES = (
    Note("principles", _("Accounting principles and valuation methods"), ("small", "full")),
    Note("events_after", _("Material events after the end of the year"), ("small", "full")),
    Note("personnel", _("Average number of personnel"), ("small", "full")),
    Note(
        "guarantees",
        _("Guarantees, pledges and off-balance-sheet commitments"),
        ("micro", "small", "full"),
        GUARANTEES_HINT,
    ),
    Note(
        "related_parties", _("Loans and commitments to related parties"), ("micro", "small", "full")
    ),
    Note("other", _("Other notes"), ("micro", "small", "full")),
)
KEYS = tuple(note.key for note in NOTES)


def notes_for(form: str) -> list[Note]:
    return [note for note in NOTES if form in note.forms]


def suggestions(company, year) -> dict[str, str]:
    """Texts Tase can propose from what it knows: the average personnel of the year from the
    apps that keep employments (core's personnel registry: payroll)."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext as _

    from tase.core.registry import average_personnel

    found = {}
    average = average_personnel(company, year.start, year.end)
    if average is not None:
        found["personnel"] = _(
            "The average number of personnel during the financial year was %(count)s."
        ) % {"count": number_format(average, 1)}
    return found
