import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import services
from tase.ledger.models import AccountBalance, Entry, Voucher

from .conftest import sale

pytestmark = pytest.mark.django_db


def amounts(voucher):
    return sorted(
        (e.account.number, e.amount_cents) for e in voucher.entries.select_related("account")
    )


def test_post_splits_vat_and_numbers(books, accountant):
    voucher = services.post_voucher(accountant, books, **sale())
    assert voucher.number == 1 and voucher.series.code == "ML" and voucher.is_posted
    assert amounts(voucher) == [("1910", 125500), ("29391", -25500), ("3000", -100000)]
    second = services.post_voucher(accountant, books, **sale())
    assert second.number == 2
    assert AuditEvent.objects.filter(action="post", object_id=str(voucher.pk)).exists()


def test_net_purchase_with_reduced_rate(books, accountant):
    voucher = services.post_voucher(
        accountant,
        books,
        date=dt.date(2026, 2, 1),
        series="OL",
        description="Ruokaostot",
        lines=[
            {"account": "4010", "debit": Decimal("100.00"), "vat_code": "P-R", "gross": False},
            {"account": "2870", "credit": Decimal("113.50")},
        ],
    )
    assert amounts(voucher) == [("2870", -11350), ("29392", 1350), ("4010", 10000)]


def test_balance_table_follows_entries(books, accountant):
    services.post_voucher(accountant, books, **sale())
    services.post_voucher(accountant, books, **sale("10.00", day=dt.date(2026, 4, 2)))
    bank = AccountBalance.objects.get(account__number="1910", month=3)
    assert (bank.debit_cents, bank.credit_cents) == (125500, 0)
    assert AccountBalance.objects.filter(account__number="1910").count() == 2


def test_idempotent_by_source_ref(books, accountant):
    first = services.post_voucher(accountant, books, source="payroll", source_ref="run-1", **sale())
    again = services.post_voucher(accountant, books, source="payroll", source_ref="run-1", **sale())
    assert first.pk == again.pk
    assert Voucher.objects.count() == 1


def test_unbalanced_refused_and_nothing_written(books, accountant):
    data = sale()
    data["lines"][0]["debit"] = Decimal("1000.00")
    with pytest.raises(ValidationError) as error:
        services.post_voucher(accountant, books, **data)
    assert "does not balance" in str(error.value.message_dict["lines"])
    assert not Voucher.objects.exists() and not Entry.objects.exists()


@pytest.mark.parametrize(
    "line, message",
    [
        ({"account": "9999", "debit": "1"}, "unknown account 9999"),
        ({"account": "1910", "debit": "1", "credit": "1"}, "either a debit or a credit"),
        ({"account": "1910", "debit": "abc"}, "is not an amount"),
        ({"account": "1910", "debit": "1.001"}, "more than two decimals"),
        ({"account": "1910", "debit": "1", "vat_code": "S"}, "takes no VAT code"),
        ({"account": "3000", "debit": "1", "vat_code": "XX"}, "unknown VAT code"),
    ],
)
def test_bad_lines_name_the_line(books, accountant, line, message):
    lines = [{"account": "3000", "credit": "1"}, line]
    with pytest.raises(ValidationError) as error:
        services.post_voucher(
            accountant, books, date=dt.date(2026, 3, 1), series="MU", description="x", lines=lines
        )
    text = " ".join(error.value.message_dict["lines"])
    assert "Line 2" in text and message in text
    assert not Voucher.objects.exists()


def test_hidden_account_refused(books, accountant, system):
    account = books.accounts.get(number="1920")
    services.update_account(system, account, hidden=True)
    with pytest.raises(ValidationError):
        services.post_voucher(
            accountant,
            books,
            date=dt.date(2026, 3, 1),
            series="MU",
            description="x",
            lines=[{"account": "1920", "debit": "1"}, {"account": "1910", "credit": "1"}],
        )


def test_date_outside_fiscal_year(books, accountant):
    with pytest.raises(ValidationError) as error:
        services.post_voucher(accountant, books, **sale(day=dt.date(2027, 1, 1)))
    assert "date" in error.value.message_dict


def test_locked_period(books, accountant, system):
    services.lock_period(system, books, dt.date(2026, 3, 31))
    with pytest.raises(ValidationError) as error:
        services.post_voucher(accountant, books, **sale(day=dt.date(2026, 3, 31)))
    assert "date" in error.value.message_dict
    services.post_voucher(accountant, books, **sale(day=dt.date(2026, 4, 1)))
    with pytest.raises(ValidationError):
        services.lock_period(system, books, dt.date(2026, 2, 28))  # moving the lock back


def test_periods_lock_by_whole_months(books, system):
    with pytest.raises(ValidationError) as error:
        services.lock_period(system, books, dt.date(2026, 3, 15))
    assert "locked_until" in error.value.message_dict
    assert services.locked_until(books) is None
    services.lock_period(system, books, dt.date(2026, 2, 28))
    assert services.locked_until(books) == dt.date(2026, 2, 28)


def test_reverse_and_no_reversal_of_reversal(books, accountant):
    voucher = services.post_voucher(accountant, books, **sale())
    reversal = services.reverse_voucher(
        accountant, voucher, date=dt.date(2026, 3, 20), description="Korjaus"
    )
    assert reversal.reverses == voucher and reversal.number == 2
    assert sum(e.amount_cents for e in Entry.objects.filter(account__number="1910")) == 0
    with pytest.raises(ValidationError):
        services.reverse_voucher(accountant, reversal, date=dt.date(2026, 3, 21), description="x")
    with pytest.raises(ValidationError):
        services.reverse_voucher(accountant, voucher, date=dt.date(2026, 3, 21), description="x")


def test_posted_voucher_immutable_in_models(books, accountant):
    voucher = services.post_voucher(accountant, books, **sale())
    voucher.description = "changed"
    with pytest.raises(ValidationError):
        voucher.save()
    with pytest.raises(ValidationError):
        Voucher.objects.get(pk=voucher.pk).delete()
    with pytest.raises(ValidationError):
        Voucher.objects.filter(pk=voucher.pk).update(description="x")
    with pytest.raises(ValidationError):
        Entry.objects.filter(voucher=voucher).delete()
    entry = voucher.entries.first()
    entry.amount_cents = 1
    with pytest.raises(ValidationError):
        entry.save()


def test_permissions_and_tenant_wall(books, world):
    with pytest.raises(PermissionDenied):
        services.post_voucher(world.actor(Role.VIEWER), books, **sale())
    with pytest.raises(Http404):
        services.post_voucher(Actor_other(world), books, **sale())


def Actor_other(world):
    from tase.core.access import Actor

    return Actor.of(world.other_users[Role.MAIN_USER])


def test_draft_then_post(books, accountant):
    data = sale()
    draft = services.save_draft(accountant, books, **data)
    assert draft.number is None and draft.state == "draft"
    posted = services.post_draft(accountant, draft)
    assert posted.number == 1 and posted.is_posted
    assert amounts(posted)[0] == ("1910", 125500)


def test_self_assessed_eu_service(books, accountant):
    voucher = services.post_voucher(
        accountant,
        books,
        date=dt.date(2026, 5, 1),
        series="OL",
        description="EU-palvelu",
        lines=[
            {"account": "4460", "debit": "100", "vat_code": "P-EUS"},
            {"account": "2870", "credit": "100"},
        ],
    )
    assert amounts(voucher) == [
        ("2870", -10000),
        ("29391", -2550),
        ("29392", 2550),
        ("4460", 10000),
    ]
