"""Accruals (jaksotukset): entered once, posted on their date and reversed on their
reversal date.

An accrual moves an expense or an income to the period it belongs to (Kirjanpitolaki
1336/1997 3:1 § and 3:3 §: the accrual basis). It is posted as one memo voucher on its
date between the result account and a balance-sheet account:

- prepaid expense (menoennakko): debit prepayments (1800), credit the expense;
- accrued income (tulojäämä): debit accrued income (1800), credit the income;
- accrued expense (menojäämä): debit the expense, credit accrued liabilities (2970);
- deferred income (tuloennakko): debit the income, credit accrued liabilities (2970).

The reversal, the same lines the other way round, is posted with it when the reversal
date's fiscal year exists, and otherwise by :func:`reverse_due_accruals` once the year is
opened, so the next period carries the expense or income again.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company

from ..models import Account, Accrual, FiscalYear, Voucher
from .common import (
    _as_date,
    cents_to_decimal,
    check_date_open,
    fmt_date,
    guard,
    to_cents,
    typed_account,
)
from .posting import post_voucher, reverse_voucher

SERIES, SOURCE = "MU", "accruals"
RECEIVABLES_ACCOUNT, LIABILITIES_ACCOUNT = "1800", "2970"  # the chart's 1800 and 2970
MAX_CENTS = 10**15  # a sanity bound (10 000 000 000 000 €), far inside the BIGINT columns

RESULT_TYPE = {
    Accrual.Kind.PREPAID_EXPENSE: Account.Type.EXPENSE,
    Accrual.Kind.ACCRUED_EXPENSE: Account.Type.EXPENSE,
    Accrual.Kind.ACCRUED_INCOME: Account.Type.REVENUE,
    Accrual.Kind.DEFERRED_INCOME: Account.Type.REVENUE,
}


def default_balance_account(kind: str) -> str:
    """The chart's account for the kind: prepayments and accrued income for receivables,
    accrued liabilities for liabilities."""
    receivable = kind in (Accrual.Kind.PREPAID_EXPENSE, Accrual.Kind.ACCRUED_INCOME)
    return RECEIVABLES_ACCOUNT if receivable else LIABILITIES_ACCOUNT


def _lines(accrual: Accrual) -> list[dict]:
    amount = cents_to_decimal(accrual.amount_cents)
    debit, credit = (
        (accrual.balance_account, accrual.result_account)
        if accrual.receivable
        else (accrual.result_account, accrual.balance_account)
    )
    text = accrual.description
    return [
        {"account": debit.number, "debit": amount, "text": text},
        {"account": credit.number, "credit": amount, "text": text},
    ]


def _year_exists(years: list[tuple[dt.date, dt.date]], on: dt.date) -> bool:
    return any(start <= on <= end for start, end in years)


def _years(company: Company) -> list[tuple[dt.date, dt.date]]:
    return list(FiscalYear.objects.filter(company=company).values_list("start", "end"))


def _reverse(actor, accrual: Accrual) -> Voucher:
    accrual.reversal = reverse_voucher(
        actor,
        accrual.voucher,
        date=accrual.reverses_on,
        description=_("Reversal of accrual: %(description)s")
        % {"description": accrual.description},
    )
    accrual.save(update_fields=["reversal"])
    return accrual.reversal


@transaction.atomic
def create_accrual(
    actor,
    company: Company,
    *,
    kind: str,
    description: str,
    amount,
    date,
    reverses_on=None,
    result_account: str,
    balance_account: str | None = None,
) -> Accrual:
    """Enter and post an accrual, and its reversal (by default on the next day) when the
    reversal date's fiscal year exists. Every problem is reported under its field; nothing is written unless all are
    right, and a date in a locked period or a closed year refuses the whole."""
    guard(actor, company, "ledger.post")
    errors: dict[str, str] = {}
    description = str(description or "").strip()
    limit = Accrual._meta.get_field("description").max_length
    if not description:
        errors["description"] = _("This field is required.")
    elif len(description) > limit:
        errors["description"] = _("At most %(count)s characters.") % {"count": limit}
    dates = {}
    for field, value in (("date", date), ("reverses_on", reverses_on)):
        try:
            dates[field] = _as_date(value, field)
        except ValidationError as error:
            if field == "reverses_on" and reverses_on in (None, "") and "date" in dates:
                dates[field] = dates["date"] + dt.timedelta(days=1)
            else:
                errors.update({k: v[0] for k, v in error.message_dict.items()})
    if len(dates) == 2 and dates["reverses_on"] <= dates["date"]:
        errors["reverses_on"] = _("The reversal date must be later than the accrual date.")
    try:
        cents = to_cents(amount, "amount")
        if not 0 < cents <= MAX_CENTS:
            errors["amount"] = _("The amount must be more than zero.")
    except ValueError as error:
        errors["amount"], cents = str(error), 0
    result = balance = None
    if kind not in Accrual.Kind.values:
        errors["kind"] = _("Choose the kind of accrual.")
    else:
        result = typed_account(company, result_account, "result_account", RESULT_TYPE[kind], errors)
        receivable = kind in (Accrual.Kind.PREPAID_EXPENSE, Accrual.Kind.ACCRUED_INCOME)
        balance = typed_account(
            company,
            balance_account or default_balance_account(kind),
            "balance_account",
            Account.Type.ASSET if receivable else Account.Type.LIABILITY,
            errors,
        )
    if errors:
        raise ValidationError(errors)
    reversible = _year_exists(_years(company), dates["reverses_on"])
    if reversible:
        check_date_open(company, dates["reverses_on"], "reverses_on")
    accrual = Accrual(
        company=company,
        kind=kind,
        description=description,
        amount_cents=cents,
        date=dates["date"],
        reverses_on=dates["reverses_on"],
        result_account=result,
        balance_account=balance,
    )
    accrual.voucher = post_voucher(
        actor,
        company,
        date=accrual.date,
        series=SERIES,
        description=_("Accrual: %(description)s") % {"description": description},
        lines=_lines(accrual),
        source=SOURCE,
    )
    accrual.save()
    if reversible:
        _reverse(actor, accrual)
    audit.record(
        actor.user,
        "create",
        accrual,
        company=company,
        changes={"kind": [None, kind], "amount_cents": [None, cents]},
    )
    return accrual


@transaction.atomic
def reverse_due_accruals(actor, company: Company, until) -> list[Accrual]:
    """Post the reversals of the accruals due by ``until`` whose reversal date's fiscal
    year now exists. Refused, with nothing written, when there is none."""
    guard(actor, company, "ledger.post")
    until = _as_date(until, "until")
    years = _years(company)
    due = [
        accrual
        for accrual in Accrual.objects.filter(
            company=company, reversal__isnull=True, reverses_on__lte=until
        ).select_related("voucher")
        if _year_exists(years, accrual.reverses_on)
    ]
    if not due:
        raise ValidationError(
            {"until": _("No accrual is due for reversal by %(date)s.") % {"date": fmt_date(until)}}
        )
    for accrual in due:
        _reverse(actor, accrual)
    audit.record(
        actor.user,
        "reverse_accruals",
        company,
        company=company,
        changes={"until": [None, until.isoformat()], "accruals": [None, len(due)]},
    )
    return due
