"""Opening balances (avaavat saldot) from a CSV: service, UI, command line and API."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tase.core.roles import Role
from tase.ledger import selectors, services
from tase.ledger.models import Entry, FiscalYear, Voucher

pytestmark = pytest.mark.django_db

GOOD = (
    "account;name;debit;credit;balance\n"
    "1910;Pankkitili;12 000,00;;\n"
    "1700;Myyntisaamiset;;;3000\n"
    "2000;Osakepääoma;;2 500,00;\n"
    "2250;Edellisten tilikausien voitto;;;-12500\n"
).encode("cp1252")


def _messages(error: ValidationError) -> str:
    return " ".join(m for ms in error.message_dict.values() for m in ms)


def test_posts_one_voucher_on_the_first_day_and_feeds_the_balance_sheet(books, accountant):
    result = services.import_opening_balances(accountant, books, GOOD)
    voucher = result["voucher"]
    assert result == {"voucher": voucher, "accounts": 4, "skipped": False}
    assert voucher.date == dt.date(2026, 1, 1) and voucher.series.code == "MU"
    assert voucher.source == "opening-balances"
    amounts = dict(voucher.entries.values_list("account__number", "amount_cents"))
    assert amounts == {"1910": 1_200_000, "1700": 300_000, "2000": -250_000, "2250": -1_250_000}
    balances = {
        row.account.number: row.balance
        for row in selectors.trial_balance(books, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    }
    assert balances["1910"] == 1_200_000


def test_the_same_file_twice_is_not_doubled_and_another_is_refused(books, accountant):
    first = services.import_opening_balances(accountant, books, GOOD)["voucher"]
    again = services.import_opening_balances(accountant, books, GOOD)
    assert again["skipped"] and again["voucher"] == first
    other = GOOD.replace(b"12 000,00", b"12 000,01").replace(b"-12500", b"-12500,01")
    with pytest.raises(ValidationError) as error:
        services.import_opening_balances(accountant, books, other)
    assert "reverse" in _messages(error.value)
    services.reverse_voucher(accountant, first, date=dt.date(2026, 1, 1))
    assert not services.import_opening_balances(accountant, books, other)["skipped"]


@pytest.mark.parametrize(
    "rows, expected",
    [
        ("3000;;100;;\n1910;;;100;\n", "Line 2: account 3000 is not a balance sheet account"),
        ("1910;;100;;\n9999;;;100;\n", "Line 3: unknown account 9999"),
        ("1910;;100;;\n2000;;;99,99;\n", "does not balance"),
        ("1910;;100;;\n1910;;;100;\n", "Line 3: account 1910 is on line 2 already"),
        ("1910;;sata;;\n", "Line 2: debit"),
        ("1910;;0;;\n", "The file has no balances"),
    ],
)
def test_bad_files_name_the_line_and_write_nothing(books, accountant, rows, expected):
    data = ("account;name;debit;credit;balance\n" + rows).encode()
    with pytest.raises(ValidationError) as error:
        services.import_opening_balances(accountant, books, data)
    assert expected in _messages(error.value)
    assert not Voucher.objects.filter(company=books).exists()
    assert not Entry.objects.filter(company=books).exists()


def test_a_closed_or_locked_year_takes_none(books, accountant, system):
    services.lock_period(system, books, dt.date(2026, 1, 31))
    with pytest.raises(ValidationError) as error:
        services.import_opening_balances(accountant, books, GOOD)
    assert "locked" in _messages(error.value)


def test_viewer_may_not_import(world, books):
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied or Http404 by role)
        services.import_opening_balances(world.actor(Role.VIEWER), books, GOOD)
    assert not Voucher.objects.filter(company=books).exists()


def test_ui_form(world, books):
    client = world.client(Role.ACCOUNTANT)
    url = reverse("ledger:import", args=[books.pk])
    year = FiscalYear.objects.get(company=books)
    page = client.get(url).content.decode()
    assert 'name="kind" value="opening"' in page
    bad = client.post(
        url,
        {
            "kind": "opening",
            "fiscal_year": year.pk,
            "file": io.BytesIO(b"account,balance\n3000,1\n1910,-1\n"),
        },
    )
    assert bad.status_code == 200 and "Rivi 2: tili 3000" in bad.content.decode()
    good = client.post(url, {"kind": "opening", "fiscal_year": year.pk, "file": io.BytesIO(GOOD)})
    voucher = Voucher.objects.get(company=books, source="opening-balances")
    assert good.status_code == 302 and good["Location"].endswith(f"/vouchers/{voucher.pk}/")
    other = world.client(Role.MAIN_USER, other=True)
    assert other.post(url, {"kind": "opening", "file": io.BytesIO(GOOD)}).status_code == 404


def test_command_line(books, tmp_path):
    path = tmp_path / "avaavat.csv"
    path.write_bytes(GOOD)
    out = io.StringIO()
    call_command(
        "import-opening-balances",
        str(path),
        "--company",
        str(books.pk),
        "--fiscal-year",
        "2026-01-01",
        stdout=out,
    )
    assert "4 accounts" in out.getvalue()
    path.write_bytes(b"account,balance\n3000,1\n1910,-1\n")
    with pytest.raises(CommandError, match="Line 2"):
        call_command("import-opening-balances", str(path), "--company", str(books.pk))
    with pytest.raises(CommandError, match="No fiscal year"):
        call_command(
            "import-opening-balances",
            str(path),
            "--company",
            str(books.pk),
            "--fiscal-year",
            "2030-01-01",
        )


def test_api(world, books):
    base = f"/api/v1/ledger/companies/{books.pk}/imports"
    client = world.client(Role.ACCOUNTANT)
    response = client.post(f"{base}/opening-balances", {"file": io.BytesIO(GOOD)})
    assert response.status_code == 200, response.content
    assert response.json()["accounts"] == 4 and response.json()["voucher"]["series"] == "MU"
    bad = client.post(f"{base}/opening-balances", {"file": io.BytesIO(b"account\n1910\n")})
    assert bad.status_code == 422 and "Rivi 2" in str(bad.json())
    csv = b"voucher,date,series,account,debit,credit\n1,2026-02-01,MU,1910,10,\n1,2026-02-01,MU,1700,,10\n"
    imported = client.post(f"{base}/vouchers", {"file": io.BytesIO(csv)})
    assert imported.json() == {"posted": 1, "skipped": 0, "vouchers": 1}
    other = world.client(Role.MAIN_USER, other=True)
    assert other.post(f"{base}/vouchers", {"file": io.BytesIO(csv)}).status_code == 404
    assert (
        world.client(Role.VIEWER).post(f"{base}/vouchers", {"file": io.BytesIO(csv)}).status_code
        == 403
    )
