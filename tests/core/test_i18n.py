"""Finnish first, English on request; every user-facing string has a Finnish translation."""

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tase.core.roles import Role
from tase.core.templatetags.tase import format_money

APPS = sorted(p.parent for p in Path(settings.BASE_DIR).glob("*/apps.py"))


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_every_string_of_the_app_is_translated_to_finnish(app, tmp_path, monkeypatch):
    """Extract the app's strings afresh (makemessages in a copy) and require a Finnish text for each."""
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    (copy / "locale").mkdir(exist_ok=True)
    call_command("makemessages", locale=["fi"], verbosity=0, no_obsolete=True)
    po = copy / "locale" / "fi" / "LC_MESSAGES" / "django.po"
    if not po.exists():
        pytest.skip("no translatable strings")
    catalog = read_po(po.open("rb"))
    missing = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert not missing, f"{app.name}: untranslated or fuzzy in locale/fi: {missing[:20]}"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_one_english_text_has_one_translation_across_the_apps(language):
    """Django merges every app's catalogue into one, the first app in INSTALLED_APPS winning, so
    a text that two apps translate differently shows the first app's words in the other app too
    ("Open" of a bank line read "Avoin" instead of "Käsittelemättä"). Texts that mean different
    things carry a context (pgettext, `{% translate … context … %}`); the others read alike."""
    translations: dict[tuple[str | None, str], dict[str, str]] = {}
    for app in APPS:
        po = app / "locale" / language / "LC_MESSAGES" / "django.po"
        if not po.exists():
            continue
        for message in read_po(po.open("rb")):
            if message.id and isinstance(message.id, str) and message.string:
                translations.setdefault((message.context, message.id), {})[app.name] = (
                    message.string
                )
    clashes = {key: by_app for key, by_app in translations.items() if len(set(by_app.values())) > 1}
    assert not clashes, f"translated differently in {language}: {clashes}"


def test_finnish_is_the_default_whatever_the_browser_says(client):
    response = client.get("/login/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "fi" and "Kirjaudu sisään" in response.text


def test_language_is_kept_per_user(world):
    client = world.client(Role.ACCOUNTANT)
    client.post("/i18n/language/", {"language": "en", "next": "/"})
    world.users[Role.ACCOUNTANT].refresh_from_db()
    assert world.users[Role.ACCOUNTANT].language == "en"
    fresh = Client()
    fresh.force_login(world.users[Role.ACCOUNTANT])
    assert "Welcome" in fresh.get("/").text


def test_unknown_language_changes_nothing(world):
    client = world.client(Role.ACCOUNTANT)
    client.post("/i18n/language/", {"language": "xx", "next": "https://evil.example/"})
    world.users[Role.ACCOUNTANT].refresh_from_db()
    assert world.users[Role.ACCOUNTANT].language == "fi"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (123456, "1\xa0234,56\xa0€"),
        (-5, "-0,05\xa0€"),
        ("1234.5", "1\xa0234,50\xa0€"),
        (0, "0,00\xa0€"),
    ],
)
def test_money_in_finnish_format(amount, text):
    from decimal import Decimal

    value = Decimal(amount) if isinstance(amount, str) else amount
    assert format_money(value, "fi") == text


def test_dates_in_finnish_format(world):
    import datetime as dt

    from django.template import Context, Template
    from django.utils import translation

    with translation.override("fi"):
        assert (
            Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(
                Context({"d": dt.date(2026, 12, 31)})
            )
            == "31.12.2026"
        )
    with translation.override("en"):
        assert (
            Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(
                Context({"d": dt.date(2026, 12, 31)})
            )
            == "31.12.2026"
        )


def test_every_parameter_unit_has_a_finnish_name():
    from tase.core.templatetags.tase import PARAMETER_UNITS
    from tase.rules import parameters

    units = {p.unit for p in parameters.all_parameters()}
    assert units <= set(PARAMETER_UNITS), units - set(PARAMETER_UNITS)
