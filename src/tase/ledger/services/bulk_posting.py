"""Posting many vouchers in one transaction: every voucher checked by the rules of
:func:`.posting.post_voucher`, then numbered per series in one step and written in bulk.

:func:`post_vouchers` is the entry for the paths that post many vouchers at once (a day's
bank reference payments, a recurring-invoice run, an earlier program's book); the CSV import
(:mod:`.imports`) checks its streamed vouchers with the same :func:`.posting.check_voucher` and writes
them with the same :func:`write_vouchers`.

The rules are the single voucher's, shared, not copied: the date in an open fiscal year after
the period lock (Kirjanpitolaki 1336/1997 2:5 §: vouchers are entered in a fixed order and the
books of a closed period are not changed), the accounts the company's own posting accounts,
every amount whole cents within :data:`tase.core.limits.MAX_AMOUNT_CENTS`, VAT split by
:func:`.posting._prepare_entries`, and every voucher balancing. All vouchers are checked
before anything is written; one ``ValidationError`` names every bad voucher and line, and
the transaction writes nothing. The numbers are gapless per series and fiscal year
(KPL 2:6 §): each series' count is taken from its counter in one UPDATE, which locks it
until the transaction ends, and the vouchers of a series get them in the order given. The
database keeps what it keeps for a single voucher too: it adds the entries to the account
balances, refuses an entry in the locked period and numbers out of sequence, and checks
that every voucher balances (ledger migrations 0009, 0014, 0016; docs/security.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.db import execute_qmark

from ..models import Entry, FiscalYear, Voucher, VoucherSeries
from .common import _cache, cents_to_decimal, guard, open_year_and_lock
from .posting import (
    ENTRY_COLUMNS,
    _entry_row,
    _imported_before,
    _next_number,
    check_voucher,
)


@dataclass(frozen=True)
class NewVoucher:
    """One voucher of a batch, with :func:`.posting.post_voucher`'s arguments. ``label``
    names it in an error (default: its place in the batch, "Voucher 3")."""

    date: dt.date | str
    series: str
    description: str
    lines: Sequence[dict]
    source: str = ""
    source_ref: str = ""
    label: str = ""


@dataclass(frozen=True)
class Checked:
    """A voucher that passed every rule, ready to be numbered and written."""

    date: dt.date
    year: FiscalYear
    series: VoucherSeries
    description: str
    entries: list[dict]
    source: str = ""
    source_ref: str = ""


class OpenDates:
    """The open fiscal year of each date of a batch (:func:`.common.check_date_open`'s rule).

    A batch's vouchers fall on a few hundred days of one or two years: a day inside an open
    year already checked and after the lock read with it is open too, so the database is
    asked once per fiscal year (and once for each refused day), not once per voucher."""

    def __init__(self):
        self.spans: list[tuple[FiscalYear, dt.date | None]] = []
        self.refused: dict[dt.date, ValidationError] = {}

    def __call__(self, company: Company, on: dt.date) -> FiscalYear:
        for year, lock in self.spans:
            if year.start <= on <= year.end and (lock is None or on > lock):
                return year
        if on in self.refused:
            raise self.refused[on]
        try:
            year, lock = open_year_and_lock(company, on)
        except ValidationError as error:
            self.refused[on] = error
            raise
        self.spans.append((year, lock))
        return year


@transaction.atomic
def post_vouchers(
    actor, company: Company, vouchers: Sequence[NewVoucher], *, action: str = "post_batch"
) -> list[Voucher]:
    """Post ``vouchers`` (:class:`NewVoucher`) in one transaction: all of them, or none with
    one ``ValidationError`` under ``vouchers`` naming each bad voucher and line. Returns the
    posted vouchers in the order given. As with ``post_voucher``, a voucher whose source and
    ``source_ref`` were posted before (or earlier in the batch) is not posted again: the
    voucher posted then takes its place. One audit event (``action``) records the batch:
    the count, the numbers per series and the total debit."""
    guard(actor, company, "ledger.post")
    cache = _cache(actor, company)
    known = _posted_before(company, vouchers)
    dates = OpenDates()
    rates: dict = {}  # the VAT rates read, by (rate, day), for the whole batch
    problems: list[str] = []
    checked: list[Checked] = []
    slots: list[tuple[str, str] | int] = []  # per voucher: its new index, or its key posted before
    for place, voucher in enumerate(vouchers, start=1):
        key = (voucher.source, voucher.source_ref)
        if voucher.source_ref and key in known:
            slots.append(key)
            continue
        try:
            on, year, series, description, entries = check_voucher(
                company,
                cache,
                year_of=dates,
                date=voucher.date,
                series=voucher.series,
                description=voucher.description,
                lines=voucher.lines,
                rates=rates,
            )
        except ValidationError as error:
            label = voucher.label or _("Voucher %(number)s") % {"number": place}
            problems += [
                f"{label}: {message}"
                for messages in error.message_dict.values()
                for message in messages
            ]
            continue
        if voucher.source_ref:
            known[key] = None  # a later voucher of the batch with this key is this one
        slots.append(len(checked))
        checked.append(
            Checked(on, year, series, description, entries, voucher.source, voucher.source_ref)
        )
    if problems:
        raise ValidationError({"vouchers": problems})
    ids = write_vouchers(actor, company, checked)
    posted = [
        _posted(company, item, pk, number) for item, (pk, number) in zip(checked, ids, strict=True)
    ]
    new_by_key = {
        (item.source, item.source_ref): v for item, v in zip(checked, posted, strict=True)
    }
    earlier = Voucher.objects.in_bulk([pk for pk in known.values() if pk is not None])
    result = [
        posted[slot] if isinstance(slot, int) else new_by_key.get(slot) or earlier[known[slot]]
        for slot in slots
    ]
    if checked:
        audit.record(
            actor.user,
            action,
            company,
            company=company,
            changes={
                "vouchers": [None, len(checked)],
                "numbers": [None, _number_ranges(posted)],
                "total": [
                    None,
                    str(
                        cents_to_decimal(
                            sum(
                                e["amount_cents"]
                                for item in checked
                                for e in item.entries
                                if e["amount_cents"] > 0
                            )
                        )
                    ),
                ],
            },
        )
    return result


def _posted_before(company: Company, vouchers: Sequence[NewVoucher]) -> dict:
    """(source, source_ref) → the id of the voucher posted before with it."""
    refs: dict[str, list[str]] = defaultdict(list)
    for voucher in vouchers:
        if voucher.source_ref:
            refs[voucher.source].append(voucher.source_ref)
    known: dict = {}
    for source, wanted in refs.items():
        for start in range(0, len(wanted), 1000):
            found = _imported_before(company, source, wanted[start : start + 1000])
            known.update({(source, ref): pk for ref, pk in found.items()})
    return known


def _posted(company: Company, item: Checked, pk: int, number: int) -> Voucher:
    voucher = Voucher(
        pk=pk,
        company=company,
        fiscal_year=item.year,
        series=item.series,
        number=number,
        date=item.date,
        description=item.description[:300],
        state=Voucher.State.POSTED,
        source=item.source[:40],
        source_ref=item.source_ref[:200],
        draft_lines=[],
    )
    voucher._state.adding = False
    return voucher


def _number_ranges(vouchers: list[Voucher]) -> list[str]:
    """The numbers given, as "TI 5-9" per series and fiscal year (a run: they are gapless)."""
    spans: dict[tuple[str, int], list[int]] = {}
    for voucher in vouchers:
        span = spans.setdefault((voucher.series.code, voucher.fiscal_year.pk), [voucher.number] * 2)
        span[0], span[1] = min(span[0], voucher.number), max(span[1], voucher.number)
    return [
        f"{code} {low}" if low == high else f"{code} {low}-{high}"
        for (code, _year), (low, high) in spans.items()
    ]


VOUCHER_COLUMNS = (
    "company_id",
    "fiscal_year_id",
    "series_id",
    "number",
    "date",
    "description",
    "state",
    "source",
    "source_ref",
    "draft_lines",
    "created_by_id",
    "created_at",
    "posted_at",
)


def write_vouchers(actor, company: Company, checked: Sequence[Checked]) -> list[tuple[int, int]]:
    """Number and write checked vouchers; returns each one's (id, number) in order.

    The numbers of each series and fiscal year are taken in one counter update and given in
    the order of ``checked``; vouchers and entries are inserted in bulk (COPY on PostgreSQL),
    each in one statement, so the database's per-statement checks see whole vouchers and
    runs of numbers. The database adds the entries to the account balances (migration
    ledger 0014)."""
    if not checked:
        return []
    # Each voucher's (series, year) key, read once (``.pk`` is a property).
    series_years = [(item.series.id, item.year.id) for item in checked]
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    for key in series_years:
        wanted[key] += 1
    first_numbers = {}
    for (series_pk, year_pk), count in sorted(wanted.items()):
        last = _next_number(VoucherSeries(pk=series_pk), FiscalYear(pk=year_pk), count)
        first_numbers[(series_pk, year_pk)] = last - count + 1
    user_id = actor.user.pk if getattr(actor.user, "is_authenticated", False) else None
    # Values adapted for the database once, not once a row by the driver.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    adapted = {
        on: connection.ops.adapt_datefield_value(on) for on in {item.date for item in checked}
    }
    next_numbers = dict(first_numbers)
    keys, voucher_rows = [], []
    company_pk = company.pk  # a property: read once, not once a row
    posted = Voucher.State.POSTED
    for key, item in zip(series_years, checked, strict=True):
        number = next_numbers[key]
        next_numbers[key] = number + 1
        keys.append((key, number))
        voucher_rows.append(
            (
                company_pk,
                key[1],
                key[0],
                number,
                adapted[item.date],
                item.description[:300],
                posted,
                item.source[:40],
                item.source_ref[:200],
                "[]",
                user_id,
                now,
                now,
            )
        )
    bulk_insert(Voucher._meta.db_table, VOUCHER_COLUMNS, voucher_rows)
    ids = {}
    with connection.cursor() as cursor:
        for (series_pk, year_pk), first in first_numbers.items():
            cursor.execute(
                f"SELECT number, id FROM {Voucher._meta.db_table} "
                "WHERE series_id = %s AND fiscal_year_id = %s AND number BETWEEN %s AND %s",
                [series_pk, year_pk, first, next_numbers[(series_pk, year_pk)] - 1],
            )
            ids.update({((series_pk, year_pk), number): pk for number, pk in cursor.fetchall()})
    entry_rows: list[tuple] = []
    add, row = entry_rows.append, _entry_row
    for key_number, item in zip(keys, checked, strict=True):
        voucher_id, day = ids[key_number], adapted[item.date]
        for position, entry in enumerate(item.entries):
            add(row(voucher_id, company_pk, day, position, entry))
    bulk_insert(Entry._meta.db_table, ENTRY_COLUMNS, entry_rows)
    return [(ids[(key, number)], number) for key, number in keys]


def bulk_insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL, one statement, so its per-statement balance
    check sees whole vouchers; on SQLite INSERT … VALUES with many rows a statement (as many
    as its limit of bound values allows: one statement for a batch of an import's size).
    One statement runs SQLite's row triggers (migrations 0009, 0013, 0014) about five times
    faster than executemany, which steps the statement, and so its triggers' look-ups, afresh
    for every row; bound values need no parsing in SQL (a JSON array of the rows did, once
    per column of every row). The rows keep their order, so numbers stay ascending."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            size = max(connection.features.max_query_params // len(columns), 1)
            for start in range(0, len(rows), size):
                chunk = rows[start : start + size]
                execute_qmark(
                    cursor,
                    _values_sql(table, columns, len(chunk)),
                    list(chain.from_iterable(chunk)),
                )


@lru_cache(maxsize=32)
def _values_sql(table: str, columns: tuple[str, ...], count: int) -> str:
    """``INSERT INTO table (columns) VALUES (?, …), …`` for ``count`` rows, in SQLite's own
    placeholders (:func:`tase.db.execute_qmark`); the full-size text made once, not once a batch."""
    per_row = f"({', '.join(['?'] * len(columns))})"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([per_row] * count)
