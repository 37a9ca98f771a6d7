"""Accruals (jaksotukset): posted and reversed, the specification, and the year-end items of
the closing gate (ledger.services.accruals, ledger.accrual_register)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tase.core.access import Actor
from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.ledger import accrual_register, closing, services
from tase.ledger.models import Accrual, Entry, FiscalYear, Voucher

pytestmark = pytest.mark.django_db

YEAR_END = dt.date(2026, 12, 31)


def insurance(**changes):
    """A year's insurance premium paid in December, eleven twelfths of it for next year."""
    fields = {
        "kind": "prepaid_expense",
        "description": "Vakuutusmaksu 2027",
        "amount": Decimal("1100.00"),
        "date": YEAR_END,
        "reverses_on": dt.date(2027, 1, 1),
        "result_account": "7740",
    }
    return fields | changes


def net(company, number, until=None):
    entries = Entry.objects.filter(company=company, account__number=number)
    if until:
        entries = entries.filter(date__lte=until)
    return sum(entries.values_list("amount_cents", flat=True))


def next_year(company, system):
    return services.create_fiscal_year(
        system, company, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)
    )


@pytest.mark.parametrize(
    ("kind", "receivable"),
    [
        ("prepaid_expense", True),
        ("accrued_income", True),
        ("accrued_expense", False),
        ("deferred_income", False),
    ],
)
def test_each_kind_posts_to_its_side_and_reverses(books, accountant, system, kind, receivable):
    next_year(books, system)
    result = "7740" if "expense" in kind else "3000"
    accrual = services.create_accrual(
        accountant, books, **insurance(kind=kind, result_account=result)
    )
    balance = "1800" if receivable else "2970"
    assert accrual.balance_account.number == balance
    sign = 1 if receivable else -1
    assert net(books, balance, YEAR_END) == sign * 110_000
    assert net(books, result, YEAR_END) == -sign * 110_000
    assert accrual.reversal.date == dt.date(2027, 1, 1)
    assert net(books, balance) == 0 and net(books, result) == 0
    assert accrual.voucher.series.code == "MU"


def test_the_reversal_waits_for_next_year_and_is_posted_when_it_exists(books, accountant, system):
    accrual = services.create_accrual(accountant, books, **insurance())
    assert accrual.reversal is None and net(books, "1800") == 110_000
    with pytest.raises(ValidationError) as error:
        services.reverse_due_accruals(accountant, books, dt.date(2027, 1, 31))
    assert "No accrual is due" in error.value.message_dict["until"][0]
    next_year(books, system)
    [done] = services.reverse_due_accruals(accountant, books, dt.date(2027, 1, 31))
    assert done.pk == accrual.pk and done.reversal.date == dt.date(2027, 1, 1)
    assert net(books, "1800") == 0
    assert AuditEvent.objects.filter(action="reverse_accruals", company=books).exists()


def test_the_reversal_defaults_to_the_next_day(books, accountant):
    accrual = services.create_accrual(
        accountant, books, **insurance(date=dt.date(2026, 6, 30), reverses_on=None)
    )
    assert accrual.reverses_on == dt.date(2026, 7, 1) and accrual.reversal is not None


def test_bad_input_names_every_field_and_writes_nothing(books, accountant):
    with pytest.raises(ValidationError) as error:
        services.create_accrual(
            accountant,
            books,
            kind="prepaid_expense",
            description="",
            amount="-5",
            date="2026-12-31",
            reverses_on="2026-12-01",
            result_account="1910",
            balance_account="2970",
        )
    fields = error.value.message_dict
    assert set(fields) == {
        "description",
        "amount",
        "reverses_on",
        "result_account",
        "balance_account",
    }
    assert "is not an expense account" in fields["result_account"][0]
    with pytest.raises(ValidationError) as error:
        services.create_accrual(accountant, books, **insurance(kind="bogus", amount="1e30"))
    assert set(error.value.message_dict) == {"kind", "amount"}
    assert not Accrual.objects.exists() and not Voucher.objects.filter(company=books).exists()


def test_a_locked_reversal_date_refuses_the_whole(books, accountant):
    services.lock_period(accountant, books, dt.date(2026, 7, 31))
    with pytest.raises(ValidationError):
        services.create_accrual(
            accountant, books, **insurance(date=dt.date(2026, 6, 30), reverses_on=None)
        )
    assert not Accrual.objects.exists() and not Voucher.objects.filter(company=books).exists()


def test_a_viewer_cannot_post_and_another_tenant_is_not_found(books, world):
    with pytest.raises(PermissionDenied):
        services.create_accrual(world.actor(Role.VIEWER), books, **insurance())
    outsider = Actor.of(world.other_users[Role.ACCOUNTANT])
    with pytest.raises(Http404):
        services.create_accrual(outsider, books, **insurance())


def test_specification_lists_open_accruals_and_the_rest(books, accountant, system):
    services.create_accrual(accountant, books, **insurance())
    services.create_accrual(
        accountant,
        books,
        **insurance(
            kind="accrued_expense",
            description="Sähkö joulukuu",
            amount="230.50",
            result_account="7740",
        ),
    )
    services.post_voucher(  # the holiday-pay liability as payroll posts it
        accountant,
        books,
        date=YEAR_END,
        series="MU",
        description="Lomapalkkavelka",
        lines=[
            {"account": "5020", "debit": Decimal("400.00")},
            {"account": "2970", "credit": Decimal("400.00")},
        ],
    )
    rows = {row.number: row for row in accrual_register.specification(books, YEAR_END)}
    assert rows["1800"].book_cents == 110_000 and rows["1800"].other_cents == 0
    assert rows["2970"].book_cents == 63_050
    assert rows["2970"].accrued_cents == 23_050 and rows["2970"].other_cents == 40_000
    # Before the accrual date nothing is open.
    assert accrual_register.specification(books, dt.date(2026, 12, 30)) == []


