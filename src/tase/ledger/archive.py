"""The year's archive package (arkistopaketti): everything the Accounting Act requires to keep.

One ZIP that opens without Tase:

- ``kirjat/``: the journal (päiväkirja), the general ledger (pääkirja), the list of vouchers
  (tositeluettelo), the chart of accounts (tililuettelo), the income statement and balance sheet
  with the previous year beside, the trial balance at the year end (saldoluettelo) and the
  balance-sheet specifications (tase-erittelyt, 3:13 §) as PDF/A-3b (ISO 19005-3, for long-term
  keeping);
- ``attachments/<voucher label>/<file name>``: every attachment of every posted voucher, byte for byte;
- ``index.json`` and ``index.csv``: every voucher (series, number, date, description, lines) and
  every file with its SHA-256, so a reader can check that nothing was changed;
- ``README.txt``: in Finnish, what each file is and how long it must be kept.

Retention (Kirjanpitolaki 1336/1997, 2 luku 10 §): the financial statements, the books
(journal, general ledger), the chart of accounts and the balance-sheet specifications at least
10 years from the end of the fiscal year; the vouchers, business correspondence and other
bookkeeping material at least 6 years from the end of the calendar year during which the fiscal
year ended.

Memory stays flat: the ZIP is written member by member to a file object; the books are laid out
in parts of :data:`ROWS_PER_PART` rows (one PDF each), the vouchers read in chunks of
:data:`CHUNK` with their lines and attachments (three queries a chunk), attachments copied in
blocks of :data:`BLOCK` bytes, and the index spooled to temporary files on disk before it is
copied into the package.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import json
import pickle
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tase.core import audit, pdf
from tase.formats import pdfa_text

from . import balance_specifications, reports, selectors
from .models import Attachment, Entry, FiscalYear, Voucher
from .services import cents_to_decimal
from .services.common import guard

ROWS_PER_PART = 5000  # rows of a book in one PDF (about 110 pages): bounds the memory
CHUNK = 1000  # vouchers read at a time, with their lines and attachments
BLOCK = 1 << 20  # bytes of an attachment copied at a time
PDF_VARIANT = pdf.PDF_A
LAW = "Kirjanpitolaki 1336/1997, 2 luku 10 §"
LAW_URL = "https://www.finlex.fi/fi/laki/ajantasa/1997/19971336"
FORMAT = "tase-archive/1"


# -- retention (pure) -------------------------------------------------------------------------


def books_kept_until(year_end: dt.date) -> dt.date:
    """10 years from the end of the fiscal year (KPL 2:10 § 1 mom.): statements and books."""
    try:
        return year_end.replace(year=year_end.year + 10)
    except ValueError:  # 29 February
        return year_end.replace(year=year_end.year + 10, day=28)


def vouchers_kept_until(year_end: dt.date) -> dt.date:
    """6 years from the end of the calendar year during which the fiscal year ended
    (KPL 2:10 § 2 mom.): vouchers, correspondence and the other material."""
    return dt.date(year_end.year + 6, 12, 31)


def safe_name(name: str, fallback: str = "tiedosto") -> str:
    """A file or folder name that stays where it is put inside the package."""
    cleaned = "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in name).strip()
    cleaned = cleaned.lstrip(". ").strip()
    return cleaned[:150] or fallback


# -- the package ------------------------------------------------------------------------------


@dataclass
class Book:
    path: str
    title: str
    rows: int
    sha256: str
    size: int


@dataclass
class Summary:
    """What was written: the books, and counts for the caller's message."""

    books: list[Book] = field(default_factory=list)
    vouchers: int = 0
    attachments: int = 0


def archive_name(company, year: FiscalYear) -> str:
    return f"arkisto-{safe_name(company.business_id or str(company.pk))}-{year.start:%Y%m%d}.zip"


