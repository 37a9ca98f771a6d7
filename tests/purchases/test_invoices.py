"""Purchase invoices in: Finvoice files (plain, SOAP envelope, batch, attachments), the
supplier created from the first invoice, duplicates, bad files naming the file; manual entry
with the bank barcode and an attachment; the total checked against the lines."""

import base64
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tase.core.access import Actor
from tase.core.models import AuditEvent
from tase.core.roles import Role
from tase.formats.bank_barcode import virtual_barcode
from tase.purchases import selectors, services
from tase.purchases.models import PurchaseAttachment, PurchaseInvoice, Supplier

from .conftest import PDF, SOAP, finvoice

pytestmark = pytest.mark.django_db


def test_finvoice_creates_supplier_invoice_lines_and_keeps_the_file(books, accountant):
    [result] = services.import_finvoices(accountant, books, [("lasku.xml", finvoice())])
    assert result.errors == []
    [invoice] = result.invoices
    supplier = invoice.supplier
    assert (supplier.name, supplier.business_id, supplier.iban, supplier.bic) == (
        "Konsulttitoimisto Esimerkki Oy",
        "1234567-1",
        "FI4819503000000010",
        "NDEAFIHH",
    )
    assert (invoice.number, invoice.invoice_date, invoice.due_date) == (
        "2026-0317",
        dt.date(2026, 3, 17),
        dt.date(2026, 3, 31),
    )
    assert (invoice.gross_cents, invoice.net_cents, invoice.vat_cents) == (127948, 102333, 25615)
    assert invoice.reference == "RF332348236" and invoice.status == "received"
    assert [(x.account, x.vat_code, x.net_cents, x.vat_cents) for x in invoice.lines.all()] == [
        ("4000", "P", 95000, 24225),
        ("4000", "P-R", 4000, 540),
        ("4000", "P", 3333, 850),
    ]
    [kept] = invoice.attachments.all()
    assert kept.name == "lasku.xml" and kept.file.read() == finvoice()
    # the second invoice of the same supplier finds it
    [again] = services.import_finvoices(accountant, books, [("b.xml", finvoice("2026-0400"))])
    assert again.invoices[0].supplier == supplier and Supplier.objects.count() == 1


def test_soap_envelope_and_attachment_message_are_read(books, accountant):
    attachment = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<FinvoiceAttachments Version="1.0">'
        "<AttachmentDetails><AttachmentIdentifier>1</AttachmentIdentifier>"
        f"<AttachmentContent>{base64.b64encode(PDF).decode()}</AttachmentContent>"
        "<AttachmentName>erittely.pdf</AttachmentName>"
        "<AttachmentMimeType>application/pdf</AttachmentMimeType></AttachmentDetails>"
        "</FinvoiceAttachments>\n"
    ).encode()
    [result] = services.import_finvoices(accountant, books, [("soap.xml", SOAP + attachment)])
    assert result.errors == []
    [invoice] = result.invoices
    names = sorted(a.name for a in invoice.attachments.all())
    assert names == ["erittely.pdf", "soap.xml"]
    pdf = PurchaseAttachment.objects.get(name="erittely.pdf")
    assert pdf.file.read() == PDF and pdf.content_type == "application/pdf"


def test_batch_one_result_per_invoice_and_duplicates_refused(books, accountant):
    batch = finvoice("A-1") + b"\n" + finvoice("A-2")
    [result] = services.import_finvoices(accountant, books, [("batch.xml", batch)])
    assert [i.number for i in result.invoices] == ["A-1", "A-2"] and result.errors == []
    [dup] = services.import_finvoices(accountant, books, [("again.xml", finvoice("A-1"))])
    assert dup.invoices == []
    assert dup.errors[0].startswith("again.xml: Invoice A-1 of Konsulttitoimisto Esimerkki Oy")
    assert "duplicate" in dup.errors[0]
    assert PurchaseInvoice.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"PK\x03\x04 not xml", "Not XML"),
        (b"<?xml version='1.0'?><Document><Stmt/></Document>", "no <Finvoice>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b"<Finvoice>&b;</Finvoice>",
            "refused for safety",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<Finvoice>&e;</Finvoice>",
            "refused for safety",
        ),
        (finvoice(total="1300,00"), "InvoiceTotalVatIncludedAmount"),
        (
            finvoice().replace(
                b"FI4819503000000010</EpiAccountID>", b"FI4819503000000011</EpiAccountID>"
            ),
            "not a valid IBAN",
        ),
    ],
)
def test_bad_files_are_refused_naming_the_file_and_nothing_is_written(
    books, accountant, data, expected
):
    events = AuditEvent.objects.count()
    [result] = services.import_finvoices(accountant, books, [("bad.xml", data)])
    assert result.invoices == []
    assert result.errors and all(e.startswith("bad.xml: ") for e in result.errors)
    assert any(expected in e for e in result.errors), result.errors
    assert PurchaseInvoice.objects.count() == 0 and Supplier.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_file_over_the_limit_is_refused_unread(books, accountant, settings):
    settings.TASE_UPLOAD_LIMITS_MB = {"finvoice": 0.001}
    [result] = services.import_finvoices(accountant, books, [("big.xml", finvoice())])
    assert "big.xml" in result.errors[0] and "accepted is 0,001 MB" in result.errors[0]


