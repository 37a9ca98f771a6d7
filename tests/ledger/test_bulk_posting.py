"""Posting many vouchers at once (services.post_vouchers): the single voucher's rules, every
voucher checked first, gapless numbers per series, the balances the database keeps, one
audit event per batch."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import selectors, services
from tase.ledger.models import AccountBalance, Entry, Voucher
from tase.ledger.services import NewVoucher

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _voucher(day=dt.date(2026, 3, 15), series="MU", amount="100.00", **extra) -> NewVoucher:
    lines = [
        {"account": "1910", "debit": Decimal(amount)},
        {"account": "3000", "credit": Decimal(amount), "vat_code": "S"},
    ]
    return NewVoucher(day, series, "Myynti", lines, **extra)


class _Rollback(Exception):
    def __init__(self, books):
        self.books = books


def _books(company):
    """What the books say: the trial balance (from the balance table the database keeps),
    the net of each account summed from the entries, and the vouchers' numbers."""
    trial = {
        row.account.number: (row.debit, row.credit)
        for row in selectors.trial_balance(company, START, END)
    }
    nets = dict(
        Entry.objects.filter(company=company)
        .values_list("account__number")
        .order_by()
        .annotate(net=Sum("amount_cents"))
        .values_list("account__number", "net")
    )
    numbers = sorted(
        Voucher.objects.filter(company=company, state="posted").values_list(
            "series__code", "number"
        )
    )
    return trial, nets, numbers


def _posted_then_undone(company, post) -> tuple:
    try:
        with transaction.atomic():
            post()
            raise _Rollback(_books(company))
    except _Rollback as done:
        return done.books


LINE = st.tuples(
    st.sampled_from([("3000", "S"), ("3000", "S-R"), ("4000", "P"), ("7100", ""), ("2870", "")]),
    st.integers(-(10**8), 10**8).filter(bool),
)
VOUCHER = st.tuples(
    st.dates(START, END), st.sampled_from(["MU", "TI"]), st.lists(LINE, min_size=1, max_size=4)
)


def _lines(lines) -> list[dict]:
    """The lines entered (gross amounts) and a bank line that balances them: the VAT split
    keeps each line's gross sum, so the voucher balances."""
    result = [
        {
            "account": account,
            ("debit" if cents > 0 else "credit"): Decimal(abs(cents)) / 100,
            **({"vat_code": vat} if vat else {}),
        }
        for (account, vat), cents in lines
    ]
    rest = -sum(cents for _account, cents in lines)
    if rest:
        result.append(
            {"account": "1910", ("debit" if rest > 0 else "credit"): Decimal(abs(rest)) / 100}
        )
    return result


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(vouchers=st.lists(VOUCHER, min_size=1, max_size=8))
def test_a_batch_balances_and_equals_posting_one_by_one(vouchers, books, accountant):
    """Every voucher of a batch balances, and the trial balance, the accounts' nets and the
    numbers equal those of the same vouchers posted one by one."""
    batch = [NewVoucher(day, series, "Tosite", _lines(lines)) for day, series, lines in vouchers]

    def together():
        posted = services.post_vouchers(accountant, books, batch)
        assert len(posted) == len(batch)
        sums = (
            Entry.objects.filter(voucher__in=posted)
            .values("voucher")
            .annotate(total=Sum("amount_cents"), lines=Count("id"))
        )
        assert len(sums) == len(batch)
        assert all(row["total"] == 0 and row["lines"] >= 2 for row in sums)

    def one_by_one():
        for voucher in batch:
            services.post_voucher(
                accountant,
                books,
                date=voucher.date,
                series=voucher.series,
                description=voucher.description,
                lines=voucher.lines,
            )

    assert _posted_then_undone(books, together) == _posted_then_undone(books, one_by_one)


