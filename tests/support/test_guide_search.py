"""Finnish search that understands Finnish (issue 13, item 8): inflected forms find the guide,
on SQLite and PostgreSQL alike (run this file on both), in the reader's language first."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from tase.support import search, selectors
from tase.support.models import Guide

from .factories import customer, make_guide

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides(world):
    return {
        "palkanlaskenta": make_guide(
            world, title="Palkanlaskenta alkuun", body="Näin aloitat palkanlaskennan."
        ),
        "verokortti": make_guide(
            world, title="Verokortti", body="Työntekijän verokortin tiedot haetaan."
        ),
        "palkka-ajo": make_guide(
            world, title="Palkka-ajo", body="Laske palkat ja hyväksy palkka-ajo."
        ),
        "tosite": make_guide(world, title="Tositteen kirjaus", body="Kirjaa tosite."),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("palkanlaskennan", "palkanlaskenta"),
        ("palkanlaskentaa", "palkanlaskenta"),
        ("palkanlaskenta", "palkanlaskenta"),
        ("verokorttia", "verokortti"),
        ("verokortista", "verokortti"),
        ("palkka-ajon", "palkka-ajo"),
        ("palkka-ajoa", "palkka-ajo"),
        ("tositteen", "tosite"),
    ],
)
def test_an_inflected_form_finds_the_guide(world, guides, query, expected):
    found = selectors.search_guides(customer(world), query)
    assert found and found[0] == guides[expected], [g.title for g in found]


def test_every_word_must_match_unless_any_word(world, guides):
    actor = customer(world)
    assert selectors.search_guides(actor, "verokorttia tositteen") == []
    either = selectors.search_guides(actor, "verokorttia tositteen", any_word=True)
    assert set(either) == {guides["verokortti"], guides["tosite"]}


def test_guides_in_the_readers_language_come_first(world, guides):
    english = make_guide(
        world, title="Palkanlaskenta: getting started", body="Payroll (palkanlaskenta)."
    )
    Guide.objects.filter(pk=english.pk).update(language="en")
    actor = customer(world)
    found = selectors.search_guides(actor, "palkanlaskennan", language="en")
    assert found[0] == english and guides["palkanlaskenta"] in found
    found = selectors.search_guides(actor, "palkanlaskennan", language="fi")
    assert found[0] == guides["palkanlaskenta"] and found[-1] == english
    actor.user.language = "en"
    assert selectors.search_guides(actor, "palkanlaskennan")[0] == english


def test_saving_a_guide_stores_its_stems(world, guides):
    guide = guides["verokortti"]
    guide.refresh_from_db()
    assert guide.search_title == "verokort"
    assert "verokort" in guide.search_body.split()


def test_the_data_migration_stems_existing_guides(world, guides):
    Guide.objects.update(search_title="", search_body="")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM support_guide_fts")
    assert selectors.search_guides(customer(world), "verokorttia") == []
    migration = import_module("tase.support.migrations.0003_guide_stemmed_search")

    class Editor:  # what the migration uses of a schema editor (SQLite's needs no transaction)
        def __init__(self):
            self.connection = connection

        def execute(self, sql, params=()):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration.stem_guides(apps, Editor())
    assert selectors.search_guides(customer(world), "verokorttia") == [guides["verokortti"]]


def test_the_query_is_stemmed_like_the_index():
    assert search.stem_text("Palkka-ajo") == "palk ajo"
    assert search.query_prefixes("palkka-ajon ja verokorttia") == ["palk", "ajo", "verokor"]
    assert search.query_prefixes("'\"*)(") == []
