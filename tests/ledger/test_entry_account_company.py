"""The database refuses an entry booked to an account of another company (migration ledger
0011), on PostgreSQL and on SQLite: raw SQL that skips the services gets an integrity error,
an account with entries cannot move to another company, and the services still post."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from tase.ledger import services
from tase.ledger.models import Account, Entry

from .conftest import sale
from .test_db_posting_rules import ENTRY_INSERT, raw_voucher

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def other_books(world, system):
    services.apply_chart(system, world.other_company, "limited-company")
    return world.other_company


def account(company, number):
    return company.accounts.get(number=number, is_header=False)


def entry_params(voucher_id, company, debit_account, credit_account):
    day = connection.ops.adapt_datefield_value(DAY)
    debit = [voucher_id, company.pk, debit_account.pk, day]
    return [*debit, voucher_id, company.pk, credit_account.pk, day]


def test_an_entry_on_another_companys_account_is_refused(books, other_books):
    voucher_id = raw_voucher(books, number=1, day=DAY)
    own_bank = account(books, "1910")
    own_sales = account(books, "3000")
    foreign_sales = account(other_books, "3000")
    with (
        pytest.raises(IntegrityError, match="account of another company"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(ENTRY_INSERT, entry_params(voucher_id, books, own_bank, foreign_sales))
    assert not Entry.objects.filter(voucher_id=voucher_id).exists()
    with connection.cursor() as cursor:  # the voucher's own accounts are taken
        cursor.execute(ENTRY_INSERT, entry_params(voucher_id, books, own_bank, own_sales))
    assert Entry.objects.filter(voucher_id=voucher_id).count() == 2


def test_an_account_with_entries_stays_in_its_company(world, books, system):
    other = world.other_company  # no chart of its own: no account numbers to clash with
    services.post_voucher(system, books, **sale())
    bank = account(books, "1910")
    with (
        pytest.raises(IntegrityError, match="account of another company"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE ledger_account SET company_id = %s WHERE id = %s", [other.pk, bank.pk]
        )
    assert Account.objects.get(pk=bank.pk).company_id == books.pk
    # An account without entries may still be moved (the chart's own tools never do).
    unused = books.accounts.exclude(entries__isnull=False).filter(is_header=False).first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_account SET name_fi = name_fi WHERE id = %s", [bank.pk])
        cursor.execute(
            "UPDATE ledger_account SET company_id = %s WHERE id = %s",
            [other.pk, unused.pk],
        )
    assert Account.objects.get(pk=unused.pk).company_id == other.pk


def test_the_services_post_and_import_on_their_own_chart(books, other_books, system):
    """Two companies with the same chart: each voucher's entries land on its own accounts."""
    services.post_voucher(system, books, **sale())
    csv = (
        "voucher,date,series,account,debit,credit,vat_code\n"
        "a,2026-03-05,ML,1910,10,,\na,2026-03-05,ML,3000,,10,\n"
    )
    assert services.import_vouchers(system, books, csv.encode())["posted"] == 1
    assert Entry.objects.filter(company=books).exclude(account__company=books).count() == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables")
def test_sqlite_triggers_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for (name,) in cursor.fetchall()}
    assert {
        "ledger_entry_account_company_insert",
        "ledger_entry_account_company_update",
        "ledger_account_company_kept",
    } <= names


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own placeholders path")
def test_the_bulk_write_still_gets_the_refusal_as_an_integrity_error(books, other_books):
    """The bulk write runs its statements on the driver's cursor (tase.db.execute_qmark); a
    trigger's refusal must still come back as Django's IntegrityError, and nothing stays."""
    from tase.ledger.services.bulk_posting import bulk_insert
    from tase.ledger.services.posting import ENTRY_COLUMNS

    voucher_id = raw_voucher(books, number=1, day=DAY)
    day = connection.ops.adapt_datefield_value(DAY)
    rows = [
        (voucher_id, books.pk, account(books, "1910").pk, day, 100, "", False, 0, "", "", "", 0, None),
        (voucher_id, books.pk, account(other_books, "3000").pk, day, -100, "", False, 0, "", "", "", 1, None),
    ]  # fmt: skip
    with pytest.raises(IntegrityError, match="account of another company"), transaction.atomic():
        bulk_insert(Entry._meta.db_table, ENTRY_COLUMNS, rows)
    assert not Entry.objects.filter(voucher_id=voucher_id).exists()
