"""The closing gate: receivables, VAT and payroll assertions; locking and closing refused while
one fails, overridden with a reason that stays in the audit trail; tenant walls; API and pages
side by side; the accounting office's page in a number of queries that does not grow with the
companies."""

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tase.core.models import AuditEvent
from tase.core.registry import CLOSING_CHECKS, ClosingCheck, ClosingValue
from tase.core.roles import Role
from tase.ledger import closing, services
from tase.ledger.models import FiscalYear
from tase.sales import services as sales
from tase.sales.models import Invoice
from tests.factories import CompanyFactory
from tests.sales.conftest import CUSTOMER, lines

from .conftest import sale

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 31)


@pytest.fixture
def billing(books, system):
    services.create_bank_account(
        system, books, iban="FI79 4405 2020 0360 82", bic="OKOYFIHH", account="1910"
    )
    return books


def _invoice(actor, company, day=dt.date(2026, 3, 2)) -> Invoice:
    draft = sales.create_invoice(
        actor,
        company,
        customer_data=CUSTOMER,
        invoice_date=day,
        delivery_date=day,
        lines=lines(("Consulting", "4", "250.00", "S")),
    )
    return sales.send_invoice(actor, draft)


def _stray_receivable(actor, company, amount="100.00", day=dt.date(2026, 3, 20)):
    """A receivable booked by hand, without an invoice behind it: the books do not tie."""
    return services.post_voucher(
        actor,
        company,
        date=day,
        series="MU",
        description="Saaminen ilman laskua",
        lines=[
            {"account": "1700", "debit": D(amount)},
            {"account": "3000", "credit": D(amount)},
        ],
    )


def _row(gate, code, detail_start=""):
    return next(
        row for row in gate.rows if row.code == code and row.value.detail.startswith(detail_start)
    )


def test_the_checks_are_registered_by_their_apps():
    assert {"sales.receivables", "ledger.vat", "payroll.liabilities"} <= set(CLOSING_CHECKS)


def test_receivables_ledger_equals_the_receivables_account(billing, accountant):
    invoice = _invoice(accountant, billing)
    sales.record_payment(accountant, invoice, date=dt.date(2026, 3, 10), amount=D("500.00"))
    row = _row(closing.closing_gate(billing, MARCH), "sales.receivables")
    assert (row.value.book_cents, row.value.other_cents) == (125500 - 50000, 75500)
    assert row.ok
    # Before the payment the open amount was all of it, on both sides.
    early = _row(closing.closing_gate(billing, dt.date(2026, 3, 5)), "sales.receivables")
    assert early.value.book_cents == early.value.other_cents == 125500
    _stray_receivable(accountant, billing)
    row = _row(closing.closing_gate(billing, MARCH), "sales.receivables")
    assert row.value.difference_cents == 10000
    assert row.value.url == reverse("sales:receivables", args=[billing.pk])


def test_the_gate_refuses_a_lock_and_names_the_difference(billing, accountant):
    _invoice(accountant, billing)
    _stray_receivable(accountant, billing)
    with pytest.raises(ValidationError) as error:
        services.lock_period(accountant, billing, MARCH)
    messages = error.value.message_dict["closing_gate"]
    assert "The books do not tie on" in messages[0]
    assert any(
        "The receivables ledger equals the receivables accounts" in m
        and "difference 100,00\xa0€" in m
        for m in messages
    ), messages
    assert services.locked_until(billing) is None
    # The stray receivable of March is in April's balance too: balances are cumulative.
    with pytest.raises(ValidationError):
        services.lock_period(accountant, billing, dt.date(2026, 4, 30))
    # February, before it, ties and locks.
    services.lock_period(accountant, billing, dt.date(2026, 2, 28))
    assert services.locked_until(billing) == dt.date(2026, 2, 28)


