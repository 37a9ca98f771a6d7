import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import sample, selectors, services
from tase.ledger.models import FiscalYear, Voucher

from .conftest import sale

pytestmark = pytest.mark.django_db


def test_fiscal_year_lengths(world, system):
    services.apply_chart(system, world.company, "limited-company")
    with pytest.raises(ValidationError):
        services.create_fiscal_year(
            system, world.company, start=dt.date(2026, 1, 1), end=dt.date(2027, 7, 31)
        )
    first = services.create_fiscal_year(
        system, world.company, start=dt.date(2026, 3, 1), end=dt.date(2027, 6, 30)
    )
    assert first.is_open
    with pytest.raises(ValidationError):  # gap
        services.create_fiscal_year(
            system, world.company, start=dt.date(2027, 8, 1), end=dt.date(2028, 7, 31)
        )
    with pytest.raises(ValidationError):  # overlap
        services.create_fiscal_year(
            system, world.company, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)
        )
    with pytest.raises(ValidationError) as error:  # later years are 12 months…
        services.create_fiscal_year(
            system, world.company, start=dt.date(2027, 7, 1), end=dt.date(2027, 12, 31)
        )
    assert "end" in error.value.message_dict
    second = services.create_fiscal_year(
        system, world.company, start=dt.date(2027, 7, 1), end=dt.date(2028, 6, 30)
    )
    # …unless the fiscal period is changed, when 1-18 months are allowed again.
    change = services.create_fiscal_year(
        system,
        world.company,
        start=second.end + dt.timedelta(days=1),
        end=dt.date(2029, 12, 31),
        change_of_period=True,
    )
    assert (change.start, change.end) == (dt.date(2028, 7, 1), dt.date(2029, 12, 31))
    with pytest.raises(ValidationError):  # still at most 18 months
        services.create_fiscal_year(
            system,
            world.company,
            start=dt.date(2030, 1, 1),
            end=dt.date(2031, 12, 31),
            change_of_period=True,
        )


def test_close_carries_balances_and_result(books, system, world):
    services.post_voucher(system, books, **sale("1255.00"))
    year = FiscalYear.objects.get(company=books)
    # The VAT is left unsettled and the income tax unbooked on purpose (the checklist's own
    # test is in test_income_tax), so that the VAT account's balance carries over.
    checklist = "VAT and income tax handled outside this test"
    services.close_fiscal_year(world.actor(Role.ACCOUNTANT), year, override_reason=checklist)
    year.refresh_from_db()
    assert year.state == "closed"
    opening = Voucher.objects.get(source="year-end")
    assert opening.date == dt.date(2027, 1, 1)
    lines = {e.account.number: e.amount_cents for e in opening.entries.select_related("account")}
    assert lines == {"1910": 125500, "29391": -25500, "2250": -100000}
    # The closed year refuses postings; the balance sheet of the new year starts from them.
    with pytest.raises(ValidationError):
        services.post_voucher(system, books, **sale())
    sheet = selectors.balance_sheet(books, dt.date(2027, 1, 31))
    retained = next(line for line in sheet.lines if line.code == "BS.C.4")
    assert retained.amounts[0] == 100000
    # Reopening: main user only, audited; the opening voucher is reversed.
    with pytest.raises(PermissionDenied):
        services.reopen_fiscal_year(world.actor(Role.ACCOUNTANT), year)
    services.reopen_fiscal_year(world.actor(Role.MAIN_USER), year, reason="korjaus")
    assert Voucher.objects.filter(reverses=opening).exists()
    assert AuditEvent.objects.filter(action="reopen").exists()
    services.post_voucher(system, books, **sale("10.00", day=dt.date(2026, 12, 31)))
    services.close_fiscal_year(
        system, FiscalYear.objects.get(pk=year.pk), override_reason=checklist
    )
    assert Voucher.objects.filter(source="year-end").count() == 2


def test_vat_settlement_moves_vat_and_locks(books, system):
    services.post_voucher(system, books, **sale("1255.00"))
    services.post_voucher(
        system,
        books,
        date=dt.date(2026, 3, 20),
        series="OL",
        description="Ostot",
        lines=[
            {"account": "4000", "debit": "125.50", "vat_code": "P"},
            {"account": "2870", "credit": "125.50"},
        ],
    )
    result = selectors.vat_return(books, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert result.figures["301"] == 25500 and result.figures["307"] == 2550
    assert result.figures["308"] == 22950
    voucher = services.settle_vat(
        system, books, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
    )
    lines = {e.account.number: e.amount_cents for e in voucher.entries.select_related("account")}
    assert lines == {"29391": 25500, "29392": -2550, "2939": -22950}
    assert services.locked_until(books) == dt.date(2026, 3, 31)
    # The settlement itself carries no VAT code, so the return is unchanged.
    assert (
        selectors.vat_return(books, dt.date(2026, 3, 1), dt.date(2026, 3, 31)).figures
        == result.figures
    )


def test_test_environment_copies_the_setup(books, system, world):
    from tase.core import services as core_services

    services.post_voucher(system, books, **sale())
    services.set_vat_period(system, books, "quarter")
    copy = core_services.create_test_environment(world.actor(Role.PROJECT_LEAD), books)
    assert copy.accounts.count() == books.accounts.count()
    assert copy.accounts.get(number="3000", is_header=False).parent.company == copy
    assert copy.fiscal_years.get().start == dt.date(2026, 1, 1)
    assert copy.ledger_settings.vat_period == "quarter"
    # Never the real vouchers: only the sample ones a trainee starts from.
    copied = Voucher.objects.filter(company=copy)
    assert set(copied.values_list("source", flat=True)) == {"sample"}
    assert copied.count() == len(sample.VOUCHERS)
    assert services.post_voucher(system, copy, **sale()).label == "ML 2"


def test_a_fiscal_year_is_named_as_a_finn_writes_dates():
    year = FiscalYear(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert str(year) == "1.1.2026\u201331.12.2026"
