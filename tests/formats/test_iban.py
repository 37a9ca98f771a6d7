from hypothesis import given
from hypothesis import strategies as st

from tase.formats import iban


def test_a_finnish_iban_keeps_its_country_and_last_four():
    assert iban.masked("FI21 1234 5600 0007 85") == "FI** **** **** **07 85"
    assert iban.masked("fi2112345600000785") == "FI** **** **** **07 85"
    assert iban.grouped("FI2112345600000785") == "FI21 1234 5600 0007 85"


def test_empty_and_short_values():
    assert iban.masked("") == ""
    assert iban.masked("FI1234") == "****"


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=7, max_size=34))
def test_a_masked_number_shows_only_its_country_and_last_four(value):
    shown = iban.masked(value)
    assert len(shown) == len(iban.grouped(value))
    plain = shown.replace(" ", "")
    assert plain[:2] == value[:2] and plain[-4:] == value[-4:]
    assert set(plain[2:-4]) == {"*"}
