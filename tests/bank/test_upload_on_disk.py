"""A bank statement upload is read from disk within the size limit, not held in memory
(core.limits.on_disk), and parsed from there by the streaming camt reader."""

import datetime as dt
import io
import mmap
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import override_settings

from tase.bank import services
from tase.bank.sample import Payment, statement_chunks, statement_xml
from tase.core import limits
from tase.formats.camt import stream

from .conftest import IBAN

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _on_disk(content: bytes) -> TemporaryUploadedFile:
    upload = TemporaryUploadedFile("tiliote.xml", "text/xml", len(content), None)
    upload.write(content)
    upload.seek(0)
    return upload


def test_an_upload_django_kept_on_disk_is_mapped_not_read():
    upload = _on_disk(b"<Document>tiliote</Document>")
    with limits.on_disk(upload, "bank_statement") as data:
        assert isinstance(data, mmap.mmap)
        assert data[:] == b"<Document>tiliote</Document>"


def test_an_upload_in_memory_is_copied_to_a_temporary_file():
    upload = SimpleUploadedFile("tiliote.xml", b"<Document/>")
    with limits.on_disk(upload, "bank_statement") as data:
        assert isinstance(data, mmap.mmap) and data[:] == b"<Document/>"
    with limits.on_disk(b"<Document/>", "bank_statement") as data:
        assert data == b"<Document/>"
    with limits.on_disk(io.BytesIO(b""), "bank_statement") as data:
        assert data == b""


@override_settings(TASE_UPLOAD_LIMITS_MB={"bank_statement": 1})
def test_a_stream_longer_than_it_said_is_refused_at_the_limit():
    """The size is checked before reading, and again while copying: a stream that is larger
    than its declared size stops at the limit, with the limit named."""
    upload = SimpleUploadedFile("tiliote.xml", b"x" * (limits.MB + 1))
    upload.size = 10  # as a client could claim
    with pytest.raises(ValidationError) as error, limits.on_disk(upload, "bank_statement"):
        pass
    assert "accepted is 1 MB" in error.value.messages[0]
    assert "tiliote.xml" in error.value.messages[0]


def test_a_large_statement_on_disk_is_parsed_in_flat_memory():
    """20,000 entries (about 12 MB on disk) parsed from the map: the Python heap stays a
    fraction of the file, where reading the upload held all of it."""
    start = dt.date(2026, 1, 1)
    payments = [
        Payment(start + dt.timedelta(days=n * 360 // 20_000), 1000 + n, f"Maksaja {n % 300} Oy")
        for n in range(20_000)
    ]
    upload = TemporaryUploadedFile("vuosi.xml", "text/xml", 0, None)
    for chunk in statement_chunks(IBAN, start, dt.date(2026, 12, 31), 0, payments):
        upload.write(chunk)
    upload.size = upload.tell()
    upload.seek(0)
    tracemalloc.start()
    try:
        with limits.on_disk(upload, "bank_statement") as data:
            count = sum(1 for event, _item in stream(data, check_schema=False) if event == "entry")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < upload.size / 4, f"peak {peak / 2**20:.1f} MiB of {upload.size / 2**20:.1f}"


def test_an_uploaded_statement_on_disk_is_imported(books, accountant, invoice_of):
    invoice = invoice_of(1000)
    content = statement_xml(
        IBAN,
        *MARCH,
        0,
        [
            Payment(
                dt.date(2026, 3, 10), invoice.gross_cents, "Asiakas Oy", reference=invoice.reference
            )
        ],
    )
    [result] = services.import_statements(accountant, books, _on_disk(content))
    assert result.line_count == 1
    invoice.refresh_from_db()
    assert invoice.status == "paid"


@override_settings(TASE_UPLOAD_LIMITS_MB={"attachment": 0.1})
def test_a_limit_under_a_megabyte_is_named_as_set():
    with pytest.raises(ValidationError) as error:
        limits.check_size(b"x" * (limits.MB // 2), "attachment", name="kuitti.pdf")
    assert error.value.messages == [
        "“kuitti.pdf” is 0,5 MB; the largest attachment accepted is 0,1 MB."
    ]
