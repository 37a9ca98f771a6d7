"""The confirmed losses of a company's earlier tax years (vahvistetut tappiot), as the tax
decisions state them, for the calculation of taxable income (form 6B).

Tuloverolaki TVL 1535/1992 119 § 1 mom. and 120 §: a loss confirmed in taxation is deducted
from the income of the following ten tax years as income arises; 122 §: after more than
half of the shares changed owners (other than by inheritance or will) the loss is not
deducted unless the Tax Administration permits, which the accountant records as
``forfeited``. The deduction itself is :func:`tase.rules.tax_return.deduct_losses`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tase.core import audit
from tase.core.models import Company

from ..models import ConfirmedLoss
from .common import guard, to_cents
from .income_tax import pays_corporate_income_tax

FIRST_TAX_YEAR = 1993  # the Income Tax Act 1535/1992 applies from the tax year 1993
LAST_TAX_YEAR = 2100


def _tax_year(value) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = 0
    if not FIRST_TAX_YEAR <= year <= LAST_TAX_YEAR:
        raise ValidationError(
            {
                "tax_year": _("A tax year is a year from %(first)s to %(last)s.")
                % {"first": FIRST_TAX_YEAR, "last": LAST_TAX_YEAR}
            }
        )
    return year


@transaction.atomic
def save_confirmed_loss(
    actor,
    company: Company,
    *,
    tax_year,
    amount,
    used_before=0,
    forfeited: bool = False,
) -> ConfirmedLoss:
    """Record the loss confirmed for ``tax_year`` (euros), or change the one recorded:
    ``amount`` above zero, ``used_before`` (deducted in the taxation of earlier tax years,
    per the latest tax decision) from zero to the amount. Only for a company that files the
    return 6B (a limited company or a cooperative)."""
    guard(actor, company, "ledger.manage")
    if not pays_corporate_income_tax(company):
        raise ValidationError(
            {
                "company": _(
                    "Only limited companies and cooperatives file the income tax return 6B; "
                    "%(company)s is a %(form)s."
                )
                % {"company": company.name, "form": company.get_form_display()}
            }
        )
    year = _tax_year(tax_year)
    cents = to_cents(amount, "amount")
    used = to_cents(used_before, "used_before")
    if cents <= 0:
        raise ValidationError({"amount": _("The confirmed loss is an amount above zero.")})
    if not 0 <= used <= cents:
        raise ValidationError(
            {"used_before": _("What was deducted before is from zero to the confirmed loss.")}
        )
    loss = ConfirmedLoss.objects.filter(company=company, tax_year=year).first()
    before = (
        audit.snapshot(loss, ["amount", "used_before", "forfeited"]) if loss is not None else None
    )
    if loss is None:
        loss = ConfirmedLoss(company=company, tax_year=year)
    loss.amount, loss.used_before, loss.forfeited = cents, used, bool(forfeited)
    loss.save()
    if before is None:
        changes = {"tax_year": [None, year], "amount": [None, cents]}
        audit.record(actor.user, "create", loss, company=company, changes=changes)
    else:
        changes = audit.changes_since(before, loss)
        audit.record(actor.user, "update", loss, company=company, changes=changes)
    return loss


@transaction.atomic
def delete_confirmed_loss(actor, loss: ConfirmedLoss) -> None:
    guard(actor, loss.company, "ledger.manage")
    audit.record(actor.user, "delete", loss, company=loss.company)
    loss.delete()