def test_numbers_continue_gapless_per_series_and_one_audit_event(books, accountant):
    services.post_voucher(
        accountant, books, date=dt.date(2026, 3, 1), series="MU", description="Eka",
        lines=_voucher().lines,
    )  # fmt: skip
    before = AuditEvent.objects.count()
    posted = services.post_vouchers(
        accountant,
        books,
        [
            _voucher(series="MU"),
            _voucher(series="TI"),
            _voucher(series="MU"),
            _voucher(series="TI"),
        ],
    )
    assert [(v.series.code, v.number) for v in posted] == [
        ("MU", 2),
        ("TI", 1),
        ("MU", 3),
        ("TI", 2),
    ]
    assert Voucher.objects.get(pk=posted[2].pk).number == 3
    [event] = AuditEvent.objects.order_by("-pk")[: AuditEvent.objects.count() - before]
    assert event.action == "post_batch"
    assert event.changes["vouchers"] == [None, 4]
    assert sorted(event.changes["numbers"][1]) == ["MU 2-3", "TI 1-2"]
    # The balance table the database keeps has the batch: four times 100 € to the bank.
    bank = AccountBalance.objects.filter(account__company=books, account__number="1910")
    assert sum(b.debit_cents for b in bank) == 40000 + 10000


def test_one_bad_voucher_refuses_the_batch_naming_voucher_and_line(books, accountant):
    bad = NewVoucher(
        dt.date(2026, 3, 15),
        "MU",
        "Vino",
        [{"account": "1910", "debit": Decimal("10")}, {"account": "9999", "credit": Decimal("10")}],
    )
    unbalanced = NewVoucher(
        dt.date(2026, 3, 15),
        "MU",
        "Vino",
        [{"account": "1910", "debit": Decimal("10")}, {"account": "3000", "credit": Decimal("9")}],
        label="Lasku 7",
    )
    huge = _voucher(amount="1e30")
    with pytest.raises(ValidationError) as error:
        services.post_vouchers(accountant, books, [_voucher(), bad, unbalanced, huge])
    messages = error.value.message_dict["vouchers"]
    assert messages[0] == "Voucher 2: Line 2: unknown account 9999."
    assert messages[1].startswith("Lasku 7: The voucher does not balance")
    assert messages[2].startswith("Voucher 4: Line 1: 1E+30 is out of range")
    assert not Voucher.objects.filter(company=books).exists()


def test_dates_outside_open_unlocked_periods_are_refused(books, accountant, system):
    services.post_vouchers(accountant, books, [_voucher(day=dt.date(2026, 1, 10))])
    services.lock_period(system, books, dt.date(2026, 1, 31), override_reason="testi")
    with pytest.raises(ValidationError) as error:
        services.post_vouchers(
            accountant,
            books,
            [
                _voucher(day=dt.date(2026, 2, 1)),
                _voucher(day=dt.date(2026, 1, 31)),
                _voucher(day=dt.date(2027, 1, 2)),
            ],
        )
    assert error.value.message_dict["vouchers"] == [
        "Voucher 2: The period up to 31.1.2026 is locked; 31.1.2026 cannot be used.",
        "Voucher 3: No fiscal year covers 2.1.2027.",
    ]
    assert Voucher.objects.filter(company=books).count() == 1


def test_source_refs_posted_before_are_not_posted_again(books, accountant):
    first = services.post_vouchers(accountant, books, [_voucher(source="x", source_ref="1")])
    again = services.post_vouchers(
        accountant,
        books,
        [
            _voucher(source="x", source_ref="1"),
            _voucher(source="x", source_ref="2"),
            _voucher(source="x", source_ref="2"),
        ],
    )
    assert again[0].pk == first[0].pk
    assert again[1].pk == again[2].pk != first[0].pk
    assert Voucher.objects.filter(company=books).count() == 2


def test_another_companys_books_answer_404(books, world, accountant):
    with pytest.raises(Http404):
        services.post_vouchers(accountant, world.other_company, [_voucher()])


def test_a_role_without_posting_is_refused(books, world):
    with pytest.raises(PermissionDenied):
        services.post_vouchers(world.actor(Role.VIEWER), books, [_voucher()])


def test_queries_do_not_grow_with_the_batch(books, accountant, django_assert_max_num_queries):
    services.post_vouchers(accountant, books, [_voucher()])  # the caches warm
    with django_assert_max_num_queries(12):
        services.post_vouchers(accountant, books, [_voucher(series=s) for s in ["MU", "TI"] * 200])
