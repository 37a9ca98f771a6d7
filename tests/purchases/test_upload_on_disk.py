"""A purchase invoice's PDF or image, or a Finvoice batch, is never read whole into memory: its size is checked
before anything is read (the refusal names the limit), its type told by its first bytes, and
the file copied to storage a chunk at a time."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile

from tase.purchases import services
from tase.purchases.models import PurchaseAttachment, PurchaseInvoice, Supplier

from .conftest import PDF, finvoice

pytestmark = pytest.mark.django_db


class NoWholeRead(TemporaryUploadedFile):
    """An upload Django kept on disk that fails the test when read whole (``read()``
    without a size)."""

    reads: list

    def read(self, size=-1):
        if size is None or size < 0:
            raise AssertionError("the upload was read whole into memory")
        self.reads.append(size)
        return self.file.read(size)


def _upload(data: bytes, name="lasku.pdf") -> NoWholeRead:
    upload = NoWholeRead(name, "application/pdf", len(data), None)
    upload.file.write(data)
    upload.file.seek(0)
    upload.reads = []
    return upload


def _invoice(accountant, company, attachment):
    supplier = Supplier.objects.create(company=company, name="X", iban="FI5810171000000122")
    return services.create_invoice(
        accountant, company, supplier=supplier, number="1", invoice_date="2026-03-27",
        total="10.00", attachment=attachment,
    )  # fmt: skip


def test_the_attachment_is_streamed_to_storage(books, accountant):
    body = PDF + b"%" + b"x" * 200_000 + b"\n"
    upload = _upload(body)
    invoice = _invoice(accountant, books, upload)
    kept = invoice.attachments.get()
    assert (kept.size, kept.content_type) == (len(body), "application/pdf")
    assert kept.file.read() == body
    assert upload.reads and max(upload.reads) < len(body)  # in chunks, never whole


def test_an_attachment_over_the_limit_is_refused_before_it_is_read(books, accountant, settings):
    settings.TASE_UPLOAD_LIMITS_MB = {"attachment": 1}
    upload = _upload(PDF + b"x" * 1_200_000)
    with pytest.raises(ValidationError) as error:
        _invoice(accountant, books, upload)
    [message] = error.value.message_dict["attachment"]
    assert "lasku.pdf" in message and "accepted is 1 MB" in message
    assert upload.reads == []
    assert not PurchaseInvoice.objects.exists()


def test_a_finvoice_batch_is_read_from_disk_and_kept_once(books, accountant):
    body = b"\n".join(finvoice(f"D-{n}") for n in range(5))
    upload = _upload(body, "erä.xml")
    [result] = services.import_finvoices(accountant, books, [upload])
    assert [i.number for i in result.invoices] == [f"D-{n}" for n in range(5)]
    assert result.errors == []
    kept = PurchaseAttachment.objects.filter(name="erä.xml")
    assert kept.count() == 5 and len({k.file.name for k in kept}) == 1  # one stored copy
    assert kept.first().file.read() == body and kept.first().size == len(body)
    assert all(size < len(body) for size in upload.reads)  # never read whole
