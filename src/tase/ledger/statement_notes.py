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


NOTES = (
    Note("principles", _("Accounting principles and valuation methods"), ("small", "full")),
    Note("events_after", _("Material events after the end of the year"), ("small", "full")),
    Note("personnel", _("Average number of personnel"), ("small", "full")),
    Note(
        "guarantees",
        _("Guarantees, pledges and off-balance-sheet commitments"),
        ("micro", "small", "full"),
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
