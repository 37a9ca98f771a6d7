"""Invariants of posting: balance, balance table = entries, database guards, gapless numbers."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tase.ledger import services
from tase.ledger.models import AccountBalance, Entry, Voucher

from .conftest import sale

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL triggers and row locks"
)

ACCOUNTS = ["1910", "1700", "3000", "4000", "7100", "2870", "3010", "4450"]
VAT_FOR = {"3000": "S", "3010": "S-R", "4000": "P", "4450": "P", "7100": "P"}

line_strategy = st.tuples(
    st.sampled_from(ACCOUNTS),
    st.integers(min_value=1, max_value=10_000_000),
    st.booleans(),  # with VAT code when the account takes one
    st.booleans(),  # gross
)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(line_strategy, min_size=1, max_size=6), st.integers(min_value=1, max_value=12))
def test_posted_vouchers_balance_and_table_matches(books, system, lines, month):
    payload = []
    for account, cents, with_vat, gross in lines:
        payload.append(
            {
                "account": account,
                "debit": Decimal(cents) / 100,
                "vat_code": VAT_FOR.get(account) if with_vat else None,
                "gross": gross,
            }
        )
    # Balance the voucher on the bank after VAT: post the first try, read the difference.
    try:
        services.post_voucher(
            system,
            books,
            date=dt.date(2026, month, 10),
            series="MU",
            description="h",
            lines=payload,
        )
    except Exception as error:  # unbalanced by construction: add the counter-line from the message
        assert "does not balance" in str(error)
    entries_before = Entry.objects.count()
    # A balanced version: counter-line computed from the VAT split of each line.
    from tase.rules import vat

    total = 0
    for line in payload:
        cents = int(line["debit"] * 100)
        if line["vat_code"]:
            split = vat.line_vat(
                vat.get(line["vat_code"]), cents, gross=line["gross"], on=dt.date(2026, month, 10)
            )
            total += split.base + split.output_vat + split.input_vat
        else:
            total += cents
    payload.append({"account": "2870", "credit": Decimal(total) / 100})
    voucher = services.post_voucher(
        system, books, date=dt.date(2026, month, 10), series="MU", description="h", lines=payload
    )
    assert sum(e.amount_cents for e in voucher.entries.all()) == 0
    assert Entry.objects.count() > entries_before
    for balance in AccountBalance.objects.filter(company=books):
        entries = Entry.objects.filter(
            account_id=balance.account_id, date__year=balance.year, date__month=balance.month
        )
        debit = entries.filter(amount_cents__gt=0).aggregate(s=Sum("amount_cents"))["s"] or 0
        credit = -(entries.filter(amount_cents__lt=0).aggregate(s=Sum("amount_cents"))["s"] or 0)
        assert (balance.debit_cents, balance.credit_cents) == (debit, credit)


@postgres_only
@pytest.mark.django_db
def test_triggers_refuse_update_and_delete(books, system):
    voucher = services.post_voucher(system, books, **sale())
    for sql in [
        "UPDATE ledger_voucher SET description = 'x' WHERE id = %s",
        "DELETE FROM ledger_voucher WHERE id = %s",
        "UPDATE ledger_entry SET amount_cents = 1 WHERE voucher_id = %s",
        "DELETE FROM ledger_entry WHERE voucher_id = %s",
    ]:
        with (
            pytest.raises(Exception, match="not allowed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [voucher.pk])


ENTRY_INSERT = (
    "INSERT INTO ledger_entry (voucher_id, company_id, account_id, date, amount_cents, "
    "vat_code, is_vat, vat_base_cents, cost_centre, project, text, position) VALUES "
)
ENTRY_VALUES = "(%s, %s, %s, %s, %s, '', false, 0, '', '', '', %s)"


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "amounts, message",
    [
        ([100], "does not balance"),  # one stray entry
        ([100, -100], "has entries already"),  # a balanced pair added to a posted voucher
    ],
)
def test_database_refuses_entries_that_change_a_voucher(world, system, amounts, message):
    services.apply_chart(system, world.company, "limited-company")
    services.create_fiscal_year(
        system, world.company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    voucher = services.post_voucher(system, world.company, **sale())
    account = world.company.accounts.get(number="1910")
    lines = voucher.entries.count()
    params = []
    for position, amount in enumerate(amounts, start=9):
        params += [voucher.pk, world.company.pk, account.pk, voucher.date, amount, position]
    with (
        pytest.raises(Exception, match=message),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(ENTRY_INSERT + ", ".join([ENTRY_VALUES] * len(amounts)), params)
    assert voucher.entries.count() == lines


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_gapless_numbering_under_concurrency(world, system):
    from django.db import connections

    services.apply_chart(system, world.company, "limited-company")
    services.create_fiscal_year(
        system, world.company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    errors = []

    def worker():
        try:
            from tase.ledger.system import SystemActor

            actor = SystemActor()
            for _ in range(10):
                services.post_voucher(actor, world.company, **sale("12.34"))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(Voucher.objects.filter(company=world.company).values_list("number", flat=True))
    assert numbers == list(range(1, 81))
