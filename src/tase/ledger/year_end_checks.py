"""The year-end items of the closing gate that belong to bookkeeping (Kirjanpitolaki
1336/1997 6:1 §: the financial statements are made of the closed books; KPL 5:5 § planned
depreciation, 3:1 § the accrual basis). Each answers one company on the year's last day,
None where the item does not apply; the gate asks them only when a fiscal year is closed.

- the planned depreciation is posted to the year end;
- the accruals whose reversal date has come are reversed;
- the VAT of every period is settled: the output and input VAT accounts are empty;
- a limited company's or cooperative's income tax is booked for a year with a profit.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum
from django.urls import reverse

from tase.core.models import Company
from tase.core.registry import ClosingValue

from .closing import balances_on
from .models import Account, Accrual, AssetDepreciation, FiscalYear, FixedAsset
from .selectors import month_end
from .services import income_tax
from .services.fixed_assets import months_due


def depreciation_value(company: Company, on: dt.date) -> ClosingValue | None:
    """What is posted against what the plans say up to ``on`` (posted plus not yet posted).
    None for a company without fixed assets in use."""
    assets = list(FixedAsset.objects.filter(company=company, in_use__lte=on))
    if not assets:
        return None
    until = on if month_end(on) == on else on.replace(day=1) - dt.timedelta(days=1)
    due = sum(sum(months.values()) for months in months_due(assets, until).values())
    posted = (
        AssetDepreciation.objects.filter(asset__company=company, month__lte=on).aggregate(
            total=Sum("amount_cents")
        )["total"]
        or 0
    )
    return ClosingValue(posted, posted + due, reverse("ledger:fixed_assets", args=[company.pk]))


def accrual_reversals_value(company: Company, on: dt.date) -> ClosingValue | None:
    """The reversed amount against the amount due for reversal by ``on``. None when no
    accrual is due."""
    due = Accrual.objects.filter(company=company, reverses_on__lte=on).aggregate(
        due=Sum("amount_cents"), reversed=Sum("amount_cents", filter=Q(reversal__isnull=False))
    )
    if due["due"] is None:
        return None
    return ClosingValue(
        due["reversed"] or 0, due["due"], reverse("ledger:accruals", args=[company.pk])
    )


def vat_settled_value(company: Company, on: dt.date) -> ClosingValue | None:
    """The output and input VAT accounts' balance at ``on`` against zero: every period is
    settled to the VAT payable account. None for a company without VAT accounts."""
    roles = [Account.Role.VAT_OUTPUT, Account.Role.VAT_INPUT]
    if not Account.objects.filter(company=company, role__in=roles).exists():
        return None
    balances = balances_on([company.pk], on, roles=roles)
    left = -sum(balances.get((company.pk, role), 0) for role in roles)
    return ClosingValue(left, 0, reverse("ledger:vat_settle", args=[company.pk]))


def income_tax_value(company: Company, on: dt.date) -> ClosingValue | None:
    """The booked income tax against the proposal at the dated rate until a tax is booked,
    then against itself (the tax return decides the amount, not the gate). None for a
    company that pays no corporate income tax or a year without a profit."""
    year = FiscalYear.objects.filter(company=company, end=on).first()
    if year is None or not income_tax.pays_corporate_income_tax(company):
        return None
    voucher = income_tax.booked(company, year)
    url = reverse("ledger:fiscal_years", args=[company.pk])
    if voucher is not None:
        amount = sum(e.amount_cents for e in voucher.entries.all() if e.amount_cents > 0)
        return ClosingValue(amount, amount, url)
    proposed, _rate = income_tax.proposal(company, year)
    return ClosingValue(0, proposed, url) if proposed else None
