"""The year's archive package (issue 17 item 7): one ZIP with the books as PDF/A, every
attachment, a machine-readable index with SHA-256 hashes and the retention times."""

import csv
import datetime as dt
import gc
import hashlib
import io
import json
import re
import zipfile
import zlib
from decimal import Decimal

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tase.ledger import archive, services
from tase.ledger.models import Attachment, Entry, FiscalYear, Voucher

from .conftest import sale

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _post(system, company, n, *, start=1):
    vouchers = []
    for i in range(start, start + n):
        v = services.post_voucher(
            system,
            company,
            **sale(amount=f"{100 + i}.00", day=dt.date(2026, 1 + i % 12, 10)),
            attachments=[(f"kuitti {i}.pdf", PDF + str(i).encode()), ("kuva.png", PNG)],
        )
        vouchers.append(v)
    return vouchers


def _year(company):
    return FiscalYear.objects.get(company=company, start=dt.date(2026, 1, 1))


def _build(system, company) -> zipfile.ZipFile:
    out = io.BytesIO()
    archive.build_archive(system, company, _year(company), out)
    out.seek(0)
    return zipfile.ZipFile(out)


def _declares_pdfa(data: bytes) -> bool:
    """The XMP metadata names the PDF/A part (pdfaid), in a plain or a deflated stream."""
    if b"pdfaid" in data:
        return True
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            if b"pdfaid" in zlib.decompressobj().decompress(data[match.end() :]):
                return True
        except zlib.error:
            continue
    return False


def test_package_holds_the_books_the_attachments_and_an_index_that_matches(system, books):
    vouchers = _post(system, books, 3)
    zf = _build(system, books)
    assert zf.testzip() is None
    names = set(zf.namelist())
    for book in (
        "tuloslaskelma",
        "tase",
        "saldoluettelo",
        "tase-erittelyt",
        "paivakirja",
        "paakirja",
    ):
        assert f"kirjat/{book}.pdf" in names
    assert {"kirjat/tositeluettelo.pdf", "kirjat/tililuettelo.pdf"} <= names
    assert {"index.json", "index.csv", "README.txt"} <= names
    for name in (n for n in names if n.startswith("kirjat/")):
        data = zf.read(name)
        assert data.startswith(b"%PDF"), name
        assert _declares_pdfa(data), name

    index = json.loads(zf.read("index.json"))
    assert index["company"]["business_id"] == books.business_id
    assert index["voucher_count"] == 3 and index["attachment_count"] == 6
    from tase.core.models import AuditEvent

    export = AuditEvent.objects.get(action="export_archive", company=books)
    assert export.changes["vouchers"] == [None, 3]
    assert [v["label"] for v in index["vouchers"]] == [
        v.label for v in sorted(vouchers, key=lambda v: (v.date, v.number))
    ]
    by_label = {v["label"]: v for v in index["vouchers"]}
    for voucher in vouchers:
        record = by_label[voucher.label]
        assert record["series"] == "ML" and record["number"] == voucher.number
        assert record["date"] == voucher.date.isoformat()
        assert len(record["lines"]) == voucher.entries.count()
        debit = sum(Decimal(line["debit"] or 0) for line in record["lines"])
        credit = sum(Decimal(line["credit"] or 0) for line in record["lines"])
        assert debit == credit == Decimal(f"{100 + voucher.number}.00")
        stored = {a.name: a for a in voucher.attachments.all()}
        assert len(record["attachments"]) == 2
        for item in record["attachments"]:
            assert item["path"] == f"attachments/{voucher.label}/{item['name']}"
            content = zf.read(item["path"])
            assert hashlib.sha256(content).hexdigest() == item["sha256"]
            assert item["sha256"] == stored[item["name"]].sha256
    for book in index["books"]:
        assert hashlib.sha256(zf.read(book["path"])).hexdigest() == book["sha256"]

    rows = list(csv.DictReader(io.StringIO(zf.read("index.csv").decode())))
    assert len(rows) == Entry.objects.filter(voucher__in=vouchers).count()
    assert all("sha256:" in row["attachments"] for row in rows)

    readme = zf.read("README.txt").decode()
    assert "1336/1997" in readme and "2 luku 10 §" in readme
    assert "31.12.2036" in readme and "31.12.2032" in readme
    assert index["retention"]["books_and_statements_until"] == "2036-12-31"
    assert index["retention"]["vouchers_and_other_material_until"] == "2032-12-31"


def test_drafts_are_not_in_the_archive(system, books):
    _post(system, books, 1)
    draft = Voucher.objects.create(
        company=books,
        fiscal_year=_year(books),
        series=Voucher.objects.first().series,
        date=dt.date(2026, 6, 1),
        description="Luonnos",
    )
    index = json.loads(_build(system, books).read("index.json"))
    assert draft.pk and [v["description"] for v in index["vouchers"]] == ["Myynti"]


