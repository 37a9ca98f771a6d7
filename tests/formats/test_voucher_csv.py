import datetime as dt
from decimal import Decimal

import pytest

from tase.formats import voucher_csv

HEADER = "voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project\n"


def test_reads_both_date_forms_and_decimal_comma():
    parsed = voucher_csv.parse(
        (
            HEADER + '1,31.3.2026,ml,1910,"1 234,56",,,a,,\n1,2026-03-31,ML,3000,,1234.56,s,a,,\n'
        ).encode()
    )
    assert not parsed.errors
    first, second = parsed.rows
    assert first.date == second.date == dt.date(2026, 3, 31)
    assert first.debit == second.credit == Decimal("1234.56")
    assert first.series == "ML" and second.vat_code == "S"


@pytest.mark.parametrize(
    "data, encoding, delimiter",
    [
        (HEADER.encode("utf-8-sig"), "utf-8-sig", ","),
        (HEADER.replace(",", ";").encode(), "utf-8", ";"),
        ((HEADER + "1,1.1.2026,MU,1910,1,,,Ä,,\n").encode("cp1252"), "cp1252", ","),
    ],
)
def test_encodings_and_separators(data, encoding, delimiter):
    parsed = voucher_csv.parse(data)
    assert not parsed.errors and parsed.encoding == encoding and parsed.delimiter == delimiter


def test_errors_carry_line_numbers():
    parsed = voucher_csv.parse(
        (
            HEADER
            + "1,1.1.2026,MU,1910,x,,,,,\n2,2026-02-30,MU,1910,1,,,,,\n3,1.1.2026,MU,,1,,,,,\n"
        ).encode()
    )
    assert [line for line, _message in parsed.errors] == [2, 3, 4]
    assert parsed.bad_vouchers == {"1", "2", "3"}


def test_missing_column_and_wrong_separator():
    parsed = voucher_csv.parse(HEADER.replace(",", "\t").encode())
    assert parsed.errors and "Missing column" in parsed.errors[0][1]
    parsed = voucher_csv.parse(b"voucher,date,account\n")
    assert "debit" in parsed.errors[0][1]
