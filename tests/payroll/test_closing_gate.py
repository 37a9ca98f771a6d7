"""The payroll assertions of the closing gate: net pay of the runs not paid, and the
withholding and contributions the payslips owe, against the liability accounts."""

import datetime as dt
from decimal import Decimal

import pytest

from tase.core.roles import Role
from tase.ledger import closing
from tase.ledger import services as ledger
from tase.payroll import services
from tase.payroll.models import PayrollSettings

from .factories import books, employee, pay_run

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 31)


NET, OWED = "net", "owed"


def _rows(company, on=MARCH):
    """The payroll rows: net pay first, then withholding and contributions."""
    gate = closing.closing_gate(company, on)
    return dict(
        zip(
            (NET, OWED),
            (r.value for r in gate.rows if r.code == "payroll.liabilities"),
            strict=False,
        )
    )


def test_payroll_liabilities_equal_the_pay_runs(world, clerk):
    books(world.company)
    employee(clerk, world.company)
    employee(clerk, world.company, last_name="Virtanen", salary="4200.00")
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    run = services.approve_pay_run(clerk, run)
    net = sum(slip.net_cents for slip in run.payslips.all())
    rows = _rows(world.company)
    assert rows[NET].book_cents == net
    assert rows[NET].other_cents == net
    owed = rows[OWED]
    assert owed.book_cents > 0 and owed.difference_cents == 0
    # Before the payment date nothing is owed, on either side.
    assert all(
        value.book_cents == 0 for value in _rows(world.company, dt.date(2026, 3, 30)).values()
    )
    run = services.mark_paid(clerk, run)
    rows = _rows(world.company)
    assert rows[NET].book_cents == 0
    assert rows[NET].other_cents == 0
    # The withholding paid to the Tax Administration (outside payroll) still ties.
    ledger.post_voucher(
        world.actor(Role.ACCOUNTANT),
        world.company,
        date=MARCH,
        series="TI",
        description="Oma-aloitteiset verot",
        lines=[
            {"account": "2930", "debit": Decimal("100.00")},
            {"account": "1910", "credit": Decimal("100.00")},
        ],
    )
    assert all(value.difference_cents == 0 for value in _rows(world.company).values())
    # Net wages booked by hand, as if a run: the net pay account no longer ties.
    ledger.post_voucher(
        world.actor(Role.ACCOUNTANT),
        world.company,
        date=MARCH,
        series="MU",
        description="Palkka käsin",
        lines=[
            {"account": "5000", "debit": Decimal("50.00")},
            {"account": "2940", "credit": Decimal("50.00")},
        ],
    )
    assert _rows(world.company)[NET].difference_cents == 5000


def test_no_payroll_assertion_without_posted_runs(world, clerk):
    books(world.company)
    assert _rows(world.company) == {}
    PayrollSettings.objects.filter(company=world.company).update(post_to_ledger=False)
    employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    assert _rows(world.company) == {}  # the books are kept elsewhere
