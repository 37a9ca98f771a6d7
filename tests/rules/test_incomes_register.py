"""What a payslip tells the Incomes Register: transactions per income type that agree with the
payslip to the cent, and the reporting deadlines."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tase.rules import incomes_register as rules
from tase.rules import payroll as engine
from tase.rules.payroll_catalogue import BY_CODE

AMOUNT_TYPES = [
    "monthly_salary",
    "bonus",
    "holiday_bonus",
    "housing_benefit",
    "net_deduction",
    "deduction_before_withholding",
]
PRICED_TYPES = ["meal_benefit", "phone_benefit", "mileage_allowance", "daily_allowance_full"]
HOURLY_TYPES = ["hourly_wage", "overtime_50", "evening_supplement"]

amounts = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False)
items = st.one_of(
    st.builds(engine.PayItem, wage_type=st.sampled_from(AMOUNT_TYPES), amount=amounts),
    st.builds(
        engine.PayItem,
        wage_type=st.sampled_from(PRICED_TYPES),
        quantity=st.integers(min_value=1, max_value=300).map(Decimal),
    ),
    st.builds(
        engine.PayItem,
        wage_type=st.sampled_from(HOURLY_TYPES),
        quantity=st.decimals(min_value=0, max_value=200, places=2, allow_nan=False),
        unit_price=st.decimals(min_value=10, max_value=60, places=2, allow_nan=False),
    ),
)
cards = st.one_of(
    st.none(),
    st.builds(
        engine.TaxCard,
        base_rate=st.decimals(min_value=0, max_value=60, places=1),
        additional_rate=st.decimals(min_value=0, max_value=60, places=1),
        income_limit=st.decimals(min_value=0, max_value=80000, places=0),
    ),
    st.builds(engine.TaxAtSource, rate=st.sampled_from([Decimal("35"), Decimal("25")])),
)


def _charges(slip):
    """What the deductions that reduce the withholding base took off it (none in the sample
    but the net deduction, which does not)."""
    return sum(
        (line.amount for line in slip.section("deduction") if BY_CODE[line.code].taxable),
        Decimal(0),
    )


def _records(slip):
    return [
        {"code": line.code, "amount": str(line.amount), "quantity": line.quantity}
        for line in slip.lines
    ]


@settings(max_examples=150, deadline=None)
@given(
    items=st.lists(items, min_size=1, max_size=8),
    card=cards,
    birth=st.dates(dt.date(1955, 1, 1), dt.date(2008, 1, 1)),
)
def test_transactions_agree_with_the_payslip_to_the_cent(items, card, birth):
    slip = engine.calculate(
        engine.PayslipInput(
            payment_date=dt.date(2026, 3, 31), birth_date=birth, tax_card=card, items=tuple(items)
        )
    )
    found = rules.transactions(_records(slip), BY_CODE)
    totals = {t.code: t.amount for t in found}
    assert rules.money_total(found, BY_CODE) == slip.gross_pay
    withheld = totals.get(402, Decimal(0)) + totals.get(404, Decimal(0))
    assert withheld == slip.withholding
    assert totals.get(413, Decimal(0)) == slip.employee_tyel
    assert totals.get(414, Decimal(0)) == slip.employee_unemployment
    assert totals.get(412, Decimal(0)) == slip.employee_health_insurance
    # 419, the deduction before withholding, equals its payslip lines and the engine's total.
    pre_tax = sum((line.amount for line in slip.section("pre_tax")), Decimal(0))
    assert totals.get(419, Decimal(0)) == pre_tax == slip.pre_tax_deductions
    # ...and it lowered the withholding base by at most itself, never below zero.
    assert slip.taxable_income == max(
        slip.gross_pay + slip.benefits_in_kind - pre_tax - _charges(slip), Decimal(0)
    )
    assert len(totals) == len(found)  # one transaction per income type
    benefits = sum(
        (
            t.amount
            for t in found
            if t.code in {w.income_type for w in BY_CODE.values() if w.kind == "in_kind"}
        ),
        Decimal(0),
    )
    assert benefits == slip.benefits_in_kind


def test_same_income_type_is_summed_and_benefit_data_follows():
    lines = [
        {"code": "monthly_salary", "amount": "3000.00"},
        {"code": "holiday_pay", "amount": "500.00"},
        {"code": "overtime_50", "amount": "45.10", "quantity": "2"},
        {"code": "meal_benefit", "amount": "14.00", "quantity": "2"},
        {"code": "mileage_allowance", "amount": "27.50", "quantity": "50"},
        {"code": "withholding", "amount": "600.00"},
        {"code": "withholding_additional", "amount": "12.00"},
        {"code": "union_dues", "amount": "35.00"},
        {"code": "employer_tyel", "amount": "600.00"},
    ]
    found = {t.code: t for t in rules.transactions(lines, BY_CODE)}
    assert sorted(found) == [201, 235, 311, 334, 402]
    assert found[201].amount == Decimal("3500.00")
    assert found[402].amount == Decimal("612.00")
    assert found[334].meal_benefit_at_tax_value
    assert found[311].kilometres == 50


def test_a_paid_wage_type_without_an_income_type_is_refused():
    catalogue = dict(BY_CODE)
    catalogue["bonus"] = dataclasses.replace(BY_CODE["bonus"], income_type=None)
    with pytest.raises(rules.MissingIncomeType) as error:
        rules.transactions([{"code": "bonus", "amount": "10.00"}], catalogue)
    assert error.value.wage_type.code == "bonus"


@pytest.mark.parametrize(
    ("payment", "deadline"),
    [
        (dt.date(2026, 3, 31), dt.date(2026, 4, 7)),  # 5.4. Easter Sunday, 6.4. Easter Monday
        (dt.date(2026, 3, 16), dt.date(2026, 3, 23)),  # 21.3. is a Saturday
        (dt.date(2026, 3, 10), dt.date(2026, 3, 16)),  # 15.3. is a Sunday
        (dt.date(2026, 2, 27), dt.date(2026, 3, 4)),  # counts calendar days, Wednesday
    ],
)
def test_earnings_report_deadline(payment, deadline):
    assert rules.earnings_report_deadline(payment) == deadline


def test_separate_report_deadline():
    assert rules.separate_report_deadline(2026, 3) == dt.date(2026, 4, 7)  # Easter Monday 6.4.
    assert rules.separate_report_deadline(2026, 12) == dt.date(2027, 1, 5)
    assert rules.separate_report_deadline(2026, 6) == dt.date(2026, 7, 6)  # 5.7. Sunday


def test_a_line_with_an_earnings_period_is_its_own_transaction_carrying_it():
    lines = [
        {"code": "monthly_salary", "amount": "3200.00"},
        {"code": "retro_pay", "amount": "100.00", "earning_period": ["2026-01-01", "2026-01-31"]},
        {"code": "retro_pay", "amount": "100.00", "earning_period": ["2026-02-01", "2026-02-28"]},
        {"code": "retro_pay", "amount": "-5.00", "earning_period": ["2026-02-01", "2026-02-28"]},
        {
            "code": "retro_overtime",
            "amount": "6.00",
            "earning_period": ["2026-02-01", "2026-02-28"],
        },
    ]
    found = [(t.code, t.amount, t.earning_periods) for t in rules.transactions(lines, BY_CODE)]
    jan = ((dt.date(2026, 1, 1), dt.date(2026, 1, 31)),)
    feb = ((dt.date(2026, 2, 1), dt.date(2026, 2, 28)),)
    assert found == [
        (201, Decimal("3200.00"), ()),
        (201, Decimal("100.00"), jan),
        (201, Decimal("95.00"), feb),
        (235, Decimal("6.00"), feb),
    ]