def build_archive(actor, company, fiscal_year: FiscalYear, out, *, progress=None) -> Summary:
    """Write the archive of ``fiscal_year`` as a ZIP to the binary file object ``out``.

    Only posted vouchers are the books; drafts are left out. Refuses a year of another company
    with a message naming the field. ``progress(phase, summary)`` is called after each book
    part, after each :data:`CHUNK` vouchers and before the index (phase ``"books"``,
    ``"vouchers"``, ``"index"``): the background build keeps it on its row
    (:mod:`tase.ledger.archive_builds`)."""
    report = progress or (lambda phase, summary: None)
    company = guard(actor, company, "ledger.view")
    if fiscal_year.company_id != company.pk:
        raise ValidationError({"fiscal_year": _("The fiscal year is not this company's.")})
    summary = Summary()
    created = timezone.localtime()
    stamp = created.timetuple()[:6]
    with (
        translation.override("fi"),
        _SpooledZip(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
    ):
        # The parts print in tase.core.pdf's process pool, in order, a few in flight at a time;
        # even a small year's seven parts are worth it (each is seconds, a fork milliseconds).
        parts = (
            part
            for kind, slug in BOOKS
            for part in (
                _specifications(company, fiscal_year, slug)
                if kind == SPECIFICATIONS
                else _books(company, fiscal_year, kind, slug)
            )
        )
        jobs = pdf.render_many(parts, lambda part: part.job, workers=pdf.pool_size())
        for book, data in jobs:
            _write_bytes(zf, book.path, data, stamp, zipfile.ZIP_STORED)
            summary.books.append(Book(book.path, book.title, book.rows, _sha(data), len(data)))
            report("books", summary)
        with (
            tempfile.TemporaryFile("w+", encoding="utf-8") as index_json,
            tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as index_csv,
        ):
            _vouchers(zf, company, fiscal_year, stamp, index_json, index_csv, summary, report)
            report("index", summary)
            head = _index_head(company, fiscal_year, created, summary)
            with _member(zf, "index.json", stamp) as member:
                text = json.dumps(head, ensure_ascii=False, indent=1)
                member.write(text[: text.rindex("}")].rstrip().encode())
                member.write(b',\n "vouchers": [\n')
                _copy_text(index_json, member)
                member.write(b"\n ]\n}\n")
            with _member(zf, "index.csv", stamp) as member:
                _copy_text(index_csv, member)
        readme = readme_text(company, fiscal_year, created, summary).encode()
        _write_bytes(zf, "README.txt", readme, stamp, zipfile.ZIP_DEFLATED)
    # The whole year's books leave Tase: who took them and when stays in the audit trail.
    audit.record(
        actor.user,
        "export_archive",
        fiscal_year,
        company=company,
        changes={"vouchers": [None, summary.vouchers], "attachments": [None, summary.attachments]},
    )
    return summary


BOOKS = (
    ("income-statement", "tuloslaskelma"),
    ("balance-sheet", "tase"),
    ("trial-balance", "saldoluettelo"),
    ("balance-specifications", "tase-erittelyt"),
    ("journal", "paivakirja"),
    ("general-ledger", "paakirja"),
    ("vouchers", "tositeluettelo"),
    ("accounts", "tililuettelo"),
)


SPECIFICATIONS = "balance-specifications"


@dataclass
class _Part:
    path: str
    title: str
    rows: int
    job: pdf.Job


def _table(company, year: FiscalYear, kind: str) -> reports.Table:
    """A book of the package. The long books (the journal, the general ledger and the list of
    vouchers: about five rows a voucher) are read as plain rows (``values_list``), not as a
    model instance for each entry, its voucher, series and account: building those was the
    largest part of the main process's time (measured: 281,000 instances for 16,000 vouchers,
    half its CPU). The rows are the ones :func:`reports.build` gives, value for value
    (tested)."""
    rows_of = {
        "journal": _journal_rows,
        "general-ledger": _general_ledger_rows,
        "vouchers": _voucher_list_rows,
    }
    if kind in rows_of:
        return reports.Table(
            kind,
            reports.titles()[kind],
            company,
            year.start,
            year.end,
            COLUMNS[kind],
            rows_of[kind](company, year),
        )
    return reports.build(kind, company, year.start, year.end, compare=True)


COLUMNS = {
    "journal": ["date", "voucher", "account", "name", "description", "debit", "credit", "vat_code"],
    "general-ledger": [
        "account",
        "name",
        "date",
        "voucher",
        "description",
        "debit",
        "credit",
        "balance",
    ],
    "vouchers": ["date", "voucher", "description", "reverses"],
}
ROWS_CHUNK = 2000  # rows fetched at a time (a server-side cursor on PostgreSQL)


def _debit(cents: int):
    return cents_to_decimal(cents) if cents > 0 else None


def _credit(cents: int):
    return cents_to_decimal(-cents) if cents < 0 else None


def _journal_rows(company, year: FiscalYear):
    """The journal (päiväkirja) in date and voucher order, as :func:`reports.build` gives it."""
    for date, series, number, account, name, text, description, cents, vat_code in (
        selectors.journal(company, year.start, year.end)
        .values_list(
            "date",
            "voucher__series__code",
            "voucher__number",
            "account__number",
            "account__name_fi",
            "text",
            "voucher__description",
            "amount_cents",
            "vat_code",
        )
        .iterator(chunk_size=ROWS_CHUNK)
    ):
        yield [
            date,
            f"{series} {number}",
            account,
            name,
            text or description,
            _debit(cents),
            _credit(cents),
            vat_code,
        ]


def _general_ledger_rows(company, year: FiscalYear):
    """The general ledger (pääkirja): each account's opening row and its entries with the
    running balance, as :func:`reports.build` gives it."""
    opening_label = _("Opening balance")
    # selectors.general_ledger decides the accounts and their openings; its entries (model
    # instances) are never read, one query of plain rows an account instead.
    for account, opening, _entries in selectors.general_ledger(company, year.start, year.end):
        balance, name = opening, account.name("fi")
        yield [account.number, name, None, "", opening_label, None, None, cents_to_decimal(balance)]
        for date, series, number, text, description, cents in (
            selectors.entries_in(company, year.start, year.end, account=account)
            .order_by("date", "voucher__series__code", "voucher__number", "position")
            .values_list(
                "date",
                "voucher__series__code",
                "voucher__number",
                "text",
                "voucher__description",
                "amount_cents",
            )
            .iterator(chunk_size=ROWS_CHUNK)
        ):
            balance += cents
            yield [
                account.number,
                name,
                date,
                f"{series} {number}",
                text or description,
                _debit(cents),
                _credit(cents),
                cents_to_decimal(balance),
            ]


def _voucher_list_rows(company, year: FiscalYear):
    """The list of posted vouchers (tositeluettelo) with the voucher each one reverses."""
    for date, series, number, description, reversed_series, reversed_number in (
        Voucher.objects.filter(company=company, fiscal_year=year, state="posted")
        .order_by("date", "series__code", "number", "pk")
        .values_list(
            "date",
            "series__code",
            "number",
            "description",
            "reverses__series__code",
            "reverses__number",
        )
        .iterator(chunk_size=ROWS_CHUNK)
    ):
        reverses = f"{reversed_series} {reversed_number}" if reversed_series is not None else ""
        yield [date, f"{series} {number}", description, reverses]


def _books(company, year: FiscalYear, kind: str, slug: str):
    """The PDF/A parts of one book, :data:`ROWS_PER_PART` rows each (at least one part)."""
    table = _table(company, year, kind)
    styles = table.styles or []
    rows = iter(table.rows)
    chunk = list(itertools.islice(rows, ROWS_PER_PART))
    number, offset = 1, 0
    while True:
        following = list(itertools.islice(rows, ROWS_PER_PART))
        several = number > 1 or bool(following)
        title = f"{table.title}, osa {number}" if several else table.title
        path = f"kirjat/{slug}-{number:03d}.pdf" if several else f"kirjat/{slug}.pdf"
        job = _job(table, title, chunk, styles[offset : offset + len(chunk)])
        yield _Part(path, title, len(chunk), job)
        if not following:
            return
        offset += len(chunk)
        chunk, number = following, number + 1


def _specifications(company, year: FiscalYear, slug: str):
    """The balance-sheet specifications (Kirjanpitolaki 3:13 §, kept ten years) as PDF/A."""
    found = balance_specifications.specifications(company, year)
    title = _("Balance sheet specifications")
    job = pdf.Job(
        html=balance_specifications.standalone_html(found),
        name=title,
        test_environment=company.is_test_environment,
        variant=PDF_VARIANT,
    )
    yield _Part(f"kirjat/{slug}.pdf", title, len(found.accounts), job)


# The long books are fixed-width text (one line a row) written straight to PDF/A by
# tase.formats.pdfa_text: HTML layout of a year's journal and general ledger (hundreds of
# thousands of rows) was most of the package's time. The statements keep the reports' layout.
TEXT_BOOKS = {"journal", "general-ledger", "vouchers"}
WIDTHS = {
    "date": 10,
    "voucher": 9,
    "account": 6,
    "name": 26,
    "description": 40,
    "debit": 13,
    "credit": 13,
    "balance": 15,
    "vat_code": 5,
    "reverses": 10,
}
AMOUNTS = ("debit", "credit", "balance")


def _cell(value, width: int) -> str:
    """A value in Finnish format (1 234,56; 6.12.2026) cut or padded to ``width``."""
    if isinstance(value, Decimal):
        text = f"{value:,.2f}".replace(",", " ").replace(".", ",")
        return text.rjust(width)[-width:]
    if isinstance(value, dt.date):
        text = _fi(value)
    else:
        text = "" if value is None else " ".join(str(value).split())
    return text[:width].ljust(width)


def _text_document(table: reports.Table, title: str, rows: list) -> pdfa_text.TextDocument:
    labels = reports.column_labels()
    widths = [WIDTHS.get(column, 12) for column in table.columns]
    heading = " ".join(
        labels.get(c, c)[:w].rjust(w) if c in AMOUNTS else _cell(labels.get(c, c), w)
        for c, w in zip(table.columns, widths, strict=True)
    )
    lines = tuple(
        " ".join(_cell(v, w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )
    company, printed = table.company, timezone.localtime()
    return pdfa_text.TextDocument(
        title=title,
        header_left=f"{company.name} · Y-tunnus {company.business_id}",
        header_right=f"{title} {_fi(table.start)}\N{EN DASH}{_fi(table.end)}",
        footer_left=f"Tulostettu {_fi(printed.date())} klo {printed:%H.%M}",
        heading=(heading.rstrip(),),
        lines=lines,
        created=printed,
        band=pdf.test_environment_label() if company.is_test_environment else "",
    )


def _job(table: reports.Table, title: str, rows: list, styles: list) -> pdf.Job:
    """One part of a book to print as PDF/A."""
    if table.kind in TEXT_BOOKS:
        document = _text_document(table, title, rows)
        return pdf.Job(html="", name=title, write=functools.partial(pdfa_text.write, document))
    return pdf.Job(
        html=_html(table, title, rows, styles),
        name=title,
        test_environment=table.company.is_test_environment,
        variant=PDF_VARIANT,
    )


def _html(table: reports.Table, title: str, rows: list, styles: list) -> str:
    labels = reports.column_labels()
    part = reports.Table(
        table.kind, title, table.company, table.start, table.end, table.columns, rows
    )
    return render_to_string(
        "ledger/report_pdf.html",
        {
            "table": part,
            "headings": [labels.get(column, column) for column in table.columns],
            "rows": [
                {"cells": row, "style": styles[i] if i < len(styles) else ""}
                for i, row in enumerate(rows)
            ],
            "printed": timezone.localtime(),
            "LANGUAGE_CODE": "fi",
        },
    )


# -- vouchers and attachments -----------------------------------------------------------------

CSV_COLUMNS = [
    "series",
    "number",
    "date",
    "description",
    "line",
    "account",
    "account_name",
    "debit",
    "credit",
    "vat_code",
    "text",
    "attachments",
]


def _euros(cents: int) -> str:
    return f"{cents_to_decimal(cents):.2f}"


@dataclass(frozen=True, slots=True)
class _Attachment:
    name: str
    content_type: str
    size: int
    sha256: str
    file: str  # the stored file's name in its storage


@dataclass(frozen=True, slots=True)
class _Line:
    date: dt.date
    account: str
    account_name: str
    amount_cents: int
    vat_code: str
    text: str


@dataclass(frozen=True, slots=True)
class _Voucher:
    series: str
    number: int
    date: dt.date
    description: str
    lines: list[_Line]
    attachments: list[_Attachment]


def voucher_rows(company, year: FiscalYear):
    """The year's posted vouchers with their lines and attachments: three queries a chunk of
    :data:`CHUNK`.

    Plain rows, not model instances: a voucher with its prefetched lines and attachments is a
    web of reference cycles (each related manager points back at its instance) that only the
    cyclic garbage collector frees, and it seldom ran a full pass in a process that holds the
    fonts and the code: the process grew by about 3 kB a voucher (measured at 10,000)."""
    vouchers = (
        Voucher.objects.filter(company=company, fiscal_year=year, state="posted")
        .order_by("date", "series__code", "number", "pk")
        .values_list("pk", "series__code", "number", "date", "description")
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(itertools.islice(vouchers, CHUNK)):
        ids = [row[0] for row in chunk]
        lines: dict[int, list[_Line]] = {pk: [] for pk in ids}
        for voucher_id, *fields in (
            Entry.objects.filter(voucher_id__in=ids)
            .order_by("voucher_id", "position", "pk")
            .values_list(
                "voucher_id",
                "date",
                "account__number",
                "account__name_fi",
                "amount_cents",
                "vat_code",
                "text",
            )
        ):
            lines[voucher_id].append(_Line(*fields))
        files: dict[int, list[_Attachment]] = {pk: [] for pk in ids}
        for voucher_id, *fields in (
            Attachment.objects.filter(voucher_id__in=ids)
            .order_by("voucher_id", "pk")
            .values_list("voucher_id", "name", "content_type", "size", "sha256", "file")
        ):
            files[voucher_id].append(_Attachment(*fields))
        for pk, series, number, date, description in chunk:
            yield _Voucher(series, number, date, description, lines[pk], files[pk])


def _vouchers(zf, company, year, stamp, index_json, index_csv, summary: Summary, report) -> None:
    writer = csv.writer(index_csv, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    first = True
    # A folder per voucher, "<series> <number>": each series' part made unique once (two codes
    # such as "M/" and "M:", or "ml" and "ML", would otherwise share folders on disk), so the
    # folders are unique by construction without keeping every voucher's name.
    series_folders: dict[str, str] = {}
    taken_series: set[str] = set()
    for voucher in voucher_rows(company, year):
        label = f"{voucher.series} {voucher.number}"
        if voucher.series not in series_folders:
            series_folders[voucher.series] = _unique(safe_name(voucher.series), taken_series)
        folder = f"attachments/{series_folders[voucher.series]} {voucher.number}"
        files, taken = [], set()
        for attachment in voucher.attachments:
            name = _unique(safe_name(attachment.name), taken)
            path = f"{folder}/{name}"
            digest, size = _copy_attachment(zf, attachment, path, stamp, label)
            files.append(
                {
                    "path": path,
                    "name": attachment.name,
                    "content_type": attachment.content_type,
                    "size": size,
                    "sha256": digest,
                }
            )
            summary.attachments += 1
        lines = [
            {
                "line": i,
                "date": e.date.isoformat(),
                "account": e.account,
                "account_name": e.account_name,
                "debit": _euros(e.amount_cents) if e.amount_cents > 0 else None,
                "credit": _euros(-e.amount_cents) if e.amount_cents < 0 else None,
                "vat_code": e.vat_code,
                "text": e.text,
            }
            for i, e in enumerate(voucher.lines, start=1)
        ]
        record = {
            "series": voucher.series,
            "number": voucher.number,
            "label": label,
            "date": voucher.date.isoformat(),
            "description": voucher.description,
            "lines": lines,
            "attachments": files,
        }
        index_json.write(("" if first else ",\n") + json.dumps(record, ensure_ascii=False))
        first = False
        hashes = ";".join(f"{f['path']} sha256:{f['sha256']}" for f in files)
        for line in lines:
            writer.writerow(
                [
                    voucher.series,
                    voucher.number,
                    record["date"],
                    voucher.description,
                    line["line"],
                    line["account"],
                    line["account_name"],
                    line["debit"] or "",
                    line["credit"] or "",
                    line["vat_code"],
                    line["text"],
                    hashes,
                ]
            )
        summary.vouchers += 1
        if summary.vouchers % CHUNK == 0:
            report("vouchers", summary)


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        stem, dot, suffix = name.rpartition(".")
        candidate = f"{stem}-{n}.{suffix}" if dot else f"{name}-{n}"
    taken.add(candidate.lower())
    return candidate


def _copy_attachment(zf, attachment, path, stamp, label) -> tuple[str, int]:
    """Copy one stored attachment into the package; its SHA-256 must be the one recorded."""
    digest, size = hashlib.sha256(), 0
    info = zipfile.ZipInfo(path, date_time=stamp)
    info.compress_type = zipfile.ZIP_STORED  # PDFs and images are compressed already
    info.file_size = attachment.size
    try:
        source = Attachment._meta.get_field("file").storage.open(attachment.file, "rb")
    except (FileNotFoundError, OSError):
        raise ValidationError(
            {
                "attachments": _("Voucher %(voucher)s: the attachment “%(name)s” is missing.")
                % {"voucher": label, "name": attachment.name}
            }
        ) from None
    with source, zf.open(info, "w", force_zip64=attachment.size >= 1 << 31) as member:
        while block := source.read(BLOCK):
            digest.update(block)
            size += len(block)
            member.write(block)
    hexdigest = digest.hexdigest()
    if attachment.sha256 and hexdigest != attachment.sha256:
        raise ValidationError(
            {
                "attachments": _(
                    "Voucher %(voucher)s: the attachment “%(name)s” has changed since it was "
                    "stored (its SHA-256 differs)."
                )
                % {"voucher": label, "name": attachment.name}
            }
        )
    return hexdigest, size


# -- zip helpers ------------------------------------------------------------------------------


class _SpooledDirectory:
    """The ZIP's central directory kept on disk while the package is written.

    :class:`zipfile.ZipFile` keeps a :class:`zipfile.ZipInfo` for every member until it closes
    and writes them as the central directory: about 420 bytes a member (measured: +42 MB for
    100,000 members), so the process grew with the attachments. This list-like stands in for
    its ``filelist``: each entry is pickled to a temporary file as its member is finished and
    read back, one at a time, when the directory is written at the end."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the ZIP)
        self._count = 0

    def append(self, info: zipfile.ZipInfo) -> None:
        pickle.dump(info, self._file, pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        self._file.flush()
        self._file.seek(0)
        for _entry in range(self._count):
            yield pickle.load(self._file)  # written above, by this process
        self._file.seek(0, io.SEEK_END)

    def close(self) -> None:
        self._file.close()


class _NoNames(dict):
    """Stands in for ``ZipFile.NameToInfo`` (name → entry, only used to warn of a duplicate
    name): the package's names are unique by construction (one folder a voucher, its series'
    part made unique in :func:`_vouchers`, the files in it by :func:`_unique`), and keeping
    them would hold every name in memory."""

    def __setitem__(self, key, value) -> None:
        pass


class _SpooledZip(zipfile.ZipFile):
    """A ZIP for writing whose directory entries wait on disk (:class:`_SpooledDirectory`):
    the memory of writing the package stays flat however many attachments it holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filelist = _SpooledDirectory()
        self.NameToInfo = _NoNames()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if isinstance(self.filelist, _SpooledDirectory):
                self.filelist.close()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _member(zf, path, stamp, compress_type=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(path, date_time=stamp)
    info.compress_type = compress_type
    return zf.open(info, "w", force_zip64=True)


def _write_bytes(zf, path, data: bytes, stamp, compress_type) -> None:
    info = zipfile.ZipInfo(path, date_time=stamp)
    info.compress_type = compress_type
    zf.writestr(info, data)


def _copy_text(source, member) -> None:
    source.seek(0)
    wrapper = io.TextIOWrapper(member, encoding="utf-8", newline="", write_through=True)
    shutil.copyfileobj(source, wrapper, BLOCK)
    wrapper.flush()
    wrapper.detach()


def _index_head(company, year, created, summary: Summary) -> dict:
    return {
        "format": FORMAT,
        "company": {"name": company.name, "business_id": company.business_id},
        "fiscal_year": {
            "start": year.start.isoformat(),
            "end": year.end.isoformat(),
            "state": year.state,
        },
        "created": created.isoformat(timespec="seconds"),
        "retention": {
            "law": LAW,
            "source": LAW_URL,
            "books_and_statements_until": books_kept_until(year.end).isoformat(),
            "vouchers_and_other_material_until": vouchers_kept_until(year.end).isoformat(),
        },
        "books": [
            {"path": b.path, "title": b.title, "rows": b.rows, "size": b.size, "sha256": b.sha256}
            for b in summary.books
        ],
        "voucher_count": summary.vouchers,
        "attachment_count": summary.attachments,
    }


def _fi(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def readme_text(company, year: FiscalYear, created, summary: Summary) -> str:
    """The package's guide in Finnish: the files and the retention times of KPL 2:10 §."""
    books = "\n".join(f"  {b.path:<34} {b.title}" for b in summary.books)
    return f"""KIRJANPITOAINEISTON ARKISTO
{company.name}, Y-tunnus {company.business_id}
Tilikausi {_fi(year.start)}-{_fi(year.end)}
Muodostettu {_fi(created.date())} klo {created:%H.%M} (Tase)

Tämä paketti sisältää tilikauden kirjanpitoaineiston sellaisenaan luettavassa muodossa.
Sen avaamiseen ei tarvita Tasea: kirjat ovat PDF/A-tiedostoja (ISO 19005-3, pitkäaikaiseen
säilytykseen), tositteiden liitteet alkuperäisinä tiedostoina ja hakemisto JSON- ja
CSV-muodossa.

SISÄLTÖ

kirjat/  Kirjanpitokirjat ja tilinpäätöslaskelmat (PDF/A). Suuri kirja on jaettu osiin
         (osa 1, osa 2, …), joista kukin on oma tiedostonsa.
{books}

  tuloslaskelma  Tuloslaskelma, edellinen tilikausi rinnalla.
  tase           Tase tilikauden viimeisenä päivänä, edellinen tilikausi rinnalla.
  saldoluettelo  Tilien saldot tilikauden ajalta (tase-erittelyjen pohja).
  tase-erittelyt Tase-erittelyt tilikauden viimeisenä päivänä (KPL 3:13 §, ei julkinen).
  paivakirja     Päiväkirja: kirjaukset aikajärjestyksessä.
  paakirja       Pääkirja: kirjaukset tileittäin (asiajärjestys), alkusaldo ja saldo.
  tositeluettelo Tositeluettelo: kirjatut tositteet sarjoittain ja numeroittain.
  tililuettelo   Tililuettelo.

attachments/<sarja numero>/<tiedosto>
         Kunkin kirjatun tositteen liitteet (kuitit, laskut) alkuperäisinä tiedostoina.
         Tositteita {summary.vouchers}, liitetiedostoja {summary.attachments}.

index.json  Koneluettava hakemisto: jokainen tosite (sarja, numero, päivämäärä, selite,
            vientirivit tileineen ja summineen) ja sen liitteet polkuineen ja SHA-256-
            tarkisteineen; lisäksi kirjojen tiedostot tarkisteineen.
index.csv   Sama vientiriveittäin (erotin pilkku, desimaalierotin piste, UTF-8).
            Sarake "attachments" luettelee tositteen liitteet ja niiden SHA-256-tarkisteet.

Tiedoston eheyden voi tarkistaa laskemalla sen SHA-256-tarkisteen (esim. komennolla
sha256sum tai certutil -hashfile) ja vertaamalla sitä hakemiston arvoon.

SÄILYTYSAJAT ({LAW})

Tilinpäätös, toimintakertomus, kirjanpidot (päiväkirja ja pääkirja), tililuettelo,
tase-erittelyt ja liitetietojen erittelyt sekä luettelo kirjanpidoista ja aineistoista on
säilytettävä vähintään kymmenen (10) vuotta tilikauden päättymisestä:
  tämän tilikauden osalta vähintään {_fi(books_kept_until(year.end))} asti.

Tilikauden tositteet, liiketapahtumia koskeva kirjeenvaihto ja muu kirjanpitoaineisto on
säilytettävä vähintään kuusi (6) vuotta sen vuoden lopusta, jonka aikana tilikausi on
päättynyt:
  tämän tilikauden osalta vähintään {_fi(vouchers_kept_until(year.end))} asti.

Aineisto on säilytettävä huolellisesti niin, että viranomainen ja tilintarkastaja voivat
tarkastella sitä Suomesta käsin ilman aiheetonta viivettä. Muu lainsäädäntö voi vaatia
pidempää säilytystä (esim. arvonlisäverolain kiinteistöinvestoinnit).
Lähde: {LAW_URL}
"""
