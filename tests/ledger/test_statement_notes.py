"""The guided notes editor: the notes of each size class (PMA 1753/2015 3 luku 1-13 § for a
small company; 4 luku 4 §: all of them for a micro company except the fair-value information
of 3:5 §, the management-report information of 3:13 § optional), and the note on pledges,
guarantees and off-balance-sheet commitments naming what 3 luku 7 § asks for."""

import pytest

from tase.core.roles import Role
from tase.ledger import financial_statements as fs
from tase.ledger.statement_notes import GUARANTEES_HINT, KEYS, NOTES, notes_for

from .test_financial_statements import Y2025, book_data

pytestmark = pytest.mark.django_db


def test_the_guarantees_note_is_guided_in_every_form():
    for form in ("micro", "small", "full"):
        [note] = [n for n in notes_for(form) if n.key == "guarantees"]
        assert note.hint == GUARANTEES_HINT


def test_the_page_shows_the_guidance_under_the_field(world, books):
    client = world.client(Role.ACCOUNTANT)
    page = client.get(f"/ledger/{books.pk}/financial-statements/", {"form": "micro"})
    text = page.content.decode()
    assert 'aria-describedby="hint-guarantees"' in text
    assert "käteispantit, ajoneuvokiinnitykset, yrityskiinnitykset" in text
    # 3:7 § 1 mom. 4 kohta and 2 mom.: the pension liability, and associates beside the group.
    assert "eläkevastuu, jota ei ole siirretty" in text and "osakkuusyritysten puolesta" in text
    assert 'id="hint-personnel"' not in text  # a note without guidance has none


# PMA 3 luku, in the order of its sections.
SMALL = [
    ("principles", "3:1 §"),
    ("exceptional_items", "3:2 §"),
    ("events_after", "3:3 §"),
    ("revaluation", "3:4 §"),
    ("fair_value", "3:5 §"),
    ("long_term_debt", "3:6 §"),
    ("guarantees", "3:7 §"),
    ("parent", "3:8 §"),
    ("related_parties", "3:9 §"),
    ("related_party_transactions", "3:10 §"),
    ("personnel", "3:11 §"),
    ("own_shares", "3:12 §"),
    ("management_report", "3:13 §, 4:4 §"),
    ("other", "1:3 §"),
]


def test_the_small_company_gives_every_note_of_pma_3_luku():
    assert [(n.key, n.section) for n in notes_for("small")] == SMALL
    assert [n.key for n in notes_for("full")] == [key for key, _ in SMALL]
    assert len(set(KEYS)) == len(NOTES)


def test_the_micro_company_gives_all_but_the_fair_value_information():
    micro = [n.key for n in notes_for("micro")]
    assert micro == [key for key, _ in SMALL if key != "fair_value"]
    # Earlier only the collateral, the loans and the other notes were offered to a micro company.
    for key in ("principles", "events_after", "personnel", "exceptional_items"):
        assert key in micro


def test_a_micro_company_s_notes_are_saved_and_printed(world, two_years):
    year = two_years.fiscal_years.get(end=Y2025)
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/ledger/companies/{two_years.pk}/fiscal-years/{year.pk}/statement-book"
    notes = {
        "principles": "Vaihto-omaisuus on arvostettu hankintamenoon.",
        "events_after": "Ei olennaisia tapahtumia.",
        "personnel": "Henkilöstö keskimäärin 1.",
        "fair_value": "Ei käypään arvoon arvostettuja eriä.",
    }
    saved = client.put(url, book_data(form="micro", notes=notes), content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert client.get(url).json()["notes"] == notes  # kept, whatever the form
    html = fs.statement_book_html(two_years, Y2025)
    for key in ("principles", "events_after", "personnel"):
        assert notes[key] in html, key
    assert notes["fair_value"] not in html  # PMA 4:4 §: not a micro company's note
    page = client.get(f"/ledger/{two_years.pk}/financial-statements/", {"year": year.pk})
    text = page.content.decode()
    assert 'name="note-principles"' in text and "(PMA 3:1 §)" in text
    assert 'name="note-fair_value"' not in text
    assert "Liiketoimet intressitahojen kanssa" in text  # 3:10 §, in Finnish
