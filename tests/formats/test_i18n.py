"""The CSV errors of the pure formats reach the user in the page's language: English msgids in
the code (what the formats say alone), Finnish on the Finnish page and in the Finnish API."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation

from tase.core.roles import Role
from tase.formats import i18n, opening_csv, voucher_csv
from tase.ledger import services
from tase.ledger.system import SystemActor

HEADER = "voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project\n"


@pytest.fixture
def books(world):
    system = SystemActor()
    services.apply_chart(system, world.company, "limited-company")
    services.create_fiscal_year(
        system, world.company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    return world.company


def test_alone_the_formats_speak_english():
    """Without an installed translator (a script, a format's own use) the msgid is the text."""
    try:
        i18n.install(None)
        [(line, message)] = voucher_csv.parse(b"voucher,date\n1,1.3.2026\n").errors
        assert line == 1 and message.startswith("Missing column(s): account, debit, credit.")
    finally:
        i18n.install(translation.gettext)


def test_the_formats_speak_the_active_language():
    data = (HEADER + "1,31.2.2026,MU,,abc,,,,,\n").encode()
    with translation.override("fi"):
        [(line, message)] = voucher_csv.parse(data).errors
        assert line == 2
        assert "”31.2.2026” ei ole päivämäärä" in message
        assert "sarakkeen debit arvo ”abc” ei ole summa" in message and "tili puuttuu" in message
        assert (
            "Tuntemattomat sarakkeet: saldo." in opening_csv.parse(b"account,saldo\n").errors[0][1]
        )
        short = voucher_csv.parse((HEADER + "1,2\n").encode()).errors
        assert short == [(2, "2 kenttää, otsikkorivillä on 10.")]
    with translation.override("en"):
        assert "“31.2.2026” is not a date" in voucher_csv.parse(data).errors[0][1]


@pytest.mark.django_db
def test_the_finnish_import_page_shows_finnish_csv_errors(world, books):
    client = world.client(Role.ACCOUNTANT)
    url = reverse("ledger:import", args=[books.pk])
    bad_rows = HEADER + "1,31.2.2026,MU,1910,abc,,,,,\n2,1.3.2026,MU,1910,10,,,Myyn\x00ti,,\n"
    page = client.post(url, {"kind": "vouchers", "file": io.BytesIO(bad_rows.encode())})
    page = page.content.decode()
    assert "Rivi 2: ”31.2.2026” ei ole päivämäärä" in page
    assert "sarakkeen debit arvo ”abc” ei ole summa" in page
    assert "Rivi 3: sarakkeessa text on ohjausmerkki (U+0000); poista se." in page
    assert "is not a date" not in page and "control character" not in page
    header_only = client.post(
        url, {"kind": "vouchers", "file": io.BytesIO(b"tosite;pvm\n1;1.3.2026\n")}
    ).content.decode()
    assert "Puuttuvat sarakkeet: voucher, date, account, debit, credit." in header_only
    assert "Missing column" not in header_only
    assert not books.vouchers.exists()
