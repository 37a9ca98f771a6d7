"""The periodic VAT return file (VSRALVKV): golden files written exactly and read back."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.formats import vat_return_file as vf

DATA = Path(__file__).parent / "data" / "vsralvkv"

JANUARY = {
    "301": 255000,
    "302": 13500,
    "303": 1000,
    "304": 25500,
    "305": 51000,
    "306": 12750,
    "318": 6375,
    "307": 135025,
    "308": 230100,
    "309": 100000,
    "310": 100000,
    "311": 300000,
    "312": 400000,
    "313": 200000,
    "314": 50000,
    "319": 80000,
    "320": 25000,
}


def _file(period, figures, sent_at, *, no_activity=False):
    return vf.VatReturnFile(
        business_id="2345678-0",
        period=period,
        figures=figures,
        no_activity=no_activity,
        sent_at=sent_at,
        software_id="2345678-0_TASE",
        software_name="Tase",
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "month_all_fields.txt",
            _file(vf.Period(vf.MONTH, 2026, 1), JANUARY, dt.datetime(2026, 2, 5, 10, 15)),
        ),
        (
            "quarter.txt",
            _file(
                vf.Period(vf.QUARTER, 2026, 1),
                {"301": 1275000, "307": 1530040, "308": -255040},
                dt.datetime(2026, 5, 10, 8, 30),
            ),
        ),
        (
            "no_activity.txt",
            _file(vf.Period(vf.MONTH, 2026, 5), {}, dt.datetime(2026, 7, 1, 12), no_activity=True),
        ),
        (
            "correction_month.txt",
            _file(
                vf.Period(vf.MONTH, 2026, 1),
                JANUARY | {"301": 257550, "308": 232650},
                dt.datetime(2026, 3, 20, 9, 10),
            ),
        ),
    ],
)
def test_golden_files_are_written_exactly_and_read_back(name, data):
    text = (DATA / name).read_text()
    assert vf.write(data) == text
    back = vf.read(text)
    assert back.period == data.period
    assert back.no_activity == data.no_activity
    assert back.business_id == "2345678-0"
    assert back.sent_at == data.sent_at
    expected = {} if data.no_activity else {c: data.figures.get(c, 0) for c in vf.MONEY_FIELDS}
    assert back.figures == expected


@pytest.mark.parametrize(
    ("start", "end", "period"),
    [
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28), vf.Period(vf.MONTH, 2026, 2)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31), vf.Period(vf.QUARTER, 2026, 4)),
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), vf.Period(vf.YEAR, 2026)),
    ],
)
def test_period_of_dates(start, end, period):
    assert vf.Period.of(start, end) == period
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 2, 1), dt.date(2026, 3, 31)),  # two months
        (dt.date(2026, 2, 1), dt.date(2026, 4, 30)),  # three months, not a quarter
        (dt.date(2026, 1, 2), dt.date(2026, 1, 31)),  # not from the 1st
        (dt.date(2025, 12, 1), dt.date(2026, 1, 31)),  # across years
    ],
)
def test_a_period_that_is_not_a_tax_period_is_refused(start, end):
    with pytest.raises(vf.VatFileError, match="not a calendar month, quarter or year"):
        vf.Period.of(start, end)


def test_308_must_be_the_sum_the_return_defines():
    with pytest.raises(vf.VatFileError, match="308"):
        vf.write(_file(vf.Period(vf.MONTH, 2026, 1), {"301": 100, "308": 99}, None))


def test_no_activity_with_amounts_is_refused():
    with pytest.raises(vf.VatFileError, match="056"):
        vf.write(
            _file(vf.Period(vf.MONTH, 2026, 1), {"309": 100}, None, no_activity=True),
        )


def test_reading_tolerates_crlf_bom_and_blank_lines():
    text = "\ufeff" + (DATA / "quarter.txt").read_text().replace("\n", "\r\n\r\n")
    assert vf.read(text).figures["308"] == -255040


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("000:VSRAPUVV\n999:1\n", "not a VSRALVKV file"),
        ("000:VSRALVKV\n050:K\n052:1\n053:2026\n", "999:1"),
        ("000:VSRALVKV\n050:X\n053:2026\n999:1\n", "field 050"),
        ("000:VSRALVKV\n050:K\n052:1\n053:2026\n301:12.345\n999:1\n", "field 301"),
        ("000:VSRALVKV\nhello\n999:1\n", "line 2"),
    ],
)
def test_malformed_files_name_the_problem(text, message):
    with pytest.raises(vf.VatFileError, match=message):
        vf.read(text)


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_money_round_trips(amount):
    assert vf.cents(vf.euros(amount), "301") == amount
