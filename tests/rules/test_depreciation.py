"""Planned depreciation schedules and the EVL tax maximum (tase.rules.depreciation)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tase.rules import depreciation as dep

GOLDEN = Path(__file__).parent / "depreciation_golden"


def test_straight_line_rounds_half_up_and_last_month_takes_the_remainder():
    # 1 000,00 € over 1 year: 8 333,333… c → 8 333 c; month 12 takes 8 337 c.
    schedule = dep.straight_line(100_000, 1, dt.date(2026, 3, 15), dt.date(2027, 6, 30))
    assert next(iter(schedule)) == (2026, 3)
    assert list(schedule)[-1] == (2027, 2)
    assert set(list(schedule.values())[:11]) == {8_333}
    assert schedule[(2027, 2)] == 100_000 - 11 * 8_333
    assert sum(schedule.values()) == 100_000


def test_straight_line_stops_at_until():
    schedule = dep.straight_line(120_000, 5, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert schedule == {(2026, month): 2_000 for month in range(1, 7)}


def test_reducing_balance_uses_the_residual_at_the_start_of_each_year():
    # 10 000,00 € at 25 %: 2026 Nov-Dec 208,33 € a month (1 000 000 * 25 % / 12 =
    # 20 833,33 c → 20 833); 2027 from the residual 958 334 c: 19 965,29 → 19 965.
    schedule = dep.reducing_balance(
        1_000_000, Decimal("25"), dt.date(2026, 11, 5), dt.date(2027, 2, 28)
    )
    assert schedule == {
        (2026, 11): 20_833,
        (2026, 12): 20_833,
        (2027, 1): 19_965,
        (2027, 2): 19_965,
    }


def test_bad_plans_are_refused():
    with pytest.raises(ValueError):
        dep.straight_line(100, 0, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    with pytest.raises(ValueError):
        dep.reducing_balance(100, Decimal("0"), dt.date(2026, 1, 1), dt.date(2026, 1, 31))


@given(
    cost=st.integers(min_value=0, max_value=10**11),
    years=st.integers(min_value=1, max_value=40),
    start_month=st.integers(min_value=1, max_value=12),
)
def test_straight_line_months_sum_to_the_cost(cost, years, start_month):
    start = dt.date(2020, start_month, 1)
    schedule = dep.straight_line(cost, years, start, dt.date(2020 + years + 1, 12, 31))
    assert sum(schedule.values()) == cost
    assert all(amount > 0 for amount in schedule.values())
    assert len(schedule) <= years * 12


@given(
    cost=st.integers(min_value=0, max_value=10**11),
    rate=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("100"), places=1),
    months=st.integers(min_value=1, max_value=240),
)
def test_reducing_balance_never_exceeds_the_residual(cost, rate, months):
    start = dt.date(2020, 1, 1)
    until = dt.date(2020 + (months - 1) // 12, (months - 1) % 12 + 1, 28)
    left = cost
    for amount in dep.reducing_balance(cost, rate, start, until).values():
        assert 0 < amount <= left
        left -= amount
    assert left >= 0


def test_evl_machinery_golden_three_years_with_an_addition_and_a_disposal():
    data = yaml.safe_load((GOLDEN / "evl_machinery_25_three_years.yaml").read_text())
    assert dep.machinery_rate(dt.date(2024, 12, 31)) == Decimal(data["rate"])
    years = dep.reducing_balance_tax(
        dep.machinery_rate(dt.date(2024, 12, 31)), data["years"], data["opening"]
    )
    got = [
        {"year": y.year, "balance": y.balance, "maximum": y.maximum, "closing": y.closing}
        for y in years
    ]
    assert got == data["expected"]


def test_evl_depreciation_above_the_maximum_is_refused_and_less_is_allowed():
    years = dep.reducing_balance_tax(
        Decimal("25"), [{"year": 2026, "additions": 1000, "depreciation": 100}]
    )
    assert years[0].closing == 900
    with pytest.raises(ValueError, match="outside"):
        dep.reducing_balance_tax(
            Decimal("25"), [{"year": 2026, "additions": 1000, "depreciation": 251}]
        )


def test_evl_building_rates_and_intangible_default_years():
    on = dt.date(2026, 12, 31)
    assert dep.building_rate("commercial", on) == Decimal("7")
    assert dep.building_rate("residential", on) == Decimal("4")
    assert dep.building_rate("light", on) == Decimal("20")
    with pytest.raises(ValueError):
        dep.building_rate("castle", on)
    assert dep.intangible_tax(1_000_005, on) == 100_001  # 10 years, 100 000,5 c → half up
    assert dep.intangible_tax(300_000, on, years=3) == 100_000


def test_pool_years_three_years_of_machinery_with_an_addition_and_a_disposal():
    """EVL 30 §: 25 % of the balance. Year 1 books the difference up to the maximum;
    in year 2 the plan exceeds the maximum and releases part of what accumulated; in
    year 3 it releases the rest and the deduction stops at the maximum."""
    rate = lambda balance: dep.balance_maximum(balance, Decimal(25))  # noqa: E731
    years = dep.pool_years(
        [
            {"additions": 10_000_000, "planned": 2_000_000, "maximum": rate},
            {"additions": 2_000_000, "disposals": 1_000_000, "planned": 2_400_000, "maximum": rate},
            {"planned": 2_400_000, "maximum": rate},
        ]
    )
    rows = [(y.balance, y.maximum, y.accumulated, y.change, y.deducted, y.closing) for y in years]
    assert rows == [
        (10_000_000, 2_500_000, 0, 500_000, 2_500_000, 7_500_000),
        (8_500_000, 2_125_000, 500_000, -275_000, 2_125_000, 6_375_000),
        (6_375_000, 1_593_750, 225_000, -225_000, 1_593_750, 4_781_250),
    ]
    assert years[2].least == years[2].most == -225_000


def test_pool_years_takes_a_booked_change_and_a_short_year_scales_the_maximum():
    short = lambda balance: dep.balance_maximum(balance, Decimal(25), months=6)  # noqa: E731
    (year,) = dep.pool_years([{"additions": 1_000_000, "maximum": short, "change": 0}])
    assert year.maximum == 125_000 and year.most == 125_000 and year.change == 0
    assert year.deducted == 0 and year.closing == 1_000_000


def test_pool_years_proceeds_above_the_balance_leave_zero():
    rate = lambda balance: dep.balance_maximum(balance, Decimal(25))  # noqa: E731
    _first, second = dep.pool_years(
        [
            {"additions": 100_000, "planned": 25_000, "maximum": rate},
            {"disposals": 500_000, "maximum": rate},
        ]
    )
    assert second.balance == 0 and second.maximum == 0 and second.least == 0
    assert second.change == 0 and second.deducted == 0


@given(
    st.lists(
        st.tuples(st.integers(0, 10**9), st.integers(0, 10**8), st.integers(0, 10**9)),
        min_size=1,
        max_size=8,
    )
)
def test_pool_years_never_deducts_more_than_the_maximum_nor_accumulates_below_zero(specs):
    rate = lambda balance: dep.balance_maximum(balance, Decimal(25))  # noqa: E731
    years = dep.pool_years(
        [{"additions": a, "disposals": d, "planned": p, "maximum": rate} for a, d, p in specs]
    )
    for year in years:
        assert 0 <= year.deducted <= year.maximum <= year.balance
        assert year.accumulated + year.change >= 0
        assert year.closing == year.balance - year.deducted
