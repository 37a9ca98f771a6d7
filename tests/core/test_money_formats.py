"""The page filters format money with babel's locale and pattern parsed once (issue 12: a
report's hundred amounts parsed them a hundred times), and whole cents from the separators and
signs read once from babel's output; the text is babel's own to the character, rounding, minus
sign and separators included."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tase.core.templatetags import tase as filters
from tase.core.templatetags.tase import (
    format_amount,
    format_cents,
    format_money,
    format_number,
    numbers_in,
    to_cent,
)
from tase.ledger.templatetags.ledger import amount

LOCALES = {"fi": "fi_FI", "en": "en_FI"}
amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False
)


@given(value=amounts, language=st.sampled_from(["fi", "en"]))
def test_the_formats_are_babels(value, language):
    locale = LOCALES[language]
    cent = to_cent(value)  # half up first: babel alone would round half to even
    assert format_amount(value, language) == format_decimal(cent, "#,##0.00", locale=locale)
    assert format_number(value, language) == format_decimal(value, "#,##0.####", locale=locale)
    assert format_money(value, language) == format_currency(cent, "EUR", locale=locale)


@given(cents=st.integers(min_value=-(10**14), max_value=10**14))
def test_the_report_amount_filter_reads_cents_in_the_active_language(cents):
    for language in ("fi", "en"):
        with translation.override(language):
            assert amount(cents) == format_decimal(
                Decimal(cents) / 100, "#,##0.00", locale=LOCALES[language]
            )
    assert amount(None) == "" and amount("") == ""


@given(
    cents=st.integers(min_value=-(10**14), max_value=10**14), language=st.sampled_from(["fi", "en"])
)
def test_whole_cents_are_written_as_babel_writes_them(cents, language):
    euros = Decimal(cents) / 100
    assert format_cents(cents, language) == format_decimal(
        euros, "#,##0.00", locale=LOCALES[language]
    )
    assert format_money(cents, language) == format_currency(euros, "EUR", locale=LOCALES[language])


@pytest.fixture
def no_layout(monkeypatch):
    """A language whose amounts do not split into the expected separators and signs."""
    monkeypatch.setattr(filters, "_cent_layout", lambda language: None)


@pytest.mark.usefixtures("no_layout")
def test_without_a_layout_babel_writes_every_amount():
    assert format_amount(Decimal("-1234.565"), "fi") == "-1\xa0234,57"
    assert format_money(-123456, "fi") == "-1\xa0234,56\xa0€"
    assert format_cents(5, "en") == "0,05"


def test_a_negative_amount_that_rounds_to_zero_keeps_its_sign_as_babel_does():
    assert (
        format_amount(Decimal("-0.004"), "fi")
        == "-0,00"
        == format_decimal(Decimal("-0.00"), "#,##0.00", locale="fi_FI")
    )


def test_examples():
    assert format_amount(Decimal("-1234.565"), "fi") == "-1\xa0234,57"  # half away from zero
    assert format_money(Decimal("0.125"), "fi") == "0,13\xa0€"  # babel alone: 0,12 €
    assert format_money(123456, "fi") == "1\xa0234,56\xa0€"
    with translation.override("fi"):
        assert amount(Decimal("1234567.8")) == "1\xa0234\xa0567,80"


def test_the_numbers_in_a_computation_read_in_the_active_language():
    computation = "145.00 \N{MULTIPLICATION SIGN} 27.8 (1.4.2025 - 31.3.2026, -0.5)"
    with translation.override("fi"):
        assert numbers_in(computation) == (
            "145,00 \N{MULTIPLICATION SIGN} 27,8 (1.4.2025 - 31.3.2026, -0,5)"
        )
    with translation.override("en"):  # the decimal mark the number filter writes
        assert numbers_in("27.8") == format_number(Decimal("27.8"), "en")
    assert numbers_in("") == "" and numbers_in(None) is None
