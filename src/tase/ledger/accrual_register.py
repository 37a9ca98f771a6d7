"""The accruals as a balance-sheet specification (tase-erittely), and the year-end items of
the closing gate that belong to bookkeeping's own registers.

The specification lists, per balance-sheet account of prepayments and accrued income or
accruals and deferred income, the book balance at a date, the accruals open on that date
(posted on or before it, reversed after it) and the rest: entries posted by hand or by
payroll, such as the holiday-pay liability (Kirjanpitoasetus 1339/1997 2:7 §: the balance
sheet's items are specified in the balance-sheet specifications).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.urls import reverse

from tase.core.models import Company
from tase.core.registry import ClosingValue

from .closing import balances_on
from .models import Account, Accrual, AssetDepreciation, FixedAsset
from .selectors import month_end
from .services.accruals import LIABILITIES_ACCOUNT, RECEIVABLES_ACCOUNT
from .services.fixed_assets import months_due

HOLIDAY_PAY_ACCOUNTS = ("2975", "2980")  # the chart's holiday-pay liability and its social costs


@dataclass
class AccountSpecification:
    number: str
    name: str
    book_cents: int  # the balance sheet's sign: a receivable and a liability are both positive
    accruals: list = field(default_factory=list)

    @property
    def accrued_cents(self) -> int:
        return sum(accrual.amount_cents for accrual in self.accruals)

    @property
    def other_cents(self) -> int:
        return self.book_cents - self.accrued_cents


def accruals_of(company: Company):
    return Accrual.objects.filter(company=company).select_related(
        "result_account", "balance_account", "voucher__series", "reversal__series"
    )


def open_on(company: Company, on: dt.date):
    """The accruals in the balance sheet at the end of ``on``."""
    return accruals_of(company).filter(date__lte=on, reverses_on__gt=on)


def specification(company: Company, on: dt.date) -> list[AccountSpecification]:
    """Per balance-sheet account that holds accruals (and the chart's own accrual and
    holiday-pay accounts): its balance at ``on`` and the accruals that make it up. Three
    queries, and one more per opening date (:func:`tase.ledger.closing.balances_on`)."""
    open_accruals = list(open_on(company, on))
    numbers = {RECEIVABLES_ACCOUNT, LIABILITIES_ACCOUNT, *HOLIDAY_PAY_ACCOUNTS}
    numbers |= {accrual.balance_account.number for accrual in open_accruals}
    accounts = Account.objects.filter(company=company, number__in=numbers, is_header=False)
    balances = balances_on([company.pk], on, numbers=numbers)
    rows = []
    for account in accounts.order_by("number"):
        net = balances.get((company.pk, account.number), 0)
        row = AccountSpecification(
            account.number, account.name, net if account.type == Account.Type.ASSET else -net
        )
        row.accruals = [a for a in open_accruals if a.balance_account_id == account.pk]
        if row.book_cents or row.accruals:
            rows.append(row)
    return rows


# -- year-end items of the closing gate ------------------------------------------------------


def accrual_reversals_value(company: Company, on: dt.date) -> ClosingValue | None:
    """Accruals whose reversal date has come by ``on`` are reversed: the reversed amount
    against the amount due. None for a company without accruals."""
    due = Accrual.objects.filter(company=company, reverses_on__lte=on).aggregate(
        due=Sum("amount_cents"), reversed=Sum("amount_cents", filter=Q(reversal__isnull=False))
    )
    if due["due"] is None:
        return None
    return ClosingValue(
        due["reversed"] or 0, due["due"], reverse("ledger:accruals", args=[company.pk])
    )


def depreciation_value(company: Company, on: dt.date) -> ClosingValue | None:
    """The planned depreciation is posted up to ``on``: what is posted against what the
    plans say (posted plus not yet posted). None for a company without fixed assets."""
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
