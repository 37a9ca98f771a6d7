"""Invoices through the services: VAT by delivery date, numbering, posting, credit notes."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tase.core.models import AuditEvent
from tase.ledger.models import Entry, Voucher
from tase.sales import services
from tase.sales.models import Invoice

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db


def _draft(actor, company, **changes):
    data = {
        "customer_data": CUSTOMER,
        "invoice_date": dt.date(2026, 3, 2),
        "delivery_date": dt.date(2026, 2, 27),
        "lines": lines(("Consulting", "3", "100.00", "S"), ("Lunch", "2", "10.00", "S-R")),
    }
    return services.create_invoice(actor, company, **(data | changes))


def _entries(invoice):
    return {
        (e.account.number, e.vat_code): e.amount_cents
        for e in Entry.objects.filter(voucher_id=invoice.voucher_id).select_related("account")
    }


def test_vat_per_rate_follows_the_delivery_date(accountant, books):
    invoice = _draft(accountant, books)
    assert (invoice.net_cents, invoice.vat_cents, invoice.gross_cents) == (32000, 7920, 39920)
    # 1.1.2026 the reduced rate went from 14 % to 13.5 %: a delivery in 2025 keeps 14 %
    old = _draft(accountant, books, delivery_date=dt.date(2025, 12, 30))
    assert old.vat_cents == 7650 + 280
    rates = sorted((line.vat_code, line.vat_rate) for line in old.lines.all())
    assert rates == [("S", D("25.50")), ("S-R", D("14.00"))]
    # 1.9.2024 the general rate went from 24 % to 25.5 %
    older = _draft(
        accountant, books, delivery_date=dt.date(2024, 8, 31), invoice_date=dt.date(2024, 9, 2)
    )
    assert older.vat_cents == 7200 + 280


def test_sending_numbers_posts_and_links_both_ways(accountant, books):
    first, second = _draft(accountant, books), _draft(accountant, books)
    second = services.send_invoice(accountant, second)
    first = services.send_invoice(accountant, first)
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.number, first.number) == (1001, 1002)
    assert second.reference == "10016"  # 1001 + its 7-3-1 check digit
    assert second.status == Invoice.Status.SENT and second.iban == "FI7944052020036082"
    voucher = Voucher.objects.get(pk=second.voucher_id)
    assert (voucher.series.code, voucher.source, voucher.source_ref) == (
        "ML",
        "sales.invoice",
        str(second.pk),
    )
    assert _entries(second) == {
        ("1700", ""): 39920,
        ("3000", "S"): -30000,
        ("29391", "S"): -7650,
        ("3000", "S-R"): -2000,
        ("29391", "S-R"): -270,
    }
    assert AuditEvent.objects.filter(action="send", object_id=str(second.pk)).exists()


def test_delivery_before_the_rate_change_posts_the_old_rate(accountant, books):
    invoice = _draft(accountant, books, delivery_date=dt.date(2025, 12, 30))
    invoice = services.send_invoice(accountant, invoice)
    assert _entries(invoice)[("29391", "S-R")] == -280  # 14 % of 20.00, invoice dated 2026


def test_rf_reference(accountant, books):
    invoice = services.send_invoice(accountant, _draft(accountant, books, reference_type="rf"))
    assert invoice.reference == "RF0810016"


def test_sent_invoice_is_immutable(accountant, books):
    invoice = services.send_invoice(accountant, _draft(accountant, books))
    with pytest.raises(ValidationError) as error:
        services.update_invoice(accountant, invoice, lines=lines(("x", "1", "1", "S")))
    assert "cannot be changed" in str(error.value.message_dict["invoice"])
    invoice.refresh_from_db()
    invoice.gross_cents = 1
    with pytest.raises(ValidationError):
        invoice.save()
    with pytest.raises(ValidationError):
        services.send_invoice(accountant, invoice)


def test_credit_note_reverses_the_invoice(accountant, books):
    invoice = services.send_invoice(accountant, _draft(accountant, books))
    note = services.credit_invoice(accountant, invoice, date=dt.date(2026, 3, 10))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CREDITED and invoice.open_cents == 0
    assert note.credits == invoice and note.number == 1002 and note.gross_cents == -39920
    assert {k: -v for k, v in _entries(note).items()} == _entries(invoice)
    with pytest.raises(ValidationError, match="credited"):
        services.record_payment(accountant, invoice, date=dt.date(2026, 3, 11), amount="10.00")
    with pytest.raises(ValidationError):
        services.credit_invoice(accountant, invoice)


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"due_date": dt.date(2026, 3, 1)}, "due_date", "before the invoice date"),
        ({"reference": "32287 22205 0"}, "reference", "wrong check digit"),
        ({"customer_data": CUSTOMER | {"business_id": "0112038-8"}}, "business_id", "business ID"),
        ({"customer_data": CUSTOMER | {"vat_number": "DE123"}}, "vat_number", "VAT number"),
        (
            {"lines": lines(("A", "1", "5", "S"), ("B", "1", "5", ""))},
            "lines",
            "Line 2: the VAT code is missing.",
        ),
        ({"lines": lines(("A", "1", "abc", "S"))}, "lines", "Line 1:"),
        (
            {
                "customer_data": CUSTOMER | {"vat_number": ""},
                "lines": lines(("A", "1", "5", "S-EUS")),
            },
            "customer",
            "needs the customer's VAT number",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(accountant, books, changes, field, text):
    with pytest.raises(ValidationError) as error:
        _draft(accountant, books, **changes)
    assert text in " ".join(error.value.message_dict[field])
    assert not Invoice.objects.exists()
    from tase.sales.models import Customer

    assert not Customer.objects.exists()


@pytest.mark.parametrize("amount", ["1E+999999", "1e30"])
def test_a_payment_beyond_any_range_is_refused_naming_the_amount(accountant, books, amount):
    invoice = services.send_invoice(accountant, _draft(accountant, books))
    with pytest.raises(ValidationError) as error:
        services.record_payment(accountant, invoice, date=dt.date(2026, 3, 5), amount=amount)
    assert "out of range" in " ".join(error.value.message_dict["amount"])
    assert not invoice.payments.exists()


def test_payments_partial_full_and_over(accountant, books):
    invoice = services.send_invoice(accountant, _draft(accountant, books))
    services.record_payment(accountant, invoice, date=dt.date(2026, 3, 5), amount="100.00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTLY_PAID and invoice.open_cents == 29920
    payment = services.record_payment(
        accountant, invoice, date=dt.date(2026, 3, 6), amount="300.00"
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.open_cents == -80
    voucher = Voucher.objects.get(pk=payment.voucher_id)
    amounts = {e.account.number: e.amount_cents for e in voucher.entries.select_related("account")}
    assert voucher.series.code == "TI" and amounts == {"1910": 30000, "1700": -30000}
    with pytest.raises(ValidationError, match="paid already"):
        services.record_payment(accountant, invoice, date=dt.date(2026, 3, 7), amount="1.00")


def test_prices_including_vat_split_like_the_ledger(accountant, books):
    invoice = _draft(
        accountant, books, prices_include_vat=True, lines=lines(("Book", "1", "10.00", "S-R"))
    )
    assert (invoice.gross_cents, invoice.vat_cents, invoice.net_cents) == (1000, 119, 881)
    invoice = services.send_invoice(accountant, invoice)
    assert _entries(invoice) == {("1700", ""): 1000, ("3000", "S-R"): -881, ("29391", "S-R"): -119}


def test_viewer_cannot_invoice_and_other_tenant_sees_nothing(world, books):
    from tase.core.roles import Role

    with pytest.raises(Exception) as error:
        _draft(world.actor(Role.VIEWER), books)
    assert error.type.__name__ == "PermissionDenied"
    with pytest.raises(Exception) as error:
        _draft(_other(world), books)
    assert error.type.__name__ == "Http404"


def _other(world):
    from tase.core.access import Actor
    from tase.core.roles import Role

    return Actor.of(world.other_users[Role.ACCOUNTANT])


def test_reverse_charge_invoice_states_the_ground_and_both_vat_numbers(accountant, books):
    from lxml import etree

    from tase.formats import finvoice
    from tase.sales.services import delivery

    german = CUSTOMER | {
        "name": "Kunde GmbH",
        "business_id": "",
        "vat_number": "DE136695976",
        "country": "DE",
        "street": "Hauptstraße 1",
        "postcode": "10115",
        "town": "Berlin",
        "language": "en",
    }
    invoice = _draft(
        accountant, books, customer_data=german, lines=lines(("Consulting", "4", "150", "S-EUS"))
    )
    assert (invoice.net_cents, invoice.vat_cents) == (60000, 0)
    invoice = services.send_invoice(accountant, invoice)
    assert _entries(invoice) == {("1700", ""): 60000, ("3000", "S-EUS"): -60000}
    data = delivery.finvoice_file(invoice)
    root = etree.fromstring(data)
    assert finvoice.schema().validate(root)
    assert root.findtext("InvoiceRow/RowVatCode") == "AE"
    notes = [e.text for e in root.findall("InvoiceDetails/InvoiceFreeText")]
    assert notes == [
        "Reverse charge: the buyer is liable for the VAT.",
        "VAT numbers: seller FI07375462, buyer DE136695976",
    ]
    assert root.findtext("BuyerPartyDetails/BuyerOrganisationTaxCode") == "DE136695976"
