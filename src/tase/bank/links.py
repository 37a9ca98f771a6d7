"""The way back from the books: a voucher posted from a bank line links to its statement."""

from __future__ import annotations

from django.urls import reverse

from .models import Line


def line_url(voucher) -> str | None:
    if not voucher.source_ref.isdigit():
        return None
    statement_id = (
        Line.objects.filter(pk=int(voucher.source_ref), company_id=voucher.company_id)
        .values_list("statement_id", flat=True)
        .first()
    )
    if statement_id is None:
        return None
    url = reverse("bank:statement_detail", args=[voucher.company_id, statement_id])
    return f"{url}#line-{voucher.source_ref}"


def statement_url(voucher) -> str | None:
    """A voucher of many lines of one statement (``"12:2026-03-20"``: a day's reference
    payments) links to the statement."""
    statement_id = voucher.source_ref.partition(":")[0]
    if not statement_id.isdigit():
        return None
    return reverse("bank:statement_detail", args=[voucher.company_id, int(statement_id)])
