"""Payslips out of all proportion to the employee's salary, flagged before approval.

A mistyped quantity or price (hours priced at the monthly salary, 2,000 hours for 20) makes
a payslip many times the employee's regular monthly pay. Such a run can still be approved,
but only when the approver confirms having checked the payslips the warning names. So can a
draft that an absence changed with a correction run reaches without its lines
(:mod:`.absence_follow`).
"""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from tase.core.templatetags.tase import format_amount

from ..models import PayRun, Payslip
from .common import euros

# A payslip whose gross pay is more than this many times the employee's regular monthly
# pay (services.hourly.regular_monthly_pay) is flagged. Not a statutory figure: a sanity
# check that a month's pay with a holiday bonus and overtime stays under.
OUT_OF_PROPORTION = 3


def disproportionate_payslips(run: PayRun):
    """The run's payslips whose gross pay exceeds OUT_OF_PROPORTION x the regular pay."""
    return (
        Payslip.objects.filter(pay_run=run, regular_pay_cents__gt=0)
        .filter(gross_cents__gt=F("regular_pay_cents") * OUT_OF_PROPORTION)
        .select_related("employee")
        .order_by("position")
    )


def pay_run_warnings(run: PayRun) -> list[str]:
    """One message per flagged payslip, naming the employee and both amounts; and one per
    absence changed or removed with a correction run since the draft's lines were made,
    whose lines it does not have (:func:`.absence_follow.stale_warnings`)."""
    from .absence_follow import stale_warnings

    return [
        _(
            "%(employee)s: gross pay %(gross)s € is more than %(times)s times the regular "
            "monthly pay %(regular)s €. Check the quantities and prices."
        )
        % {
            "employee": slip.employee.name,
            "gross": format_amount(euros(slip.gross_cents)),
            "times": OUT_OF_PROPORTION,
            "regular": format_amount(euros(slip.regular_pay_cents)),
        }
        for slip in disproportionate_payslips(run)
    ] + stale_warnings(run)
