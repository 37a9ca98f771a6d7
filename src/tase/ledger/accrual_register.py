"""The accruals as a balance-sheet specification (tase-erittely).

The specification lists, per balance-sheet account of prepayments and accrued income or
accruals and deferred income, the book balance at a date, the accruals open on that date
(posted on or before it, reversed after it) and the rest: entries posted by hand or by
payroll, such as the holiday-pay liability (Kirjanpitolaki 1336/1997 3:13 §: the balance
sheet's items are specified in the balance-sheet specifications; see balance_specifications).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tase.core.models import Company

from .closing import balances_on
from .models import Account, Accrual
from .services.accruals import LIABILITIES_ACCOUNT, RECEIVABLES_ACCOUNT

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
