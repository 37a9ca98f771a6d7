"""The sales API: one call makes a draft with its lines and customer; send, deliver, pay."""

import pytest
from lxml import etree

from tase.core.roles import Role
from tase.formats import finvoice
from tase.sales.models import Customer, Invoice

from .conftest import CUSTOMER

pytestmark = pytest.mark.django_db


def _body(**changes):
    return {
        "customer": CUSTOMER,
        "invoice_date": "2026-03-02",
        "delivery_date": "2026-02-27",
        "payment_term_days": 14,
        "lines": [
            {
                "description": "Consulting",
                "quantity": "3",
                "unit": "h",
                "unit_price": "100.00",
                "vat_code": "S",
            },
            {
                "description": "Lunch",
                "quantity": "2",
                "unit": "kpl",
                "unit_price": "10.00",
                "vat_rate": "13.5",
                "discount_percent": "10",
            },
        ],
    } | changes


def _create(client, company, **changes):
    return client.post(
        f"/api/v1/sales/companies/{company.pk}/invoices",
        _body(**changes),
        content_type="application/json",
    )


def test_create_send_deliver_and_pay(world, books, pdf_texts, mailoutbox):
    client = world.client(Role.ACCOUNTANT)
    response = _create(client, books)
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft" and draft["number"] is None and draft["reference"] is None
    assert draft["due_date"] == "2026-03-16"
    assert draft["totals"] == {
        "net": "318.00",
        "vat": "78.93",
        "gross": "396.93",
        "by_rate": [
            {"vat_code": "S", "rate": "25.5", "net": "300.00", "vat": "76.50"},
            {"vat_code": "S-R", "rate": "13.5", "net": "18.00", "vat": "2.43"},
        ],
    }
    sent = client.post(f"/api/v1/sales/invoices/{draft['id']}/send").json()
    assert (sent["status"], sent["number"], sent["reference"]) == ("sent", 1001, "10016")
    assert sent["virtual_barcode"] == "479440520200360820003969300000000000000000010016260316"
    assert sent["open_amount"] == "396.93"

    xml = client.get(f"/api/v1/sales/invoices/{draft['id']}/finvoice")
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
    assert finvoice.schema().validate(etree.fromstring(xml.content))
    read = finvoice.read_finvoice(xml.content)
    assert (read.number, read.gross, read.reference) == ("1001", sent and read.gross, "10016")
    assert read.virtual_barcode == sent["virtual_barcode"]
    soap = client.get(f"/api/v1/sales/invoices/{draft['id']}/finvoice?soap=true")
    assert soap.status_code == 422  # the customer has no e-invoice address
    assert "e-invoice address" in soap.json()["detail"][0]["msg"]

    pdf = client.get(f"/api/v1/sales/invoices/{draft['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = pdf_texts[-1]
    assert "Lasku" in text and "1001" in text and "10016" in text
    assert "Saajan tilinumero" in text and "FI79 4405 2020 0360 82" in text and "396,93" in text

    emailed = client.post(
        f"/api/v1/sales/invoices/{draft['id']}/email", {}, content_type="application/json"
    )
    assert emailed.json() == {"to": "laskut@asiakas.example"}
    assert mailoutbox[0].attachments[0][0] == "invoice-1001.pdf"
    assert mailoutbox[0].attachments[0][1].startswith(b"%PDF")

    paid = client.post(
        f"/api/v1/sales/invoices/{draft['id']}/payments",
        {"date": "2026-03-20", "amount": "96.93"},
        content_type="application/json",
    )
    assert paid.status_code == 201
    assert paid.json()["invoice"]["status"] == "partly_paid"
    assert paid.json()["invoice"]["open_amount"] == "300.00"


def test_receivables_aging(world, books):
    client = world.client(Role.ACCOUNTANT)
    ids = []
    for invoice_date, due in (
        ("2026-01-02", "2026-01-10"),
        ("2026-03-01", "2026-03-30"),
        ("2025-10-01", "2025-10-15"),
    ):
        draft = _create(
            client,
            books,
            invoice_date=invoice_date,
            delivery_date=invoice_date,
            due_date=due,
            lines=[{"description": "Service", "unit_price": "100.00", "vat_code": "S"}],
        )
        assert draft.status_code == 201, draft.content
        draft = draft.json()
        client.post(f"/api/v1/sales/invoices/{draft['id']}/send")
        ids.append(draft["id"])
    client.post(
        f"/api/v1/sales/invoices/{ids[0]}/payments",
        {"date": "2026-02-01", "amount": "100.00"},
        content_type="application/json",
    )
    client.post(
        f"/api/v1/sales/invoices/{ids[2]}/credit",
        {"date": "2026-03-01"},
        content_type="application/json",
    )
    data = client.get(f"/api/v1/sales/companies/{books.pk}/receivables?on=2026-03-15").json()
    # due 10.1. is 64 days past on 15.3.; due 30.3. is not due; the 2025 invoice is credited
    assert data["totals"] == {
        "not_due": "125.50",
        "days_1_30": "0.00",
        "days_31_60": "0.00",
        "days_61_90": "25.50",
        "over_90": "0.00",
        "total": "151.00",
    }
    # each inline customer is a new customer: three rows, the credited one at zero left out
    assert [row["total"] for row in data["customers"]] == ["25.50", "125.50"]
    # on 5.1. the second invoice did not exist, the payment and credit note were later
    earlier = client.get(f"/api/v1/sales/companies/{books.pk}/receivables?on=2026-01-05").json()
    assert earlier["totals"]["not_due"] == "125.50" and earlier["totals"]["days_61_90"] == "125.50"


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"due_date": "2026-03-01"}, "due_date"),
        ({"reference": "32287 22205 0"}, "reference"),
        ({"customer": CUSTOMER | {"business_id": "1234567-8"}}, "business_id"),
        ({"customer": CUSTOMER | {"vat_number": "FI12345678"}}, "vat_number"),
        ({"lines": [{"description": "x", "unit_price": "1"}]}, "lines"),
        (
            {
                "customer": CUSTOMER | {"vat_number": ""},
                "lines": [{"description": "x", "unit_price": "1", "vat_code": "S-EUG"}],
            },
            "customer",
        ),
    ],
)
def test_bad_input_answers_422_naming_the_field(world, books, changes, loc):
    response = _create(world.client(Role.ACCOUNTANT), books, **changes)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", loc]
    assert not Invoice.objects.exists() and not Customer.objects.exists()


