"""The database keeps the period lock and the account balances itself (migration ledger
0014), on PostgreSQL and on SQLite: raw SQL that skips the services cannot move the lock
back without the audit event of that unlock, cannot write an entry dated in the locked
period, and cannot make the balances disagree with the entries."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Sum, When
from django.db.models.functions import ExtractMonth, ExtractYear
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tase.core import audit
from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.models import AccountBalance, Entry, FiscalYear, PeriodLock

from .conftest import sale
from .test_db_posting_rules import ENTRY_INSERT, raw_voucher

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite")

FEB, JAN = dt.date(2026, 2, 28), dt.date(2026, 1, 31)


@pytest.fixture
def accountant(world):
    return world.actor(Role.ACCOUNTANT)


@pytest.fixture
def main_user(world):
    return world.actor(Role.MAIN_USER)


@pytest.fixture
def locked(books, accountant):
    return services.lock_period(accountant, books, FEB)


def refused(match: str):
    """An integrity error naming ``match``, in a savepoint so that the test goes on."""
    return pytest.raises(IntegrityError, match=match)


def raw(sql: str, params=()):
    """Run ``sql`` as raw SQL would, past every service, in a savepoint."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def day(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def lock_date(company) -> dt.date | None:
    return PeriodLock.objects.filter(company=company).values_list("locked_until", flat=True).first()


# --- the period lock -------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_periodlock SET locked_until = %s WHERE company_id = %s",
        # SQLite refuses no DELETE (the migration says why); PostgreSQL does.
        pytest.param("DELETE FROM ledger_periodlock WHERE company_id = %s", marks=postgresql_only),
    ],
    ids=["move back", "delete"],
)
def test_raw_sql_cannot_unlock(books, locked, sql):
    params = [day(JAN), books.pk] if sql.startswith("UPDATE") else [books.pk]
    with refused("unlock_period audit event"):
        raw(sql, params)
    assert lock_date(books) == FEB
    # ... so nothing can be posted into the locked period after it either.
    with refused("locked"), transaction.atomic():
        raw_voucher(books, number=1, day=dt.date(2026, 2, 10))


def test_raw_sql_may_lock_more(books, locked):
    """Moving the lock forward only protects more; the services record it as lock_period."""
    raw(
        "UPDATE ledger_periodlock SET locked_until = %s WHERE company_id = %s",
        [day(dt.date(2026, 3, 31)), books.pk],
    )
    assert lock_date(books) == dt.date(2026, 3, 31)


def test_unlock_through_the_service_is_allowed_once(books, locked, accountant, main_user):
    services.unlock_period(main_user, books, JAN)
    assert lock_date(books) == JAN
    services.lock_period(accountant, books, FEB)
    # The unlock event Feb -> Jan exists, but the newest lock event is a lock: no replay.
    with refused("unlock_period audit event"):
        raw(
            "UPDATE ledger_periodlock SET locked_until = %s WHERE company_id = %s",
            [day(JAN), books.pk],
        )
    services.unlock_period(main_user, books, None)  # removes the lock, audited
    assert lock_date(books) is None


def test_an_unlock_event_must_name_the_same_change(books, locked, main_user):
    """An unlock event recorded for Feb -> Jan does not let the lock go to December."""
    audit.record(
        main_user.user,
        "unlock_period",
        locked,
        company=books,
        changes={"locked_until": [FEB.isoformat(), JAN.isoformat()]},
    )
    with refused("unlock_period audit event"):
        raw(
            "UPDATE ledger_periodlock SET locked_until = %s WHERE company_id = %s",
            [day(dt.date(2025, 12, 31)), books.pk],
        )
    raw(
        "UPDATE ledger_periodlock SET locked_until = %s WHERE company_id = %s",
        [day(JAN), books.pk],
    )
    assert lock_date(books) == JAN


def test_a_closed_year_stays_locked_even_with_an_unlock_event(books, system, main_user):
    """The database keeps the lock at least at the end of the last closed fiscal year."""
    services.create_fiscal_year(system, books, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31))
    year = FiscalYear.objects.get(company=books, start=dt.date(2026, 1, 1))
    services.close_fiscal_year(main_user, year, override_reason="test")
    lock = PeriodLock.objects.get(company=books)
    assert lock.locked_until == dt.date(2026, 12, 31)
    audit.record(
        main_user.user,
        "unlock_period",
        lock,
        company=books,
        changes={"locked_until": ["2026-12-31", "2026-06-30"]},
    )
    with refused("closed fiscal year"):
        raw(
            "UPDATE ledger_periodlock SET locked_until = %s WHERE company_id = %s",
            [day(dt.date(2026, 6, 30)), books.pk],
        )
    # Reopening the year (the service) moves the lock back, with its unlock event.
    services.reopen_fiscal_year(main_user, year, reason="correction")
    assert lock_date(books) == dt.date(2025, 12, 31)


def test_a_lock_stays_with_its_company(books, world, locked):
    with refused("another company"):
        raw(
            "UPDATE ledger_periodlock SET company_id = %s WHERE company_id = %s",
            [world.other_company.pk, books.pk],
        )


def test_raw_entries_dated_in_the_locked_period_are_refused(books, accountant):
    """A posted voucher made before the lock, with no entries yet: its entries, dated
    in the period now locked, are refused."""
    voucher_id = raw_voucher(books, number=1, day=dt.date(2026, 2, 10))
    bank = books.accounts.get(number="1910").pk
    services.lock_period(accountant, books, FEB)
    params = [voucher_id, books.pk, bank, day(dt.date(2026, 2, 10))]
    with refused("locked"):
        raw(ENTRY_INSERT, params * 2)
    assert not Entry.objects.filter(voucher_id=voucher_id).exists()


