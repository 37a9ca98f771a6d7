"""The calculation of taxable income for form 6B (tase.rules.tax_return)."""

from hypothesis import given
from hypothesis import strategies as st

from tase.rules import tax_return as rules

cents = st.integers(min_value=-(10**11), max_value=10**11)


def test_half_of_representation_rounds_the_odd_cent_to_the_addition():
    assert rules.non_deductible_half(30_101) == 15_051
    assert rules.non_deductible_half(30_100) == 15_050
    assert rules.non_deductible_half(0) == 0
    assert rules.non_deductible_half(-301) == -150  # a refund: the smaller half back


def test_the_steps_of_a_profit():
    result = rules.taxable_income(330_899, income_taxes=80_000, representation=30_101, fines=5_000)
    assert [(s.key, s.amount) for s in result.steps] == [
        ("income_taxes", 80_000),
        ("representation", 15_051),
        ("fines", 5_000),
        ("depreciation", 0),
    ]
    assert result.additions == 100_051 and result.deductions == 0
    assert result.taxable_income == 430_950 and result.loss == 0


def test_a_loss_is_no_negative_income_but_the_years_loss():
    result = rules.taxable_income(-500_000, income_taxes=0, representation=10_000)
    assert result.total == -495_000
    assert result.taxable_income == 0 and result.loss == 495_000


def test_depreciation_over_the_maximum_is_added_back():
    # (planned, booked change, maximum): 1 000 over, within, a release
    assert rules.depreciation_adjustment([(500_000, 0, 400_000)]) == 100_000
    assert rules.depreciation_adjustment([(300_000, 100_000, 400_000)]) == 0
    assert rules.depreciation_adjustment([(100_000, -200_000, 50_000)]) == 0
    assert rules.depreciation_adjustment([(500_000, 0, 400_000), (20_000, 0, 0)]) == 120_000


@given(result=cents, taxes=cents, representation=cents, fines=cents, depreciation=cents)
def test_taxable_income_is_the_result_plus_additions_less_deductions(
    result, taxes, representation, fines, depreciation
):
    found = rules.taxable_income(
        result,
        income_taxes=taxes,
        representation=representation,
        fines=fines,
        depreciation_adjustment=depreciation,
    )
    moves = [s.amount for s in found.steps]
    assert found.additions == sum(m for m in moves if m > 0)
    assert found.deductions == sum(-m for m in moves if m < 0)
    assert found.total == result + found.additions - found.deductions == result + sum(moves)
    assert found.taxable_income >= 0 and found.loss >= 0
    assert found.taxable_income - found.loss == found.total
    assert found.taxable_income == 0 or found.loss == 0
