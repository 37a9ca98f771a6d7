"""National (7-3-1) and RF (ISO 11649) references against the official examples quoted in
shared/reference/formats-fi.md §1."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.formats.reference import (
    InvalidReference,
    fi_check_digit,
    fi_reference,
    format_reference,
    is_valid_reference,
    normalize_reference,
    reference_kind,
    rf_reference,
)

# Pankkiviivakoodi-opas examples (national form, printed) and their RF forms.
GUIDE = [
    ("86851 62596 19897", "RF09 8685 1625 9619 897"),
    ("55958 22432 94671", "RF06 5595 8224 3294 671"),
    ("7 75847 47906 47489", "RF84 7758 4747 9064 7489"),
    ("78 77767 96566 28687", "RF60 7877 7679 6566 2868 7"),
    ("8 68624", "RF10 8686 24"),
    ("92125 37425 25398 97737", "RF71 9212 5374 2525 3989 7737"),
    ("5907 38390", "RF66 5907 3839 0"),
    ("13 57914", "RF95 1357 914"),
]


def test_official_worked_example_base_123456():
    assert fi_check_digit("123456") == "1"
    assert fi_reference("123456") == "1234561"
    assert format_reference("1234561") == "12 34561"
    assert normalize_reference("00000000000001234561") == "1234561"


@pytest.mark.parametrize(("printed", "rf"), GUIDE)
def test_guide_references_validate_format_and_convert_to_rf(printed, rf):
    machine = printed.replace(" ", "")
    assert is_valid_reference(printed)
    assert normalize_reference(printed) == machine
    assert format_reference(machine) == printed
    assert fi_reference(machine[:-1]) == machine
    assert rf_reference(machine) == rf.replace(" ", "")
    assert format_reference(rf.replace(" ", "").lower()) == rf
    assert reference_kind(rf) == "rf" and reference_kind(printed) == "fi"


def test_official_rf_example_and_alphanumeric_bodies():
    assert rf_reference("2348236") == "RF332348236"
    assert format_reference("RF332348236") == "RF33 2348 236"
    assert rf_reference("1234561") == "RF341234561"
    assert rf_reference("123ABCZ") == "RF35123ABCZ"
    assert is_valid_reference("RF19 AB2G 59X5 6V54 3")
    assert normalize_reference(" rf33 2348 236 ") == "RF332348236"


@pytest.mark.parametrize(
    "bad", ["32287 22205 0", "7758474790647480", "43", "RF09 2348 236", "12a4", ""]
)
def test_invalid_examples_are_refused_with_a_reason(bad):
    assert not is_valid_reference(bad)
    with pytest.raises(InvalidReference, match=r"reference|check digit"):
        normalize_reference(bad)


def test_wrong_check_digit_names_the_expected_one():
    with pytest.raises(InvalidReference, match="1 is expected"):
        normalize_reference("32287 22205 0")


@pytest.mark.parametrize("base", ["12", "1" * 20, "12x", "0012"])
def test_bases_outside_the_rule_are_refused(base):
    with pytest.raises(InvalidReference):
        fi_reference(base)


@given(st.integers(min_value=100, max_value=10**19 - 1))
def test_every_created_reference_validates_and_rf_wraps_it(base):
    reference = fi_reference(base)
    assert normalize_reference(format_reference(reference)) == reference
    assert normalize_reference(rf_reference(reference)) == rf_reference(reference)
    changed = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    assert not is_valid_reference(changed)
