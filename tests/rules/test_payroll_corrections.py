"""Engine rules of issue 11 item 7: negative correction lines, the employee's payment for a
benefit in kind, the average employer TyEL contribution, the 2024 phone benefit."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tase.rules.payroll import PayItem, PayrollInputError, PayslipInput, TaxCard, calculate
from tase.rules.payroll_catalogue import BY_CODE, CATALOGUE

D = Decimal
PAYDAY = dt.date(2026, 3, 15)
BORN = dt.date(1990, 6, 1)
CARD = TaxCard(D("20"), D("40"), D("60000"))


def _slip(*items, on=PAYDAY, born=BORN, **changes):
    return calculate(PayslipInput(on, born, changes.pop("tax_card", CARD), tuple(items), **changes))


def _net_identity(slip):
    return (
        slip.gross_pay
        - slip.withholding
        - slip.employee_tyel
        - slip.employee_unemployment
        - slip.employee_health_insurance
        - slip.union_dues
        - slip.other_deductions
        + slip.tax_free
    )


def test_a_negative_salary_correction_lowers_gross_pay_and_every_base():
    salary = PayItem("monthly_salary", amount=D("3000"))
    before = _slip(salary)
    after = _slip(salary, PayItem("pay_correction", amount=D("-200.00")))
    assert after.gross_pay == D("2800.00")
    for base in ("taxable_income", "tyel_base", "unemployment_base", "health_base"):
        assert getattr(after, base) == getattr(before, base) - 200, base
    assert after.withholding == D("560.00")  # 2800 x 20 %
    assert after.employee_tyel == D("204.40")  # 2800 x 7.30 %
    assert after.net_pay == _net_identity(after)


def test_unpaid_hours_and_a_recovered_overpayment_are_negative_lines():
    slip = _slip(
        PayItem("monthly_salary", amount=D("3000")),
        PayItem("hourly_wage", quantity=D("-8"), unit_price=D("18.75")),
        PayItem("pay_correction", amount=D("-120.00")),
    )
    amounts = [line.amount for line in slip.lines if line.section == "pay"]
    assert amounts == [D("3000.00"), D("-150.00"), D("-120.00")]
    assert slip.gross_pay == slip.tyel_base == D("2730.00")


@pytest.mark.parametrize("code", [w.code for w in CATALOGUE if not w.negative_allowed])
def test_a_wage_type_without_the_flag_refuses_a_negative_line(code):
    wage = BY_CODE[code]
    item = (
        PayItem(code, quantity=D("-1"), unit_price=D("10"))
        if wage.price_parameter or wage.unit
        else PayItem(code, amount=D("-1"))
    )
    with pytest.raises(PayrollInputError) as error:
        _slip(PayItem("monthly_salary", amount=D("3000")), item)
    assert error.value.field in ("items[1].amount", "items[1].quantity")


def test_corrections_larger_than_the_pay_are_refused():
    with pytest.raises(PayrollInputError) as error:
        _slip(
            PayItem("monthly_salary", amount=D("100")), PayItem("pay_correction", amount=D("-300"))
        )
    assert error.value.field == "items"
    assert "-200.00" in error.value.message


def test_the_employees_payment_for_a_car_benefit_reduces_its_taxable_value():
    salary = PayItem("monthly_salary", amount=D("3000"))
    car = PayItem("car_benefit", amount=D("500"))
    slip = _slip(salary, car, PayItem("car_benefit_charge", amount=D("100")))
    assert slip.taxable_income == slip.tyel_base == D("3400.00")
    assert slip.other_deductions == D("100.00")
    assert slip.net_pay == _net_identity(slip)
    charge = next(line for line in slip.lines if line.code == "car_benefit_charge")
    # 401 Autoedusta peritty korvaus (vero.fi, "Palkkojen tulolajit: 400-sarja"); 407 is the
    # payment for the other benefits in kind.
    assert charge.income_type == 401


def test_a_benefit_payment_reduces_the_taxable_value_at_most_to_zero():
    salary = PayItem("monthly_salary", amount=D("3000"))
    housing = PayItem("housing_benefit", amount=D("400"))
    slip = _slip(salary, housing, PayItem("housing_benefit_charge", amount=D("650")))
    assert slip.taxable_income == slip.health_base == D("3000.00")  # not 2750
    assert slip.other_deductions == D("650.00")  # the whole payment still comes off net pay
    assert slip.net_pay == _net_identity(slip)
    assert any("at most its value" in note for note in slip.notes)
    # without the benefit on the payslip, a payment reduces nothing
    alone = _slip(salary, PayItem("car_benefit_charge", amount=D("100")))
    assert alone.taxable_income == D("3000.00")


@pytest.mark.parametrize(
    ("on", "born", "rate", "amount"),
    [
        (dt.date(2024, 5, 15), dt.date(1990, 1, 1), "17.34", "520.20"),
        (dt.date(2025, 5, 15), dt.date(1990, 1, 1), "17.38", "521.40"),
        (dt.date(2025, 5, 15), dt.date(1970, 1, 1), "17.38", "521.40"),  # employee pays 8.65 %
        (dt.date(2026, 5, 15), dt.date(1990, 1, 1), "17.10", "513.00"),
    ],
)
def test_without_a_company_rate_the_employer_pays_the_published_average(on, born, rate, amount):
    slip = _slip(PayItem("monthly_salary", amount=D("3000")), on=on, born=born)
    line = next(line for line in slip.lines if line.code == "employer_tyel")
    assert (line.rate, line.amount) == (D(rate), D(amount))
    assert line.parameter == "payroll.tyel.employer_average_rate" and line.source


def test_the_2024_phone_benefit_is_20_euros_a_month():
    slip = _slip(PayItem("phone_benefit", quantity=D("1")), on=dt.date(2024, 6, 28))
    assert slip.benefits_in_kind == D("20.00")


# -- invariants with negative lines ---------------------------------------------------------
money = st.decimals(min_value=0, max_value=8000, places=2)
correction = st.decimals(min_value=-2000, max_value=0, places=2)
benefit = st.sampled_from(["car_benefit", "housing_benefit"])


@settings(max_examples=150, deadline=None)
@given(
    salary=money,
    corrections=st.lists(correction, max_size=3),
    benefit_code=benefit,
    benefit_value=st.decimals(min_value=0, max_value=1500, places=2),
    payment=st.decimals(min_value=0, max_value=2000, places=2),
    born=st.dates(dt.date(1950, 1, 1), dt.date(2008, 1, 1)),
)
def test_negative_lines_keep_the_payslip_consistent(
    salary, corrections, benefit_code, benefit_value, payment, born
):
    items = [PayItem("monthly_salary", amount=salary)]
    items += [PayItem("pay_correction", amount=amount) for amount in corrections]
    items += [
        PayItem(benefit_code, amount=benefit_value),
        PayItem(f"{benefit_code}_charge", amount=payment),
    ]
    gross = salary + sum(corrections, D(0))
    if gross < 0:
        with pytest.raises(PayrollInputError):
            _slip(*items, born=born)
        return
    slip = _slip(*items, born=born)
    uncorrected = _slip(*items[:1], *items[1 + len(corrections) :], born=born)
    assert slip.gross_pay == gross
    assert slip.net_pay == _net_identity(slip)
    reduction = min(payment, benefit_value)
    assert slip.taxable_income == max(gross + benefit_value - reduction, D(0))
    for base in ("taxable_income", "tyel_base", "unemployment_base", "health_base"):
        assert D(0) <= getattr(slip, base) <= getattr(uncorrected, base)
    assert slip.withholding <= uncorrected.withholding
    assert slip.employer_contributions <= uncorrected.employer_contributions
    assert slip.total_cost == (
        slip.gross_pay + slip.benefits_in_kind + slip.tax_free + slip.employer_contributions
    )
