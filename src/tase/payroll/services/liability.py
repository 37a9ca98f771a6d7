"""The holiday-pay liability (lomapalkkavelka) at a date, per employee and in total, with the
employer's social costs on it, and its posting to the books at a month end, reversed on the
first day of the next month (through the ledger's services).

Per employee: the unused days of the last ended credit year (earned, carried over, less the
holiday days used and the days saved by the date) and the days earned so far in the current
one, each at its year's holiday day pay; the saved leave not yet used, of every year it was
saved from (vuosilomalaki 27 §: kept over several years), at the day pay of the last ended
year (27 § 4 mom.: paid by the credit year preceding the leave's start); the holiday bonus at the company's
rule on it; the holiday compensation still owed by vuosilomalaki 16 § to an employee under
the 35-hour rule whose credit year had no full month (8 § 1 mom.: the ended year's until the
run at the end of the holiday season pays it, and the current year's so far; the bonus on it
only when the company's rule pays the bonus on compensation; :mod:`.holidays.free_time`);
the 26 § compensation for the days the continuing incapacity kept from being given, from the
deadline until an approved run has paid it (:mod:`.holidays.not_given`);
and the employer's contributions at the rates in force on the date: TyEL (the
company's rate, else the year's average employer rate), unemployment insurance (by the
company's wage-sum threshold mark), health insurance, and the company's accident and group
life insurance rates (dated parameters ``payroll.*``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.rules.parameters import ParameterError, value_at
from tase.rules.payroll import cents
from tase.rules.payroll.params import (
    P_HEALTH_EMPLOYER,
    P_TYEL_EMPLOYER,
    P_UNEMP_ABOVE,
    P_UNEMP_BELOW,
)
from tase.rules.payroll_catalogue import HOLIDAY_ACCRUAL_ACCOUNTS as ACCOUNTS

from ..models import PayrollSettings
from .common import require
from .holidays import CHUNK, Ledger, chunks, liability_owed, not_given_owed, unused

SERIES = "PA"
SOURCE = "payroll-holiday-liability"
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Rates:
    """The employer's contribution rates (percent) on the date."""

    tyel: Decimal
    unemployment: Decimal
    health: Decimal
    accident: Decimal
    group_life: Decimal

    @property
    def total(self) -> Decimal:
        return self.tyel + self.unemployment + self.health + self.accident + self.group_life


def rates_on(company: Company, on: dt.date, field: str = "date") -> Rates:
    """The rates in force on ``on``; a year whose rates are not entered is refused naming
    ``field`` (the date's field of the request)."""
    # A read: a company that never saved its payroll settings has their defaults, and no row
    # is written for it (the closing gate and the balance-sheet specifications ask this).
    settings_row = PayrollSettings.objects.filter(company=company).first() or PayrollSettings(
        company=company
    )
    try:
        return Rates(
            tyel=Decimal(settings_row.tyel_rate)
            if settings_row.tyel_rate is not None
            else Decimal(value_at(P_TYEL_EMPLOYER, on)),
            unemployment=Decimal(
                value_at(
                    P_UNEMP_ABOVE if settings_row.above_unemployment_threshold else P_UNEMP_BELOW,
                    on,
                )
            ),
            health=Decimal(value_at(P_HEALTH_EMPLOYER, on)),
            accident=Decimal(settings_row.accident_rate),
            group_life=Decimal(settings_row.group_life_rate),
        )
    except ParameterError as error:
        raise ValidationError({field: str(error)}) from None


@dataclass(frozen=True, slots=True)
class Row:
    employee_id: int
    employee: str
    days: int
    holiday_pay: Decimal
    holiday_bonus: Decimal
    social_costs: Decimal
    saved_days: int = 0  # of ``days``: saved leave not yet used

    @property
    def total(self) -> Decimal:
        return self.holiday_pay + self.holiday_bonus + self.social_costs


ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Liability:
    """The liability at ``on``: the totals of every employee's, and their ``rows`` (none when
    only the totals were asked for: the posting, the closing gate)."""

    on: dt.date
    rates: Rates
    rows: list[Row]
    days: int = 0
    holiday_pay: Decimal = ZERO
    holiday_bonus: Decimal = ZERO
    social_costs: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.holiday_pay + self.holiday_bonus + self.social_costs


def _row(book: Ledger, employee, on: dt.date, rates: Rates) -> Row:
    left = unused(book, employee, on)
    owed = liability_owed(book, employee, on)  # 16 §: no days, a percentage of the wages
    owed += not_given_owed(book, employee, on)  # 26 §: days off the balance, not yet paid
    percent = Decimal(book.policy.holiday_bonus_percent)
    bonus = cents(left.pay * percent / HUNDRED)
    if book.policy.bonus_on_compensation:
        bonus += cents(owed * percent / HUNDRED)
    pay = left.pay + owed
    social = cents((pay + bonus) * rates.total / HUNDRED)
    return Row(employee.pk, employee.name, left.days, pay, bonus, social, left.saved_days)


def _employed(book: Ledger, employee, on: dt.date) -> bool:
    """Whether an employment of the employee lasts to ``on`` at least: one that ended before
    owes nothing more, its days were paid as holiday compensation with the final pay (17 §)."""
    return any(e.end_date is None or e.end_date >= on for e in book.employments[employee.pk])


