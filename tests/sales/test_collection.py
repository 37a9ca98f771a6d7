"""Reminders, penalty interest and the collection list (issue 14, item 6)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404

from tase.core.access import Actor
from tase.core.roles import Role
from tase.ledger.models import Voucher
from tase.sales import selectors, services
from tase.sales.models import Customer, Invoice, Reminder
from tase.sales.pdf import reminder_context, reminder_pdf
from tase.sales.services import collection

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db

CONSUMER = {"name": "Maija Meikäläinen", "kind": "consumer", "street": "Kotikatu 1",
            "postcode": "00100", "town": "Helsinki", "email": "maija@example.fi"}  # fmt: skip


def _sent(actor, company, *, customer=CUSTOMER, due=dt.date(2026, 1, 15), amount="1000.00"):
    invoice = services.create_invoice(
        actor,
        company,
        customer_data=customer,
        invoice_date=dt.date(2026, 1, 1),
        delivery_date=dt.date(2026, 1, 1),
        due_date=due,
        lines=lines(("Work", "1", amount, "S0")),
    )
    return services.send_invoice(actor, invoice)


def _amounts(voucher_id):
    voucher = Voucher.objects.get(pk=voucher_id)
    return {e.account.number: e.amount_cents for e in voucher.entries.select_related("account")}


def test_business_reminder_claims_40_euros_once_and_interest_at_reference_plus_8(accountant, books):
    invoice = _sent(accountant, books)
    first = services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 14))
    # 1 000 € x 10.5 % (2.5 % + 8) x 30 / 365 = 8.630… → 8.63 €
    assert (first.sequence, first.interest_cents, first.compensation_cents) == (1, 863, 4000)
    assert first.fee_cents == 0 and first.due_date == dt.date(2026, 2, 28)
    assert first.interest_spans == [
        {"start": "2026-01-15", "end": "2026-02-14", "days": 30, "principal": 100000,
         "rate": "10.5"}
    ]  # fmt: skip
    second = services.create_reminder(accountant, invoice, date=dt.date(2026, 3, 16))
    # interest through 16.3. is 1 000 x 10.5 % x 60 / 365 = 17.26; the first charged 8.63
    assert (second.sequence, second.interest_cents, second.compensation_cents) == (2, 863, 0)
    invoice.refresh_from_db()
    assert invoice.charged_cents == 863 + 4000 + 863


def test_consumer_fee_only_after_14_days_and_interest_at_reference_plus_7(accountant, books):
    invoice = _sent(accountant, books, customer=CONSUMER)
    early = collection.preview(invoice, dt.date(2026, 1, 25))
    assert early.charges.fee == 0 and early.charges.fee_withheld
    reminder = services.create_reminder(accountant, invoice, date=dt.date(2026, 1, 29))
    # 14 days overdue: the 5 € fee is allowed; 1 000 € x 9.5 % x 14 / 365 = 3.64 €
    assert (reminder.fee_cents, reminder.compensation_cents, reminder.interest_cents) == (
        500,
        0,
        364,
    )


def test_customer_policy_agreed_rate_or_no_charges(accountant, books):
    invoice = _sent(accountant, books)
    Customer.objects.filter(pk=invoice.customer_id).update(
        interest_policy="contract", contract_interest_rate=D("16"), reminder_charges=False
    )
    invoice = Invoice.objects.get(pk=invoice.pk)
    reminder = services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 14))
    assert reminder.interest_cents == 1315 and reminder.charges_cents == 1315  # 16 % x 30 d
    Customer.objects.filter(pk=invoice.customer_id).update(interest_policy="none")
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert collection.preview(invoice, dt.date(2026, 3, 20)).interest_cents == 0


def test_a_partial_payment_lowers_the_principal_from_the_next_day(accountant, books):
    invoice = _sent(accountant, books)
    services.record_payment(accountant, invoice, date=dt.date(2026, 1, 25), amount="600.00")
    invoice.refresh_from_db()
    reminder = services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 14))
    # 1 000 € x 10 d + 400 € x 20 d at 10.5 %: 2.877 + 2.301 = 5.18 €
    assert reminder.open_cents == 40000 and reminder.interest_cents == 518


def test_interest_into_an_unconfirmed_half_year_is_refused_naming_the_parameter(accountant, books):
    invoice = _sent(accountant, books, due=dt.date(2026, 6, 15))
    with pytest.raises(ValidationError) as error:
        services.create_reminder(accountant, invoice, date=dt.date(2026, 7, 20))
    assert "sales.collection.reference_rate" in str(error.value)
    assert not Reminder.objects.exists()


def test_paying_the_reminder_books_the_charges_as_interest_income(accountant, books):
    invoice = _sent(accountant, books)
    reminder = services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 14))
    payment = services.record_payment(
        accountant, invoice, date=dt.date(2026, 2, 20), amount="1048.63"
    )
    assert payment.charges_cents == 4863 == reminder.charges_cents
    assert _amounts(payment.voucher_id) == {"1910": 104863, "1700": -100000, "9000": -4863}
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.open_cents == 0
    receivables = selectors.receivables(books, dt.date(2026, 2, 28))
    assert receivables["totals"]["total"] == 0


def test_charges_paid_after_the_principal_are_accepted_then_refused(accountant, books):
    invoice = _sent(accountant, books)
    services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 14))
    services.record_payment(accountant, invoice, date=dt.date(2026, 2, 20), amount="1000.00")
    invoice.refresh_from_db()
    late = services.record_payment(accountant, invoice, date=dt.date(2026, 2, 25), amount="48.63")
    assert _amounts(late.voucher_id) == {"1910": 4863, "9000": -4863}
    invoice.refresh_from_db()
    with pytest.raises(ValidationError, match="paid already"):
        services.record_payment(accountant, invoice, date=dt.date(2026, 2, 26), amount="1.00")


@pytest.mark.parametrize(
    ("setup", "on", "message"),
    [
        ("draft", dt.date(2026, 2, 14), "Only a sent invoice"),
        ("sent", dt.date(2026, 1, 15), "is not overdue"),
        ("paid", dt.date(2026, 2, 14), "is not open"),
        ("credited", dt.date(2026, 2, 14), "is not open"),
    ],
)
def test_what_cannot_be_reminded_says_why(accountant, books, setup, on, message):
    if setup == "draft":
        invoice = services.create_invoice(
            accountant,
            books,
            customer_data=CUSTOMER,
            invoice_date=dt.date(2026, 1, 1),
            delivery_date=dt.date(2026, 1, 1),
            lines=lines(("Work", "1", "10.00", "S0")),
        )
    else:
        invoice = _sent(accountant, books)
    if setup == "paid":
        services.record_payment(accountant, invoice, date=dt.date(2026, 1, 10), amount="1000")
    if setup == "credited":
        services.credit_invoice(accountant, invoice, date=dt.date(2026, 1, 10))
    invoice = Invoice.objects.get(pk=invoice.pk)
    with pytest.raises(ValidationError, match=message):
        services.create_reminder(accountant, invoice, date=on)
    assert not Reminder.objects.exists()


def test_batch_reminds_the_overdue_and_skips_the_recently_reminded(accountant, books):
    old = _sent(accountant, books, due=dt.date(2026, 1, 15))
    recent = _sent(accountant, books, due=dt.date(2026, 2, 10))
    _sent(accountant, books, due=dt.date(2026, 3, 30))  # not yet due
    services.create_reminder(accountant, recent, date=dt.date(2026, 2, 20))
    created = services.create_reminders(accountant, books, date=dt.date(2026, 2, 25))
    assert [r.invoice_id for r in created] == [old.pk]
    again = services.create_reminders(accountant, books, date=dt.date(2026, 3, 6))
    assert {r.invoice_id for r in again} == {recent.pk}


def test_collection_list_and_handover(accountant, books):
    invoice = _sent(accountant, books)
    with pytest.raises(ValidationError, match="reminder before"):
        services.hand_to_collection(accountant, invoice, date=dt.date(2026, 3, 1))
    services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 1))
    listed = list(collection.collection_candidates(books, dt.date(2026, 3, 1)))
    assert [i.pk for i in listed] == [invoice.pk] and listed[0].open_charges == 4000 + 489
    services.hand_to_collection(accountant, invoice, date=dt.date(2026, 3, 1))
    assert not list(collection.collection_candidates(books, dt.date(2026, 3, 1)))
    assert [i.pk for i in collection.in_collection(books)] == [invoice.pk]
    invoice.refresh_from_db()
    with pytest.raises(ValidationError, match="handed to collection"):
        services.create_reminder(accountant, invoice, date=dt.date(2026, 3, 20))


def test_reminder_pdf_and_email_carry_the_total_and_the_barcode(accountant, books):
    invoice = _sent(accountant, books)
    services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 1))
    second = services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 16))
    context = reminder_context(second)
    # open 1 000 + this reminder's interest + the first reminder's 40 € and interest
    assert context["giro"]["amount"] == 100000 + second.interest_cents + 4000 + 489
    assert context["virtual_barcode"].startswith("4") and len(context["virtual_barcode"]) == 54
    assert reminder_pdf(second).startswith(b"%PDF")
    address = services.email_reminder(accountant, second)
    assert address == CUSTOMER["email"] and len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0] == f"reminder-{invoice.number}-2.pdf"


def test_other_tenant_cannot_see_or_remind(world, books, accountant):
    invoice = _sent(accountant, books)
    reminder = services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 14))
    outsider = Actor.of(world.other_users[Role.ACCOUNTANT])
    with pytest.raises(Http404):
        selectors.reminder_of(outsider, reminder.pk)
    with pytest.raises(Http404):
        services.create_reminder(outsider, invoice, date=dt.date(2026, 2, 20))
