"""The notes (liitetiedot) a small or micro company gives with its financial statements, as a
guided list for the statement book's editor.

Valtioneuvoston asetus pien- ja mikroyrityksen tilinpäätöksessä esitettävistä tiedoista
1753/2015 (PMA) 3 luku 1-13 § lists the notes of a small company (pienyritys); 4 luku 4 §
applies them all to a micro company (mikroyritys) "lukuun ottamatta 5 §:n mukaisia
kirjanpitolain 5 luvun 2 a ja 2 b §:n tarkoittamia tietoja käyvän arvon mukaisesta
arvostamisesta", and makes the information matching a management report (3 luku 13 §)
optional for it ("voi kuitenkin esittää"). Text read: PMA as first published
(finlex.fi/fi/laki/alkup/2015/20151753, through Finlex's open data; current text
finlex.fi/fi/laki/ajantasa/2015/20151753); later amendments were not checked. The notes a
company gives only when the matter exists (revaluation, fair value, parent company, own
shares) say so in their hint. The full form (KPA 1339/1997 2 luku) asks for more than this
list; the list is its floor.

Each entry names the topic, the size classes it concerns and, where Tase knows a figure, a
function that suggests a text from the books (the user confirms or rewrites it). The texts
are stored per fiscal year in :class:`tase.ledger.models.StatementBook.notes`; the keys are
stable (``related_parties`` is PMA 3:9 §, the loans and commitments to the managing director
and the board).
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
    section: str = ""  # the section of PMA 1753/2015 that asks for it


ALL = ("micro", "small", "full")
# PMA 4 luku 4 § 1 mom.: not the fair-value information of 3 luku 5 §.
NOT_MICRO = ("small", "full")


# PMA 3 luku 7 §: the collateral given from the company's own property, split into cash
# pledges, vehicle mortgages, business mortgages, real-estate mortgages and any other kind,
# at most the amount of the debt it secures (3 mom.); the total of the financial commitments
# off the balance sheet; the nature and purpose of material off-balance-sheet arrangements;
# the pension liability not carried by an insurer; and, separately, the collateral given on
# behalf of group companies and of associated companies (2 mom.).
GUARANTEES_HINT = _(
    "Give the amounts, each on its own line: the collateral given from the company's own "
    "property — cash pledges, vehicle mortgages, business mortgages, real-estate mortgages, "
    "other collateral — and the debts they secure; guarantees and other commitments given; "
    "leasing and rent liabilities and other arrangements off the balance sheet; the pension "
    "liability not transferred to an insurer; those given on behalf of group companies and "
    "of associated companies separately. Write “None.” if there are none."
)


NOTES = (
    Note(
        "principles",
        _("Accounting principles and valuation methods"),
        ALL,
        _(
            "The valuation and accrual principles and methods where the small-company rules "
            "leave a choice; not needed where the exemptions of the section apply (e.g. "
            "inventories first in, first out; planned depreciation equal to the maximum tax "
            "depreciation; no revaluations)."
        ),
        "3:1 §",
    ),
    Note(
        "exceptional_items",
        _("Exceptional items"),
        ALL,
        _("The amount and nature of exceptional income and expense items, unless immaterial."),
        "3:2 §",
    ),
    Note("events_after", _("Material events after the end of the year"), ALL, "", "3:3 §"),
    Note(
        "revaluation",
        _("Revaluation reserve"),
        ALL,
        _(
            "Only if assets have been revalued: the changes in the revaluation reserve during "
            "the year, their tax effects and the book value of the revalued items before the "
            "revaluation."
        ),
        "3:4 §",
    ),
    Note(
        "fair_value",
        _("Valuation at fair value"),
        NOT_MICRO,
        _(
            "Only if financial instruments or investment property are valued at fair value "
            "(Accounting Act 5:2 a and 2 b §), or of derivatives that are not."
        ),
        "3:5 §",
    ),
    Note(
        "long_term_debt",
        _("Long-term debt falling due after five years"),
        ALL,
        _("The total of the long-term debts that fall due after more than five years."),
        "3:6 §",
    ),
    Note(
        "guarantees",
        _("Guarantees, pledges and off-balance-sheet commitments"),
        ALL,
        GUARANTEES_HINT,
        "3:7 §",
    ),
    Note(
        "parent",
        _("Parent company"),
        ALL,
        _(
            "Only if the company belongs to a group: the name and domicile of the parent of "
            "the nearest group that prepares consolidated financial statements."
        ),
        "3:8 §",
    ),
    Note(
        "related_parties",
        _("Loans and commitments to the managing director and board members"),
        ALL,
        _(
            "Per body: the loans granted, their increase and decrease during the year and "
            "their main terms; the guarantees and commitments given on their behalf; the "
            "pension commitments of these offices."
        ),
        "3:9 §",
    ),
    Note(
        "related_party_transactions",
        _("Transactions with related parties"),
        ALL,
        _(
            "Material transactions with related parties not made on normal market terms: "
            "a description, the value, the nature of the relationship."
        ),
        "3:10 §",
    ),
    Note("personnel", _("Average number of personnel"), ALL, "", "3:11 §"),
    Note(
        "own_shares",
        _("Own shares"),
        ALL,
        _(
            "Only if the company acquired or disposed of its own shares during the year or "
            "holds any: the grounds, numbers, nominal or book values, the consideration."
        ),
        "3:12 §",
    ),
    Note(
        "management_report",
        _("Information corresponding to a management report"),
        ALL,
        _(
            "The information of a management report where it is needed for a true and fair "
            "view; a micro company is not obliged to give it."
        ),
        "3:13 §, 4:4 §",
    ),
    Note("other", _("Other notes"), ALL, "", "1:3 §"),
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
