"""Each step of the payroll pipeline on its own (tase.rules.payroll.steps)."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from tase.rules.payroll import (
    Employer,
    PayItem,
    PayrollInputError,
    PayslipInput,
    TaxAtSource,
    TaxCard,
    steps,
)
from tase.rules.payroll_catalogue import BY_CODE

D = Decimal
PAYDAY = dt.date(2026, 3, 15)
BORN = dt.date(1990, 6, 1)


def _input(**changes):
    values = dict(payment_date=PAYDAY, birth_date=BORN, tax_card=None, items=())
    values.update(changes)
    return PayslipInput(**values)


def test_item_lines_price_each_item_and_name_an_unknown_wage_type():
    lines = steps.item_lines(
        (
            PayItem("monthly_salary", amount=D("3000")),
            PayItem("overtime_50", quantity=D("2"), unit_price=D("20")),
            PayItem("phone_benefit", quantity=D("1")),
        ),
        BY_CODE,
        PAYDAY,
    )
    assert [(line.code, line.amount) for line in lines] == [
        ("monthly_salary", D("3000.00")),
        ("overtime_50", D("60.00")),
        ("phone_benefit", D("20.00")),
    ]
    assert lines[2].parameter == "payroll.benefits.phone_benefit_value"
    with pytest.raises(PayrollInputError) as error:
        steps.item_lines((PayItem("nope", amount=D("1")),), BY_CODE, PAYDAY)
    assert error.value.field == "items[0].wage_type"


def test_bases_sum_by_kind_and_deductions_that_reduce_bases_count_negative():
    lines = steps.item_lines(
        (
            PayItem("monthly_salary", amount=D("3000")),
            PayItem("meal_benefit", quantity=D("10")),  # 10 x 8.80 in 2026
            PayItem("meal_benefit_charge", amount=D("20")),
            PayItem("mileage_allowance", quantity=D("100")),
            PayItem("salary_advance", amount=D("100")),
        ),
        BY_CODE,
        PAYDAY,
    )
    amounts = steps.bases(lines, BY_CODE)
    assert amounts.gross == D("3000.00")
    assert amounts.benefits == D("88.00")
    assert amounts.other_deductions == D("120.00")
    assert amounts.taxable == amounts.tyel == amounts.health == D("3068.00")
    assert amounts.tax_free == D("100") * lines[3].unit_price


def test_withholding_splits_at_the_income_limit_and_falls_back_without_a_card():
    card = TaxCard(D("20"), D("40"), D("10000"), income_paid_before=D("9000"))
    step = steps.withholding(card, D("3000"), PAYDAY)
    assert [(line.base, line.amount) for line in step.lines] == [
        (D("1000"), D("200.00")),
        (D("2000"), D("800.00")),
    ]
    assert step.total == D("1000.00") and step.notes
    at_source = steps.withholding(TaxAtSource(D("35"), D("510")), D("3000"), PAYDAY)
    assert at_source.lines[0].base == D("2490") and at_source.total == D("871.50")
    none = steps.withholding(None, D("1000"), PAYDAY)
    assert none.lines[0].code == "withholding_fallback" and none.total == D("600.00")


def test_employee_contributions_follow_the_ages_and_add_union_dues():
    amounts = steps.Bases(gross=D("3000"), taxable=D("3000"), tyel=D("3000"),
                          unemployment=D("3000"), health=D("3000"))  # fmt: skip
    step = steps.employee_contributions(_input(union_dues_rate=D("1")), amounts)
    assert [line.code for line in step.lines] == [
        "employee_tyel", "employee_unemployment", "union_dues",
    ]  # fmt: skip
    assert step.employee_tyel == D("219.00")  # 7.30 % in 2026
    assert step.employee_unemployment == D("26.70")  # 0.89 % in 2026
    assert step.union_dues == D("30.00") and step.tyel_charged == D("3000")
    teenager = steps.employee_contributions(_input(birth_date=dt.date(2010, 1, 1)), amounts)
    assert teenager.lines == () and teenager.tyel_rate is None and not teenager.in_unemployment
    assert len(teenager.notes) == 2


def test_net_pay_is_the_identity_of_the_sums():
    amounts = steps.Bases(gross=D("3000"), tax_free=D("50"), other_deductions=D("20"))
    employee = steps.EmployeeContributions(
        employee_tyel=D("219"), employee_unemployment=D("26.70"), union_dues=D("30")
    )
    assert steps.net_pay(amounts, D("600"), employee) == D("2154.30")


def test_employer_contributions_use_the_company_rates_and_the_employee_tyel_base():
    amounts = steps.Bases(gross=D("3000"), tyel=D("3000"), unemployment=D("3000"),
                          health=D("3000"))  # fmt: skip
    employer = Employer(tyel_rate=D("17"), accident_rate=D("1"), group_life_rate=D("0.1"))
    employee = steps.employee_contributions(_input(employer=employer), amounts)
    step = steps.employer_contributions(_input(employer=employer), amounts, employee)
    assert [line.code for line in step.lines] == [
        "employer_health_insurance", "employer_tyel", "employer_unemployment",
        "employer_accident", "employer_group_life",
    ]  # fmt: skip
    assert step.tyel == D("510.00") and step.accident == D("30.00")
    assert step.group_life == D("3.00") and step.wage_sum == D("3000")
    assert step.total == sum(line.amount for line in step.lines)
    no_tyel = steps.EmployeeContributions(in_unemployment=True)
    assert steps.employer_contributions(_input(), amounts, no_tyel).tyel == 0


def test_holiday_other_pay_is_the_lines_of_wage_types_marked_so():
    """10 § 1 mom.: of 3 000 + 2 x 20 x 1.5 + 500 + 250 = 3 810.00 gross, the bonus lines
    (500 + 250 = 750.00) are other pay besides the salary; the salary, overtime and the
    supplements are not."""
    lines = steps.item_lines(
        (
            PayItem("monthly_salary", amount=D("3000")),
            PayItem("overtime_50", quantity=D("2"), unit_price=D("20")),
            PayItem("bonus", amount=D("500")),
            PayItem("bonus", amount=D("250")),
        ),
        BY_CODE,
        PAYDAY,
    )
    assert steps.holiday_other_pay(lines, BY_CODE) == D("750.00")
    unmarked = dict(BY_CODE) | {"bonus": replace(BY_CODE["bonus"], holiday_other_pay=False)}
    assert steps.holiday_other_pay(lines, unmarked) == 0
