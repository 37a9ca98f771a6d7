"""CSV import of vouchers: checked, idempotent, written in bulk batches."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company

from ..models import Entry, FiscalYear, Voucher, VoucherSeries
from .common import _cache, check_date_open, guard, locked_until, series_for
from .posting import (
    ENTRY_COLUMNS,
    _entry_row,
    _imported_before,
    _next_number,
    _prepare_entries,
)


def _import_ref(key: str, rows) -> str:
    """The voucher's reference for idempotent imports: its key and a digest of its rows."""
    digest = hashlib.sha256()
    for row in rows:
        # A delivery date counts only where given, so files without the column keep the
        # references of earlier imports.
        delivery = f"|{row.delivery_date!s}" if row.delivery_date else ""
        digest.update(
            f"{row.date!s}|{row.series}|{row.account}|{row.debit!s}|{row.credit!s}|"
            f"{row.vat_code}|{row.text}|{row.cost_centre}|{row.project}{delivery}".encode()
        )
    return f"{key[:100]}:{digest.hexdigest()[:40]}"


IMPORT_BATCH = 1000  # vouchers written at a time; also how often progress is reported


def _first(item: tuple):
    return item[0]


def _open_year(company, years: dict, on: dt.date) -> FiscalYear | ValidationError:
    """The open fiscal year of ``on``, or why the date is refused (:func:`check_date_open`).
    A file's vouchers fall on a few hundred days of one or two years: a day inside an open
    year already checked and after the lock read with it is open too, so the database is
    asked once per fiscal year (and for each refused day), not once per day."""
    spans = years.setdefault("spans", [])
    for year, lock in spans:
        if year.start <= on <= year.end and (lock is None or on > lock):
            return year
    try:
        year = check_date_open(company, on)
    except ValidationError as error:
        return error
    spans.append((year, locked_until(company)))
    return year


def _check_import_voucher(
    company, cache, years, key, rows, untitled: str
) -> tuple | list[tuple[int, str]]:
    """The voucher of one key's rows ready to write, ``(ref, date, series, description,
    entries)``, or its problems as ``(line, message)``. ``untitled``: the description of a
    voucher whose rows have no text, with ``%(key)s``."""
    labels = [row.line for row in rows]

    def where() -> str:
        lines = (
            ", ".join(str(n) for n in labels) if len(labels) <= 10 else f"{labels[0]}-{labels[-1]}"
        )
        return _("Voucher %(key)s (line %(lines)s)") % {"key": key, "lines": lines}

    if len({(row.date, row.series) for row in rows}) > 1:
        return [(labels[0], where() + ": " + _("the rows differ in date or series."))]
    on, series = rows[0].date, rows[0].series
    try:
        if on not in years:
            years[on] = _open_year(company, years, on)
        if isinstance(years[on], ValidationError):
            raise years[on]
        if series not in cache["series"]:
            cache["series"][series] = series_for(company, series)
        entries = _prepare_entries(
            company,
            on,
            [
                {
                    "account": row.account,
                    "debit": row.debit,
                    "credit": row.credit,
                    "vat_code": row.vat_code,
                    "gross": True,
                    "text": row.text,
                    "cost_centre": row.cost_centre,
                    "project": row.project,
                    "delivery_date": row.delivery_date,
                }
                for row in rows
            ],
            labels=labels,
            accounts=cache["accounts"],
            vat_accounts=cache["vat_accounts"],
        )
    except ValidationError as error:
        line_prefix = _("Line %(line)s: %(message)s").split("%")[0]
        return [
            (labels[0], message if message.startswith(line_prefix) else f"{where()}: {message}")
            for messages in error.message_dict.values()
            for message in messages
        ]
    description = next((row.text for row in rows if row.text), "") or untitled % {"key": key}
    return (_import_ref(key, rows), on, series, description, entries)


