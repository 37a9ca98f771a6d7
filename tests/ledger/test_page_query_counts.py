"""The pages of `python -m bench web` (issue 12): the start page, the voucher list and the
trial balance ask a fixed number of queries, the same with more vouchers, accounts and
reversals, under a ceiling at what they take now. A query costs about half a millisecond of
the server's time on these pages (docs/performance.md), so a new one must be a decision."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tase.core.roles import Role
from tase.ledger import services

from .conftest import sale

# What each page takes now (a signed-in accountant of a customer with books): session,
# user, memberships and their companies, the banners and the unread count, then the page's own.
CEILINGS = {"start": 16, "vouchers": 10, "trial balance": 10}


def _queries(client, url) -> int:
    client.get(url)  # the session's first touch of the minute writes; later views only read
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _post(system, books, days, month):
    for day in range(1, days + 1):
        voucher = services.post_voucher(
            system, books, **sale("10.00", day=dt.date(2026, month, day))
        )
        if day % 2:
            services.reverse_voucher(
                system, voucher, date=dt.date(2026, month, day), description="r"
            )


@pytest.mark.parametrize("page", sorted(CEILINGS))
def test_the_bench_pages_ask_a_fixed_number_of_queries(world, books, system, page):
    client = world.client(Role.ACCOUNTANT)
    url = {
        "start": reverse("start"),
        "vouchers": reverse("ledger:voucher_list", args=[books.pk]),
        "trial balance": reverse("ledger:report", args=[books.pk, "trial-balance"]),
    }[page]
    _post(system, books, 3, 2)
    few = _queries(client, url)
    _post(system, books, 20, 3)
    services.post_voucher(  # one more account in the trial balance
        system,
        books,
        date=dt.date(2026, 4, 1),
        series="ML",
        description="Kulu",
        lines=[{"account": "4000", "debit": 5}, {"account": "1910", "credit": 5}],
    )
    many = _queries(client, url)
    assert few == many, f"{page}: {few} queries with few vouchers, {many} with more"
    assert many <= CEILINGS[page], f"{page}: {many} queries, the ceiling is {CEILINGS[page]}"
