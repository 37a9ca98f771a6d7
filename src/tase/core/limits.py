"""What Tase accepts at most, in one place: file sizes per kind of upload, the range of an
amount, and the lines of one voucher.

Every upload is measured before it is parsed (:func:`check_size`): a file over its kind's
limit is refused with a message naming the limit, so no request reads a 50 MB file into a
parser. The limits are settings (``TASE_UPLOAD_LIMITS_MB``, in megabytes per kind;
docs/deployment.md). Text in CSV files is checked where it is read
(:mod:`tase.formats.csv_table` refuses control characters, so no NUL byte reaches the
database); amounts are checked where they become cents (``tase.ledger.services.to_cents``
against :data:`MAX_AMOUNT_CENTS`).
"""

from __future__ import annotations

import mmap
import os
import tempfile
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MB = 1024 * 1024

# The kinds of upload and their default limits in megabytes (settings may change them).
DEFAULT_UPLOAD_LIMITS_MB = {
    "voucher_csv": 20,  # about 200,000 voucher lines
    "opening_csv": 2,
    "attachment": 10,  # a receipt or an invoice: PDF, JPEG, PNG
    "support_file": 5,
    "guide_image": 5,
    "sales_csv": 10,  # customers or open invoices, about 50,000 rows
    "pay_items_csv": 5,  # about 100,000 pay items
    "tax_card_file": 10,  # a CSV or the Tax Administration's file of a large employer
    "finvoice": 20,  # a supplier's Finvoice, or an operator's batch with attachments
    "bank_statement": 200,  # camt.053/054: a year of 100,000 entries is about 130 MB
    "earlier_books": 200,  # a Tilitin or Kitsas book: ten busy years are about 50 MB
}
KIND_NAMES = {
    "voucher_csv": gettext_lazy("voucher CSV file"),
    "opening_csv": gettext_lazy("opening balance file"),
    "attachment": gettext_lazy("attachment"),
    "support_file": gettext_lazy("attachment"),
    "guide_image": gettext_lazy("image"),
    "sales_csv": gettext_lazy("CSV file"),
    "pay_items_csv": gettext_lazy("pay item CSV file"),
    "tax_card_file": gettext_lazy("tax card file"),
    "finvoice": gettext_lazy("Finvoice file"),
    "bank_statement": gettext_lazy("bank statement file"),
    "earlier_books": gettext_lazy("book of the earlier program"),
}

# The largest amount one line may carry: 999,999,999,999.99 €. Well inside a 64-bit integer
# of cents even when 32,767 such lines are summed (3.3e18 < 9.2e18), so no total overflows.
MAX_AMOUNT_CENTS = 99_999_999_999_999

# One voucher's lines, VAT lines included: the entry's position is a 16-bit integer.
MAX_VOUCHER_LINES = 32_767


def _limit_mb(kind: str):
    """The limit of ``kind`` in megabytes, as set."""
    return {**DEFAULT_UPLOAD_LIMITS_MB, **getattr(settings, "TASE_UPLOAD_LIMITS_MB", {})}[kind]


def upload_limit(kind: str) -> int:
    """The largest accepted file of ``kind``, in bytes."""
    return int(_limit_mb(kind) * MB)


def size_of(upload) -> int:
    """The size of an upload, bytes, or a seekable file, without reading it."""
    if isinstance(upload, bytes | bytearray):
        return len(upload)
    size = getattr(upload, "size", None)
    if size is not None:
        return size
    position = upload.tell()
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(position)
    return size


def check_size(upload, kind: str, *, field: str = "file", name: str = "") -> None:
    """Refuse ``upload`` if it is larger than ``kind`` allows; nothing of it is read."""
    _refuse_over(size_of(upload), upload, kind, field, name)


@contextmanager
def on_disk(upload, kind: str, *, field: str = "file", name: str = ""):
    """The bytes of ``upload`` read from disk, not held in memory: a read-only ``mmap`` of
    the file (bytes as they are for ``bytes``; ``b""`` for an empty file), for readers that
    stream a buffer (:func:`tase.formats.safe_xml.pull`). An upload Django kept on disk or an
    open file is mapped where it is; one kept in memory or another stream is copied to a
    temporary file a megabyte at a time, refused as soon as it passes ``kind``'s limit. The
    size is checked first (:func:`check_size`)."""
    check_size(upload, kind, field=field, name=name)
    if isinstance(upload, bytes | bytearray):
        yield bytes(upload)
        return
    with ExitStack() as stack:
        if hasattr(upload, "temporary_file_path"):
            file = stack.enter_context(open(upload.temporary_file_path(), "rb"))
        elif _has_fileno(upload):
            file = upload
        else:
            file = stack.enter_context(tempfile.TemporaryFile())
            upload.seek(0)
            limit, written = upload_limit(kind), 0
            while chunk := upload.read(MB):
                written += len(chunk)
                _refuse_over(written, upload, kind, field, name, limit)
                file.write(chunk)
            file.flush()
        if os.fstat(file.fileno()).st_size == 0:
            yield b""
            return
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data


def _has_fileno(upload) -> bool:
    try:
        upload.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


def _refuse_over(size: int, upload, kind: str, field: str, name: str, limit: int = 0) -> None:
    limit = limit or upload_limit(kind)
    if size > limit:
        name = name or getattr(upload, "name", "") or _("the file")
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is %(size)s MB; the largest %(kind)s accepted is %(limit)s MB."
                )
                % {
                    "name": str(name).rsplit("/", 1)[-1],
                    "size": number_format(size / MB, 1),
                    "kind": KIND_NAMES[kind],
                    "limit": number_format(_limit_mb(kind)),  # as set: 0.1 is not "0,0"
                }
            }
        )
