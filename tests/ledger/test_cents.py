"""The fast path of ``to_cents`` (plain texts, ints, Decimals) answers exactly as the
Decimal path does, and leaves everything else, refusals included, to it."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.core import limits
from tase.ledger.services.common import _exact_cents, _plain_cents, to_cents


def _answer(convert, value):
    try:
        return convert(value)
    except ValueError as error:
        return str(error)


PLAIN_TEXT = st.from_regex(r"\A-?[0-9]{1,13}([.,][0-9]{0,3})?\Z")
AMOUNTS = st.one_of(
    PLAIN_TEXT,
    st.text(alphabet="0123456789-+.,  \xa0eE٣", max_size=18),
    st.integers(min_value=-(10**14), max_value=10**14),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-(10**13), max_value=10**13, places=3),
)


@given(AMOUNTS)
def test_fast_path_equals_the_exact_path(value):
    cents = _plain_cents(value)
    assert cents is None or cents == _exact_cents(value)
    if value != "":  # an empty cell is 0 before either path
        assert _answer(to_cents, value) == _answer(_exact_cents, value)


@pytest.mark.parametrize("value", ["1E+999999", "-9e999999", Decimal("1E+999999")])
def test_an_amount_beyond_any_range_is_refused_not_overflowed(value):
    with pytest.raises(ValueError, match="out of range"):
        to_cents(value)


@pytest.mark.parametrize(
    ("value", "cents"),
    [("1234,56", 123456), ("-12.5", -1250), ("0", 0), ("-0,01", -1), (Decimal("2.50"), 250)],
)
def test_plain_amounts_take_the_fast_path(value, cents):
    assert _plain_cents(value) == cents == _exact_cents(value)


@pytest.mark.parametrize(
    "value",
    ["1,234.56", " 12", "1 234,56", "1.005", "1e3", "+5", "٣", "9999999999999", True, 1.5],
)
def test_other_texts_are_left_to_the_exact_path(value):
    assert _plain_cents(value) is None


def test_refusals_come_from_the_exact_path():
    too_big = limits.MAX_AMOUNT_CENTS // 100 + 1
    for value in (too_big, Decimal(too_big), "1,005", Decimal("NaN"), "abc"):
        with pytest.raises(ValueError):
            to_cents(value)
    assert "more than two decimals" in _answer(to_cents, "1,005")
