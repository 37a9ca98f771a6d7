import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tase.rules import vat

ON = dt.date(2026, 3, 1)


def test_split_gross_general_rate():
    assert vat.split_gross(125500, Decimal("25.5")) == (100000, 25500)


def test_half_up_rounding_is_symmetric():
    # 0.02 € at 25.5 %: 0.51 cents → 1 cent, and the credit gives the mirror.
    assert vat.vat_of_net(2, Decimal("25.5")) == 1
    assert vat.vat_of_net(-2, Decimal("25.5")) == -1
    # 0.5 cents rounds up: 10 % of 5 cents.
    assert vat.vat_of_net(5, Decimal("10")) == 1


def test_rates_come_from_parameters():
    assert vat.get("S").rate_on(dt.date(2024, 8, 31)) == Decimal("24")
    assert vat.get("S").rate_on(dt.date(2024, 9, 1)) == Decimal("25.5")
    assert vat.get("S-R").rate_on(dt.date(2026, 1, 1)) == Decimal("13.5")


def test_self_assessed_sums_to_zero():
    split = vat.line_vat(vat.get("P-EUS"), 10000, gross=True, on=ON)
    assert split.base == 10000 and split.input_vat == 2550 and split.output_vat == -2550


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from(["S", "S-R", "S-R2", "P", "P-R"]),
)
def test_gross_split_is_exact(amount, code):
    split = vat.line_vat(vat.get(code), amount, gross=True, on=ON)
    assert split.base + split.output_vat + split.input_vat == amount


def test_return_figures_308():
    figures = vat.return_figures({"S": 25500, "P-EUS": 2550}, 10000, {"S-EUG": 5000})
    assert figures["301"] == 25500 and figures["306"] == 2550 and figures["311"] == 5000
    assert figures["308"] == 25500 + 2550 - 10000


@pytest.mark.parametrize(
    ("period_end", "calendar_year", "due"),
    [
        (dt.date(2026, 1, 31), False, dt.date(2026, 3, 12)),  # January by 12.3. (a Thursday)
        (dt.date(2026, 3, 31), False, dt.date(2026, 5, 12)),  # Q1 by 12.5.
        (dt.date(2026, 11, 30), False, dt.date(2027, 1, 12)),  # across the year
        (dt.date(2026, 12, 31), False, dt.date(2027, 2, 12)),
        (dt.date(2026, 7, 31), False, dt.date(2026, 9, 14)),  # 12.9.2026 is a Saturday
        (dt.date(2026, 12, 31), True, dt.date(2027, 3, 1)),  # 28.2.2027 is a Sunday
        (dt.date(2027, 12, 31), True, dt.date(2028, 2, 29)),  # leap year, a Tuesday
    ],
)
def test_return_deadline(period_end, calendar_year, due):
    assert vat.return_deadline(period_end, calendar_year=calendar_year) == due


def test_recent_periods():
    today = dt.date(2026, 12, 6)
    assert vat.recent_periods("month", today, 2) == [
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ]
    assert vat.recent_periods("quarter", today, 2) == [
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    ]
    assert vat.recent_periods("year", today, 1) == [(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
    assert vat.recent_periods("month", dt.date(2027, 1, 1), 1) == [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    ]


# The VAT arithmetic as first written, in Decimal: the integer arithmetic of vat_of_net and
# split_gross must give the same cents wherever it answers (and it falls back to this where
# it does not).
def _decimal_vat_of_net(net_cents, rate):
    vat = int((Decimal(abs(net_cents)) * Decimal(rate) / 100).quantize(1, rounding=ROUND_HALF_UP))
    return vat if net_cents >= 0 else -vat


def _decimal_split_gross(gross_cents, rate):
    rate = Decimal(rate)
    vat = int((Decimal(abs(gross_cents)) * rate / (100 + rate)).quantize(1, rounding=ROUND_HALF_UP))
    vat = vat if gross_cents >= 0 else -vat
    return gross_cents - vat, vat


RATES = st.one_of(
    st.sampled_from(["25.5", "24", "14", "13.5", "10", "0", "12.25", "0.0001", "9999.9999"]),
    st.decimals(min_value=0, max_value=10000, places=4),
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=1000, places=6),  # more decimals: the Decimal path
    st.decimals(min_value=10000, max_value=10**8, places=2),  # beyond 10,000 %: the Decimal path
).map(Decimal)
AMOUNTS = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.integers(min_value=-(10**20), max_value=10**20),  # beyond 10**18: the Decimal path
)


@settings(max_examples=2000)
@given(AMOUNTS, RATES)
def test_integer_split_equals_the_decimal_one(amount, rate):
    assert vat.split_gross(amount, rate) == _decimal_split_gross(amount, rate)
    assert vat.vat_of_net(amount, rate) == _decimal_vat_of_net(amount, rate)


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from([1, 3, 5, 7, 9]))
def test_half_cents_round_up_in_both(cents, odd):
    # Amounts whose VAT is exactly half a cent (or near it) at the rates in force.
    for rate in ("25.5", "24", "14", "13.5", "10"):
        net = cents * 2 + odd
        assert vat.vat_of_net(net, Decimal(rate)) == _decimal_vat_of_net(net, Decimal(rate))
        assert vat.split_gross(net, Decimal(rate)) == _decimal_split_gross(net, Decimal(rate))


def test_every_vat_rate_in_force_takes_the_integer_path():
    # The shipped rates since 1994, so the import's lines never fall back to Decimal.
    from tase.rules import parameters

    for name in (vat.GENERAL, vat.REDUCED, vat.SECOND_REDUCED):
        for value in parameters.parameter(name).values:
            assert vat._ratio(Decimal(value.value)) is not None, (name, value.value)
