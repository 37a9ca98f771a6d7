"""Phone billing: started minutes * dated price; VAT included per call at the call date's rate."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.rules import phone_billing as pb

PRICES = [(dt.date(2020, 1, 1), 30), (dt.date(2025, 6, 1), 35)]


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(0, 0), (1, 1), (59, 1), (60, 1), (61, 2), (600, 10), (601, 11)]
)
def test_started_minutes(seconds, minutes):
    assert pb.started_minutes(seconds) == minutes


def test_negative_duration_refused():
    with pytest.raises(ValueError):
        pb.started_minutes(-1)


def test_price_in_force_on_the_date():
    assert pb.price_at(PRICES, dt.date(2024, 8, 31)) == 30
    assert pb.price_at(PRICES, dt.date(2025, 6, 1)) == 35
    with pytest.raises(pb.NoPriceOnDate):
        pb.price_at(PRICES, dt.date(2019, 12, 31))


def test_vat_rate_changes_on_2024_09_01():
    assert pb.vat_rate_on(dt.date(2024, 8, 31)) == Decimal("24")
    assert pb.vat_rate_on(dt.date(2024, 9, 1)) == Decimal("25.5")


def test_vat_included_rounds_half_up_per_call():
    # 10 min * 0.30 € = 3.00 €; at 24 %: 300 * 24 / 124 = 58.06 → 58 c
    assert pb.vat_included_cents(300, Decimal("24")) == 58
    # at 25.5 %: 300 * 25.5 / 125.5 = 60.96 → 61 c
    assert pb.vat_included_cents(300, Decimal("25.5")) == 61
    # 62 c at 24 %: 12.0 exactly
    assert pb.vat_included_cents(62, Decimal("24")) == 12
    # with 24 % and 25.5 % an exact half cent cannot occur; with 10 %: 55 * 10 / 110 = 5.0,
    # 11 * 10 / 110 = 1.0, 33 * 10 / 110 = 3.0; 22.5 would need 247.5 c, so test 14 %:
    # 57 * 14 / 114 = 7.0; 4 * 25 / 125 = 0.8 -> 1; 2.5 exact: 15 * 20 / 120 = 2.5 -> 3
    assert pb.vat_included_cents(15, Decimal("20")) == 3
    assert pb.vat_included_cents(0, Decimal("24")) == 0


def test_charges_across_the_vat_change():
    before = pb.charge(dt.date(2024, 8, 31), 601, 30)  # 11 min
    after = pb.charge(dt.date(2024, 9, 1), 601, 30)
    assert before.minutes == after.minutes == 11
    assert before.cost_cents == after.cost_cents == 330
    assert before.vat_rate == Decimal("24") and before.vat_cents == 64  # 63.87
    assert after.vat_rate == Decimal("25.5") and after.vat_cents == 67  # 67.05
    st_ = pb.statement([before, after])
    assert st_.total_cents == 660 and st_.vat_cents == 131 and st_.minutes == 22
    assert st_.net_cents == 529
    assert st_.by_rate() == [(Decimal("24"), 330, 64), (Decimal("25.5"), 330, 67)]


@given(st.integers(0, 10_000_000), st.sampled_from([Decimal("24"), Decimal("25.5"), Decimal("14")]))
def test_vat_share_is_within_the_amount(gross, rate):
    vat = pb.vat_included_cents(gross, rate)
    assert 0 <= vat <= gross
    exact = Decimal(gross) * rate / (100 + rate)
    assert abs(Decimal(vat) - exact) <= Decimal("0.5")


@given(st.lists(st.tuples(st.integers(0, 7200), st.integers(0, 3000)), max_size=30))
def test_statement_totals_are_sums_of_calls(calls):
    charges = [pb.charge(dt.date(2024, 9, 1 + i % 28), s, 30) for i, (s, _) in enumerate(calls)]
    statement = pb.statement(charges)
    assert statement.total_cents == sum(c.minutes * 30 for c in charges)
    assert statement.vat_cents == sum(c.vat_cents for c in charges)
    assert statement.total_cents == statement.net_cents + statement.vat_cents
