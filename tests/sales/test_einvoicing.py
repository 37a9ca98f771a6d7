"""The company's e-invoice address, the operator's Finvoice batch and `tase sales
export-finvoice` (issue 14, items 4 and interfaces)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from lxml import etree

from tase.core.roles import Role
from tase.formats import finvoice, finvoice_read
from tase.sales import services
from tase.sales.models import SalesSettings

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db

EINVOICE = CUSTOMER | {"einvoice_address": "003701120389", "einvoice_operator": "003721291126"}


def _sent(actor, company, customer=EINVOICE, day=dt.date(2026, 11, 3)):
    invoice = services.create_invoice(
        actor,
        company,
        customer_data=customer | {"name": f"{customer['name']} {day.day}"},
        invoice_date=day,
        lines=lines(("Work", "2", "50.00", "S")),
    )
    return services.send_invoice(actor, invoice)


def test_settings_validate_the_address_and_operator(accountant, books):
    row = services.update_sales_settings(
        accountant, books, einvoice_address="0037 0737 5462", einvoice_operator="ndeafihh"
    )
    assert (row.einvoice_address, row.einvoice_operator) == ("003707375462", "NDEAFIHH")
    row = services.update_sales_settings(
        accountant, books, einvoice_address="FI79 4405 2020 0360 82"
    )
    assert row.einvoice_address == "FI7944052020036082"
    with pytest.raises(ValidationError) as error:
        services.update_sales_settings(
            accountant,
            books,
            einvoice_address="12345",
            einvoice_operator="x y",
            reminder_days_to_pay=0,
        )
    assert set(error.value.message_dict) == {
        "einvoice_address", "einvoice_operator", "reminder_days_to_pay",
    }  # fmt: skip
    assert SalesSettings.objects.get().einvoice_address == "FI7944052020036082"


def test_batch_has_an_envelope_and_a_valid_finvoice_per_invoice(accountant, books):
    services.update_sales_settings(
        accountant, books, einvoice_address="003707375462", einvoice_operator="003721291126"
    )
    first, second = _sent(accountant, books), _sent(accountant, books, day=dt.date(2026, 11, 9))
    paper = _sent(accountant, books, customer=CUSTOMER, day=dt.date(2026, 11, 10))
    _sent(accountant, books, day=dt.date(2026, 12, 1))  # outside the period
    from tase.sales import selectors
    from tase.sales.services import delivery

    data, skipped = delivery.finvoice_batch(
        selectors.sent_between(books, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    )
    assert [(i.pk, "e-invoice address" in why) for i, why in skipped] == [(paper.pk, True)]
    assert data.count(b"<SOAP-ENV:Envelope") == 2 and data.count(b"<Finvoice ") == 2
    read = finvoice_read.read_batch(data)
    assert [r.number for r in read] == [str(first.number), str(second.number)]
    for part in data.split(b"<?xml")[1:]:
        root = etree.fromstring(b"<?xml" + part)
        if root.tag == "Finvoice":
            finvoice.validate(root)


def test_batch_and_settings_through_the_pages_the_api_and_the_cli(world, books, tmp_path):
    client = world.client(Role.ACCOUNTANT)
    page = client.post(
        f"/sales/{books.pk}/settings/",
        {"einvoice_address": "003707375462", "einvoice_operator": "003721291126",
         "reminder_days_to_pay": "10"},
    )  # fmt: skip
    assert page.status_code == 302 and SalesSettings.objects.get().reminder_days_to_pay == 10
    api = client.patch(
        f"/api/v1/sales/companies/{books.pk}/settings",
        {"reminder_days_to_pay": 12},
        content_type="application/json",
    )
    assert api.json() == {
        "einvoice_address": "003707375462", "einvoice_operator": "003721291126",
        "reminder_days_to_pay": 12,
    }  # fmt: skip
    bad = client.patch(
        f"/api/v1/sales/companies/{books.pk}/settings",
        {"einvoice_address": "nope"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    accountant = world.actor(Role.ACCOUNTANT)
    invoice = _sent(accountant, books)
    page = client.get(f"/sales/{books.pk}/finvoice-batch/?from=2026-11-01&to=2026-11-30")
    api = client.get(
        f"/api/v1/sales/companies/{books.pk}/finvoice-batch?start=2026-11-01&end=2026-11-30"
    )
    assert page.status_code == api.status_code == 200
    assert (
        len(finvoice_read.read_batch(page.content))
        == len(finvoice_read.read_batch(api.content))
        == 1
    )
    empty = client.get(
        f"/api/v1/sales/companies/{books.pk}/finvoice-batch?start=2025-01-01&end=2025-01-31"
    )
    assert empty.status_code == 422
    out = io.StringIO()
    call_command(
        "sales", "export-finvoice", str(tmp_path), company=books.pk, start="2026-11-01",
        end="2026-11-30", stdout=out,
    )  # fmt: skip
    written = tmp_path / f"finvoice-{invoice.number}.xml"
    assert out.getvalue().strip() == str(written)
    finvoice.validate(etree.fromstring(written.read_bytes()))
    call_command(
        "sales", "export-finvoice", str(tmp_path), company=books.pk, start="2026-11-01",
        end="2026-11-30", batch=True, stdout=io.StringIO(),
    )  # fmt: skip
    assert (tmp_path / "finvoice-2026-11-01-2026-11-30.xml").exists()


def test_settings_and_batch_stay_behind_the_tenant_wall(world, books):
    other = world.client(Role.ACCOUNTANT, other=True)
    assert other.get(f"/sales/{books.pk}/settings/").status_code == 404
    assert other.post(f"/sales/{books.pk}/settings/", {"einvoice_address": ""}).status_code == 404
    assert (
        other.get(f"/sales/{books.pk}/finvoice-batch/?from=2026-01-01&to=2026-12-31").status_code
        == 404
    )
    for call in (
        other.get(f"/api/v1/sales/companies/{books.pk}/settings"),
        other.patch(
            f"/api/v1/sales/companies/{books.pk}/settings", {}, content_type="application/json"
        ),
        other.get(
            f"/api/v1/sales/companies/{books.pk}/finvoice-batch?start=2026-01-01&end=2026-12-31"
        ),
    ):
        assert call.status_code == 404
    assert not SalesSettings.objects.exists()


def test_the_periods_invoices_print_as_one_pdf_from_the_page_and_the_api(
    world, books, pdf_texts, monkeypatch
):
    """sales:invoices_print and GET …/invoices-pdf: the period's sent invoices in one PDF, a
    page each with its giro form; ``paper`` keeps those without an e-invoice address; none,
    or more than PRINT_LIMIT, is refused naming the period."""
    from tase.sales import pdf

    accountant = world.actor(Role.ACCOUNTANT)
    client = world.client(Role.ACCOUNTANT)
    einvoiced = _sent(accountant, books, day=dt.date(2026, 11, 3))
    posted = _sent(accountant, books, customer=CUSTOMER, day=dt.date(2026, 11, 4))
    _sent(accountant, books, customer=CUSTOMER, day=dt.date(2026, 12, 1))  # outside

    page = client.get(f"/sales/{books.pk}/invoices-pdf/?from=2026-11-01&to=2026-11-30")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")
    assert len(pdf_texts) == 2
    assert einvoiced.buyer["name"] in pdf_texts[0] and posted.buyer["name"] in pdf_texts[1]
    assert all("Saajan tilinumero" in text for text in pdf_texts)

    pdf_texts.clear()
    api = client.get(
        f"/api/v1/sales/companies/{books.pk}/invoices-pdf?start=2026-11-01&end=2026-11-30&paper=true"
    )
    assert api.status_code == 200 and api.content.startswith(b"%PDF")
    assert len(pdf_texts) == 1 and posted.buyer["name"] in pdf_texts[0]

    empty = client.get(
        f"/api/v1/sales/companies/{books.pk}/invoices-pdf?start=2025-01-01&end=2025-01-31"
    )
    assert empty.status_code == 422
    refused = client.get(f"/sales/{books.pk}/invoices-pdf/?from=2025-01-01&to=2025-01-31")
    assert refused.status_code == 302 and refused["Location"] == f"/sales/{books.pk}/settings/"
    monkeypatch.setattr(pdf, "PRINT_LIMIT", 1)
    too_many = client.get(
        f"/api/v1/sales/companies/{books.pk}/invoices-pdf?start=2026-11-01&end=2026-11-30"
    )
    assert too_many.status_code == 422
    [detail] = too_many.json()["detail"]
    assert detail["loc"][-1] == "end" and " 1 " in detail["msg"]  # names the limit
    settings_page = client.get(f"/sales/{books.pk}/settings/")
    assert b'data-testid="invoices-print"' in settings_page.content

    other = world.client(Role.ACCOUNTANT, other=True)
    assert (
        other.get(f"/sales/{books.pk}/invoices-pdf/?from=2026-11-01&to=2026-11-30").status_code
        == 404
    )
    assert (
        other.get(
            f"/api/v1/sales/companies/{books.pk}/invoices-pdf?start=2026-11-01&end=2026-11-30"
        ).status_code
        == 404
    )
