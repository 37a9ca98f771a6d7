"""Penalty interest and reminder charges (rules.collection): the Interest Act's half-years,
payments lowering the principal, the consumer's 14 days and the business's 40 € once."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tase.rules import collection
from tase.rules.parameters import NotConfirmed

DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 6, 30))


def test_known_cases():
    # 1 000 € for 30 days in 2026 H1: 9.5 % consumer, 10.5 % commercial
    assert (
        collection.penalty_interest(
            100000, dt.date(2026, 1, 15), dt.date(2026, 2, 14), commercial=False
        ).cents
        == 781
    )
    assert (
        collection.penalty_interest(
            100000, dt.date(2026, 1, 15), dt.date(2026, 2, 14), commercial=True
        ).cents
        == 863
    )
    # across 1.7.2025 the rate falls from 11.5 % to 10.5 % (commercial)
    spans = collection.penalty_interest(
        100000, dt.date(2025, 6, 20), dt.date(2025, 7, 10), commercial=True
    ).spans
    assert [(s.days, s.rate) for s in spans] == [(10, D("11.5")), (10, D("10.5"))]


def test_an_unconfirmed_half_year_is_refused():
    with pytest.raises(NotConfirmed):
        collection.penalty_interest(100, dt.date(2026, 6, 1), dt.date(2026, 7, 1), commercial=False)


@given(
    principal=st.integers(1, 10**9),
    due=DAYS,
    days=st.integers(0, 500),
    paid=st.lists(st.tuples(st.integers(0, 500), st.integers(1, 10**8)), max_size=4),
    commercial=st.booleans(),
)
def test_spans_cover_the_overdue_days_at_the_principal_left(principal, due, days, paid, commercial):
    until = min(due + dt.timedelta(days=days), dt.date(2026, 6, 30))
    payments = [(due + dt.timedelta(days=d), amount) for d, amount in paid]
    result = collection.penalty_interest(
        principal, due, until, commercial=commercial, payments=payments
    )
    # the spans are contiguous from the due date, never past ``until``
    start = due
    for span in result.spans:
        assert span.start == start and span.end > span.start
        start = span.end
        left = principal - sum(a for d, a in payments if d <= span.start)
        assert span.principal == left > 0
        assert span.amount == D(left) * span.rate / 100 * span.days / 365
    assert start <= until
    if result.spans and start < until:  # interest stopped early only when all was paid
        assert principal - sum(a for d, a in payments if d <= start) <= 0
    # one rounding, at the end
    total = sum((span.amount for span in result.spans), D(0))
    assert abs(result.cents - total) <= D("0.5")


@given(due=DAYS, extra=st.integers(0, 60))
def test_more_days_never_less_interest(due, extra):
    until = min(due + dt.timedelta(days=30), dt.date(2026, 6, 30))
    later = min(until + dt.timedelta(days=extra), dt.date(2026, 6, 30))
    first = collection.penalty_interest(50000, due, until, commercial=False).cents
    assert collection.penalty_interest(50000, due, later, commercial=False).cents >= first


def test_reminder_charges():
    due = dt.date(2026, 1, 15)
    early = collection.reminder_charges(
        consumer=True, due_date=due, on=due + dt.timedelta(days=13), compensation_claimed=False
    )
    assert early == collection.Charges(fee=0, compensation=0, fee_withheld=True)
    assert collection.reminder_charges(
        consumer=True, due_date=due, on=due + dt.timedelta(days=14), compensation_claimed=False
    ) == collection.Charges(fee=500, compensation=0)
    assert collection.reminder_charges(
        consumer=False, due_date=due, on=due + dt.timedelta(days=1), compensation_claimed=False
    ) == collection.Charges(fee=0, compensation=4000)
    assert collection.reminder_charges(
        consumer=False, due_date=due, on=due + dt.timedelta(days=30), compensation_claimed=True
    ) == collection.Charges(fee=0, compensation=0)