@transaction.atomic
def import_vouchers(actor, company: Company, source, *, progress=None) -> dict:
    """Post every voucher of a CSV file (:mod:`tase.formats.voucher_csv`), or none.

    ``source``: the file's bytes, or a seekable binary file (an upload, an open file). The
    file is streamed: vouchers are checked and written :data:`IMPORT_BATCH` at a time inside
    this one transaction, so memory stays flat whatever the file's size. At the first problem
    writing stops, the rest of the file is still checked, and one ``ValidationError`` lists
    every bad row by its line number; the transaction is rolled back, so nothing is written.
    A voucher imported before (same key, same rows) is skipped, so importing a file twice
    does not double it. ``progress(stage, done, total)`` is called every
    :data:`IMPORT_BATCH` vouchers with the lines read and the lines in the file.
    """
    from tase.formats import csv_table, voucher_csv

    guard(actor, company, "ledger.post")
    total_lines = max(csv_table.count_lines(source) - 1, 0)
    reader = voucher_csv.Reader(source)
    cache = _cache(actor, company)
    # date -> its open fiscal year or why it is refused; "spans": what _open_year knows
    years: dict = {}
    problems: list[tuple[int, str]] = []
    batch: list[tuple] = []
    counts = {"posted": 0, "skipped": 0, "vouchers": 0}
    untitled = _("Imported voucher %(key)s")
    for key, rows, complete in reader.vouchers():
        counts["vouchers"] += 1
        if complete:
            checked = _check_import_voucher(company, cache, years, key, rows, untitled)
            if isinstance(checked, list):
                problems += checked
            else:
                batch.append(checked)
        if problems or reader.has_errors:
            batch.clear()  # nothing more is written; the rest is only checked
        elif len(batch) >= IMPORT_BATCH:
            _write_import_batch(actor, company, cache, years, batch, counts)
            batch = []
        if progress is not None and counts["vouchers"] % IMPORT_BATCH == 0 and rows:
            progress("importing", rows[-1].line - 1, total_lines)
    if problems or reader.has_errors:
        problems += [
            (line, _("Line %(line)s: %(message)s") % {"line": line, "message": message})
            if line
            else (line, message)
            for line, message in reader.errors
        ]
        raise ValidationError({"file": [text for _line, text in sorted(problems, key=_first)]})
    _write_import_batch(actor, company, cache, years, batch, counts)
    if progress is not None:
        progress("importing", total_lines, total_lines)
    audit.record(
        actor.user,
        "import",
        company,
        company=company,
        changes={"vouchers": [None, counts["posted"]], "skipped": [None, counts["skipped"]]},
    )
    return counts


VOUCHER_IMPORT_COLUMNS = (
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


def _write_import_batch(actor, company, cache, years, batch, counts) -> None:
    """Write checked vouchers: the ones imported before skipped, numbers taken per series
    and year in one counter update, vouchers and entries inserted in bulk (COPY on
    PostgreSQL; the database keeps the balances). Every rule has been checked; numbering stays gapless."""
    if not batch:
        return
    done = _imported_before(company, "csv-import", [item[0] for item in batch])
    todo = []
    for item in batch:
        if item[0] not in done:
            done.add(item[0])
            todo.append(item)
    counts["skipped"] += len(batch) - len(todo)
    counts["posted"] += len(todo)
    if not todo:
        return
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    for _ref, on, series, _description, _entries in todo:
        wanted[(cache["series"][series].pk, years[on].pk)] += 1
    first_numbers = {}
    for (series_pk, year_pk), count in sorted(wanted.items()):
        last = _next_number(VoucherSeries(pk=series_pk), FiscalYear(pk=year_pk), count)
        first_numbers[(series_pk, year_pk)] = last - count + 1
    user_id = actor.user.pk if getattr(actor.user, "is_authenticated", False) else None
    # Values adapted for the database once, not once a row by the driver.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    adapted = {on: connection.ops.adapt_datefield_value(on) for on in {item[1] for item in todo}}
    next_numbers = dict(first_numbers)
    keys, voucher_rows = [], []
    for ref, on, series, description, _entries in todo:
        key = (cache["series"][series].pk, years[on].pk)
        number, next_numbers[key] = next_numbers[key], next_numbers[key] + 1
        keys.append((key, number))
        voucher_rows.append(
            (
                company.pk,
                key[1],
                key[0],
                number,
                adapted[on],
                description[:300],
                Voucher.State.POSTED,
                "csv-import",
                ref[:200],
                "[]",
                user_id,
                now,
                now,
            )
        )
    _bulk_insert(Voucher._meta.db_table, VOUCHER_IMPORT_COLUMNS, voucher_rows)
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
    company_pk = company.pk  # a property: read once, not once an entry
    for (key, number), (_ref, on, _series, _description, entries) in zip(keys, todo, strict=True):
        voucher_id, day = ids[(key, number)], adapted[on]
        for position, entry in enumerate(entries):
            entry_rows.append(_entry_row(voucher_id, company_pk, day, position, entry))
    # The database adds the entries to the account balances (migration ledger 0014).
    _bulk_insert(Entry._meta.db_table, ENTRY_COLUMNS, entry_rows)


def _bulk_insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows in one statement: COPY on PostgreSQL; on SQLite an INSERT … SELECT
    from the rows passed as one JSON array (``json_each``). One statement, so PostgreSQL's
    per-statement balance check sees whole vouchers; and on SQLite one statement runs the
    row triggers (migrations 0009, 0013, 0014) about five times faster than executemany,
    which steps the statement, and so its triggers' look-ups, afresh for every row. The
    values are ints, text, booleans, None and dates, which JSON carries as SQLite stores
    them; ``json_each`` keeps the rows' order, so numbers stay ascending."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(f"value ->> {i}" for i in range(len(columns)))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {values} FROM json_each(%s) ORDER BY key",
                [json.dumps(rows, separators=(",", ":"), default=_sqlite_value)],
            )


def _sqlite_value(value):
    """A date or time as SQLite stores it (the JSON of :func:`_bulk_insert`)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    raise TypeError(f"{type(value).__name__} cannot be imported as a value")