def _pdf_text(data: bytes) -> list[str]:
    """The text of each page, as a PDF reader (pypdf) extracts it."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_books_are_split_into_parts_that_cover_every_row(system, books, monkeypatch):
    _post(system, books, 3)
    monkeypatch.setattr(archive, "ROWS_PER_PART", 4)
    zf = _build(system, books)
    parts = sorted(n for n in zf.namelist() if n.startswith("kirjat/paivakirja-"))
    assert len(parts) == 3  # 9 entries, 4 a part
    index = json.loads(zf.read("index.json"))
    journal = [b for b in index["books"] if b["path"].startswith("kirjat/paivakirja")]
    assert [b["rows"] for b in journal] == [4, 4, 1]
    assert journal[1]["title"] == "Päiväkirja, osa 2"
    assert "Päiväkirja, osa 3" in _pdf_text(zf.read(parts[2]))[0]
    journal_text = "\n".join(_pdf_text(zf.read(parts[0])))
    assert "ML 1" in journal_text and "101,00" in journal_text  # Finnish amounts


def test_the_long_books_are_pdfa_with_finnish_text_headers_and_page_numbers(system, books):
    """The journal, general ledger and list of vouchers are written straight to PDF/A-3b
    (tase.formats.pdfa_text): a reader opens them and finds every row, the company and the
    book on every page, and Finnish letters and formats as written."""
    for i in range(60):  # more rows than one page holds
        data = sale(amount=f"{1000 + i}.50", day=dt.date(2026, 5, 1 + i % 28))
        data["description"] = f"Äänekosken Öljy Åland {i}"
        services.post_voucher(system, books, **data)
    zf = _build(system, books)
    index = json.loads(zf.read("index.json"))
    for slug, title in (
        ("paivakirja", "Päiväkirja"),
        ("paakirja", "Pääkirja"),
        ("tositeluettelo", "Tositeluettelo"),
    ):
        data = zf.read(f"kirjat/{slug}.pdf")
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = _pdf_text(data)
        assert len(pages) >= 2 or slug == "tositeluettelo"
        for number, text in enumerate(pages, start=1):
            assert books.name in text and f"Y-tunnus {books.business_id}" in text
            assert f"{title} 1.1.2026\N{EN DASH}31.12.2026" in text
            assert f"Sivu {number} / {len(pages)}" in text
        text = "\n".join(pages)
        for i in range(60):
            assert f"Äänekosken Öljy Åland {i}" in text, (slug, i)
        if slug != "tositeluettelo":
            assert "1 059,50" in text and "5.5.2026" in text  # Finnish amount and date
        catalog = reader.trailer["/Root"]
        assert b"<pdfaid:part>3</pdfaid:part>" in catalog["/Metadata"].get_object().get_data()
        (intent,) = catalog["/OutputIntents"]
        assert intent.get_object()["/S"] == "/GTS_PDFA1"
        font = reader.pages[0]["/Resources"]["/Font"]["/F1"].get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded
        (book,) = (b for b in index["books"] if b["path"] == f"kirjat/{slug}.pdf")
        assert book["sha256"] == hashlib.sha256(data).hexdigest()
        if slug != "paakirja":  # the general ledger adds each account's opening balance
            assert book["rows"] == (60 if slug == "tositeluettelo" else Entry.objects.count())


def test_the_parts_print_in_the_process_pool_the_same_as_in_one_process(system, books, monkeypatch):
    """Many parts print in tase.core.pdf's pool: the same files, in the same order."""
    from django.utils import timezone

    from tase.core import pdf

    _post(system, books, 3)
    monkeypatch.setattr(archive, "ROWS_PER_PART", 4)
    now = timezone.localtime()
    monkeypatch.setattr(archive.timezone, "localtime", lambda *args: now)
    monkeypatch.setattr(pdf, "pool_size", lambda count=None: 2)
    pooled = _build(system, books)
    monkeypatch.setattr(pdf, "pool_size", lambda count=None: 0)
    alone = _build(system, books)
    names = [n for n in alone.namelist() if n.startswith("kirjat/")]
    assert len(names) > pdf.POOL_MIN
    assert [n for n in pooled.namelist() if n.startswith("kirjat/")] == names
    assert [pooled.read(n) for n in names] == [alone.read(n) for n in names]


def test_queries_do_not_grow_with_the_vouchers(system, books, steady_parameters):
    _post(system, books, 2)
    _build(system, books)  # warm the caches that a process fills once
    with CaptureQueriesContext(connection) as few:
        _build(system, books)
    _post(system, books, 6, start=3)
    with CaptureQueriesContext(connection) as many:
        _build(system, books)
    assert len(many) == len(few)


def test_an_attachment_changed_after_it_was_stored_is_refused(system, books):
    (voucher,) = _post(system, books, 1)
    attachment = Attachment.objects.filter(voucher=voucher).first()
    with open(attachment.file.path, "ab") as changed:
        changed.write(b"tampered")
    with pytest.raises(ValidationError) as error:
        _build(system, books)
    assert "ML 1" in str(error.value) and "SHA-256" in str(error.value)