def test_an_override_is_recorded_in_the_audit_trail(billing, accountant):
    _stray_receivable(accountant, billing)
    services.lock_period(
        accountant, billing, MARCH, override_reason="  Saaminen selvitetään huhtikuussa.  "
    )
    assert services.locked_until(billing) == MARCH
    event = AuditEvent.objects.filter(action="lock_period", company=billing).latest("pk")
    assert event.changes["closing_gate_override"] == [None, "Saaminen selvitetään huhtikuussa."]
    (difference,) = event.changes["closing_gate_differences"][1]
    assert difference["code"] == "sales.receivables"
    assert difference["difference_cents"] == 10000
    with pytest.raises(ValidationError) as error:
        services.lock_period(accountant, billing, dt.date(2026, 4, 30), override_reason="x" * 1001)
    assert "override_reason" in error.value.message_dict


def test_vat_settlements_equal_the_returns(books, accountant):
    services.post_voucher(accountant, books, **sale("1255.00", day=dt.date(2026, 3, 15)))
    gate = closing.closing_gate(books, MARCH)
    unsettled = _row(gate, "ledger.vat")
    assert (unsettled.value.book_cents, unsettled.value.other_cents) == (25500, 25500)
    services.settle_vat(accountant, books, start=dt.date(2026, 3, 1), end=MARCH, lock=False)
    gate = closing.closing_gate(books, MARCH)
    settled, unsettled = [row for row in gate.rows if row.code == "ledger.vat"]
    assert (settled.value.book_cents, settled.value.other_cents) == (25500, 25500)
    assert settled.value.detail == "1 settled periods"
    assert unsettled.ok and unsettled.value.book_cents == 0
    # A sale posted into the settled period after its settlement: the settlement no longer
    # equals the return, and the VAT accounts hold VAT that no open return has.
    services.post_voucher(accountant, books, **sale("125.50", day=dt.date(2026, 3, 30)))
    gate = closing.closing_gate(books, MARCH)
    late = _row(gate, "ledger.vat", "Settled")
    assert (late.value.book_cents, late.value.other_cents) == (25500, 28050)
    assert "from=2026-03-01&to=2026-03-31" in late.value.url
    assert _row(gate, "ledger.vat", "Not settled").value.difference_cents == 2550
    # VAT booked by hand without a code in an open month: the accounts differ from the return.
    services.post_voucher(
        accountant,
        books,
        date=dt.date(2026, 4, 2),
        series="MU",
        description="ALV käsin",
        lines=[
            {"account": "1910", "debit": D("10.00")},
            {"account": "29391", "credit": D("10.00")},
        ],
    )
    april = _row(closing.closing_gate(books, dt.date(2026, 4, 30)), "ledger.vat", "Not settled")
    assert april.value.difference_cents == 2550 + 1000


def test_settling_vat_locks_through_the_gate(billing, accountant):
    services.post_voucher(accountant, billing, **sale("1255.00", day=dt.date(2026, 3, 15)))
    _stray_receivable(accountant, billing)
    with pytest.raises(ValidationError) as error:
        services.settle_vat(accountant, billing, start=dt.date(2026, 3, 1), end=MARCH)
    assert "closing_gate" in error.value.message_dict
    assert not billing.vouchers.filter(source="vat-settlement").exists()  # nothing half-written
    voucher = services.settle_vat(
        accountant, billing, start=dt.date(2026, 3, 1), end=MARCH, override_reason="Selvitetään"
    )
    assert voucher is not None and services.locked_until(billing) == MARCH


def test_closing_a_year_is_refused_until_the_books_tie(billing, accountant, world):
    _stray_receivable(accountant, billing, day=dt.date(2026, 12, 30))
    year = FiscalYear.objects.get(company=billing)
    with pytest.raises(ValidationError) as error:
        services.close_fiscal_year(accountant, year)
    assert any("difference" in m for m in error.value.message_dict["closing_gate"])
    year.refresh_from_db()
    assert year.is_open
    services.close_fiscal_year(accountant, year, override_reason="Tilintarkastaja hyväksyi.")
    event = AuditEvent.objects.filter(action="close", company=billing).latest("pk")
    assert event.changes["closing_gate_override"][1] == "Tilintarkastaja hyväksyi."
    # The next year opens with the stray receivable: the gate still shows it, from the
    # opening balances on.
    row = _row(closing.closing_gate(billing, dt.date(2027, 1, 31)), "sales.receivables")
    assert row.value.difference_cents == 10000


