"""The payables assertion of the closing gate (issue 15, item 7): the purchase invoices open
at the period end (from their posting dates and the dated payment records) equal the trade
payables account; a payment after the period end keeps the invoice open at it; a payable
booked by hand makes the lock refused with a Finnish message naming the difference; the
accounting office's page asks it in a number of queries that does not grow with the companies.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tase.core.registry import CLOSING_CHECKS
from tase.core.roles import Role
from tase.ledger import services as ledger
from tase.ledger.closing import closing_gate
from tase.ledger.system import SystemActor
from tase.purchases import services
from tase.purchases.models import PaymentRecord
from tests.factories import CompanyFactory

from .conftest import finvoice

pytestmark = pytest.mark.django_db

MARCH, APRIL = dt.date(2026, 3, 31), dt.date(2026, 4, 30)
TOTAL = 127_948  # the Finvoice fixture's total


def _approved(actor, company, number="2026-0317"):
    [result] = services.import_finvoices(actor, company, [(f"{number}.xml", finvoice(number))])
    return services.approve(actor, result.invoices[0])


def _payables(company, on):
    rows = [row for row in closing_gate(company, on).rows if row.code == "purchases.payables"]
    return [(row.value.book_cents, row.value.other_cents) for row in rows]


def _stray_payable(actor, company, day=dt.date(2026, 3, 20)):
    """A supplier's invoice booked by hand, outside the purchases ledger."""
    return ledger.post_voucher(
        actor,
        company,
        date=day,
        series="MU",
        description="Ostovelka ilman laskua",
        lines=[
            {"account": "4000", "debit": D("100.00")},
            {"account": "2870", "credit": D("100.00")},
        ],
    )


def test_the_check_is_registered():
    assert "purchases.payables" in CLOSING_CHECKS


def test_no_purchase_invoices_no_assertion(books):
    assert _payables(books, MARCH) == []


def test_open_at_the_period_end_equals_the_payables_account(books, accountant):
    invoice = _approved(accountant, books)
    assert _payables(books, MARCH) == [(TOTAL, TOTAL)]
    assert _payables(books, dt.date(2026, 3, 16)) == [(0, 0)]  # before its posting date
    services.mark_paid(accountant, invoice, amount_cents=TOTAL, date=dt.date(2026, 4, 2))
    # paid in April: still open at the end of March, on both sides
    assert _payables(books, MARCH) == [(TOTAL, TOTAL)]
    assert _payables(books, APRIL) == [(0, 0)]
    assert PaymentRecord.objects.get(invoice=invoice).date == dt.date(2026, 4, 2)


def test_a_lock_is_refused_naming_the_difference_in_finnish(books, accountant, world):
    _approved(accountant, books)
    _stray_payable(accountant, books)
    [(book, other)] = _payables(books, MARCH)
    assert (book, other) == (TOTAL + 10_000, TOTAL)
    manager = world.actor(Role.ACCOUNTANT)
    with translation.override("fi"), pytest.raises(ValidationError) as refused:
        ledger.lock_period(manager, books, MARCH)
    text = " ".join(refused.value.message_dict["closing_gate"]).replace("\xa0", " ")
    assert "Ostoreskontra täsmää ostovelkatileihin" in text
    assert "avoimet ostolaskut 1 279,48 €" in text
    assert "erotus 100,00 €" in text
    assert ledger.locked_until(books) is None
    lock = ledger.lock_period(manager, books, MARCH, override_reason="Korjataan huhtikuussa")
    assert lock is not None


def test_the_gate_api_shows_the_payables_row(books, accountant, world):
    _approved(accountant, books)
    client = world.client(Role.ACCOUNTANT)
    gate = client.get(f"/api/v1/ledger/companies/{books.pk}/closing-gate?on=2026-03-31").json()
    text = str(gate)
    assert "purchases.payables" in text and "1279.48" in text