def test_a_year_of_another_company_is_refused(system, books, world):
    services.apply_chart(system, world.other_company, "limited-company")
    other = services.create_fiscal_year(
        system, world.other_company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    with pytest.raises(ValidationError) as error:
        archive.build_archive(system, books, other, io.BytesIO())
    assert "fiscal_year" in error.value.message_dict


def test_command_writes_the_package(system, books, tmp_path):
    _post(system, books, 1)
    out = tmp_path / "arkisto.zip"
    call_command("archive", company=books.pk, start=dt.date(2026, 1, 1), out=str(out))
    assert "attachments/ML 1/kuitti 1.pdf" in zipfile.ZipFile(out).namelist()


@pytest.mark.parametrize(
    ("end", "books_until", "vouchers_until"),
    [
        (dt.date(2026, 12, 31), dt.date(2036, 12, 31), dt.date(2032, 12, 31)),
        (dt.date(2026, 6, 30), dt.date(2036, 6, 30), dt.date(2032, 12, 31)),
        (dt.date(2028, 2, 29), dt.date(2038, 2, 28), dt.date(2034, 12, 31)),
    ],
)
def test_retention_times(end, books_until, vouchers_until):
    assert archive.books_kept_until(end) == books_until
    assert archive.vouchers_kept_until(end) == vouchers_until


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_safe_names_stay_in_their_folder(name):
    safe = archive.safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert len(safe) <= 150


def test_the_vouchers_are_read_without_reference_cycles(system, books):
    """Memory stays flat: the vouchers, lines and attachments are read as plain rows. Model
    instances with prefetched relations form reference cycles that wait for a full pass of the
    cyclic collector, and the process grew by about 3 kB a voucher (measured at 10,000)."""
    _post(system, books, 4)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        records = list(archive.voucher_rows(books, _year(books)))
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, Voucher | Entry | Attachment)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert len(records) == 4 and left == []
    assert (
        sum(len(r.lines) for r in records) == Entry.objects.filter(voucher__company=books).count()
    )
    assert [a.name for a in records[0].attachments] == ["kuitti 1.pdf", "kuva.png"]


def test_the_zip_directory_waits_on_disk_and_the_package_reads_back(tmp_path):
    """The ZIP's directory entries are spooled to a temporary file as each member is written
    (zipfile keeps about 420 bytes a member otherwise), and the central directory written from
    them at the end is a valid one: every member reads back with its CRC."""
    path = tmp_path / "a.zip"
    stamp = (2026, 12, 31, 12, 0, 0)
    with open(path, "wb") as out, archive._SpooledZip(out, "w", allowZip64=True) as zf:
        for i in range(300):
            with archive._member(zf, f"attachments/ML {i}/f.txt", stamp) as member:
                member.write(f"tosite {i}\n".encode() * 50)
        assert len(zf.filelist) == 300 and dict(zf.NameToInfo) == {}
    with zipfile.ZipFile(path) as read:
        assert read.testzip() is None
        names = read.namelist()
        assert len(names) == 300 and names[7] == "attachments/ML 7/f.txt"
        assert read.read("attachments/ML 299/f.txt") == b"tosite 299\n" * 50


def test_series_whose_codes_share_a_safe_name_keep_their_own_folders(system, books):
    """Series codes that differ only in characters a file name cannot hold get folders of
    their own: the package never holds two members of one name."""
    from tase.ledger.models import SeriesCounter, VoucherSeries

    for code in ("M/", "M:"):
        series = VoucherSeries.objects.create(company=books, code=code, name_fi=code)
        SeriesCounter.objects.create(series=series, fiscal_year=_year(books))
        services.post_voucher(
            system, books, **{**sale(), "series": code}, attachments=[("kuitti.pdf", PDF)]
        )
    names = [info.filename for info in _build(system, books).infolist()]
    folders = sorted(n.split("/")[1] for n in names if n.startswith("attachments/"))
    assert len(names) == len(set(names))
    assert folders == ["M_ 1", "M_-2 1"]


def test_the_long_books_are_the_reports_rows_read_as_plain_values(system, books):
    """The journal, the general ledger and the list of vouchers are read as plain rows in the
    archive (no model instance an entry): value for value what the reports give."""
    from django.utils import translation

    from tase.ledger import reports
    from tase.ledger.services.posting import reverse_voucher

    vouchers = _post(system, books, 4)
    reverse_voucher(system, vouchers[1], date=dt.date(2026, 12, 20), description="Korjaus")
    year = _year(books)
    for kind in ("journal", "general-ledger", "vouchers"):
        with translation.override("fi"):
            plain = archive._table(books, year, kind)
            rows = list(plain.rows)
            model = reports.build(kind, books, year.start, year.end)
            expected = list(model.rows)
        if kind == "vouchers":  # the reports' list has the state; the archive's only posted ones
            expected = [[r[0], r[1], r[2], r[4]] for r in expected if r[3] == "posted"]
        else:
            assert plain.columns == model.columns
        assert rows == expected, kind
        assert len(rows) >= 5
