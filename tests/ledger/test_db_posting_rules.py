"""The database itself refuses a posted voucher dated in a locked period or numbered out of
sequence (migration ledger 0009), on PostgreSQL and on SQLite: raw SQL that skips the
services gets an integrity error, and the services' own paths still post."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tase.ledger import services
from tase.ledger.models import FiscalYear, Voucher, VoucherSeries

from .conftest import sale

pytestmark = pytest.mark.django_db

VOUCHER_INSERT = (
    "INSERT INTO ledger_voucher (company_id, fiscal_year_id, series_id, number, date, "
    "description, state, source, source_ref, draft_lines, created_at, posted_at) "
    "VALUES (%s, %s, %s, %s, %s, 'raw', %s, '', '', '[]', %s, %s)"
)


def raw_voucher(company, *, number, day, state="posted", series="ML"):
    """INSERT a voucher row as raw SQL would, past every service; returns its id."""
    year = FiscalYear.objects.get(company=company, start__lte=day, end__gte=day)
    series_id = VoucherSeries.objects.get(company=company, code=series).pk
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            VOUCHER_INSERT,
            [
                company.pk,
                year.pk,
                series_id,
                number,
                connection.ops.adapt_datefield_value(day),
                state,
                now,
                now if state == "posted" else None,
            ],
        )
    return Voucher.objects.get(series_id=series_id, fiscal_year=year, number=number).pk


def refused(match: str):
    """The database refuses the statement (an integrity error naming ``match``); the
    savepoint keeps the test's transaction usable."""
    return pytest.raises(IntegrityError, match=match)


def test_raw_insert_in_a_locked_period_is_refused(books, system, accountant):
    services.post_voucher(system, books, **sale(day=dt.date(2026, 1, 15)))
    services.lock_period(accountant, books, dt.date(2026, 2, 28))
    with refused("locked"), transaction.atomic():
        raw_voucher(books, number=2, day=dt.date(2026, 2, 28))
    # The day after the lock is open: the same row dated then is taken.
    raw_voucher(books, number=2, day=dt.date(2026, 3, 1))


@pytest.mark.parametrize("number", [3, 1, 100])
def test_raw_insert_out_of_sequence_is_refused(books, system, number):
    services.post_voucher(system, books, **sale())  # ML 1
    with refused("gapless|duplicate|UNIQUE"), transaction.atomic():
        raw_voucher(books, number=number, day=dt.date(2026, 3, 20))
    assert raw_voucher(books, number=2, day=dt.date(2026, 3, 20))  # the next is taken


def test_first_number_of_a_series_is_one(books):
    with refused("gapless"), transaction.atomic():
        raw_voucher(books, number=2, day=dt.date(2026, 3, 20))
    assert raw_voucher(books, number=1, day=dt.date(2026, 3, 20))


def test_a_draft_has_no_number(books):
    with refused("draft"), transaction.atomic():
        raw_voucher(books, number=1, day=dt.date(2026, 3, 20), state="draft")


def test_raw_update_posting_a_draft_is_checked(books, system, accountant):
    draft = services.save_draft(
        system, books, date=dt.date(2026, 1, 20), series="ML", description="d", lines=[]
    )
    services.lock_period(accountant, books, dt.date(2026, 1, 31))
    update = "UPDATE ledger_voucher SET state = 'posted', number = %s WHERE id = %s"
    with refused("locked"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(update, [1, draft.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_voucher SET date = %s WHERE id = %s", ["2026-02-02", draft.pk]
        )
    with refused("gapless"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(update, [2, draft.pk])
    with connection.cursor() as cursor:
        cursor.execute(update, [1, draft.pk])
    assert Voucher.objects.get(pk=draft.pk).number == 1


def test_services_post_around_a_lock_in_sequence(books, system, accountant):
    """The services' paths pass the triggers: a post, a draft posted, an import, a reversal,
    after a lock, each number the next of its series."""
    first = services.post_voucher(system, books, **sale(day=dt.date(2026, 1, 10)))
    services.lock_period(accountant, books, dt.date(2026, 1, 31))
    draft = services.save_draft(
        system, books, **(sale(day=dt.date(2026, 2, 3)) | {"lines": sale()["lines"]})
    )
    services.post_draft(system, draft)
    csv = (
        "voucher,date,series,account,debit,credit,vat_code\n"
        "a,2026-02-05,ML,1910,10,,\na,2026-02-05,ML,3000,,10,\n"
        "b,2026-02-06,ML,1910,20,,\nb,2026-02-06,ML,3000,,20,\n"
    )
    assert services.import_vouchers(system, books, csv.encode())["posted"] == 2
    services.reverse_voucher(system, first, date=dt.date(2026, 2, 10))
    numbers = list(
        Voucher.objects.filter(company=books, series__code="ML")
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables")
def test_sqlite_triggers_exist():
    """Django's SQLite schema editor rebuilds a table to alter it, which drops its triggers:
    a later migration of ledger_voucher must create them again (see migration 0009)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        names = {name for (name,) in cursor.fetchall()}
    assert {"ledger_voucher_rules_insert", "ledger_voucher_rules_update"} <= names


ENTRY_INSERT = (
    "INSERT INTO ledger_entry (voucher_id, company_id, account_id, date, amount_cents, "
    "vat_code, is_vat, vat_base_cents, cost_centre, project, text, position) VALUES "
    "(%s, %s, %s, %s, 100, '', false, 0, '', '', '', 0), "
    "(%s, %s, %s, %s, -100, '', false, 0, '', '', '', 1)"
)


@pytest.mark.parametrize("change", ["date", "company", "draft"])
def test_raw_entries_must_match_their_posted_voucher(books, world, accountant, change):
    """An entry dated in the locked month cannot ride on a voucher dated after the lock, nor
    be booked to another company or onto a draft."""
    services.lock_period(accountant, books, dt.date(2026, 2, 28))
    voucher_id = raw_voucher(books, number=1, day=dt.date(2026, 3, 2))
    if change == "draft":
        voucher_id = services.save_draft(
            accountant, books, date=dt.date(2026, 3, 2), series="ML", description="d", lines=[]
        ).pk
    account = books.accounts.get(number="1910").pk
    company = world.other_company.pk if change == "company" else books.pk
    day = dt.date(2026, 2, 27) if change == "date" else dt.date(2026, 3, 2)
    params = [voucher_id, company, account, connection.ops.adapt_datefield_value(day)]
    # Another company's entry also names an account of another company than its own
    # (migration 0011), and an entry dated in the locked month is refused as such (0014):
    # any of the checks may refuse it first.
    with (
        refused(
            "posted voucher, with its date and company|account of another company"
            "|dated in a locked period|in the period locked until"
        ),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(ENTRY_INSERT, params * 2)
    right = [voucher_id, books.pk, account, connection.ops.adapt_datefield_value(day)]
    if change == "date":  # the voucher's own date and company are taken
        right[3] = connection.ops.adapt_datefield_value(dt.date(2026, 3, 2))
        with connection.cursor() as cursor:
            cursor.execute(ENTRY_INSERT, right * 2)
        assert Voucher.objects.get(pk=voucher_id).entries.count() == 2
