"""The guided notes editor: the note on pledges, guarantees and off-balance-sheet commitments
names what PMA 1753/2015 3 luku 7 § asks for, in every form that gives the note."""

import pytest

from tase.core.roles import Role
from tase.ledger.statement_notes import GUARANTEES_HINT, notes_for

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
    assert 'id="hint-personnel"' not in text  # a note without guidance has none
