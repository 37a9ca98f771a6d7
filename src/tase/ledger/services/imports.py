"""CSV import of vouchers: checked, idempotent, written in bulk batches."""

from __future__ import annotations

import gc
import hashlib
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company

from .bulk_posting import Checked, OpenDates, write_vouchers
from .common import _cache, guard
from .posting import _imported_before, check_voucher

SOURCE = "csv-import"


def _import_ref(key: str, rows) -> str:
    """The voucher's reference for idempotent imports: its key and a digest of its rows (the
    rows' texts one after another, hashed at once: the digest of their concatenation)."""
    # A delivery date counts only where given, so files without the column keep the
    # references of earlier imports.
    text = "".join(
        [
            f"{row.date!s}|{row.series}|{row.account}|{row.debit!s}|{row.credit!s}|"
            f"{row.vat_code}|{row.text}|{row.cost_centre}|{row.project}"
            f"{f'|{row.delivery_date!s}' if row.delivery_date else ''}"
            for row in rows
        ]
    )
    return f"{key[:100]}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"


IMPORT_BATCH = 1000  # vouchers written at a time; also how often progress is reported


def _first(item: tuple):
    return item[0]


def _where(key: str, labels: list[int]) -> str:
    """Where a voucher's problem is, by its key and lines: "Voucher 17 (line 40, 41)"."""
    lines = ", ".join(str(n) for n in labels) if len(labels) <= 10 else f"{labels[0]}-{labels[-1]}"
    return _("Voucher %(key)s (line %(lines)s)") % {"key": key, "lines": lines}


def _check_import_voucher(
    company, cache, dates: OpenDates, key, rows, untitled: str, rates: dict | None = None
) -> Checked | list[tuple[int, str]]:
    """The voucher of one key's rows ready to write, or its problems as ``(line, message)``.
    ``untitled``: the description of a voucher whose rows have no text, with ``%(key)s``."""
    labels = [row.line for row in rows]
    first = rows[0]
    day, series_code = first.date, first.series
    for row in rows:
        if row.date != day or row.series != series_code:
            message = _("the rows differ in date or series.")
            return [(labels[0], f"{_where(key, labels)}: {message}")]
    try:
        on, year, series, _description, entries = check_voucher(
            company,
            cache,
            year_of=dates,
            date=day,
            series=series_code,
            description=untitled,
            lines=[
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
            rates=rates,
        )
    except ValidationError as error:
        line_prefix = _("Line %(line)s: %(message)s").split("%")[0]
        where = _where(key, labels)
        return [
            (labels[0], message if message.startswith(line_prefix) else f"{where}: {message}")
            for messages in error.message_dict.values()
            for message in messages
        ]
    description = next((row.text for row in rows if row.text), "") or untitled % {"key": key}
    return Checked(on, year, series, description, entries, SOURCE, _import_ref(key, rows))


@contextmanager
def _older_objects_frozen():
    """The objects that exist before the import left out of the cyclic garbage collector's
    passes while it runs (``gc.freeze``), and given back after (``gc.unfreeze``).

    An import allocates millions of short-lived objects, and the full passes those
    allocations trigger walked every object of the process (Django's, the modules'), each
    pass some 0.1-0.3 s: 6-20 % of the import's CPU time measured at 20,000 and 100,000
    vouchers. One full pass first frees the garbage already waiting (frozen, it would stay
    through the import: +28 MB of peak memory in the bench, whose migrations leave cycles).
    What the import itself allocates is still collected as before, so its memory stays flat;
    reference counting frees everything else at once as always. The only change: a
    reference cycle among the older objects that becomes garbage during the import (in this
    thread or another) waits for the first pass after it. Process-wide, so a second
    import's unfreeze may end the first one's freeze early: that only costs time."""
    gc.collect()  # garbage already waiting is freed first, not kept frozen through the import
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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
    guard(actor, company, "ledger.post")
    with _older_objects_frozen():
        return _import(actor, company, source, progress)


def _import(actor, company: Company, source, progress) -> dict:
    from tase.formats import csv_table, voucher_csv

    total_lines = max(csv_table.count_lines(source) - 1, 0)
    reader = voucher_csv.Reader(source)
    cache = _cache(actor, company)
    dates = OpenDates()
    rates: dict = {}  # the VAT rates read, by (rate, day), for the whole file
    problems: list[tuple[int, str]] = []
    batch: list[tuple] = []
    counts = {"posted": 0, "skipped": 0, "vouchers": 0}
    untitled = _("Imported voucher %(key)s")
    for key, rows, complete in reader.vouchers():
        counts["vouchers"] += 1
        if complete:
            checked = _check_import_voucher(company, cache, dates, key, rows, untitled, rates)
            if isinstance(checked, list):
                problems += checked
            else:
                batch.append(checked)
        if problems or reader.has_errors:
            batch.clear()  # nothing more is written; the rest is only checked
        elif len(batch) >= IMPORT_BATCH:
            _write_import_batch(actor, company, batch, counts)
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
    _write_import_batch(actor, company, batch, counts)
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


def _write_import_batch(actor, company, batch: list[Checked], counts) -> None:
    """Write checked vouchers (:func:`.bulk_posting.write_vouchers`), the ones imported
    before skipped."""
    if not batch:
        return
    done = set(_imported_before(company, SOURCE, [item.source_ref for item in batch]))
    todo = []
    for item in batch:
        if item.source_ref not in done:
            done.add(item.source_ref)
            todo.append(item)
    counts["skipped"] += len(batch) - len(todo)
    counts["posted"] += len(todo)
    write_vouchers(actor, company, todo)
