"""The calculation of taxable income for form 6B (tase.rules.tax_return)."""

from hypothesis import assume, given
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
        ("tax_exempt_income", 0),
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


def test_tax_exempt_income_is_deducted():
    # a profit of 10 000 with 3 000 of exempt dividends: 7 000 taxable
    found = rules.taxable_income(1_000_000, tax_exempt_income=300_000)
    assert ("tax_exempt_income", -300_000) in [(s.key, s.amount) for s in found.steps]
    assert found.deductions == 300_000 and found.taxable_income == 700_000
    # exempt income larger than the profit makes the year's loss
    found = rules.taxable_income(100_000, tax_exempt_income=300_000)
    assert found.taxable_income == 0 and found.loss == 200_000


def test_the_exempt_part_of_a_dividend_taxable_at_75_percent():
    assert rules.exempt_part(100_000, 75) == 25_000
    assert rules.exempt_part(101, "75") == 25  # 25,25 cents: the odd part stays taxable
    assert rules.exempt_part(-101, 75) == -25
    assert rules.exempt_part(0, 75) == 0


def test_losses_are_deducted_oldest_first_as_the_income_allows():
    uses = rules.deduct_losses(500_000, 2026, [(2020, 300_000), (2018, 400_000), (2024, 1)])
    assert [(u.tax_year, u.used, u.left) for u in uses] == [
        (2018, 400_000, 0),
        (2020, 100_000, 200_000),
        (2024, 0, 1),
    ]
    assert uses[0].last_year == 2028 and not uses[0].expired


def test_a_loss_older_than_ten_tax_years_is_not_used():
    uses = rules.deduct_losses(500_000, 2026, [(2015, 100_000), (2016, 100_000)])
    assert [(u.tax_year, u.used, u.expired) for u in uses] == [
        (2015, 0, True),  # the ten years 2016-2025 are past
        (2016, 100_000, False),  # 2026 is its tenth
    ]
    # a calendar year with no fiscal year ending is no tax year: 2015's term reaches 2026
    uses = rules.deduct_losses(500_000, 2026, [(2015, 100_000)], skipped=[2019])
    assert uses[0].last_year == 2026 and uses[0].used == 100_000


def test_no_losses_from_a_loss_year_and_none_of_the_year_itself():
    assert [u.used for u in rules.deduct_losses(0, 2026, [(2020, 5)])] == [0]
    assert [u.used for u in rules.deduct_losses(-10, 2026, [(2020, 5)])] == [0]
    assert rules.deduct_losses(100, 2026, [(2026, 5), (2027, 5)]) == ()


def test_the_calculation_deducts_the_losses_after_the_steps():
    found = rules.taxable_income(
        600_000, representation=20_000, tax_year=2026, losses=[(2022, 250_000), (2023, 900_000)]
    )
    assert found.before_losses == 610_000
    assert found.losses_used == 610_000 and found.taxable_income == 0
    assert [(u.tax_year, u.used, u.left) for u in found.loss_uses] == [
        (2022, 250_000, 0),
        (2023, 360_000, 540_000),
    ]


years = st.integers(min_value=1995, max_value=2040)
loss_lists = st.lists(st.tuples(years, st.integers(min_value=0, max_value=10**10)), max_size=8)


@given(
    income=cents,
    tax_year=years,
    losses=loss_lists,
    skipped=st.lists(years, max_size=3),
)
def test_losses_never_exceed_the_income_nor_reach_past_ten_years(income, tax_year, losses, skipped):
    assume(tax_year not in skipped)  # the year taxed is a tax year: a fiscal year ends in it
    uses = rules.deduct_losses(income, tax_year, losses, skipped=skipped)
    assert sum(u.used for u in uses) <= max(income, 0)
    assert [u.tax_year for u in uses] == sorted(u.tax_year for u in uses)
    for use in uses:
        assert use.tax_year < tax_year
        assert 0 <= use.used <= use.available and use.left == use.available - use.used
        counted = [y for y in range(use.tax_year + 1, tax_year + 1) if y not in set(skipped)]
        if len(counted) > 10:
            assert use.used == 0 and use.expired
        else:
            assert not use.expired
    # oldest first: a younger loss is used only when every older usable one is used up
    for i, use in enumerate(uses):
        if use.used:
            assert all(older.left == 0 for older in uses[:i] if not older.expired)


@given(result=cents, exempt=st.integers(min_value=0, max_value=10**10), losses=loss_lists)
def test_taxable_income_is_before_losses_less_the_losses_used(result, exempt, losses):
    found = rules.taxable_income(result, tax_exempt_income=exempt, tax_year=2026, losses=losses)
    assert found.before_losses == max(found.total, 0)
    assert found.taxable_income == found.before_losses - found.losses_used >= 0
    assert found.losses_used == sum(u.used for u in found.loss_uses)
