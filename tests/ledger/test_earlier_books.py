"""Coming from Tilitin or Kitsas (ledger.services.earlier_books): the chart, the years, every voucher,
and each year's trial balance equal to Tilitin's, or nothing."""

import datetime as dt
import sqlite3

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.formats import tilitin
from tase.ledger import selectors, services
from tase.ledger.models import Account, FiscalYear, Voucher
from tase.ledger.services import earlier_books
from tests import earlier_books_files as tilitin_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def tilitin_file(tmp_path):
    return tilitin_files.two_years(tmp_path / "kirjanpito.sqlite")


@pytest.fixture
def company(world, system):
    """A company with Tase's chart and no fiscal years: the books come from Tilitin."""
    services.apply_chart(system, world.company, "limited-company")
    return world.company


def test_everything_is_imported_and_ties_year_by_year(company, tilitin_file, world):
    main_user = world.actor(Role.MAIN_USER)
    report = services.import_books(main_user, company, tilitin_file, program="tilitin")
    assert (report.name, report.business_id) == ("Vanha Oy", "1234567-1")
    first, second = report.years
    assert (first.vouchers, first.skipped, first.closed) == (3, 1, True)  # document 3 is empty
    assert (second.vouchers, second.closed) == (2, False)
    added = set(
        Account.objects.filter(company=company, number__in=["1701", "2251", "7000"]).values_list(
            "number", "type"
        )
    )
    assert ("2251", "equity") in added and ("7000", "expense") in added
    # Added accounts take their place in the financial statements from their neighbours.
    lines = dict(
        Account.objects.filter(company=company).values_list("number", "balance_sheet_line")
    )
    assert lines["1701"] == lines["1700"] and lines["2251"] == lines["2250"] != ""
    years = list(FiscalYear.objects.filter(company=company).order_by("start"))
    assert [y.state for y in years] == ["closed", "open"]
    opening = Voucher.objects.get(
        company=company, source="opening-balances", date=dt.date(2026, 1, 1)
    )
    assert opening.source_ref == "tilitin:2026-01-01:0"
    rent = Voucher.objects.get(company=company, source_ref="tilitin:2025-01-01:2")
    assert rent.date == dt.date(2025, 6, 30) and "2: Vuokra" in rent.description
    # The 2026 balance sheet starts from Tilitin's opening balances.
    sheet = selectors.trial_balance(company, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    bank = next(row for row in sheet if row.account.number == "1910")
    assert bank.balance == 169_990 + 125_500
    assert AuditEvent.objects.filter(action="import_books", company=company).exists()


def test_importing_again_posts_nothing_twice(company, tilitin_file, system):
    services.import_books(system, company, tilitin_file, program="tilitin")
    count = Voucher.objects.filter(company=company).count()
    report = services.import_books(system, company, tilitin_file, program="tilitin")
    assert report.vouchers == 0 and report.already_imported == 5
    assert Voucher.objects.filter(company=company).count() == count


def test_an_unbalanced_document_refuses_everything(company, tmp_path, system):
    path = tilitin_files.two_years(tmp_path / "kirjanpito.sqlite")
    db = sqlite3.connect(path)
    db.execute("UPDATE entry SET amount = 800.11 WHERE description = 'Vuokra' AND debit = 1")
    db.commit()
    db.close()
    with pytest.raises(ValidationError) as error:
        services.import_books(system, company, path, program="tilitin")
    assert "does not balance" in " ".join(error.value.messages)
    assert not Voucher.objects.filter(company=company).exists()
    assert not FiscalYear.objects.filter(company=company).exists()


def test_the_reconciliation_names_the_year_and_the_account(company, tilitin_file, system):
    services.import_books(system, company, tilitin_file, program="tilitin")
    year = FiscalYear.objects.get(company=company, start=dt.date(2025, 1, 1))
    with tilitin.Book(tilitin_file) as book:
        expected = book.trial_balance(book.periods()[0])
    assert earlier_books._reconcile(company, year, expected, "tilitin", "Tilitin") == []
    expected["7000"] += 1
    [difference] = earlier_books._reconcile(company, year, expected, "tilitin", "Tilitin")
    assert "account 7000: Tilitin 800.11, Tase 800.10" in difference


def test_a_kitsas_book_comes_over_with_its_posted_vouchers_only(company, tmp_path, world):
    path = tilitin_files.kitsas_book(tmp_path / "kirjanpito.kitsas")
    report = services.import_books(world.actor(Role.MAIN_USER), company, path, program="kitsas")
    assert (report.program, report.name, report.business_id) == ("Kitsas", "Kitsas Oy", "7654321-7")
    [year] = report.years
    assert year.vouchers == 3 and not year.closed  # the draft is not in the ledger
    opening = Voucher.objects.get(company=company, source="opening-balances")
    assert (
        opening.date == dt.date(2026, 1, 1) and opening.description == "Opening balances (Kitsas)"
    )
    sale = Voucher.objects.get(
        company=company, source="kitsas", description__startswith="Kitsas ML 1"
    )
    assert sale.date == dt.date(2026, 3, 14)
    kinds = dict(Account.objects.filter(company=company).values_list("number", "type"))
    assert kinds["2001"] == "equity" and kinds["2251"] == "equity" and kinds["2939"] == "liability"
    assert (
        "1000" not in kinds
        or kinds["1000"] != "asset"
        or Account.objects.get(company=company, number="1000").is_header
    )
    sheet = selectors.trial_balance(company, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    bank = next(row for row in sheet if row.account.number == "1910")
    assert bank.balance == 250_000 - 80_010
    again = services.import_books(world.actor(Role.MAIN_USER), company, path, program="kitsas")
    assert again.vouchers == 0 and again.already_imported == 3


def test_a_tilitin_file_is_not_a_kitsas_book(company, tilitin_file, system):
    with pytest.raises(ValidationError) as error:
        services.import_books(system, company, tilitin_file, program="kitsas")
    assert error.value.messages == ["The file is not a Kitsas book: the table Tili is missing."]


def test_an_overlapping_year_is_named(company, tilitin_file, system):
    services.create_fiscal_year(
        system, company, start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30)
    )
    with pytest.raises(ValidationError) as error:
        services.import_books(system, company, tilitin_file, program="tilitin")
    assert "overlaps" in " ".join(error.value.messages)
    assert not Voucher.objects.filter(company=company).exists()


def test_a_type_clash_is_named(company, tilitin_file, system):
    Account.objects.filter(company=company, number="3000").update(type="expense")
    with pytest.raises(ValidationError) as error:
        services.import_books(system, company, tilitin_file, program="tilitin")
    assert "Account 3000 is of another type" in " ".join(error.value.messages)
    assert not Voucher.objects.filter(company=company).exists()


def test_not_a_tilitin_file_and_roles(company, tmp_path, world):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\0" * 4096)
    with pytest.raises(ValidationError) as error:
        services.import_books(world.actor(Role.MAIN_USER), company, junk, program="tilitin")
    assert error.value.messages == ["The file is not a Tilitin book."]
    with pytest.raises(PermissionDenied):
        services.import_books(world.actor(Role.VIEWER), company, junk, program="tilitin")


def test_api_page_and_command_side_by_side(company, tilitin_file, world, capsys):
    client = world.client(Role.MAIN_USER)
    content = tilitin_file.read_bytes()
    response = client.post(
        f"/api/v1/ledger/companies/{company.pk}/imports/tilitin",
        {"file": SimpleUploadedFile("kirjanpito.sqlite", content)},
    )
    assert response.status_code == 200, response.content
    assert response.json()["vouchers"] == 5 and len(response.json()["years"]) == 2
    page = f"/ledger/{company.pk}/vouchers/import/earlier-books/"
    response = client.post(
        page,
        {
            "file": SimpleUploadedFile("kirjanpito.sqlite", content),
            "confirm": "1",
            "program": "tilitin",
        },
    )
    assert response.status_code == 200 and not response.context["errors"]
    html = response.content.decode()
    assert 'data-testid="books-report"' in html and "vastaa: Tilitin" in html
    call_command(
        "import-books", str(tilitin_file), "--company", str(company.pk), "--from", "tilitin"
    )
    assert "0 vouchers posted, 5 imported before" in capsys.readouterr().out
    other = world.client(Role.MAIN_USER, other=True)
    assert other.get(page).status_code == 404
    response = other.post(
        f"/api/v1/ledger/companies/{company.pk}/imports/tilitin",
        {"file": SimpleUploadedFile("kirjanpito.sqlite", content)},
    )
    assert response.status_code == 404


def test_kitsas_types_give_the_new_accounts_their_roles(company, tmp_path, world):
    """Kitsas's 1701 (AO, sales receivables) joins the receivables the closing gate and the
    balance-sheet specifications sum; 2251 (BE) would be a second retained-earnings account,
    which the year-end close cannot have, so it stays without a role."""
    path = tilitin_files.kitsas_book(tmp_path / "kirjanpito.kitsas")
    services.import_books(world.actor(Role.MAIN_USER), company, path, program="kitsas")
    roles = dict(Account.objects.filter(company=company).values_list("number", "role"))
    assert roles["1701"] == Account.Role.RECEIVABLES
    assert roles["2251"] == "" and roles["2250"] == Account.Role.RETAINED_EARNINGS
    assert roles["7000"] == ""
