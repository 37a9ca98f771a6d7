"""Attachment checks: size limit (:mod:`tase.core.limits`), and the type read from the file's first bytes, never its name.

Accepted: PDF, PNG, JPEG, and plain text (TXT/CSV: UTF-8 or Latin-1 text without NUL bytes).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tase.core import limits

MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def sniff(head: bytes) -> Sniffed | None:
    """The type of a file from its first bytes, or None if not one we accept."""
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "pdf")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "png")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "jpg")
    if head and b"\x00" not in head and _is_text(head):
        return Sniffed("text/plain", "txt")
    return None


def _is_text(head: bytes) -> bool:
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        return False  # HTML/SVG/XML: never served back as an attachment
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # the sample may cut a multi-byte character at its end
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            text = head.decode("latin-1")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return printable >= 0.95 * max(len(text), 1)


def check_upload(upload, *, field: str = "attachments", images_only: bool = False) -> Sniffed:
    """The sniffed type of an uploaded file, or ValidationError naming the file."""
    name = getattr(upload, "name", "") or "file"
    limits.check_size(upload, "guide_image" if images_only else "support_file", field=field)
    if limits.size_of(upload) == 0:
        raise ValidationError({field: _("“%(name)s” is empty.") % {"name": name}})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or (images_only and kind.extension not in {"png", "jpg"}):
        allowed = "PNG, JPEG" if images_only else "PDF, PNG, JPEG, TXT, CSV"
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is not an accepted file type (%(allowed)s); the type is read from the content."
                )
                % {"name": name, "allowed": allowed}
            }
        )
    return kind
