"""Opening balances of a fiscal year from a CSV file."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core.models import Company

from ..models import FiscalYear, Voucher
from .common import _cache, guard
from .posting import _line_error, _post, _prepare_entries


def _first_open_year(company: Company) -> FiscalYear:
    year = FiscalYear.objects.filter(company=company, state=FiscalYear.State.OPEN).order_by("start")
    if not year.exists():
        raise ValidationError({"fiscal_year": _("The company has no open fiscal year.")})
    return year.first()


@transaction.atomic
def import_opening_balances(
    actor, company: Company, data: bytes, *, fiscal_year: FiscalYear | None = None
) -> dict:
    """Post the opening balances (avaavat saldot) of a fiscal year from a CSV file
    (:mod:`tase.formats.opening_csv`): one memo voucher dated the year's first day, for books
    that come to Tase from elsewhere. Later years get theirs from the year-end close.

    Only balance sheet accounts take an opening balance (the result of earlier years is in
    equity); the balances must sum to zero. A year has one set: the same file imported again
    is skipped; a different one is refused until the first is reversed. All or nothing, every
    bad row named by its line number. ``fiscal_year``: default the earliest open one.
    """
    from tase.formats import opening_csv

    guard(actor, company, "ledger.post")
    year = fiscal_year or _first_open_year(company)
    if year.company_id != company.pk:
        raise ValidationError({"fiscal_year": _("Unknown fiscal year.")})
    parsed = opening_csv.parse(data)
    errors = [
        _("Line %(line)s: %(message)s") % {"line": line, "message": message} if line else message
        for line, message in parsed.errors
    ]
    accounts = _cache(actor, company)["accounts"]
    seen: dict[str, int] = {}
    for row in parsed.rows:
        account = accounts.get(row.account)
        if account is not None and not account.is_balance_sheet:
            _line_error(
                errors,
                row.line,
                _(
                    "account %(number)s is not a balance sheet account; earlier results "
                    "belong in equity."
                )
                % {"number": row.account},
            )
        elif row.account in seen:
            _line_error(
                errors,
                row.line,
                _("account %(number)s is on line %(first)s already.")
                % {"number": row.account, "first": seen[row.account]},
            )
        seen.setdefault(row.account, row.line)
    if not parsed.rows and not errors:
        errors.append(_("The file has no balances."))
    if errors:
        raise ValidationError({"file": errors})
    digest = hashlib.sha256(
        "\n".join(f"{row.account}:{row.balance:.2f}" for row in parsed.rows).encode()
    ).hexdigest()[:40]
    source_ref = f"opening:{year.pk}:{digest}"
    existing = (
        Voucher.objects.filter(
            company=company, date=year.start, source__in=["opening-balances", "year-end"]
        )
        .filter(reversed_by__isnull=True)
        .select_related("series")
        .first()
    )
    if existing is not None:
        if existing.source_ref == source_ref:
            return {"voucher": existing, "accounts": len(parsed.rows), "skipped": True}
        raise ValidationError(
            {
                "file": _(
                    "The fiscal year %(year)s has opening balances already (voucher "
                    "%(voucher)s); reverse that voucher to import new ones."
                )
                % {"year": str(year), "voucher": existing.label}
            }
        )
    lines = [
        {
            "account": row.account,
            "debit": row.balance if row.balance > 0 else None,
            "credit": -row.balance if row.balance < 0 else None,
        }
        for row in parsed.rows
    ]
    try:
        entries = _prepare_entries(
            company, year.start, lines, labels=[row.line for row in parsed.rows], accounts=accounts
        )
    except ValidationError as error:
        raise ValidationError({"file": error.message_dict["lines"]}) from None
    voucher = _post(
        actor,
        company,
        date=year.start,
        series="MU",
        description=_("Opening balances"),
        lines=(),
        entries=entries,
        source="opening-balances",
        source_ref=source_ref,
    )
    return {"voucher": voucher, "accounts": len(parsed.rows), "skipped": False}
