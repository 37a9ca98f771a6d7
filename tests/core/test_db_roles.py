"""PostgreSQL: the application's role owns nothing, and the database refuses it what would
let it rewrite the books (tase.core.dbroles, docs/security.md).

The test database is made by the suite's superuser, so every table is owned by a role
other than the application's, as in production. Each test creates the application's role
inside its own transaction (CREATE ROLE is transactional, so it is rolled back with the
test), grants it exactly what ``tase migrate`` grants (:func:`dbroles.grant_statements`) and
runs SQL with ``SET LOCAL ROLE`` to it.
"""

import datetime as dt
import io
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum

from tase.core import dbroles
from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.models import AccountBalance, Entry, Voucher
from tests.ledger.conftest import books, sale, system  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles"),
]


@pytest.fixture
def app_role(db) -> str:
    name = f"{connection.settings_dict['NAME']}_app"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {dbroles.ident(name)} NOLOGIN")
        for statement in dbroles.grant_statements(name):
            cursor.execute(statement)
    return name


@contextmanager
def as_role(name: str):
    """A savepoint in which the connection acts as ``name``; rolled back at an error (which
    undoes the SET LOCAL), else the role is set back (releasing a savepoint keeps it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {dbroles.ident(name)}")
        yield cursor
        cursor.execute("SET LOCAL ROLE NONE")


@pytest.fixture
def posted(books, system, world):  # noqa: F811
    voucher = services.post_voucher(system, books, **sale())
    return voucher


FORBIDDEN = [
    ("TRUNCATE ledger_entry", "permission denied"),
    ("TRUNCATE core_auditevent", "permission denied"),
    ("TRUNCATE ledger_voucher CASCADE", "permission denied"),
    ("SET LOCAL tase.allow_truncate = on; TRUNCATE ledger_voucher CASCADE", "permission denied"),
    ("ALTER TABLE ledger_voucher DISABLE TRIGGER ledger_voucher_immutable", "must be owner"),
    ("ALTER TABLE ledger_entry DISABLE TRIGGER ALL", "must be owner"),
    ("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only", "must be owner"),
    ("DROP TRIGGER ledger_voucher_rules_insert ON ledger_voucher", "must be owner"),
    ("DROP TABLE core_auditevent CASCADE", "must be owner"),
    ("DROP TABLE ledger_entry CASCADE", "must be owner"),
    ("DROP FUNCTION ledger_refuse_posted_voucher_change() CASCADE", "must be owner"),
    ("CREATE TABLE tase_evil (x integer)", "permission denied for schema"),
    ("UPDATE core_auditevent SET action = 'nothing'", "permission denied"),
    ("DELETE FROM core_auditevent", "permission denied"),
    ("UPDATE ledger_entry SET amount_cents = amount_cents + 1", "permission denied"),
    ("DELETE FROM ledger_entry", "permission denied"),
    ("UPDATE ledger_voucher SET description = 'changed' WHERE state = 'posted'", "not allowed"),
    ("DELETE FROM ledger_voucher WHERE state = 'posted'", "not allowed"),
    ("INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())", "permission"),
    # The balances are the database's, kept from the entries (migration ledger 0014).
    ("UPDATE ledger_accountbalance SET debit_cents = debit_cents + 100", "permission denied"),
    ("DELETE FROM ledger_accountbalance", "permission denied"),
    ("UPDATE ledger_periodlock SET locked_until = '2000-01-31'", "unlock_period audit event"),
    ("DELETE FROM ledger_periodlock", "unlock_period audit event"),
]


@pytest.mark.parametrize("sql, message", FORBIDDEN, ids=[sql for sql, _m in FORBIDDEN])
def test_app_role_is_refused(app_role, posted, accountant, sql, message):
    services.lock_period(accountant, posted.company, dt.date(2026, 1, 31))
    with pytest.raises(DatabaseError, match=message), as_role(app_role) as cursor:
        cursor.execute(sql)
    assert Voucher.objects.get(pk=posted.pk).description == posted.description
    assert Entry.objects.filter(voucher=posted).count() == 3
    assert AuditEvent.objects.filter(action="post").exists()


def test_app_role_raw_postings_are_refused(app_role, posted, world, accountant):
    services.lock_period(accountant, world.company, dt.date(2026, 3, 31))
    insert = (
        "INSERT INTO ledger_voucher (company_id, fiscal_year_id, series_id, number, date, "
        "description, state, source, source_ref, draft_lines, created_at, posted_at) "
        "VALUES (%s, %s, %s, %s, %s, 'raw', 'posted', '', '', '[]', now(), now())"
    )
    row = [world.company.pk, posted.fiscal_year_id, posted.series_id]
    with pytest.raises(DatabaseError, match="locked"), as_role(app_role) as cursor:
        cursor.execute(insert, [*row, 2, dt.date(2026, 3, 31)])
    with pytest.raises(DatabaseError, match="gapless"), as_role(app_role) as cursor:
        cursor.execute(insert, [*row, 3, dt.date(2026, 4, 1)])
    with as_role(app_role) as cursor:  # the next number after the lock: allowed
        cursor.execute(insert, [*row, 2, dt.date(2026, 4, 1)])
    assert Voucher.objects.filter(series_id=posted.series_id).count() == 2


@pytest.fixture
def accountant(world):
    return world.actor(Role.ACCOUNTANT)


def test_app_role_runs_the_books(app_role, books, system, accountant, world):  # noqa: F811
    """What the application does, it may do as its role: post, draft and post, delete a
    draft, reverse, import (COPY), lock and unlock, and write the audit trail, which then
    verifies; the balances follow the entries though the role cannot write them."""
    with as_role(app_role):
        first = services.post_voucher(system, books, **sale(day=dt.date(2026, 1, 10)))
        services.lock_period(accountant, books, dt.date(2026, 1, 31))
        draft = services.save_draft(
            system, books, date=dt.date(2026, 2, 3), series="ML", description="d", lines=[]
        )
        services.delete_draft(system, draft)
        draft = services.save_draft(system, books, **sale(day=dt.date(2026, 2, 4)))
        services.post_draft(system, draft)
        csv = (
            "voucher,date,series,account,debit,credit,vat_code\n"
            "a,2026-02-05,ML,1910,10,,\na,2026-02-05,ML,3000,,10,\n"
        )
        assert services.import_vouchers(system, books, csv.encode())["posted"] == 1
        services.reverse_voucher(system, first, date=dt.date(2026, 2, 10))
        services.unlock_period(world.actor(Role.MAIN_USER), books, None)
        services.post_voucher(system, books, **sale(day=dt.date(2026, 1, 20)))
        call_command("audit", "verify", stdout=_Null())
        with connection.cursor() as cursor:
            assert not dbroles.owns_schema_tables(cursor)
    numbers = Voucher.objects.filter(company=books, series__code="ML").values_list(
        "number", flat=True
    )
    assert sorted(numbers) == [1, 2, 3, 4, 5]
    bank = books.accounts.get(number="1910")
    balance = AccountBalance.objects.filter(account=bank).aggregate(
        debit=Sum("debit_cents"), credit=Sum("credit_cents")
    )
    assert balance["debit"] - balance["credit"] == sum(
        Entry.objects.filter(account=bank).values_list("amount_cents", flat=True)
    )


def test_db_check_tells_the_owner_from_the_application(app_role):
    """`tase db check` passes for the application's role and fails for an owner."""
    out = io.StringIO()
    with as_role(app_role):
        call_command("db", "check", stdout=out)
    assert f"{app_role} owns no table" in out.getvalue()
    with pytest.raises(CommandError, match="could disable the triggers"):
        call_command("db", "check", stdout=io.StringIO())


class _Null:
    def write(self, text):
        pass


def test_setup_statements_refuse_one_role_for_both():
    with pytest.raises(ValueError, match="two different roles"):
        dbroles.setup_statements(database="tase", owner="tase", app="tase")
    with pytest.raises(ValueError, match="Role name"):
        dbroles.grant_statements('tase"; DROP TABLE x; --')
