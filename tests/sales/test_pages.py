"""The sales pages: customers, products, a new invoice, sending, payment, receivables; the
drill-down between invoice and voucher; the tenant wall."""

import datetime as dt

import pytest

from tase.core.roles import Role
from tase.sales import services
from tase.sales.models import Customer, Invoice, Product

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db


def test_customer_product_invoice_send_pay_through_the_pages(world, books):
    client = world.client(Role.ACCOUNTANT)
    base = f"/sales/{books.pk}"
    response = client.post(
        f"{base}/customers/",
        CUSTOMER | {"kind": "business", "country": "FI", "payment_term_days": "14"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    customer = Customer.objects.get()
    bad = client.post(
        f"{base}/customers/",
        CUSTOMER
        | {"kind": "business", "country": "FI", "payment_term_days": "14", "business_id": "123"},
    )
    assert "ei ole kelvollinen Y-tunnus" in bad.content.decode()  # pages speak Finnish
    response = client.post(
        f"{base}/products/",
        {
            "code": "H",
            "name": "Konsultointi",
            "unit": "h",
            "price": "120,00",
            "vat_code": "S",
            "sales_account": "3000",
        },
    )
    assert response.status_code == 302 and Product.objects.get().price_cents == 12000
    response = client.post(
        f"{base}/invoices/new/",
        {
            "customer": customer.pk,
            "invoice_date": "2026-03-02",
            "delivery_date": "2026-02-27",
            "reference_type": "fi",
            "line-0-product": "H",
            "line-0-quantity": "2",
            "line-1-description": "Matkakulut",
            "line-1-unit_price": "50",
            "line-1-vat_code": "S",
        },
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.gross_cents == 36395
    detail = f"{base}/invoices/{invoice.pk}/"
    unconfirmed = client.post(detail, {"action": "send"})
    assert "Vahvista rastittamalla" in unconfirmed.content.decode()
    assert Invoice.objects.get().is_draft
    client.post(detail, {"action": "send", "confirm": "1"})
    invoice.refresh_from_db()
    assert invoice.number == 1001 and invoice.status == "sent"
    page = client.get(detail).content.decode()
    assert 'data-testid="voucher-link"' in page and "10016" in page
    voucher_page = client.get(f"/ledger/{books.pk}/vouchers/{invoice.voucher_id}/").content.decode()
    assert f'href="/sales/{books.pk}/invoices/{invoice.pk}/"' in voucher_page
    client.post(detail, {"action": "payment", "date": "2026-03-10", "amount": "363,95"})
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    pdf = client.get(f"{detail}pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    aging = client.get(f"{base}/receivables/?on=2026-03-05").content.decode()
    assert "363,95" in aging


def test_pages_stay_behind_the_tenant_wall(world, books, accountant):
    invoice = services.create_invoice(
        accountant,
        books,
        customer_data=CUSTOMER,
        invoice_date=dt.date(2026, 3, 2),
        lines=lines(("A", "1", "10", "S")),
    )
    other = world.client(Role.ACCOUNTANT, other=True)
    for path in ("", "invoices/new/", f"invoices/{invoice.pk}/", "customers/", "receivables/"):
        assert other.get(f"/sales/{books.pk}/{path}").status_code == 404, path
    mine = world.client(Role.ACCOUNTANT)
    other_company = world.other_company
    assert mine.get(f"/sales/{other_company.pk}/invoices/{invoice.pk}/").status_code == 404
    assert (
        other.post(
            f"/sales/{books.pk}/invoices/{invoice.pk}/", {"action": "send", "confirm": "1"}
        ).status_code
        == 404
    )
    assert Invoice.objects.get().is_draft


def test_invoice_list_queries_do_not_grow(world, books, accountant, django_assert_max_num_queries):
    for _ in range(6):
        services.create_invoice(
            accountant,
            books,
            customer_data=CUSTOMER,
            invoice_date=dt.date(2026, 3, 2),
            lines=lines(("A", "1", "10", "S")),
        )
    client = world.client(Role.ACCOUNTANT)
    with django_assert_max_num_queries(16):  # 15 + the header's unread notification count
        response = client.get(f"/sales/{books.pk}/")
    assert response.content.decode().count("Asiakas Ab") == 6


def test_swedish_customer_gets_a_swedish_pdf(world, books, accountant, pdf_texts):
    from tase.sales.pdf import invoice_pdf

    invoice = services.create_invoice(
        accountant,
        books,
        customer_data=CUSTOMER | {"language": "sv"},
        invoice_date=dt.date(2026, 3, 2),
        lines=lines(("Tjänst", "1", "100", "S")),
    )
    invoice = services.send_invoice(accountant, invoice)
    assert invoice_pdf(invoice).startswith(b"%PDF")
    text = pdf_texts[-1]
    assert "Faktura Fakturanummer 1001 Fakturadatum 2.3.2026" in text
    assert "Moms 25,5 % (underlag 100,00) 25,50\xa0€" in text and "Summa 125,50\xa0€" in text
    assert "Förfallodag 16.3.2026" in text  # the giro form is bilingual in every language
