"""The holiday-pay liability as a balance-sheet specification (tase-erittely, Kirjanpitolaki
1336/1997 3:13 §): per employee the holiday pay and holiday bonus earned and not yet taken
(on the liability account) and their social costs (on the social-cost liability account),
computed from the holiday records as the year-end voucher posts them
(:mod:`tase.payroll.services.liability`). Nothing for a company whose payroll is booked
elsewhere."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from tase.core.registry import SpecificationItem
from tase.rules.payroll_catalogue import HOLIDAY_ACCRUAL_ACCOUNTS as ACCOUNTS

from .models import Employee, PayrollSettings
from .services.liability import computed_liability


def holiday_liability(company, on: dt.date) -> list[SpecificationItem]:
    """Nothing, and nothing read further, for a company without employees (the liability's
    rates would otherwise create its payroll settings)."""
    if not Employee.objects.filter(company=company).exists():
        return []
    settings = PayrollSettings.objects.filter(company=company).first()
    if settings is not None and not settings.post_to_ledger:
        return []
    result = computed_liability(company, on)
    url = reverse("payroll:holidays", args=[company.pk])
    items = []
    for row in sorted(result.rows, key=lambda r: r.employee):
        pay = int((row.holiday_pay + row.holiday_bonus) * 100)
        social = int(row.social_costs * 100)
        if pay:
            text = _("%(employee)s, holiday pay and bonus, %(days)s days") % {
                "employee": row.employee,
                "days": row.days,
            }
            items.append(SpecificationItem(text, pay, number=ACCOUNTS["liability"], url=url))
        if social:
            text = _("%(employee)s, social costs of the holiday pay") % {"employee": row.employee}
            items.append(
                SpecificationItem(text, social, number=ACCOUNTS["social_liability"], url=url)
            )
    return items
