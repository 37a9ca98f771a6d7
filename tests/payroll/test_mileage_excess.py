"""Mileage above the tax-free rate: the excess is taxable pay of its own wage type, and
entry says so (it used to fail at calculation with an English developer message)."""

from decimal import Decimal as D

from tase.core.roles import Role
from tase.payroll import services
from tase.payroll.models import PayItem
from tase.rules.parameters import value_at

from .factories import employee, pay_run


def test_mileage_above_the_rate_is_split_and_the_excess_taxed(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    maximum = D(str(value_at("payroll.allowances.mileage_allowance", run.payment_date)))
    client = world.client(Role.PAYROLL_CLERK)
    response = client.post(
        f"/api/v1/payroll/pay-runs/{run.pk}/items",
        {"employee_id": worker.pk, "wage_type": "mileage_allowance", "quantity": "100",
         "unit_price": str(maximum + D("0.10"))},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    note = response.json()["note"]  # in Finnish: a decimal comma and the wage type's name
    assert "0,10 €" in note and "mileage_allowance_taxable" not in note
    rows = {i.wage_type: i for i in PayItem.objects.filter(pay_run=run)}
    assert rows["mileage_allowance"].unit_price == maximum
    assert rows["mileage_allowance_taxable"].unit_price == D("0.10")
    services.calculate_pay_run(clerk, run)
    slip = run.payslips.get()
    assert slip.tax_free_cents == int(maximum * 100 * 100)
    # 100 km x 0.10 € = 10.00 € taxable on top of the salary, not in the TyEL base.
    assert slip.taxable_cents == 350000 + 1000
    assert slip.tyel_earnings_cents == 350000


def test_a_daily_allowance_above_the_maximum_is_a_clear_entry_error(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    response = world.client(Role.PAYROLL_CLERK).post(
        f"/api/v1/payroll/pay-runs/{run.pk}/items",
        {"employee_id": worker.pk, "wage_type": "daily_allowance_full", "quantity": "1",
         "unit_price": "999"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    assert "999" in response.content.decode()
    assert not PayItem.objects.exists()


def test_a_run_with_taxable_mileage_is_approved_and_reported_as_income_type_209(world, clerk):
    """The excess used to have no Incomes Register income type, and approval was refused."""
    from tase.formats import incomes_register as irf
    from tase.payroll.models import IncomesRegisterReport

    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company)
    maximum = D(str(value_at("payroll.allowances.mileage_allowance", run.payment_date)))
    services.add_item(
        clerk, run, employee=worker, wage_type="mileage_allowance", quantity="100",
        unit_price=str(maximum + D("0.10")),
    )  # fmt: skip
    services.calculate_pay_run(clerk, run)
    services.approve_pay_run(clerk, run)
    row = IncomesRegisterReport.objects.get(kind=IncomesRegisterReport.Kind.EARNINGS)
    (report,) = irf.read(row.document).reports
    assert report.total(209) == D("10.00")
    assert report.total(311) == maximum * 100
