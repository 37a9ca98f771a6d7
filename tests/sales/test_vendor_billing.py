"""The vendor bills its own services through its own company (issue 14, item 8): agreed change
requests, accepted training orders and phone support become draft invoice lines per customer,
once, through the core registry."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tase.core.roles import Role
from tase.delivery.models import ChangeRequest
from tase.ledger import services as ledger
from tase.ledger.system import SystemActor
from tase.sales import services
from tase.sales.models import BilledItem, Customer, Invoice
from tase.sales.services.vendor_billing import billable
from tase.support.models import PhoneCall, TrainingOrder
from tests.factories import CompanyFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _at(day: dt.date, hour: int = 10):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def vendor_books(world):
    system = SystemActor()
    company = CompanyFactory(
        organization=world.vendor, name="Tase Toimittaja Oy", business_id="0737546-2"
    )
    ledger.apply_chart(system, company, "limited-company")
    ledger.create_fiscal_year(system, company, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    ledger.create_bank_account(
        system, company, iban="FI79 4405 2020 0360 82", bic="OKOYFIHH", account="1910"
    )
    return company


@pytest.fixture
def month_of_services(world):
    admin = world.users[Role.ADMIN]
    ChangeRequest.objects.create(
        organization=world.org, title="Oma raportti", description="x", status="agreed",
        estimate_cents=120000, decided_at=_at(dt.date(2026, 11, 4)),
    )  # fmt: skip
    ChangeRequest.objects.create(  # not agreed: not billed
        organization=world.org, title="Ehdotus", description="x", status="quoted",
        estimate_cents=50000, decided_at=_at(dt.date(2026, 11, 5)),
    )  # fmt: skip
    ChangeRequest.objects.create(  # agreed in October: another period
        organization=world.org, title="Lokakuu", description="x", status="agreed",
        estimate_cents=10000, decided_at=_at(dt.date(2026, 10, 30)),
    )  # fmt: skip
    TrainingOrder.objects.create(
        organization=world.other_org, ordered_by=admin, reason="new_employees",
        topics="Palkanlaskenta", participants=3, hours=4, status="accepted",
        quote_cents=60000, accepted_at=_at(dt.date(2026, 11, 12)),
    )  # fmt: skip
    for day, seconds, cost in ((3, 300, 150), (17, 61, 60), (18, 600, 300)):
        PhoneCall.objects.create(
            organization=world.org, caller="Maija", started_at=_at(dt.date(2026, 11, day)),
            duration_seconds=seconds, topic="ALV", minutes=-(-seconds // 60),
            cents_per_minute=30, cost_cents=cost, logged_by=admin,
        )  # fmt: skip


def test_the_month_becomes_one_draft_per_customer_once(world, vendor_books, month_of_services):
    admin = world.actor(Role.ADMIN)
    items = billable(vendor_books, *NOV)
    assert sorted(i.ref.split(":")[0] for i in items) == [
        "delivery.change_request", "support.phone", "support.training_order",
    ]  # fmt: skip
    drafts = services.gather_vendor_billing(admin, vendor_books, start=NOV[0], end=NOV[1])
    assert len(drafts) == 2 and all(d.is_draft for d in drafts)
    alpha = next(d for d in drafts if d.customer.organization_id == world.org.pk)
    assert alpha.customer.name == "Alpha Oy"
    # the staff member works in English; the lines speak the customer's language (Finnish)
    lines = {line.description: line for line in alpha.lines.all()}
    assert lines["Muutospyyntö: Oma raportti"].unit_price == 1200
    phone = next(line for text, line in lines.items() if text.startswith("Puhelintuki 11/2026"))
    assert "3 puhelua, 17 min" in phone.description and phone.unit == "kpl"
    # 5.10 € including VAT at 25.5 %: net 4.0637, the invoice's gross 5.10
    assert alpha.gross_cents == 150600 + 510
    beta = next(d for d in drafts if d.customer.organization_id == world.other_org.pk)
    assert beta.gross_cents == 75300
    assert BilledItem.objects.count() == 3
    assert services.gather_vendor_billing(admin, vendor_books, start=NOV[0], end=NOV[1]) == []
    sent = services.send_invoice(admin, alpha)
    assert sent.number == 1001 and sent.voucher_id


@pytest.mark.parametrize(
    ("language", "change", "phone", "unit"),
    [
        ("sv", "Ändringsbegäran: Oma raportti", "Telefonsupport 11/2026: 3 samtal, 17 min", "st"),
        ("en", "Change request: Oma raportti", "Phone support 11/2026: 3 calls, 17 min", "pcs"),
    ],
)
def test_lines_speak_the_customers_language(
    world, vendor_books, month_of_services, language, change, phone, unit
):
    Customer.objects.create(
        company=vendor_books, organization=world.org, number=7, name="Alpha Oy", language=language
    )
    with translation.override("fi"):  # whoever gathers, in whatever language
        drafts = services.gather_vendor_billing(
            world.actor(Role.ADMIN), vendor_books, start=NOV[0], end=NOV[1]
        )
    alpha = next(d for d in drafts if d.customer.organization_id == world.org.pk)
    texts = sorted((line.description, line.unit) for line in alpha.lines.all())
    assert texts == sorted([(change, unit), (phone, unit)])
    beta = next(d for d in drafts if d.customer.organization_id == world.other_org.pk)
    assert beta.lines.get().description == "Lisäkoulutus, 4 h: Palkanlaskenta"


def test_only_the_vendors_own_company_bills_services(world, books, month_of_services):
    with pytest.raises(ValidationError, match="vendor's own company"):
        services.gather_vendor_billing(
            world.actor(Role.ACCOUNTANT), books, start=NOV[0], end=NOV[1]
        )
    assert not Invoice.objects.exists()


def test_another_vendors_services_are_not_seen(world, vendor_books, month_of_services):
    from tests.factories import VendorFactory

    other_vendor = VendorFactory(name="Toinen toimittaja")
    stranger = OrganizationFactory(name="Vieras", vendor=other_vendor)
    ChangeRequest.objects.create(
        organization=stranger, title="Vieras", description="x", status="agreed",
        estimate_cents=99900, decided_at=_at(dt.date(2026, 11, 6)),
    )  # fmt: skip
    assert all(i.customer_id != stranger.pk for i in billable(vendor_books, *NOV))


def test_page_and_api_side_by_side_and_the_wall(world, vendor_books, month_of_services):
    client = world.client(Role.ADMIN)
    page = client.get(f"/sales/{vendor_books.pk}/services/?start=2026-11-01&end=2026-11-30")
    text = page.content.decode()
    assert page.status_code == 200 and "Oma raportti" in text and "Asiakas B" in text
    api = client.get(
        f"/api/v1/sales/companies/{vendor_books.pk}/billable?start=2026-11-01&end=2026-11-30"
    )
    assert len(api.json()) == 3
    made = client.post(
        f"/sales/{vendor_books.pk}/services/", {"start": "2026-11-01", "end": "2026-11-15"}
    )
    assert made.status_code == 302 and Invoice.objects.count() == 2  # CR, training, phone 3.
    api = client.post(
        f"/api/v1/sales/companies/{vendor_books.pk}/billable/invoices",
        {"start": "2026-11-01", "end": "2026-11-30"},
        content_type="application/json",
    )
    assert api.status_code == 201 and len(api.json()) == 1  # the rest of the phone month
    assert Customer.objects.filter(company=vendor_books).count() == 2
    # customers and the other vendor's staff never reach the vendor's company
    for role in (Role.ACCOUNTANT, Role.MAIN_USER):
        other = world.client(role)
        assert other.get(f"/sales/{vendor_books.pk}/services/").status_code == 404
        assert (
            other.get(
                f"/api/v1/sales/companies/{vendor_books.pk}/billable?start=2026-11-01&end=2026-11-30"
            ).status_code
            == 404
        )
    customer_page = world.client(Role.ACCOUNTANT).get(f"/sales/{world.company.pk}/services/")
    assert customer_page.status_code == 404  # a customer company has no vendor billing
