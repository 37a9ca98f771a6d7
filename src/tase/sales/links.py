"""The way back from the books: a voucher posted by sales links to its invoice."""

from __future__ import annotations

from django.urls import reverse

from .models import Payment


def invoice_url(voucher) -> str | None:
    if not voucher.source_ref.isdigit():
        return None
    return reverse("sales:invoice_detail", args=[voucher.company_id, int(voucher.source_ref)])


def payment_url(voucher) -> str | None:
    if not voucher.source_ref.isdigit():
        return None
    invoice_id = (
        Payment.objects.filter(pk=int(voucher.source_ref), company_id=voucher.company_id)
        .values_list("invoice_id", flat=True)
        .first()
    )
    if invoice_id is None:
        return None
    return reverse("sales:invoice_detail", args=[voucher.company_id, invoice_id])
