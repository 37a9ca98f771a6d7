"""The recapitulative statement of EU sales (VSRALVYV): golden files written exactly, read back."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.formats import eu_sales_file as yv

DATA = Path(__file__).parent / "data" / "vsralvyv"


def _statement(sales, sent_at):
    return yv.EuSalesStatement(
        business_id="2345678-0",
        year=2026,
        month=3,
        sales=tuple(sales),
        sent_at=sent_at,
        software_id="2345678-0_TASE",
        software_name="Tase",
    )


MARCH = [
    yv.EuSale.of("SE 5560 0001 6701", goods=25000 - 5000),
    yv.EuSale.of("DE129273398", goods=1200000, services=150050),
    yv.EuSale.of("GR094259216", services=98000),
]


def test_march_is_written_exactly():
    text = yv.write(_statement(MARCH, dt.datetime(2026, 4, 10, 9, 30)))
    assert text == (DATA / "march.txt").read_text()


def test_a_correction_is_the_whole_month_again():
    corrected = [
        MARCH[0],
        yv.EuSale.of("DE129273398", goods=1200000, services=100000),
        yv.EuSale.of("GR094259216"),  # credited in full: left out
    ]
    text = yv.write(_statement(corrected, dt.datetime(2026, 5, 20, 14, 5)))
    assert text == (DATA / "march_correction.txt").read_text()


@pytest.mark.parametrize("name", ["march.txt", "march_correction.txt"])
def test_golden_files_read_back_and_write_the_same(name):
    text = (DATA / name).read_text()
    data = yv.read(text)
    assert (data.business_id, data.year, data.month) == ("2345678-0", 2026, 3)
    assert yv.write(data) == text


def test_greece_is_el_and_spaces_go():
    assert yv.EuSale.of("gr 094 259 216") == yv.EuSale("EL", "094259216")
    assert yv.EuSale.of("ATU13585627").vat_number == "U13585627"


@pytest.mark.parametrize(
    ("sales", "message"),
    [
        ([], "no EU sales"),
        ([yv.EuSale.of("DE129273398")], "no EU sales"),
        ([yv.EuSale.of("FI01120389", goods=1)], "field 102"),
        ([yv.EuSale.of("US12345678", goods=1)], "field 102"),
        ([yv.EuSale.of("DE12-9!", goods=1)], "field 103"),
        ([yv.EuSale.of("DE129273398", goods=1), yv.EuSale.of("DE129273398", goods=2)], "twice"),
    ],
)
def test_bad_statements_are_refused_naming_the_field(sales, message):
    with pytest.raises(yv.EuSalesFileError, match=message):
        yv.write(_statement(sales, None))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("000:VSRALVKV\n999:1\n", "not a VSRALVYV"),
        ("000:VSRALVYV\n052:3\n053:2026\n001:1\n102:DE\n103:1\n999:1\n", "not closed by 009"),
        ("000:VSRALVYV\n052:3\n053:2026\n001:2\n102:DE\n103:1\n009:1\n999:1\n", "001 says 2"),
        ("000:VSRALVYV\n052:3\n053:2026\n001:1\n102:DE\n103:1\n210:1,234\n009:1\n999:1\n", "210"),
        ("hello\n", "line 1"),
    ],
)
def test_bad_files_are_refused_naming_the_line_or_field(text, message):
    with pytest.raises(yv.EuSalesFileError, match=message):
        yv.read(text)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(yv.EU_COUNTRIES - {"FI"})),
            st.from_regex(r"[0-9]{8,12}", fullmatch=True),
            st.integers(-(10**9), 10**9),
            st.integers(-(10**9), 10**9),
            st.integers(0, 10**9),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda row: (row[0], row[1]),
    ).filter(lambda rows: any(any(row[2:]) for row in rows))
)
def test_any_statement_reads_back(rows):
    sales = [yv.EuSale(c, n, g, s, t) for c, n, g, s, t in rows]
    data = yv.read(yv.write(_statement(sales, dt.datetime(2026, 4, 1, 8, 0))))
    kept = sorted(
        (s for s in sales if s.goods or s.services or s.triangular),
        key=lambda s: (s.country, s.vat_number),
    )
    assert list(data.sales) == kept