@sqlite_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_entry SET amount_cents = amount_cents WHERE voucher_id = %s",
        "UPDATE ledger_voucher SET description = 'changed' WHERE id = %s",
    ],
)
def test_sqlite_refuses_changes_in_the_locked_period(books, system, accountant, sql):
    """SQLite has no immutability triggers (PostgreSQL's are migration 0002): at least the
    locked period cannot be rewritten there."""
    voucher = services.post_voucher(system, books, **sale(day=dt.date(2026, 2, 10)))
    services.lock_period(accountant, books, FEB)
    with refused("locked period"):
        raw(sql, [voucher.pk])
    assert Entry.objects.filter(voucher=voucher).count() == 3


# --- the account balances --------------------------------------------------------------


def entry_sums(company) -> dict:
    """(account, year, month) -> (debit, credit), aggregated from the entries."""
    rows = (
        Entry.objects.filter(company=company)
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("account_id", "y", "m")
        .annotate(
            debit=Sum(
                Case(
                    When(amount_cents__gt=0, then=F("amount_cents")),
                    default=0,
                    output_field=IntegerField(),
                )
            ),
            credit=Sum(
                Case(
                    When(amount_cents__lt=0, then=-F("amount_cents")),
                    default=0,
                    output_field=IntegerField(),
                )
            ),
        )
    )
    return {(r["account_id"], r["y"], r["m"]): (r["debit"], r["credit"]) for r in rows}


def balances(company) -> dict:
    return {
        (b.account_id, b.year, b.month): (b.debit_cents, b.credit_cents)
        for b in AccountBalance.objects.filter(company=company)
        if b.debit_cents or b.credit_cents
    }


def test_raw_entries_are_added_to_the_balances(books):
    """The balances follow the entries whoever writes them: here raw SQL."""
    voucher_id = raw_voucher(books, number=1, day=dt.date(2026, 4, 2))
    on = day(dt.date(2026, 4, 2))
    bank = books.accounts.get(number="1910").pk
    sales = books.accounts.exclude(pk=bank).order_by("number").first().pk
    with connection.cursor() as cursor:
        cursor.execute(
            ENTRY_INSERT.replace("100", "12345"),
            [voucher_id, books.pk, bank, on, voucher_id, books.pk, sales, on],
        )
    assert balances(books) == {(bank, 2026, 4): (12345, 0), (sales, 2026, 4): (0, 12345)}


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    vouchers=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=12),
            st.integers(min_value=1, max_value=50_000_00),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_balances_equal_the_entries(books, system, vouchers):
    """Invariant: whatever is posted or imported, each balance row is the sum of its
    account's entries in its month."""
    with transaction.atomic():
        rows = ["voucher,date,series,account,debit,credit,vat_code"]
        for n, (month, cents, imported) in enumerate(vouchers):
            on = dt.date(2026, month, 5)
            amount = f"{cents / 100:.2f}"
            if imported:
                rows += [f"k{n},{on},ML,1910,{amount},,", f"k{n},{on},ML,3000,,{amount},S"]
            else:
                services.post_voucher(system, books, **sale(amount=amount, day=on))
        if len(rows) > 1:
            services.import_vouchers(system, books, "\n".join(rows).encode() + b"\n")
        assert balances(books) == entry_sums(books)
        transaction.set_rollback(True)


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_accountbalance SET debit_cents = debit_cents + 1",
        "DELETE FROM ledger_accountbalance",
        "INSERT INTO ledger_accountbalance (company_id, account_id, year, month, debit_cents, "
        "credit_cents) SELECT company_id, id, 2026, 5, 1, 0 FROM ledger_account LIMIT 1",
    ],
    ids=["update", "delete", "insert"],
)
def test_postgresql_refuses_writing_the_balances(books, system, sql):
    """Even a role that may write the table (the owner) is refused: only the entries'
    trigger writes it. (tests/core/test_db_roles.py: the application role lacks the right
    as well.)"""
    services.post_voucher(system, books, **sale())
    before = balances(books)
    with refused("the database keeps the balances"):
        raw(sql)
    assert balances(books) == before == entry_sums(books)


@sqlite_only
def test_sqlite_triggers_exist():
    """Django's SQLite schema editor rebuilds a table to alter it, which drops its triggers:
    a later migration of these tables must create them again (see migration 0014)."""
    from importlib import import_module

    wanted = import_module("tase.ledger.migrations.0016_trust_lock_and_balances").SQLITE_TRIGGERS
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for (name,) in cursor.fetchall()}
    assert set(wanted) <= names


@sqlite_only
def test_the_test_databases_flush_empties_a_locked_period(
    transactional_db, books, system, accountant
):
    """Django empties every table between transactional tests (the browser tests) with
    DELETE statements in no fixed order; a DELETE trigger on a locked period refused it and
    every browser test after the first lock failed."""
    from django.core.management import call_command

    services.post_voucher(system, books, **sale(day=dt.date(2026, 2, 10)))
    services.lock_period(accountant, books, FEB)
    call_command("flush", interactive=False, verbosity=0)
    assert not Entry.objects.exists() and not PeriodLock.objects.exists()
