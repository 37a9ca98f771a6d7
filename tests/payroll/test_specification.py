"""The holiday-pay liability as a balance-sheet specification: per employee the holiday pay
and bonus on the liability account and their social costs on the social-cost account, the
same figures the liability voucher posts; nothing when payroll is booked elsewhere."""

import datetime as dt

import pytest

from tase.core.registry import SPECIFICATION_SOURCES
from tase.payroll import services
from tase.payroll.models import PayrollSettings
from tase.payroll.services.liability import rates_on
from tase.payroll.specification import holiday_liability

from .factories import books, employee

pytestmark = pytest.mark.django_db


def test_per_employee_on_the_accounts_the_voucher_posts(world, clerk):
    assert "payroll.holiday_liability" in SPECIFICATION_SOURCES
    worker = employee(clerk, world.company, salary="3000.00", start=dt.date(2025, 4, 1))
    books(world.company)
    on = dt.date(2026, 4, 30)
    voucher, _reversal = services.post_liability(clerk, world.company, on)
    posted = {e.account.number: -e.amount_cents for e in voucher.entries.select_related("account")}
    items = holiday_liability(world.company, on)
    by_account = {}
    for item in items:
        assert worker.name in item.text
        by_account[item.number] = by_account.get(item.number, 0) + item.amount_cents
    assert by_account == {"2975": posted["2975"], "2980": posted["2980"]}
    assert by_account["2975"] == 594_000
    PayrollSettings.objects.update_or_create(
        company=world.company, defaults={"post_to_ledger": False}
    )
    assert holiday_liability(world.company, on) == []


def test_the_liability_rates_are_read_without_writing_settings(world):
    """A company that never saved its payroll settings gets their defaults, and asking (the
    closing gate, the specifications) writes no settings row."""
    PayrollSettings.objects.filter(company=world.company).delete()
    rates = rates_on(world.company, dt.date(2026, 4, 30))
    assert rates.accident == 0 and rates.tyel > 0
    assert not PayrollSettings.objects.filter(company=world.company).exists()
