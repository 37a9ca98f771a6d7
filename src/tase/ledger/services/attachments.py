"""Voucher attachments: PDF and image receipts, checked by size and content."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit, limits

from ..models import Attachment, Voucher
from .common import guard

ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff(data: bytes) -> str | None:
    for content_type, prefixes in MAGIC.items():
        if any(data.startswith(prefix) for prefix in prefixes):
            return content_type
    return None


def _read_upload(upload) -> tuple[str, bytes]:
    """The name and bytes of an upload, refused by its size before it is read."""
    if isinstance(upload, tuple):
        name, data = upload
        limits.check_size(data, "attachment", field="attachments", name=str(name))
        return str(name), bytes(data)
    limits.check_size(upload, "attachment", field="attachments")
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    return PurePath(upload.name).name, data


def _attach(voucher: Voucher, upload) -> Attachment:
    name, data = _read_upload(upload)
    extension = PurePath(name).suffix.lower()
    expected = ATTACHMENT_TYPES.get(extension)
    if expected is None:
        raise ValidationError(
            {
                "attachments": _("“%(name)s”: only PDF, JPEG and PNG files are accepted.")
                % {"name": name}
            }
        )
    actual = sniff(data)
    if actual != expected:
        raise ValidationError(
            {
                "attachments": _(
                    "“%(name)s” is not what its name says: its content is not %(kind)s."
                )
                % {"name": name, "kind": extension.lstrip(".").upper()}
            }
        )
    return _store(voucher, name, data, actual)


def _store(voucher: Voucher, name: str, data: bytes, content_type: str) -> Attachment:
    """Keep ``data`` as an attachment of ``voucher`` (checked by the caller)."""
    attachment = Attachment(
        voucher=voucher,
        company_id=voucher.company_id,
        name=name[:200],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_attachment(actor, voucher: Voucher, upload) -> Attachment:
    guard(actor, voucher.company, "ledger.post")
    attachment = _attach(voucher, upload)
    audit.record(
        actor.user,
        "attach",
        voucher,
        company=voucher.company,
        changes={"file": [None, attachment.name]},
    )
    return attachment
