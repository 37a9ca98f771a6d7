"""PostgreSQL: posting a voucher reads the same few rows however full the year is (migration
ledger 0023). The statement triggers' checks (gapless numbers, balance, the entries' voucher
and accounts, the period lock) look each row up by index; before, the plans PL/pgSQL cached
on a connection's first post hashed or filtered the whole ``ledger_voucher`` (and the
accounts of every company) on every post, so posting slowed as a year filled."""

import datetime as dt

import pytest
from django.db import connection

from tase.ledger import services
from tase.ledger.models import Account

from .conftest import post

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache"),
]

TABLES = ("ledger_voucher", "ledger_account", "ledger_periodlock")


def rows_read() -> dict[str, int]:
    """Rows each table gave this transaction, by sequential scan or heap fetch from an
    index (the backend's own counters of the open transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, seq_tup_read + COALESCE(idx_tup_fetch, 0)"
            " FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [list(TABLES)],
        )
        found = dict(cursor.fetchall())
    return {table: found.get(table, 0) for table in TABLES}


def post_some(books, count: int, first_day: int = 1) -> None:
    for n in range(count):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=(first_day + n) % 360)
        post(books, day, ("1910", "10.00"), ("3000", "-10.00"), series="ML")


def test_a_post_reads_a_few_rows_whatever_the_year_holds(books, world, system, accountant):
    services.apply_chart(system, world.other_company, "limited-company")  # another tenant's
    services.lock_period(accountant, books, dt.date(2025, 12, 31))
    post_some(books, 5)  # plans made on a near-empty ledger, as on a new connection
    post_some(books, 200, first_day=10)
    before = rows_read()
    post_some(books, 10, first_day=300)
    after = rows_read()
    read = {table: after[table] - before[table] for table in TABLES}
    # Before migration 0023: every voucher of the database on each post (over 2,000 here),
    # and every company's chart besides the accounts the service reads of its own.
    assert read["ledger_voucher"] <= 10 * 5, read
    chart = Account.objects.filter(company=books).count()
    assert read["ledger_account"] <= 10 * (chart + 10), read
    assert read["ledger_periodlock"] <= 10 * 5, read