def _supplier(actor, company, **extra):
    return services.create_supplier(
        actor,
        company,
        **{
            "name": "Elisa Oyj",
            "business_id": "0116510-6",
            "iban": "FI58 1017 1000 0001 22",
            "bic": "NDEAFIHH",
            "expense_account": "7300",
            "vat_code": "P",
        }
        | extra,
    )


def test_supplier_identifiers_are_validated(books, accountant):
    with pytest.raises(ValidationError) as error:
        services.create_supplier(
            accountant,
            books,
            name="X",
            business_id="1234567-2",
            iban="FI58 1017 1000 0001 23",
            bic="NDEA",
            vat_number="FI123",
            expense_account="9999",
            vat_code="S",
        )
    assert set(error.value.message_dict) == {
        "business_id",
        "iban",
        "bic",
        "vat_number",
        "expense_account",
        "vat_code",
    }
    assert "check digits" in error.value.message_dict["iban"][0]
    supplier = _supplier(accountant, books)
    assert (supplier.iban, supplier.business_id) == ("FI5810171000000122", "0116510-6")
    with pytest.raises(ValidationError):
        _supplier(accountant, books)  # the same business ID twice


def test_manual_invoice_with_barcode_and_pdf(books, accountant):
    supplier = _supplier(accountant, books)
    code = virtual_barcode(
        "FI5810171000000122", Decimal("62.75"), "RF471234567890", dt.date(2026, 4, 10)
    )
    invoice = services.create_invoice(
        accountant,
        books,
        supplier=supplier.pk,
        number="80012345",
        invoice_date="2026-03-27",
        barcode=code,
        attachment=("lasku.pdf", PDF),
    )
    assert (invoice.iban, invoice.reference, invoice.due_date, invoice.gross_cents) == (
        "FI5810171000000122",
        "RF471234567890",
        dt.date(2026, 4, 10),
        6275,
    )
    [line] = invoice.lines.all()
    assert (line.account, line.vat_code, line.net_cents, line.vat_cents) == (
        "7300",
        "P",
        5000,
        1275,
    )
    assert invoice.attachments.get().content_type == "application/pdf"


def test_manual_invoice_total_must_equal_lines_and_attachment_must_be_what_it_says(
    books, accountant
):
    supplier = _supplier(accountant, books)
    with pytest.raises(ValidationError) as error:
        services.create_invoice(
            accountant,
            books,
            supplier=supplier,
            number="1",
            invoice_date="2026-03-27",
            total="100.00",
            lines=[{"amount": "60.00"}, {"amount": "30.00", "vat_code": "P-R"}],
            attachment=("lasku.pdf", b"MZ not a pdf"),
        )
    assert "lines' 90.00" in error.value.message_dict["total"][0]
    assert "attachment" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_invoice(
            accountant, books, supplier=supplier, number="1", invoice_date="2026-03-27",
            total="10", iban="FI58 1017 1000 0001 23", barcode="123",
        )  # fmt: skip
    assert {"iban", "barcode"} <= set(error.value.message_dict)
    assert PurchaseInvoice.objects.count() == 0


def test_finvoice_201_is_read_with_a_warning(books, accountant):
    data = finvoice("OLD-1").replace(b'Version="3.0"', b'Version="2.01"')
    [result] = services.import_finvoices(accountant, books, [("old.xml", data)])
    assert [i.number for i in result.invoices] == ["OLD-1"]
    assert any("Finvoice version 2.01" in w for w in result.warnings)


def test_another_company_cannot_import_or_see(world, books, accountant):
    other = world.actor(Role.ACCOUNTANT)
    outsider = Actor.of(world.other_users[Role.ACCOUNTANT])
    with pytest.raises(Http404):
        services.import_finvoices(outsider, books, [("a.xml", finvoice())])
    with pytest.raises(PermissionDenied):
        services.import_finvoices(world.actor(Role.VIEWER), books, [("a.xml", finvoice())])
    [result] = services.import_finvoices(other, books, [("a.xml", finvoice())])
    with pytest.raises(Http404):
        selectors.invoice_of(outsider, result.invoices[0].pk)
