"""Dated statutory parameters: lookup by date, errors, and the shipped files."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.rules import parameters as params
from tase.rules.parameters import (
    InvalidParameterFile,
    NoValueOnDate,
    ParameterSet,
    UnknownParameter,
)


@pytest.mark.parametrize(
    ("on", "rate"),
    [
        ("2013-01-01", "24"),
        ("2024-08-31", "24"),
        ("2024-09-01", "25.5"),
        ("2026-11-30", "25.5"),
    ],
)
def test_general_vat_rate_history(on, rate):
    assert params.value_at("vat.general_rate", dt.date.fromisoformat(on)) == Decimal(rate)


@pytest.mark.parametrize(
    ("on", "reduced", "second"),
    [("2024-12-31", "14", "10"), ("2025-01-01", "14", "10"), ("2026-01-01", "13.5", "10")],
)
def test_reduced_rates_history(on, reduced, second):
    day = dt.date.fromisoformat(on)
    assert params.value_at("vat.reduced_rate", day) == Decimal(reduced)
    assert params.value_at("vat.second_reduced_rate", day) == Decimal(second)


def test_unknown_name_is_a_clear_error():
    with pytest.raises(UnknownParameter, match=r"vat\.generl_rate"):
        params.value_at("vat.generl_rate", dt.date(2025, 1, 1))


def test_date_before_first_value_is_a_clear_error():
    with pytest.raises(NoValueOnDate, match="2013-01-01"):
        params.value_at("vat.general_rate", dt.date(2012, 12, 31))


def test_every_shipped_value_is_exact_and_sourced():
    for parameter in params.all_parameters():
        assert parameter.description.get("fi") and parameter.description.get("en"), parameter.name
        for value in parameter.values:
            assert not isinstance(value.value, float)
            assert re.match(r"https?://", value.source), parameter.name


def test_rules_do_not_import_django():
    root = Path(params.__file__).parent
    for path in root.rglob("*.py"):
        assert not re.search(r"^\s*(from|import) django", path.read_text(), re.M), path


def _write(tmp_path, text):
    (tmp_path / "group.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_folder_path_names_the_parameter(tmp_path):
    sub = tmp_path / "payroll"
    sub.mkdir()
    (sub / "tyel.yaml").write_text(
        "employee_rate:\n  unit: percent\n  values:\n    - {from: 2025-01-01, value: 7.3, source: https://x.fi}\n"
    )
    assert ParameterSet(tmp_path).value_at(
        "payroll.tyel.employee_rate", dt.date(2025, 6, 1)
    ) == Decimal("7.3")


@pytest.mark.parametrize(
    "text",
    [
        "rate:\n  values: []\n",
        "rate:\n  values:\n    - {from: 2025-01-01, value: 1}\n",
        "rate:\n  values:\n    - {from: 2025-01-01, value: 1, source: not-a-url}\n",
        "rate:\n  values:\n    - {from: 2025-01-01, value: 1, source: https://a}\n    - {from: 2024-01-01, value: 2, source: https://a}\n",
    ],
)
def test_malformed_files_are_refused(tmp_path, text):
    with pytest.raises(InvalidParameterFile):
        ParameterSet(_write(tmp_path, text))


@given(
    starts=st.lists(
        st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1)),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    on=st.dates(min_value=dt.date(1999, 1, 1), max_value=dt.date(2031, 1, 1)),
)
def test_the_value_in_force_is_the_latest_started(starts, on):
    starts = sorted(starts)
    values = tuple(params.DatedValue(s, Decimal(i), "https://x") for i, s in enumerate(starts))
    parameter = params.Parameter("p", {}, "", values)
    started = [i for i, s in enumerate(starts) if s <= on]
    if not started:
        with pytest.raises(NoValueOnDate):
            parameter.value_at(on)
    else:
        assert parameter.value_at(on) == Decimal(started[-1])
