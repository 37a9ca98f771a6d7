"""Open invoices from the previous system and the CSV imports (issue 14, items 1 and 5)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tase.core.roles import Role
from tase.ledger.models import Voucher
from tase.sales import selectors, services
from tase.sales.models import Customer, Invoice, Payment

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db

CUSTOMERS_CSV = (
    "number;name;kind;business_id;email;payment_term_days;interest_policy;contract_interest_rate\n"
    "501;Rakennus Oy;business;0112038-9;laskut@rakennus.example;21;statutory;\n"
    "502;Matti Meikäläinen;consumer;;matti@example.fi;14;contract;12,5\n"
)
OPEN_CSV = (
    "customer_number;invoice_number;invoice_date;due_date;reference;amount;open_amount\n"
    "501;20451;15.11.2026;29.11.2026;20451 8;1 240,00;\n"
    "502;20460;20.11.2026;4.12.2026;;310,00;110,00\n"
)


def _open(actor, company, **changes):
    data = {
        "number": 20451,
        "customer_data": CUSTOMER,
        "invoice_date": dt.date(2026, 11, 15),
        "due_date": dt.date(2026, 11, 29),
        "reference": "204518",
        "lines": lines(("Project work", "1", "1000.00", "S")),
    }
    return services.migrate_open_invoice(actor, company, **(data | changes))


def test_a_migrated_invoice_keeps_number_and_reference_and_posts_nothing(accountant, books):
    vouchers = Voucher.objects.count()
    invoice = _open(accountant, books)
    assert (invoice.number, invoice.reference, invoice.status) == (20451, "204518", "sent")
    assert invoice.migrated and invoice.voucher_id is None and Voucher.objects.count() == vouchers
    assert invoice.gross_cents == 125500 and invoice.open_cents == 125500
    # the next own invoice continues the old series
    draft = services.create_invoice(
        accountant,
        books,
        customer=invoice.customer,
        invoice_date=dt.date(2026, 12, 1),
        lines=lines(("More work", "1", "10.00", "S")),
    )
    assert services.send_invoice(accountant, draft).number == 20452
    # a payment posts bank / receivables as for any invoice
    payment = services.record_payment(
        accountant, invoice, date=dt.date(2026, 12, 2), amount="1255.00"
    )
    assert Voucher.objects.get(pk=payment.voucher_id).entries.count() == 2
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_a_partly_paid_migrated_invoice_is_open_for_the_rest(accountant, books):
    invoice = _open(accountant, books, open_amount="255.00")
    assert invoice.status == Invoice.Status.PARTLY_PAID and invoice.open_cents == 25500
    (before,) = Payment.objects.filter(invoice=invoice)
    assert before.voucher_id is None and before.amount_cents == 100000
    aging = selectors.receivables(books, dt.date(2026, 12, 6))
    assert aging["totals"]["total"] == 25500 and aging["totals"]["days_1_30"] == 25500


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": "abc"}, "number"),
        ({"reference": "204513"}, "reference"),
        ({"open_amount": "2000.00"}, "open_amount"),
        ({"open_amount": "0"}, "open_amount"),
        ({"due_date": dt.date(2026, 11, 1)}, "due_date"),
    ],
)
def test_bad_migration_names_the_field_and_writes_nothing(accountant, books, changes, field):
    with pytest.raises(ValidationError) as error:
        _open(accountant, books, **changes)
    assert field in error.value.message_dict
    assert not Invoice.objects.exists() and not Customer.objects.exists()


def test_a_taken_number_is_refused(accountant, books):
    _open(accountant, books)
    with pytest.raises(ValidationError, match="20451 is taken"):
        _open(accountant, books, reference="")


def test_csv_imports_customers_then_open_invoices(accountant, books):
    assert services.import_customers(accountant, books, CUSTOMERS_CSV.encode()) == 2
    consumer = Customer.objects.get(number=502)
    assert consumer.kind == "consumer" and str(consumer.contract_interest_rate) == "12.50"
    assert services.import_open_invoices(accountant, books, OPEN_CSV.encode("cp1252")) == 2
    first, second = Invoice.objects.order_by("number")
    assert (first.number, first.reference, first.open_cents) == (20451, "204518", 124000)
    assert second.reference == "204602" and second.open_cents == 11000  # made from the number
    assert first.lines.get().vat_code == ""  # the previous system reported the VAT


def test_a_bad_csv_row_names_its_line_and_nothing_is_written(accountant, books):
    services.import_customers(accountant, books, CUSTOMERS_CSV.encode())
    bad = OPEN_CSV + "999;20470;1.12.2026;15.12.2026;;100,00;\n501;20471;32.12.2026;1.1.2027;;x;\n"
    with pytest.raises(ValidationError) as error:
        services.import_open_invoices(accountant, books, bad.encode())
    messages = error.value.message_dict["file"]
    assert messages[0].startswith("Line 4: customer_number")
    assert messages[1].startswith("Line 5: invoice_date")
    assert not Invoice.objects.exists()
    with pytest.raises(ValidationError, match="control character"):
        services.import_customers(accountant, books, b"name\nNul\x00Oy\n")
    with pytest.raises(ValidationError, match="Missing column"):
        services.import_open_invoices(accountant, books, b"name\nx\n")


def test_an_oversize_file_is_refused_before_parsing(accountant, books, settings):
    settings.TASE_UPLOAD_LIMITS_MB = {"sales_csv": 0.001}
    with pytest.raises(ValidationError) as error:
        services.import_customers(accountant, books, CUSTOMERS_CSV.encode() * 20)
    assert "file" in error.value.message_dict and not Customer.objects.exists()


def test_imports_and_migration_through_the_pages_and_the_api_side_by_side(world, books):
    client = world.client(Role.ACCOUNTANT)
    page = client.post(
        f"/sales/{books.pk}/import/",
        {"kind": "customers", "file": SimpleUploadedFile("c.csv", CUSTOMERS_CSV.encode())},
    )
    assert page.status_code == 302 and Customer.objects.count() == 2
    api = client.post(
        f"/api/v1/sales/companies/{books.pk}/customers/import",
        {"file": SimpleUploadedFile("c.csv", b"name;number\nKolmas Oy;503\n")},
    )
    assert api.status_code == 201 and api.json() == {"imported": 1}
    page = client.post(
        f"/sales/{books.pk}/import/",
        {"kind": "open_invoices", "file": SimpleUploadedFile("o.csv", OPEN_CSV.encode())},
    )
    assert page.status_code == 302 and Invoice.objects.count() == 2
    api = client.post(
        f"/api/v1/sales/companies/{books.pk}/invoices/import-open",
        {"file": SimpleUploadedFile("o.csv", b"customer_number,invoice_number,invoice_date,"
                                    b"due_date,amount\n503,20480,1.12.2026,15.12.2026,50\n")},
    )  # fmt: skip
    assert api.status_code == 201 and api.json() == {"imported": 1}
    one = client.post(
        f"/api/v1/sales/companies/{books.pk}/invoices",
        {
            "customer_id": Customer.objects.get(number=503).pk,
            "number": 20490,
            "reference": "RF18204903",
            "reference_type": "rf",
            "invoice_date": "2026-12-01",
            "due_date": "2026-12-15",
            "open_amount": "20.00",
            "lines": [{"description": "Old invoice", "unit_price": "62.00"}],
        },
        content_type="application/json",
    )
    assert one.status_code == 201, one.content
    body = one.json()
    assert (body["number"], body["status"], body["migrated"], body["open_amount"]) == (
        20490, "partly_paid", True, "20.00",
    )  # fmt: skip
    bad = client.post(
        f"/sales/{books.pk}/import/",
        {"kind": "open_invoices", "file": SimpleUploadedFile("o.csv", OPEN_CSV.encode())},
    )
    assert bad.status_code == 200 and "20451" in bad.content.decode()  # taken, named


def test_imports_stay_behind_the_tenant_wall(world, books):
    other = world.client(Role.ACCOUNTANT, other=True)
    file = SimpleUploadedFile("c.csv", CUSTOMERS_CSV.encode())
    assert other.get(f"/sales/{books.pk}/import/").status_code == 404
    assert (
        other.post(f"/sales/{books.pk}/import/", {"kind": "customers", "file": file}).status_code
        == 404
    )
    api = other.post(
        f"/api/v1/sales/companies/{books.pk}/customers/import",
        {"file": SimpleUploadedFile("c.csv", CUSTOMERS_CSV.encode())},
    )
    assert api.status_code == 404 and not Customer.objects.exists()
