"""A January payment with only the previous year's tax card withholds at that card's
rates, not at the no-card rate (ennakkoperintälaki 3 § 3 mom., HE 49/2024 vp)."""

import datetime as dt
from decimal import Decimal as D

from tase.core.roles import Role
from tase.payroll import services

from .factories import employee, pay_run


def _withholding_rate(run):
    slip = run.payslips.get()
    line = next(x for x in slip.lines if x["code"] == "withholding")
    return D(line["rate"]), slip


def test_january_uses_the_previous_years_card(world, clerk):
    worker = employee(clerk, world.company, card=("18.5", "40", "30000"), card_year=2025)
    run = pay_run(clerk, world.company, payment_date=dt.date(2026, 1, 30))
    services.calculate_pay_run(clerk, run)
    rate, slip = _withholding_rate(run)
    assert rate == D("18.5")
    assert slip.tax_card["year"] == 2025 and slip.tax_card["income_paid_before"] == "0.00"
    page = world.client(Role.PAYROLL_CLERK).get(f"/payroll/payslips/{slip.pk}/")
    assert "18,5\xa0%" in page.content.decode()
    assert worker.name in page.content.decode()


def test_february_without_the_new_card_falls_back(world, clerk):
    employee(clerk, world.company, card=("18.5", "40", "30000"), card_year=2025)
    run = pay_run(clerk, world.company, payment_date=dt.date(2026, 2, 27))
    services.calculate_pay_run(clerk, run)
    slip = run.payslips.get()
    assert slip.tax_card == {"kind": "none"}


def test_the_new_years_card_wins_in_january(world, clerk):
    worker = employee(clerk, world.company, card=("18.5", "40", "30000"), card_year=2025)
    services.add_tax_card(
        clerk, worker, year=2026, kind="card", base_rate="21", additional_rate="41",
        income_limit="30000",
    )  # fmt: skip
    run = pay_run(clerk, world.company, payment_date=dt.date(2026, 1, 15))
    services.calculate_pay_run(clerk, run)
    assert _withholding_rate(run)[0] == D("21")
