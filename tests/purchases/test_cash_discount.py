"""Cash discounts (käteisalennus, issue 15): read from Finvoice 3.0 and 2.01, entered by hand
(page and API), paid by a payment proposal whose date is by the discount date (the saving
shown, the discounted amount in the pain.001), and posted when the bank line with the
payment's end-to-end id arrives: trade payables settled in full, the discount taken off the
expense and the deductible VAT of each rate."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from lxml import etree

from tase.bank import selectors as bank_selectors
from tase.bank import services as bank
from tase.bank.models import Line
from tase.bank.sample import Payment as BankPayment
from tase.bank.sample import statement_xml
from tase.core.roles import Role
from tase.formats import finvoice_read, sepa_payments
from tase.ledger.closing import closing_gate
from tase.ledger.models import Entry
from tase.purchases import selectors, services
from tase.purchases.models import PaymentRecord, PurchaseInvoice, PurchaseSettings, Supplier
from tase.rules.deadlines import weekdays_after

from .conftest import FINVOICE

pytestmark = pytest.mark.django_db

IBAN = "FI7944052020036082"  # the books fixture's bank account (ledger 1910)
TERMS = """<PaymentTermsDetails>
      <PaymentTermsFreeText>14 päivää netto</PaymentTermsFreeText>
      <InvoiceDueDate Format="CCYYMMDD">20260331</InvoiceDueDate>
    </PaymentTermsDetails>"""


def _with_discount(terms: str, number="2026-0317", version=None) -> bytes:
    """The fixture (1 279,48 €: 25,5 % and 13,5 % rows) with these payment terms."""
    text = FINVOICE.decode("iso-8859-15").replace(TERMS, terms)
    text = text.replace(
        "<InvoiceNumber>2026-0317</InvoiceNumber>", f"<InvoiceNumber>{number}</InvoiceNumber>"
    )
    if version:
        text = text.replace('Version="3.0"', f'Version="{version}"')
    return text.encode("iso-8859-15")


PERCENT = """<PaymentTermsDetails>
      <PaymentTermsFreeText>7 pv -2 %, 14 pv netto</PaymentTermsFreeText>
      <InvoiceDueDate Format="CCYYMMDD">20260331</InvoiceDueDate>
      <CashDiscountDate Format="CCYYMMDD">20260324</CashDiscountDate>
      <CashDiscountPercent>2</CashDiscountPercent>
    </PaymentTermsDetails>"""
AMOUNT = """<PaymentTermsDetails>
      <InvoiceDueDate Format="CCYYMMDD">20260331</InvoiceDueDate>
      <CashDiscountDate Format="CCYYMMDD">20260324</CashDiscountDate>
      <CashDiscountBaseAmount AmountCurrencyIdentifier="EUR">1279,48</CashDiscountBaseAmount>
      <CashDiscountAmount AmountCurrencyIdentifier="EUR">30,00</CashDiscountAmount>
    </PaymentTermsDetails>"""


def test_finvoice_30_percent_and_201_amount_are_read():
    read = finvoice_read.read(_with_discount(PERCENT))
    assert (read.cash_discount_date, read.cash_discount) == (dt.date(2026, 3, 24), Decimal("25.59"))
    old = finvoice_read.read(_with_discount(AMOUNT, version="2.01"))
    assert (old.version, old.cash_discount_date, old.cash_discount) == (
        "2.01",
        dt.date(2026, 3, 24),
        Decimal("30.00"),
    )
    assert finvoice_read.read(FINVOICE).cash_discount is None


@pytest.mark.parametrize(
    ("terms", "problem"),
    [
        (PERCENT.replace('<CashDiscountDate Format="CCYYMMDD">20260324</CashDiscountDate>', ""),
         "CashDiscountDate: missing"),
        (AMOUNT.replace("30,00</CashDiscountAmount>", "1300,00</CashDiscountAmount>"),
         "CashDiscountAmount: 1300,00 is not between 0 and the total 1279,48"),
    ],
)  # fmt: skip
def test_a_discount_without_date_or_over_the_total_is_refused(terms, problem):
    with pytest.raises(finvoice_read.FinvoiceError, match=problem):
        finvoice_read.read(_with_discount(terms))


def _approved(actor, company, terms=PERCENT, number="2026-0317") -> PurchaseInvoice:
    [result] = services.import_finvoices(
        actor, company, [(f"{number}.xml", _with_discount(terms, number))]
    )
    assert result.errors == []
    invoice = result.invoices[0]
    assert (invoice.cash_discount_cents, invoice.cash_discount_date) == (2559, dt.date(2026, 3, 24))
    return services.approve(actor, invoice)


def test_the_proposal_pays_less_the_discount_by_its_date_and_the_file_says_so(books, accountant):
    invoice = _approved(accountant, books)
    late = services.create_proposal(
        accountant, books, due_until=dt.date(2026, 3, 31), execution_date=dt.date(2026, 3, 25)
    )
    [payment] = late.payments.all()
    assert (payment.amount_cents, payment.discount_cents) == (127948, 0)
    services.remove_payment(accountant, late, invoice)
    # due only on 31.3., but its discount date 24.3. is by the day asked: proposed to earn it
    proposal = services.create_proposal(
        accountant, books, due_until=dt.date(2026, 3, 24), execution_date=dt.date(2026, 3, 20)
    )
    [payment] = selectors.payments_of(proposal)
    assert (payment.amount_cents, payment.discount_cents) == (127948 - 2559, 2559)
    proposal = services.accept_proposal(accountant, proposal)
    document = services.payment_file(proposal)
    ns = {"p": sepa_payments.namespace(sepa_payments.V03)}
    root = etree.fromstring(document)
    assert root.findtext(".//p:InstdAmt", namespaces=ns) == "1253.89"
    assert root.findtext(".//p:CtrlSum", namespaces=ns) == "1253.89"


def _vat_and_expense(voucher_id) -> dict:
    totals: dict = {}
    for entry in Entry.objects.filter(voucher_id=voucher_id).select_related("account"):
        key = (entry.account.number, entry.vat_code)
        totals[key] = totals.get(key, 0) + entry.amount_cents
    return totals


def test_the_bank_line_pays_the_invoice_in_full_with_the_discount(books, accountant):
    invoice = _approved(accountant, books)
    proposal = services.create_proposal(
        accountant, books, due_until=dt.date(2026, 3, 31), execution_date=dt.date(2026, 3, 20)
    )
    services.accept_proposal(accountant, proposal)
    [payment] = proposal.payments.all()
    data = statement_xml(
        IBAN, dt.date(2026, 3, 1), dt.date(2026, 3, 31), 5_000_000,
        [BankPayment(dt.date(2026, 3, 20), -125389, "Konsulttitoimisto",
                     end_to_end_id=payment.end_to_end_id)],
    )  # fmt: skip
    [result] = bank.import_statements(accountant, books, data, name="tiliote.xml")
    [line] = result.lines
    line.refresh_from_db()
    assert line.status == Line.Status.MATCHED
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_cents, invoice.open_cents) == ("paid", 127948, 0)
    [record] = PaymentRecord.objects.filter(invoice=invoice)
    assert (record.amount_cents, record.discount_cents) == (127948, 2559)
    totals = _vat_and_expense(line.voucher_id)
    # payables settled in full, the bank paid less the discount
    assert totals[("2870", "")] == 127948
    assert totals[("1910", "")] == -125389
    # the discount 25,59 € shared by the lines' gross: 1 234,08 € at 25,5 %, 45,40 € at 13,5 %;
    # each share taken off the expense (net) and the deductible VAT of its rate
    expense = sum(v for (account, _code), v in totals.items() if account == "4000")
    input_vat = sum(
        v for (account, _code), v in totals.items() if account not in ("4000", "2870", "1910")
    )
    assert expense + input_vat == -2559
    high, low = 2559 * 123408 // 127948, 2559 - 2559 * 123408 // 127948
    assert (high, low) == (2468, 91)
    assert input_vat == -(round(high * 25.5 / 125.5) + round(low * 13.5 / 113.5))
    assert sum(totals.values()) == 0
    assert selectors.payments_of(proposal).get().status == "paid"
    # the closing gate: nothing open in the payables ledger nor on the payables account
    rows = [
        r for r in closing_gate(books, dt.date(2026, 3, 31)).rows if r.code == "purchases.payables"
    ]
    assert [(r.value.book_cents, r.value.other_cents) for r in rows] == [(0, 0)]


def test_paid_late_by_hand_the_discount_is_not_taken(books, accountant):
    invoice = _approved(accountant, books)
    paid = services.mark_paid(accountant, invoice, amount_cents=125389, date=dt.date(2026, 3, 25))
    assert (paid.status, paid.open_cents) == ("approved", 2559)
    [record] = PaymentRecord.objects.filter(invoice=invoice)
    assert record.discount_cents == 0
    on_time = _approved(accountant, books, number="B-2")
    paid = services.mark_paid(accountant, on_time, amount_cents=125389, date=dt.date(2026, 3, 24))
    assert (paid.status, paid.paid_cents) == ("paid", 127948)


def test_entered_by_hand_on_the_api_and_the_page(world, books):
    company = books
    supplier = Supplier.objects.create(
        company=company, name="Elisa Oyj", iban="FI5810171000000122", bic="NDEAFIHH",
        expense_account="4000", vat_code="P",
    )  # fmt: skip
    client = world.client(Role.ACCOUNTANT)
    url = f"/api/v1/purchases/companies/{company.pk}/invoices"
    body = {"supplier_id": supplier.pk, "number": "M-1", "invoice_date": "2026-03-02",
            "total": "125.50", "cash_discount_percent": "2", "cash_discount_date": "2026-03-09"}  # fmt: skip
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert (created.json()["cash_discount"], created.json()["cash_discount_date"]) == (
        "2.51",
        "2026-03-09",
    )
    refused = client.post(
        url, body | {"number": "M-2", "cash_discount": "200", "cash_discount_percent": None},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "cash_discount"
    no_date = client.post(
        url, body | {"number": "M-3", "cash_discount_date": None}, content_type="application/json"
    )
    assert no_date.status_code == 422
    assert no_date.json()["detail"][0]["loc"][-1] == "cash_discount_date"
    page = client.post(
        f"/purchases/{company.pk}/invoices/new/",
        {"supplier": supplier.pk, "number": "M-4", "invoice_date": "2026-03-02",
         "total": "125,50", "cash_discount": "3,00", "cash_discount_date": "2026-03-09"},
    )  # fmt: skip
    assert page.status_code == 302, page.content.decode()[:2000]
    invoice = PurchaseInvoice.objects.get(company=company, number="M-4")
    assert (invoice.cash_discount_cents, invoice.cash_discount_date) == (300, dt.date(2026, 3, 9))
    shown = client.get(f"/purchases/{company.pk}/invoices/{invoice.pk}/")
    assert "3,00" in shown.content.decode()


def test_service_refuses_a_discount_of_a_credit_note(books, accountant):
    supplier = Supplier.objects.create(company=books, name="X", iban="FI5810171000000122")
    with pytest.raises(ValidationError) as error:
        services.create_invoice(
            accountant, books, supplier=supplier, number="H-1", invoice_date="2026-03-02",
            total="-10.00", cash_discount="1.00", cash_discount_date="2026-03-09",
        )  # fmt: skip
    assert "cash_discount" in error.value.message_dict


def test_the_api_proposal_shows_the_saving(world, books, accountant):
    invoice = _approved(accountant, books)
    client = world.client(Role.ACCOUNTANT)
    created = client.post(
        f"/api/v1/purchases/companies/{books.pk}/payment-proposals",
        {"due_until": "2026-03-31", "execution_date": "2026-03-20", "invoice_ids": [invoice.pk]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["total"], body["saving"]) == ("1253.89", "25.59")
    [payment] = body["payments"]
    assert (payment["amount"], payment["discount"]) == ("1253.89", "25.59")
    assert payment["invoice"]["cash_discount"] == "25.59"
    page = client.get(reverse("purchases:proposal_detail", args=[books.pk, body["id"]]))
    assert page.status_code == 200 and 'data-testid="saving"' in page.content.decode()


def _line_out(actor, company, day, amount, number=1, name="KONSULTTITOIMISTO ESIMERKKI OY"):
    """An outgoing statement line without an end-to-end id (paid by hand in the online bank)."""
    data = statement_xml(
        IBAN, dt.date(2026, 3, 1), dt.date(2026, 3, 31), 5_000_000,
        [BankPayment(day, -amount, name)], number=number,
    )  # fmt: skip
    [result] = bank.import_statements(actor, company, data, name=f"tiliote{number}.xml")
    [line] = result.lines
    return line


def _targets(actor, line) -> list[str]:
    found = bank_selectors.proposals(actor, line.statement, [line]).get(line.pk, {})
    return [p.target for p in found.get("targets", [])]


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_discounted_payment_without_our_id_is_proposed_and_pays_in_full(
    world, books, accountant, via
):
    invoice = _approved(accountant, books)  # 1 279,48 €, less 25,59 € by Tuesday 24.3.2026
    # booked on Thursday, two banking days after the discount date: still proposed
    line = _line_out(accountant, books, dt.date(2026, 3, 26), 127948 - 2559)
    assert line.status == Line.Status.OPEN  # no end-to-end id: nothing claimed it
    target = f"purchases.invoice:{invoice.pk}"
    client = world.client(Role.ACCOUNTANT)
    if via == "api":
        base = f"/api/v1/bank/companies/{books.pk}/lines/{line.pk}"
        [proposal] = client.get(f"{base}/proposals").json()["targets"]
        assert proposal["target"] == target
        assert proposal["label"].endswith("käteisalennus 25,59\xa0€ vähennettynä")
        matched = client.post(f"{base}/match", {"target": target}, "application/json")
        assert matched.status_code == 200, matched.content
        assert matched.json()["note"] == "käteisalennus 25,59\xa0€ otettu"
    else:
        url = reverse("bank:statement_detail", args=[books.pk, line.statement_id])
        page = client.get(url).content.decode().replace("&nbsp;", "\xa0")
        assert target in page and "käteisalennus 25,59\xa0€ vähennettynä" in page
        assert (
            client.post(url, {"line": line.pk, "action": "match", "target": target}).status_code
            == 302
        )
    line.refresh_from_db()
    invoice.refresh_from_db()
    assert line.status == Line.Status.MATCHED
    assert (invoice.status, invoice.paid_cents, invoice.open_cents) == ("paid", 127948, 0)
    [record] = PaymentRecord.objects.filter(invoice=invoice)
    assert (record.amount_cents, record.discount_cents, record.bank_line_id) == (
        127948, 2559, line.pk,
    )  # fmt: skip
    totals = _vat_and_expense(line.voucher_id)
    assert (totals[("2870", "")], totals[("1910", "")]) == (127948, -125389)
    assert sum(v for (account, _c), v in totals.items() if account not in ("2870", "1910")) == -2559


def test_the_discounted_amount_is_proposed_only_in_time_and_a_like_name_first(books, accountant):
    invoice = _approved(accountant, books)
    other_text = _with_discount(PERCENT, "O-1").decode("iso-8859-15")
    other_text = other_text.replace(">1234567-1<", ">1572860-0<").replace(
        ">Konsulttitoimisto Esimerkki Oy<", ">Muu Toimittaja Oy<"
    )
    [result] = services.import_finvoices(
        accountant, books, [("o.xml", other_text.encode("iso-8859-15"))]
    )
    other = services.approve(accountant, result.invoices[0])
    mine, theirs = f"purchases.invoice:{invoice.pk}", f"purchases.invoice:{other.pk}"
    on_time = _line_out(accountant, books, dt.date(2026, 3, 20), 125389, number=1)
    assert _targets(accountant, on_time) == [mine, theirs]  # the supplier's name first
    # Friday 27.3. is three banking days after Tuesday's discount date: too late
    late = _line_out(accountant, books, dt.date(2026, 3, 27), 125389, number=2)
    assert _targets(accountant, late) == []
    # after Easter: discount date Thursday 2.4., Good Friday and Easter Monday are days off
    assert weekdays_after(dt.date(2026, 4, 2), 2) == dt.date(2026, 4, 8)
    # the full amount is still proposed as before
    full = _line_out(accountant, books, dt.date(2026, 3, 27), 127948, number=3)
    assert _targets(accountant, full) == [mine, theirs]
    # accepted late by hand, the discount is not booked: the rest stays open
    assert bank.accept_proposal(accountant, late, mine).status == Line.Status.MATCHED
    invoice.refresh_from_db()
    assert (invoice.paid_cents, invoice.open_cents) == (125389, 2559)


def test_the_grace_is_the_companys_setting_on_the_page_and_in_the_api(world, books, accountant):
    """The cash discount's grace (default 2 banking days) set side by side on the circulation
    page and through the API; -1 and 400 refused naming the field, in Finnish, nothing saved;
    the setting decides which lines are proposed the discounted amount."""
    assert PurchaseSettings().discount_grace_days == 2
    client = world.client(Role.MAIN_USER)
    url = f"/api/v1/purchases/companies/{books.pk}/settings"
    page = reverse("purchases:circulation", args=[books.pk])
    assert client.get(url).json()["discount_grace_days"] == 2
    assert 'name="discount_grace_days" type="number" min="0" max="10" value="2"' in (
        client.get(page).content.decode()
    )
    form = {"action": "settings", "charset": "latin", "default_expense_account": "4000"}
    for bad in (-1, 400):
        refused = client.patch(url, {"discount_grace_days": bad}, content_type="application/json")
        assert refused.status_code == 422
        [error] = refused.json()["detail"]
        assert error["loc"][-1] == "discount_grace_days"
        assert error["msg"] == (
            "Anna käteisalennuksen armonaika väliltä 0–10 pankkipäivää "  # noqa: RUF001
            "(0: vain alennuspäivään mennessä)."
        )
        shown = client.post(page, {**form, "discount_grace_days": str(bad)})
        assert shown.status_code == 200
        assert "Anna käteisalennuksen armonaika väliltä 0–10" in shown.content.decode()  # noqa: RUF001
    assert not PurchaseSettings.objects.filter(company=books).exists()  # nothing half-written
    saved = client.patch(url, {"discount_grace_days": 0}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["discount_grace_days"] == 0
    other = world.client(Role.MAIN_USER, other=True)
    assert (
        other.patch(url, {"discount_grace_days": 5}, content_type="application/json").status_code
        == 404
    )

    # grace 0: a line two banking days after Tuesday's discount date is not proposed it
    invoice = _approved(accountant, books)
    mine = f"purchases.invoice:{invoice.pk}"
    thursday = _line_out(accountant, books, dt.date(2026, 3, 26), 125389, number=1)
    assert _targets(accountant, thursday) == []
    # three on the page: Friday 27.3. (three banking days after) is in time, Monday 30.3. not
    assert client.post(page, {**form, "discount_grace_days": "3"}).status_code == 302
    assert PurchaseSettings.objects.get(company=books).discount_grace_days == 3
    friday = _line_out(accountant, books, dt.date(2026, 3, 27), 125389, number=2)
    assert _targets(accountant, thursday) == _targets(accountant, friday) == [mine]
    monday = _line_out(accountant, books, dt.date(2026, 3, 30), 125389, number=3)
    assert _targets(accountant, monday) == []
    # accepted in time, the discount is booked: paid in full
    assert bank.accept_proposal(accountant, friday, mine).status == Line.Status.MATCHED
    invoice.refresh_from_db()
    assert (invoice.paid_cents, invoice.open_cents) == (127948, 0)
