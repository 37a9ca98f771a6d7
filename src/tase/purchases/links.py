"""The way back from the books: a voucher posted by purchases links to its invoice."""

from __future__ import annotations

from django.urls import reverse


def invoice_url(voucher) -> str | None:
    if not voucher.source_ref.isdigit():
        return None
    return reverse("purchases:invoice_detail", args=[voucher.company_id, int(voucher.source_ref)])


def payment_url(voucher) -> str | None:
    """A payment voucher's source_ref is the invoice's id and the payment's date."""
    invoice_id = voucher.source_ref.split(":", 1)[0]
    if not invoice_id.isdigit():
        return None
    return reverse("purchases:invoice_detail", args=[voucher.company_id, int(invoice_id)])