def test_year_end_gate_asks_for_reversals_due_and_depreciation(books, accountant, system):
    # An accrual of the year whose reversal date is within the year must be reversed by the
    # year end; one reversing next year is not due.
    services.create_accrual(accountant, books, **insurance())
    gate = closing.closing_gate(books, YEAR_END, year_end=True)
    assert all(r.code != "ledger.accruals" for r in gate.rows)  # reverses 1.1.2027: not due
    services.create_fixed_asset(
        accountant,
        books,
        number="K1",
        name="Sorvi",
        group="machinery",
        asset_account="1150",
        expense_account="6800",
        acquired=dt.date(2026, 1, 20),
        cost=Decimal("12000.00"),
        method="straight_line",
        years=5,
    )
    gate = closing.closing_gate(books, YEAR_END, year_end=True)
    row = next(r for r in gate.rows if r.code == "ledger.depreciation")
    assert row.value.difference_cents == -240_000  # 12 months x 200 € not posted
    month_gate = closing.closing_gate(books, dt.date(2026, 3, 31))
    assert all(r.code != "ledger.depreciation" for r in month_gate.rows)  # year end only
    year = FiscalYear.objects.get(company=books)
    with pytest.raises(ValidationError):
        services.close_fiscal_year(accountant, year)
    services.run_depreciation(accountant, books, YEAR_END)
    gate = closing.closing_gate(books, YEAR_END, year_end=True)
    assert next(r for r in gate.rows if r.code == "ledger.depreciation").ok


def test_an_unreversed_accrual_due_in_the_year_holds_the_year_end(books, accountant, system):
    accrual = services.create_accrual(
        accountant, books, **insurance(date=dt.date(2026, 6, 30), reverses_on=None)
    )
    # The reversal was posted at once (its year exists); undo the link to model a reversal
    # that never happened, as an import of an older system's accruals would leave it.
    Accrual.objects.filter(pk=accrual.pk).update(reversal=None)
    row = next(
        r
        for r in closing.closing_gate(books, YEAR_END, year_end=True).rows
        if r.code == "ledger.accruals"
    )
    assert row.value.difference_cents == -110_000


# -- API and page side by side --------------------------------------------------------------


def test_api_and_page_side_by_side(world, books, system):
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/ledger/companies/{books.pk}"
    body = insurance(amount="1100.00", date="2026-12-31", reverses_on="2027-01-01")
    response = client.post(f"{base}/accruals", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["balance_account"] == "1800" and created["reversal_id"] is None
    page = f"/ledger/{books.pk}/accruals/"
    form = insurance(description="Lehtitilaus 2027", amount="120,00") | {
        "action": "create",
        "confirm": "1",
        "date": "2026-12-31",
        "reverses_on": "2027-01-01",
        "balance_account": "",
    }
    assert client.post(page, form).status_code == 302
    listed = client.get(f"{base}/accruals").json()
    assert {a["description"] for a in listed} == {"Vakuutusmaksu 2027", "Lehtitilaus 2027"}
    spec = client.get(f"{base}/accrual-specification", {"on": "2026-12-31"}).json()
    assert spec[0]["number"] == "1800" and spec[0]["balance"] == "1220.00"
    next_year(books, system)
    response = client.post(
        f"{base}/accrual-reversals", {"until": "2027-01-31"}, content_type="application/json"
    )
    assert response.status_code == 201 and len(response.json()) == 2
    html = client.get(page, {"on": "2026-12-31"}).content.decode()
    assert "Lehtitilaus 2027" in html and "1\xa0220,00\xa0€" in html
    assert "Menoennakko" in html  # Finnish first


def test_page_asks_for_confirmation_and_keeps_the_form(world, books):
    client = world.client(Role.ACCOUNTANT)
    form = insurance(amount="100") | {"action": "create", "date": "2026-12-31"}
    response = client.post(f"/ledger/{books.pk}/accruals/", form)
    assert response.status_code == 200 and response.context["errors"]
    assert b'value="Vakuutusmaksu 2027"' in response.content
    assert not Accrual.objects.exists()


def test_tenant_walls(world, books, accountant):
    services.create_accrual(accountant, books, **insurance())
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(f"/ledger/{books.pk}/accruals/").status_code == 404
    base = f"/api/v1/ledger/companies/{books.pk}"
    assert other.get(f"{base}/accruals").status_code == 404
    assert other.get(f"{base}/accrual-specification", {"on": "2026-12-31"}).status_code == 404
    response = other.post(
        f"{base}/accruals",
        insurance(amount="1", date="2026-12-31", reverses_on="2027-01-01"),
        content_type="application/json",
    )
    assert response.status_code == 404


def test_list_queries_do_not_grow_with_accruals(world, books, accountant):
    client = world.client(Role.ACCOUNTANT)
    url = f"/ledger/{books.pk}/accruals/"
    services.create_accrual(accountant, books, **insurance())
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for month in range(1, 6):
        services.create_accrual(
            accountant,
            books,
            **insurance(description=f"Erä {month}", date=dt.date(2026, month, 28)),
        )
    with CaptureQueriesContext(connection) as six:
        client.get(url)
    assert len(six) == len(one)
