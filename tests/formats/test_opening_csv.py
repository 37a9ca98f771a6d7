from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tase.formats import opening_csv


def test_balance_or_debit_and_credit_zero_rows_skipped():
    parsed = opening_csv.parse(
        "account;name;debit;credit;balance\n"
        "1910;Pankki;1 500,00;;\n"
        "2871;Ostovelat;;500,00;\n"
        "2250;Voitto;;;-1000\n"
        "1700;Myyntisaamiset;0;0;\n"
        "\n".encode("cp1252")
    )
    assert not parsed.errors
    assert [(r.line, r.account, r.balance) for r in parsed.rows] == [
        (2, "1910", Decimal("1500.00")),
        (3, "2871", Decimal("-500.00")),
        (4, "2250", Decimal("-1000")),
    ]


def test_a_trial_balance_export_reads_back():
    parsed = opening_csv.parse(
        b"account,name,debit,credit,balance\n1910,Bank,2000.00,500.00,1500.00\n"
    )
    assert not parsed.errors and parsed.rows[0].balance == Decimal("1500.00")


def test_errors_name_every_bad_line():
    parsed = opening_csv.parse(
        b"account,debit,credit,balance\n"
        b"1910,abc,,\n"  # text in an amount
        b",1,,\n"  # no account
        b"1700,,,\n"  # no amount
        b"1800,10,,9\n"  # balance disagrees
        b"1900,1\n"  # too few fields
    )
    assert [line for line, _message in parsed.errors] == [2, 3, 4, 5, 6]
    assert not parsed.rows


def test_header_problems():
    assert "Missing column" in opening_csv.parse(b"tili,saldo\n1910,1\n").errors[0][1]
    assert "Unknown column" in opening_csv.parse(b"account,saldo\n1910,1\n").errors[0][1]
    assert opening_csv.parse(b"").errors


def _fi(cents: int) -> str:
    return f"{Decimal(abs(cents)) / 100:.2f}".replace(".", ",")


@given(st.lists(st.integers(-(10**12), 10**12).filter(bool), max_size=20))
def test_amounts_survive_both_notations(cents):
    text = "account;debit;credit\n" + "".join(
        f"{1000 + i};{_fi(c) if c > 0 else ''};{_fi(c) if c < 0 else ''}\n"
        for i, c in enumerate(cents)
    )
    parsed = opening_csv.parse(text.encode())
    assert not parsed.errors
    assert [int(row.balance * 100) for row in parsed.rows] == cents