def liability(
    actor,
    company: Company,
    on: dt.date,
    books: Iterable[Ledger] | None = None,
    *,
    field: str = "on",
) -> Liability:
    """The holiday-pay liability of every employee of ``company`` at the end of ``on``
    (``books``: the company's employees read for ``on`` already, a chunk at a time, as for
    the balances). A year without the contribution rates is refused naming ``field``: ``on``,
    the parameter of the page and of the API."""
    require(actor, company, "payroll.view")
    return computed_liability(company, on, books, field=field)


def computed_liability(
    company: Company,
    on: dt.date,
    books: Iterable[Ledger] | None = None,
    *,
    rows: bool = True,
    size: int = CHUNK,
    field: str = "date",
) -> Liability:
    """:func:`liability` without the permission check, for the closing gate. The employees
    are read ``size`` at a time (:func:`.holidays.chunks`) and only the totals and, with
    ``rows``, each employee's row are kept: the memory held does not grow with the ledgers
    of a large company. ``field``: the date's field a refusal names."""
    rates = rates_on(company, on, field)
    kept: list[Row] = []
    days, pay, bonus, social = 0, ZERO, ZERO, ZERO
    for book in books if books is not None else chunks(company, on, size=size):
        if book.on != on:
            raise ValueError(f"A ledger read for {book.on}, not {on}.")
        for employee in book.employees:
            if not _employed(book, employee, on):
                continue
            row = _row(book, employee, on, rates)
            if not (row.days or row.holiday_pay):
                continue
            days += row.days
            pay += row.holiday_pay
            bonus += row.holiday_bonus
            social += row.social_costs
            if rows:
                kept.append(row)
    return Liability(on, rates, kept, days, pay, bonus, social)


def voucher_lines(result: Liability) -> list[dict]:
    """Debit the change in the accrual and the social cost expenses; credit the accrued
    holiday pay and the accrued social costs (accounts: payroll_catalogue)."""
    rates, social = result.rates, result.social_costs
    lines = [
        {"account": ACCOUNTS["expense"], "debit": result.holiday_pay + result.holiday_bonus},
        {"account": ACCOUNTS["liability"], "credit": result.holiday_pay + result.holiday_bonus},
    ]
    parts = [
        (ACCOUNTS[name], getattr(rates, name))
        for name in ("tyel", "unemployment", "health", "accident", "group_life")
    ]
    split = [
        (account, cents(social * rate / rates.total) if rates.total else Decimal(0))
        for account, rate in parts
    ]
    if split:  # the rounding difference on the largest part, so the lines sum to the total
        largest = max(range(len(split)), key=lambda i: split[i][1])
        account, amount = split[largest]
        split[largest] = (account, amount + social - sum(a for _, a in split))
    lines += [{"account": account, "debit": amount} for account, amount in split if amount]
    lines.append({"account": ACCOUNTS["social_liability"], "credit": social})
    return [line for line in lines if line.get("debit") or line.get("credit")]


def liability_ref(month_end: dt.date) -> str:
    """The ``source_ref`` of the liability voucher of a month end."""
    return f"holiday-liability:{month_end.isoformat()}"


def _first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


@transaction.atomic
def post_liability(
    actor, company: Company, month_end: dt.date, books: Iterable[Ledger] | None = None
):
    """Post the liability at ``month_end`` (a month's last day) as a voucher in the payroll
    series and its reversal on the first day of the next month. Posting the same month
    again is refused. Its totals alone are kept (:func:`computed_liability`); ``books`` as
    for :func:`liability`. Returns (voucher, reversal). A refusal names ``month_end``, the
    field of the page's form and of the API's body."""
    from tase.ledger import services as ledger
    from tase.ledger.models import Voucher

    from ..postings import PayrollPostingActor

    require(actor, company, "payroll.approve")
    following = _first_of_next_month(month_end)
    if following - dt.timedelta(days=1) != month_end:
        raise ValidationError({"month_end": _("Give the last day of a month.")})
    ref = liability_ref(month_end)
    if Voucher.objects.filter(company=company, source=SOURCE, source_ref=ref).exists():
        raise ValidationError(
            {"month_end": _("The liability of this month end is posted already.")}
        )
    result = computed_liability(company, month_end, books, rows=False, field="month_end")
    if not result.total:
        raise ValidationError({"month_end": _("There is no holiday-pay liability to post.")})
    poster = PayrollPostingActor(actor, company)
    voucher = ledger.post_voucher(
        poster,
        company,
        date=month_end,
        series=SERIES,
        description=_("Holiday pay liability %(date)s")
        % {"date": month_end.strftime("%-d.%-m.%Y")},
        lines=voucher_lines(result),
        source=SOURCE,
        source_ref=ref,
    )
    reversal = ledger.reverse_voucher(
        poster,
        voucher,
        date=following,
        description=_("Reversal of the holiday pay liability %(date)s")
        % {"date": month_end.strftime("%-d.%-m.%Y")},
    )
    audit.record(
        actor.user,
        "post_holiday_liability",
        company,
        company=company,
        changes={"total": [None, str(result.total)], "voucher": [None, voucher.pk]},
    )
    return voucher, reversal
