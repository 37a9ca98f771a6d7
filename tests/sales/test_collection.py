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
    issued = min(dt.date(2026, 1, 1), due - dt.timedelta(days=14))
    invoice = services.create_invoice(
        actor,
        company,
        customer_data=customer,
        invoice_date=issued,
        delivery_date=issued,
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


def test_reminders_through_the_pages_and_the_api_side_by_side(world, books, accountant):
    """Every write of the reminder pages has its API operation, with the same result."""
    page_invoice = _sent(accountant, books)
    api_invoice = _sent(accountant, books)
    client = world.client(Role.ACCOUNTANT)
    base = f"/sales/{books.pk}"
    listing = client.get(f"{base}/reminders/?on=2026-02-14")
    text = listing.content.decode()
    assert listing.status_code == 200 and "Maksumuistutukset" in text and "48,63" in text
    # the page's batch (confirm box required) and the API's batch
    refused = client.post(f"{base}/reminders/", {"date": "2026-02-14", "min_days": "7"})
    assert refused.status_code == 200 and not Reminder.objects.exists()
    response = client.post(
        f"{base}/reminders/", {"date": "2026-02-14", "min_days": "7", "confirm": "1"}
    )
    assert response.status_code == 302
    assert Reminder.objects.filter(invoice=page_invoice).count() == 1
    assert Reminder.objects.filter(invoice=api_invoice).count() == 1
    # one invoice: the invoice page's form and POST …/invoices/{id}/reminders
    response = client.post(
        f"{base}/invoices/{page_invoice.pk}/",
        {"action": "remind", "date": "2026-03-16", "days_to_pay": "10"},
    )
    assert response.status_code == 302
    api = client.post(
        f"/api/v1/sales/invoices/{api_invoice.pk}/reminders",
        {"date": "2026-03-16", "days_to_pay": 10},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    page_second = Reminder.objects.get(invoice=page_invoice, sequence=2)
    assert api.json()["total"] == str(page_second.total_cents / 100)
    assert api.json()["interest"] == "8.63" and api.json()["due_date"] == "2026-03-26"
    # the PDF and the email, on the page and in the API
    pdf = client.get(f"{base}/reminders/{page_second.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/sales/reminders/{api.json()['id']}/pdf").status_code == 200
    assert client.post(f"{base}/reminders/{page_second.pk}/email/").status_code == 302
    emailed = client.post(
        f"/api/v1/sales/reminders/{api.json()['id']}/email", {}, content_type="application/json"
    )
    assert emailed.json() == {"to": CUSTOMER["email"]} and len(mail.outbox) == 2
    # the collection list and the handover
    collection_page = client.get(f"{base}/collection/?on=2026-04-01")
    assert str(page_invoice.number) in collection_page.content.decode()
    csv = client.get(f"{base}/collection/?on=2026-04-01&format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Asiakasnumero;") and "1000,00" in csv
    response = client.post(
        f"{base}/invoices/{page_invoice.pk}/collection/", {"date": "2026-04-01", "confirm": "1"}
    )
    assert response.status_code == 302
    api = client.post(
        f"/api/v1/sales/invoices/{api_invoice.pk}/collection",
        {"date": "2026-04-01"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["collection_on"] == "2026-04-01"
    listed = client.get(f"/api/v1/sales/companies/{books.pk}/collection?on=2026-04-01").json()
    assert {row["invoice_id"] for row in listed["in_collection"]} == {
        page_invoice.pk,
        api_invoice.pk,
    }


def test_api_previews_interest_by_span_and_names_bad_input(world, books, accountant):
    invoice = _sent(accountant, books, due=dt.date(2025, 6, 20))
    client = world.client(Role.ACCOUNTANT)
    data = client.get(f"/api/v1/sales/invoices/{invoice.pk}/interest?on=2025-07-10").json()
    assert [(s["days"], s["rate"]) for s in data["spans"]] == [(10, "11.5"), (10, "10.5")]
    assert data["interest"] == "6.03" and data["compensation"] == "40.00"
    due = client.get(f"/api/v1/sales/companies/{books.pk}/reminders/due?on=2025-07-10").json()
    assert [row["invoice_id"] for row in due] == [invoice.pk]
    bad = client.post(
        f"/api/v1/sales/invoices/{invoice.pk}/reminders",
        {"date": "2025-06-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "date"]
    assert "ei ole erääntynyt" in bad.json()["detail"][0]["msg"]


def test_reminder_pages_and_api_stay_behind_the_tenant_wall(world, books, accountant):
    invoice = _sent(accountant, books)
    reminder = services.create_reminder(accountant, invoice, date=dt.date(2026, 2, 14))
    other = world.client(Role.ACCOUNTANT, other=True)
    base = f"/sales/{books.pk}"
    for path in ("reminders/", f"reminders/{reminder.pk}/pdf/", "collection/"):
        assert other.get(f"{base}/{path}").status_code == 404, path
    assert other.post(f"{base}/reminders/{reminder.pk}/email/").status_code == 404
    assert (
        other.post(f"{base}/invoices/{invoice.pk}/collection/", {"confirm": "1"}).status_code == 404
    )
    for path in (
        f"invoices/{invoice.pk}/reminders",
        f"invoices/{invoice.pk}/interest",
        f"reminders/{reminder.pk}/pdf",
        f"companies/{books.pk}/reminders/due",
        f"companies/{books.pk}/collection",
    ):
        assert other.get(f"/api/v1/sales/{path}").status_code == 404, path
    assert (
        other.post(
            f"/api/v1/sales/invoices/{invoice.pk}/reminders",
            {"date": "2026-03-01"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert Reminder.objects.count() == 1 and mail.outbox == []


def test_reminder_page_queries_do_not_grow(
    world, books, accountant, django_assert_max_num_queries, steady_parameters
):
    client = world.client(Role.ACCOUNTANT)
    for _ in range(2):
        _sent(accountant, books)
    with django_assert_max_num_queries(30) as few:
        client.get(f"/sales/{books.pk}/reminders/?on=2026-02-14")
    for _ in range(6):
        _sent(accountant, books)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "1008" in client.get(f"/sales/{books.pk}/reminders/?on=2026-02-14").content.decode()