def test_change_to_a_sent_invoice_and_payment_to_a_draft_are_refused(world, books):
    client = world.client(Role.ACCOUNTANT)
    draft = _create(client, books).json()
    refused = client.post(
        f"/api/v1/sales/invoices/{draft['id']}/payments",
        {"date": "2026-03-05", "amount": "1"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "invoice"]
    client.post(f"/api/v1/sales/invoices/{draft['id']}/send")
    again = client.post(f"/api/v1/sales/invoices/{draft['id']}/send")
    assert again.status_code == 422
    # the API speaks the user's language (Finnish by default)
    assert again.json()["detail"][0] == {
        "loc": ["body", "invoice"],
        "msg": "Lasku 1001 on lähetetty eikä sitä voi muuttaa; hyvitä se.",
        "type": "value_error",
    }


def test_tenant_wall_and_roles(world, books):
    client = world.client(Role.ACCOUNTANT)
    draft = _create(client, books).json()
    client.post(f"/api/v1/sales/invoices/{draft['id']}/send")
    other = world.client(Role.ACCOUNTANT, other=True)
    for path in ("", "/pdf", "/finvoice"):
        assert other.get(f"/api/v1/sales/invoices/{draft['id']}{path}").status_code == 404
    assert (
        other.post(
            f"/api/v1/sales/invoices/{draft['id']}/payments",
            {"date": "2026-03-05", "amount": "1"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert _create(other, books).status_code == 404
    assert other.get(f"/api/v1/sales/companies/{books.pk}/receivables").status_code == 404
    viewer = world.client(Role.VIEWER)
    assert viewer.get(f"/api/v1/sales/invoices/{draft['id']}").status_code == 200
    assert _create(viewer, books).status_code == 403
    assert (
        world.client(Role.PAYROLL_CLERK).get(f"/api/v1/sales/invoices/{draft['id']}").status_code
        == 404
    )


def test_invoice_list_has_no_n_plus_one(world, books, django_assert_max_num_queries):
    client = world.client(Role.ACCOUNTANT)
    for _ in range(4):
        _create(client, books)
    with django_assert_max_num_queries(12):
        listing = client.get(f"/api/v1/sales/companies/{books.pk}/invoices?limit=50")
    assert listing.json()["count"] == 4


def test_customers_and_products(world, books):
    client = world.client(Role.ACCOUNTANT)
    base = f"/api/v1/sales/companies/{books.pk}"
    customer = client.post(
        f"{base}/customers", CUSTOMER | {"language": "sv"}, content_type="application/json"
    )
    assert customer.status_code == 201 and customer.json()["number"] == 1
    assert customer.json()["business_id"] == "0112038-9"
    product = client.post(
        f"{base}/products",
        {"code": "H", "name": "Konsultointi", "price": "120.00", "unit": "h", "vat_code": "S"},
        content_type="application/json",
    )
    assert product.status_code == 201 and product.json()["price"] == "120.00"
    invoice = _create(
        client,
        books,
        customer=None,
        customer_id=customer.json()["id"],
        lines=[{"product": "H", "quantity": "2"}],
    )
    assert invoice.status_code == 201, invoice.content
    assert invoice.json()["lines"][0] | {} == invoice.json()["lines"][0]
    assert invoice.json()["totals"]["gross"] == "301.20"
    bad = client.post(
        f"{base}/products",
        {"code": "X", "name": "X", "price": "1", "vat_code": "P"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "vat_code"]
