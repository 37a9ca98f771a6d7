"""Booking the depreciation difference (poistoero) at a fiscal year's end.

The change of each tax pool (:mod:`tase.ledger.tax_depreciation`) is booked as one
memo voucher on the year's last day: an increase debits the change in depreciation
difference (chart account 9700, a closing appropriation) and credits the accumulated
depreciation difference (2400, under appropriations in the balance sheet); a decrease
the other way round. A year's difference is booked once, after the planned
depreciation of the year has been run.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.core.templatetags.tase import format_money

from .. import tax_depreciation
from ..models import DepreciationDifference, FiscalYear, FixedAsset, Voucher
from .common import cents_to_decimal, fmt_date, guard, to_cents
from .fixed_assets import months_due
from .posting import post_voucher

DIFFERENCE_ACCOUNT, CHANGE_ACCOUNT = "2400", "9700"


def _changes_in_cents(changes: dict | None, rows) -> dict[str, int]:
    """The change per pool: the caller's (euros) where given, else the proposal;
    each within the range the Act allows."""
    changes = dict(changes or {})
    known = {row.pool for row in rows}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValidationError(
            {
                f"changes.{unknown[0]}": _("The company has no tax pool %(pool)s.")
                % {"pool": unknown[0]}
            }
        )
    result, errors = {}, {}
    for row in rows:
        if changes.get(row.pool) in (None, ""):
            result[row.pool] = row.year.most
            continue
        try:
            cents = to_cents(changes[row.pool], f"changes.{row.pool}")
        except ValueError as error:
            errors[f"changes.{row.pool}"] = str(error)
            continue
        if not row.year.least <= cents <= row.year.most:
            errors[f"changes.{row.pool}"] = _(
                "%(pool)s: the change must be between %(least)s and %(most)s."
            ) % {
                "pool": row.label,
                "least": format_money(row.year.least),
                "most": format_money(row.year.most),
            }
        result[row.pool] = cents
    if errors:
        raise ValidationError(errors)
    return result


@transaction.atomic
def book_depreciation_difference(
    actor,
    company: Company,
    fiscal_year: FiscalYear,
    changes: dict | None = None,
    *,
    difference_account: str = DIFFERENCE_ACCOUNT,
    change_account: str = CHANGE_ACCOUNT,
) -> Voucher:
    """Book the change of the depreciation difference of every tax pool for
    ``fiscal_year``: ``changes`` maps a pool (``machinery``, ``asset:<id>``) to the
    change in euros, the largest deduction the Act allows where a pool is left out.
    Refused, with nothing written, when the year's difference is already booked, the
    planned depreciation of the year has not been run, nothing changes, or the year
    is closed or locked."""
    guard(actor, company, "ledger.post")
    if fiscal_year.company_id != company.pk:
        raise ValidationError({"fiscal_year": _("Select a fiscal year of the company.")})
    FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if DepreciationDifference.objects.filter(fiscal_year=fiscal_year).exists():
        raise ValidationError(
            {
                "fiscal_year": _(
                    "The depreciation difference of %(year)s is already booked; "
                    "correct it with a new voucher."
                )
                % {"year": fiscal_year}
            }
        )
    assets = list(FixedAsset.objects.filter(company=company, in_use__lte=fiscal_year.end))
    if months_due(assets, fiscal_year.end):
        raise ValidationError(
            {
                "fiscal_year": _("Run the depreciation according to plan until %(date)s first.")
                % {"date": fmt_date(fiscal_year.end)}
            }
        )
    rows = tax_depreciation.pools(company, fiscal_year)
    cents = _changes_in_cents(changes, rows)
    lines = []
    for row in rows:
        change = cents[row.pool]
        if change:
            amount = cents_to_decimal(abs(change))
            debit, credit = (
                (change_account, difference_account)
                if change > 0
                else (difference_account, change_account)
            )
            lines.append({"account": debit, "debit": amount, "text": row.label})
            lines.append({"account": credit, "credit": amount, "text": row.label})
    if not lines:
        raise ValidationError(
            {
                "fiscal_year": _("The depreciation difference does not change in %(year)s.")
                % {"year": fiscal_year}
            }
        )
    try:
        voucher = post_voucher(
            actor,
            company,
            date=fiscal_year.end,
            series="MU",
            description=_("Depreciation difference %(year)s") % {"year": fiscal_year},
            lines=lines,
            source="fixed_assets",
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "date" in error.error_dict:
            raise ValidationError({"fiscal_year": error.error_dict["date"]}) from None
        raise
    DepreciationDifference.objects.bulk_create(
        DepreciationDifference(
            company=company,
            fiscal_year=fiscal_year,
            pool=row.pool,
            change_cents=cents[row.pool],
            voucher=voucher,
        )
        for row in rows
        if cents[row.pool]
    )
    audit.record(
        actor.user,
        "depreciation_difference",
        voucher,
        company=company,
        changes={"fiscal_year": [None, str(fiscal_year)], "pools": [None, cents]},
    )
    return voucher
