"""Reading Tilitin database files (tase.formats.tilitin)."""

import datetime as dt
import sqlite3

import pytest

from tase.formats import tilitin
from tase.formats.earlier_books import BookError, to_cents, to_date
from tests import earlier_books_files as tilitin_files


def test_a_two_year_book_reads_as_tilitin_wrote_it(tmp_path):
    path = tilitin_files.two_years(tmp_path / "kirjanpito.sqlite")
    with tilitin.Book(path) as book:
        assert (book.name, book.business_id) == ("Vanha Oy", "1234567-1")
        kinds = {account.number: account.type for account in book.accounts()}
        assert kinds["2251"] == "equity" and kinds["7000"] == "expense"
        first, second = book.periods()
        assert (first.start, first.end, first.locked) == (
            dt.date(2025, 1, 1),
            dt.date(2025, 12, 31),
            True,
        )
        assert not second.locked
        documents = list(book.documents(first))
        assert [d.key for d in documents] == ["0", "1", "2", "3"] and documents[0].opening
        rent = documents[2]
        assert rent.date == dt.date(2025, 6, 30)
        assert [(line.account, line.cents) for line in rent.lines] == [
            ("7000", 80010),
            ("1910", -80010),
        ]
        assert book.trial_balance(first) == {
            "1910": 169990,
            "2001": -250000,
            "1701": 125500,
            "3000": -100000,
            "29391": -25500,
            "7000": 80010,
        }


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (1735682400000, dt.date(2025, 1, 1)),  # Helsinki midnight, UTC+2: 31.12. 22:00 UTC
        (1735689600000, dt.date(2025, 1, 1)),  # UTC midnight
        ("2025-01-01", dt.date(2025, 1, 1)),
        ("2025-01-01 00:00:00.000", dt.date(2025, 1, 1)),
    ],
)
def test_dates_in_every_form_they_are_found(value, day):
    assert to_date(value, "period:1") == day


@pytest.mark.parametrize(
    ("value", "cents"), [(12.3, 1230), (800.1, 80010), ("5,05", 505), (7, 700)]
)
def test_amounts_become_exact_cents(value, cents):
    assert to_cents(value, "account:1910") == cents


def test_bad_files_name_the_problem(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BookError) as error:
        tilitin.Book(junk)
    assert error.value.code == "not_a_database"
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE account (id integer, number text)")
    db.commit()
    db.close()
    with pytest.raises(BookError) as error:
        tilitin.Book(other)
    assert error.value.code == "missing_columns" and error.value.params["table"] == "account"
    with pytest.raises(BookError) as error:
        to_cents("1e30", "document:2025:4")
    assert error.value.code == "amount_out_of_range"
    with pytest.raises(BookError) as error:
        to_date("31.12.2025", "document:2025:4")
    assert error.value.code == "bad_date"


def test_the_file_is_opened_read_only(tmp_path):
    path = tilitin_files.two_years(tmp_path / "kirjanpito.sqlite")
    before = path.read_bytes()
    with tilitin.Book(path) as book, pytest.raises(sqlite3.OperationalError):
        book._db.execute("DELETE FROM entry")
    assert path.read_bytes() == before
