"""Booking a limited company's or cooperative's income tax for the fiscal year.

The proposal is the year's result before income taxes (revenue less expenses, closing
appropriations included, income and other direct taxes excluded) at the corporate income
tax rate of the year's last day (:mod:`tase.rules.params` ``income_tax``, TVL 1535/1992
124 § 2 mom), rounded half up to the cent, never below zero. The taxable income of the
tax return differs from the result (non-deductible expenses, tax-exempt income, losses
of earlier years), so the accountant may book another amount. It is posted once per
year on its last day: debit income taxes (9900), credit income tax payable (2960).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company
from tase.rules.parameters import value_at

from ..models import Account, Entry, FiscalYear, Voucher
from .common import cents_to_decimal, fmt_date, guard, to_cents
from .posting import post_voucher

SOURCE = "income-tax"
TAX_ACCOUNT, PAYABLE_ACCOUNT = "9900", "2960"
TAX_LINES = ("IS.11", "IS.12")  # income taxes and other direct taxes
TAXED_FORMS = (Company.Form.LIMITED, Company.Form.PUBLIC_LIMITED, Company.Form.COOPERATIVE)


def pays_corporate_income_tax(company: Company) -> bool:
    return company.form in TAXED_FORMS


def result_before_taxes(company: Company, year: FiscalYear) -> int:
    """The year's result before income taxes in cents (a profit positive). One query."""
    taxes = Q()
    for line in TAX_LINES:
        taxes |= Q(account__income_statement_line__startswith=line)
    net = (
        Entry.objects.filter(
            company=company,
            date__gte=year.start,
            date__lte=year.end,
            account__type__in=[Account.Type.REVENUE, Account.Type.EXPENSE],
        )
        .exclude(taxes)
        .aggregate(net=Sum("amount_cents"))["net"]
    )
    return -(net or 0)


def proposal(company: Company, year: FiscalYear) -> tuple[int, Decimal]:
    """(tax in cents, rate in per cent) at the rate in force on the year's last day."""
    rate = Decimal(str(value_at("income_tax.corporate_income_tax_rate", year.end)))
    base = max(result_before_taxes(company, year), 0)
    tax = (Decimal(base) * rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(tax), rate


def booked(company: Company, year: FiscalYear) -> Voucher | None:
    return Voucher.objects.filter(
        company=company, source=SOURCE, source_ref=f"{year.start.isoformat()}:{year.end}"
    ).first()


@transaction.atomic
def book_income_tax(actor, company: Company, year: FiscalYear, amount=None) -> Voucher:
    """Post the year's income tax (``amount`` in euros, the proposal when left out) on the
    year's last day. Refused, with nothing written, for a company that does not pay the
    corporate income tax, a year booked already, or a tax of zero."""
    guard(actor, company, "ledger.post")
    if year.company_id != company.pk:
        raise ValidationError({"fiscal_year": _("Choose a fiscal year of the company.")})
    if not pays_corporate_income_tax(company):
        raise ValidationError(
            {"fiscal_year": _("Only limited companies and cooperatives pay corporate income tax.")}
        )
    if booked(company, year) is not None:
        raise ValidationError(
            {"fiscal_year": _("The income tax of this fiscal year is booked already.")}
        )
    if amount in (None, ""):
        cents, _rate = proposal(company, year)
    else:
        try:
            cents = to_cents(amount, "amount")
        except ValueError as error:
            raise ValidationError({"amount": str(error)}) from None
    if cents <= 0:
        raise ValidationError({"amount": _("There is no income tax to book.")})
    euros = cents_to_decimal(cents)
    voucher = post_voucher(
        actor,
        company,
        date=year.end,
        series="MU",
        description=_("Income tax for the fiscal year ending %(date)s")
        % {"date": fmt_date(year.end)},
        lines=[
            {"account": TAX_ACCOUNT, "debit": euros},
            {"account": PAYABLE_ACCOUNT, "credit": euros},
        ],
        source=SOURCE,
        source_ref=f"{year.start.isoformat()}:{year.end}",
    )
    audit.record(
        actor.user,
        "book_income_tax",
        voucher,
        company=company,
        changes={"amount_cents": [None, cents]},
    )
    return voucher