# -- API and pages ------------------------------------------------------------------------


def test_api_and_page_side_by_side(billing, accountant, world):
    _invoice(accountant, billing)
    _stray_receivable(accountant, billing)
    client = world.client(Role.ACCOUNTANT)
    api = client.get(
        f"/api/v1/ledger/companies/{billing.pk}/closing-gate", {"on": "2026-03-31"}
    ).json()
    assert api["ok"] is False and api["on"] == "2026-03-31"
    receivables = next(a for a in api["assertions"] if a["code"] == "sales.receivables")
    assert (receivables["book_value"], receivables["other_value"], receivables["difference"]) == (
        "1355.00",
        "1255.00",
        "100.00",
    )
    assert receivables["url"] == reverse("sales:receivables", args=[billing.pk])
    page = client.get(
        reverse("ledger:closing_gate", args=[billing.pk]),
        {"on": "2026-03-31"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert 'data-code="sales.receivables"' in page
    assert "1\xa0355,00" in page
    assert "100,00" in page
    assert reverse("sales:receivables", args=[billing.pk]) in page

    # Locking: refused through the API, naming the difference; the page says the same.
    url = f"/api/v1/ledger/companies/{billing.pk}/period-lock"
    refused = client.post(url, {"locked_until": "2026-03-31"}, content_type="application/json")
    assert refused.status_code == 422
    messages = [d["msg"] for d in refused.json()["detail"]]
    assert any("100,00\xa0€." in m for m in messages), messages  # the user's language
    form = reverse("ledger:fiscal_years", args=[billing.pk])
    response = client.post(form, {"action": "lock", "confirm": "1", "locked_month": "2026-03"})
    assert response.status_code == 200 and services.locked_until(billing) is None
    assert 'data-testid="lock-override"' in response.content.decode()
    locked = client.post(
        url,
        {"locked_until": "2026-03-31", "override_reason": "Selvitetään"},
        content_type="application/json",
    )
    assert locked.status_code == 200 and locked.json() == {"locked_until": "2026-03-31"}


def test_page_lock_with_an_override_and_year_close_through_the_api(billing, accountant, world):
    _stray_receivable(accountant, billing)
    client = world.client(Role.ACCOUNTANT)
    form = reverse("ledger:fiscal_years", args=[billing.pk])
    response = client.post(
        form,
        {"action": "lock", "confirm": "1", "locked_month": "2026-03", "override_reason": "Ok"},
    )
    assert response.status_code == 302 and services.locked_until(billing) == MARCH
    year = FiscalYear.objects.get(company=billing)
    url = f"/api/v1/ledger/companies/{billing.pk}/fiscal-years/{year.pk}/close"
    refused = client.post(url, content_type="application/json")  # no body: no reason
    assert refused.status_code == 422, refused.content
    assert any(d["loc"][-1] == "closing_gate" for d in refused.json()["detail"])
    closed = client.post(
        url, json.dumps({"override_reason": "Hyväksytty"}), content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


def test_tenant_walls(billing, world):
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(f"/api/v1/ledger/companies/{billing.pk}/closing-gate").status_code == 404
    assert (
        other.post(
            f"/api/v1/ledger/companies/{billing.pk}/period-lock",
            {"locked_until": "2026-03-31", "override_reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert other.get(reverse("ledger:closing_gate", args=[billing.pk])).status_code == 404
    gates = other.get("/api/v1/ledger/closing-gates").json()
    assert billing.pk not in {gate["company_id"] for gate in gates}
    page = other.get(reverse("ledger:office_gate")).content.decode()
    assert f'data-company="{billing.pk}"' not in page
    assert services.locked_until(billing) is None
    # A viewer sees the gate but may not lock.
    viewer = world.client(Role.VIEWER)
    assert viewer.get(f"/api/v1/ledger/companies/{billing.pk}/closing-gate").status_code == 200
    assert (
        viewer.post(
            f"/api/v1/ledger/companies/{billing.pk}/period-lock",
            {"locked_until": "2026-03-31"},
            content_type="application/json",
        ).status_code
        == 403
    )


def _client_companies(world, system, count):
    companies = []
    for index in range(count):
        company = CompanyFactory(organization=world.org, name=f"Asiakasyhtiö {index}")
        services.apply_chart(system, company, "limited-company")
        services.create_fiscal_year(
            system, company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
        )
        services.post_voucher(system, company, **sale("1255.00", day=dt.date(2026, 3, 15)))
        companies.append(company)
    return companies


def test_office_page_queries_do_not_grow_with_the_companies(world, system):
    client = world.client(Role.ADMIN)
    url = reverse("ledger:office_gate")
    _client_companies(world, system, 2)
    client.get(url, {"on": "2026-03-31"})  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"on": "2026-03-31"})
    assert response.status_code == 200
    companies = _client_companies(world, system, 4)
    _stray_receivable(system, companies[-1])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"on": "2026-03-31"})
    page = response.content.decode()
    assert all(f'data-company="{c.pk}"' in page for c in companies)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    only_failing = client.get(url, {"on": "2026-03-31", "failing": "1"}).content.decode()
    assert f'data-company="{companies[-1].pk}"' in only_failing
    assert f'data-company="{companies[0].pk}"' not in only_failing


def test_the_gate_shows_on_the_ledger_pages(billing, world):
    client = world.client(Role.ACCOUNTANT)
    home = client.get(reverse("ledger:home", args=[billing.pk])).content.decode()
    assert 'data-testid="closing-gate"' in home
    years = client.get(reverse("ledger:fiscal_years", args=[billing.pk])).content.decode()
    assert years.count('data-testid="closing-gate"') == 2  # the lock form's and the year's


def test_vat_settlement_page_passes_the_override(billing, accountant, world):
    services.post_voucher(accountant, billing, **sale("1255.00", day=dt.date(2026, 3, 15)))
    _stray_receivable(accountant, billing)
    client = world.client(Role.ACCOUNTANT)
    settle = reverse("ledger:vat_settle", args=[billing.pk])
    form = {"from": "2026-03-01", "to": "2026-03-31", "confirm": "1"}
    response = client.post(settle, form, follow=True)
    assert "difference" in response.content.decode() or "erotus" in response.content.decode()
    assert services.locked_until(billing) is None
    client.post(settle, {**form, "override_reason": "Saaminen selvitetään."})
    assert services.locked_until(billing) == MARCH
    event = AuditEvent.objects.filter(action="lock_period", company=billing).latest("pk")
    assert event.changes["closing_gate_override"][1] == "Saaminen selvitetään."


def test_year_end_items_are_asked_only_when_a_year_is_closed(books, accountant, monkeypatch):
    """The year-end checklist (issue 17) registers its items with ``year_end``: a month's lock
    does not ask them, closing the year does; a check without a batched reader is asked per
    company on the office page."""
    asked = []

    def depreciation(company, on):
        asked.append(on)
        return ClosingValue(0, 12000, "/ledger/", "Depreciation not run")

    monkeypatch.setitem(
        CLOSING_CHECKS,
        "ledger.test_depreciation",
        ClosingCheck("ledger.test_depreciation", "Depreciation run", depreciation, year_end=True),
    )
    services.lock_period(accountant, books, MARCH)
    assert asked == []
    year = FiscalYear.objects.get(company=books)
    with pytest.raises(ValidationError) as error:
        services.close_fiscal_year(accountant, year)
    assert any("Depreciation run (Depreciation not run)" in m for m in error.value.messages)
    assert asked == [year.end]
    gates = closing.closing_gates([books], year.end, year_end=True)
    assert not gates[books.pk].ok and asked == [year.end, year.end]
