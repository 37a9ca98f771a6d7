"""Negative correction lines and benefit payments through a pay run (issue 11, item 7)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tase.payroll import services
from tase.payroll.models import PayItem

from .factories import employee, pay_run


def test_a_negative_salary_line_is_entered_and_lowers_the_payslip(world, clerk):
    worker = employee(clerk, world.company, salary="3200.00")
    run = pay_run(clerk, world.company, employees=[worker])
    services.add_item(clerk, run, worker, wage_type="pay_correction", amount="-200,00")
    services.add_item(clerk, run, worker, wage_type="pay_correction", amount=D("-50"))
    services.calculate_pay_run(clerk, run)
    (slip,) = run.payslips.all()
    assert slip.gross_cents == 320000 - 20000 - 5000
    assert slip.tyel_earnings_cents == 295000


def test_a_negative_line_of_a_wage_type_without_the_flag_is_refused(world, clerk):
    worker = employee(clerk, world.company)
    run = pay_run(clerk, world.company, employees=[worker])
    with pytest.raises(ValidationError) as error:
        services.add_item(clerk, run, worker, wage_type="bonus", amount=D("-200"))
    assert "amount" in error.value.message_dict
    assert not PayItem.objects.filter(pay_run=run, wage_type="bonus").exists()


def test_a_car_benefit_payment_reduces_the_taxable_value(world, clerk):
    worker = employee(clerk, world.company, salary="3000.00")
    run = pay_run(clerk, world.company, dt.date(2026, 4, 30), employees=[worker])
    services.add_item(clerk, run, worker, wage_type="car_benefit", amount=D("500"))
    services.add_item(clerk, run, worker, wage_type="car_benefit_charge", amount=D("150"))
    services.calculate_pay_run(clerk, run)
    (slip,) = run.payslips.all()
    withholding = sum(D(line["amount"]) for line in slip.lines if line["code"] == "withholding")
    assert withholding == D("670.00")  # (3000 + 500 - 150) x 20 %