def _client_company(world, system, index):
    company = CompanyFactory(organization=world.org, name=f"Ostoasiakas {index}")
    ledger.apply_chart(system, company, "limited-company")
    ledger.create_fiscal_year(system, company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    ledger.create_bank_account(
        system, company, iban="FI79 4405 2020 0360 82", bic="OKOYFIHH", account="1910"
    )
    supplier = services.create_supplier(
        system, company, name="Toimittaja Oy", iban="FI58 1017 1000 0001 22", bic="NDEAFIHH"
    )
    invoice = services.create_invoice(
        system,
        company,
        supplier=supplier,
        number=f"O-{index}",
        invoice_date="2026-03-10",
        due_date="2026-03-24",
        total="124.00",
        message="Lasku",
    )
    invoice = services.approve(system, invoice)
    services.mark_paid(system, invoice, amount_cents=2400, date=dt.date(2026, 3, 20))
    return company


def test_office_page_queries_do_not_grow_with_the_companies(world):
    system = SystemActor()
    client = world.client(Role.ADMIN)
    url = reverse("ledger:office_gate")
    for index in range(2):
        _client_company(world, system, index)
    client.get(url, {"on": "2026-03-31"})
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"on": "2026-03-31"}).status_code == 200
    companies = [_client_company(world, system, index) for index in range(2, 6)]
    _stray_payable(system, companies[-1])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"on": "2026-03-31"}).content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    failing = client.get(url, {"on": "2026-03-31", "failing": "1"}).content.decode()
    assert f'data-company="{companies[-1].pk}"' in failing
    assert f'data-company="{companies[0].pk}"' not in failing
    assert all(f'data-company="{c.pk}"' in page for c in companies)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    paid=st.lists(st.tuples(st.integers(1, 3_000), st.integers(1, 60)), min_size=0, max_size=4),
    on=st.integers(0, 75),
)
def test_books_and_ledger_tie_on_every_day_whatever_the_payments(books, accountant, paid, on):
    """Invariant: with every payment booked through the service, the payables account and
    the ledger's open amount are equal at the end of any day."""
    from tase.purchases.models import PurchaseInvoice

    invoice = PurchaseInvoice.objects.filter(company=books, number="H-1").first()
    if invoice is None:
        invoice = _approved(accountant, books, "H-1")
    start = dt.date(2026, 3, 17)
    for cents, days in paid:
        invoice.refresh_from_db()
        if cents <= invoice.open_cents:
            services.mark_paid(
                accountant, invoice, amount_cents=cents, date=start + dt.timedelta(days=days)
            )
    [(book, other)] = _payables(books, start + dt.timedelta(days=on - 5))
    assert book == other


def test_the_migration_dates_the_paid_amounts_kept_before(books, accountant):
    """Invoices paid before the records existed: the payment vouchers give dates and amounts,
    what they do not explain is dated by the paid transfer (else the due date)."""
    import importlib

    from django.apps import apps

    from tase.purchases.models import PurchaseInvoice

    migration = importlib.import_module("tase.purchases.migrations.0002_purch_payment_records")
    first = _approved(accountant, books, "M-1")
    services.mark_paid(accountant, first, amount_cents=10_000, date=dt.date(2026, 3, 25))
    services.mark_paid(accountant, first, amount_cents=20_000, date=dt.date(2026, 4, 5))
    second = _approved(accountant, books, "M-2")
    voucher_ids = sorted(PaymentRecord.objects.values_list("voucher_id", flat=True))
    PaymentRecord.objects.all().delete()
    PurchaseInvoice.objects.filter(pk=second.pk).update(paid_cents=5_000)  # no voucher behind
    migration.payments_to_records(apps, None)
    rows = sorted(
        (r.invoice.number, r.date, r.amount_cents, r.voucher_id is not None)
        for r in PaymentRecord.objects.select_related("invoice")
    )
    assert rows == [
        ("M-1", dt.date(2026, 3, 25), 10_000, True),
        ("M-1", dt.date(2026, 4, 5), 20_000, True),
        ("M-2", dt.date(2026, 3, 31), 5_000, False),  # its due date
    ]
    assert (
        sorted(PaymentRecord.objects.exclude(voucher_id=None).values_list("voucher_id", flat=True))
        == voucher_ids
    )
