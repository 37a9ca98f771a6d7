"""The holiday balances and the holiday-pay liability read the employees a chunk at a time
(issue 16, Scale: memory flat): the same results as one ledger of them all, and a bounded
number of queries per chunk, not per employee."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tase.payroll import services
from tase.payroll.services.holidays import balance, chunks, load
from tase.payroll.services.liability import computed_liability

from .factories import books, employee

YEAR_END = dt.date(2026, 3, 31)
ON = dt.date(2026, 4, 30)


def _staff(clerk, company, count=5, first=0):
    """Employees of different salaries and bases, some with an absence or a holiday."""
    rows = []
    for n in range(first, first + count):
        row = employee(
            clerk,
            company,
            first_name=f"T{n}",
            last_name=f"Lohko{n % 3}",
            basis="hourly" if n % 4 == 3 else "monthly",
            salary="18.00" if n % 4 == 3 else f"{3000 + 137 * n}.00",
            start=dt.date(2024 + n % 2, 4, 1),
        )
        if n % 3 == 1:
            services.record_absence(
                clerk,
                row,
                kind="unpaid",
                start_date=dt.date(2025, 11, 3),
                end_date=dt.date(2025, 11, 28),
            )
        if n % 2 == 0:
            services.record_holiday(
                clerk, row, start_date=dt.date(2026, 4, 6), end_date=dt.date(2026, 4, 10)
            )
        rows.append(row)
    return rows


def test_chunked_liability_equals_the_whole(world, clerk):
    books(world.company)
    _staff(clerk, world.company)
    whole = computed_liability(world.company, ON, [load(world.company, ON)])
    assert len(whole.rows) == 5 and whole.total
    assert [len(book.employees) for book in chunks(world.company, ON, size=2)] == [2, 2, 1]
    chunked = computed_liability(world.company, ON, size=2)
    assert chunked == whole  # every row, in the same order, and the totals
    # The posting's totals without the rows: the same sums
    totals = computed_liability(world.company, ON, rows=False, size=2)
    assert totals.rows == []
    assert (totals.days, totals.holiday_pay, totals.holiday_bonus, totals.social_costs) == (
        whole.days,
        whole.holiday_pay,
        whole.holiday_bonus,
        whole.social_costs,
    )
    voucher, _reversal = services.post_liability(clerk, world.company, ON)
    posted = sum(e.amount_cents for e in voucher.entries.all() if e.amount_cents > 0)
    assert posted == int(whole.total * 100)


def test_chunked_balances_equal_the_whole(world, clerk):
    _staff(clerk, world.company)
    book = load(world.company, ON)
    whole = [balance(book, e, YEAR_END) for e in book.employees]
    chunked = [
        balance(part, e, YEAR_END)
        for part in chunks(world.company, ON, size=2)
        for e in part.employees
    ]
    assert chunked == whole and len(whole) == 5
    assert services.balances(world.company, YEAR_END, ON) == whole


def _queries(company, size) -> int:
    with CaptureQueriesContext(connection) as captured:
        computed_liability(company, ON, size=size)
    return len(captured)


def test_queries_grow_by_chunk_not_by_employee(world, clerk):
    _staff(clerk, world.company, count=4)
    one = _queries(world.company, 500)
    two = _queries(world.company, 2)  # two chunks
    _staff(clerk, world.company, count=4, first=4)
    assert _queries(world.company, 500) == one  # twice the employees, one chunk: no N+1
    per_chunk = two - one
    assert 0 < per_chunk <= 8
    assert _queries(world.company, 2) == one + 3 * per_chunk  # four chunks
