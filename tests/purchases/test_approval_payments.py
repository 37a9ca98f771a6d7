"""Approval (one step, or reviewers and approvers with amount limits; reject, forward) and
its posting per line with deductible VAT; payment proposals of approved invoices only, the
pain.001 file validated against the XSD with structured references; payments marked paid and
found by their end-to-end id."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tase.core.registry import source_url
from tase.core.roles import Role
from tase.formats import sepa_payments
from tase.ledger.models import Entry, Voucher
from tase.purchases import selectors, services
from tase.purchases.models import Payment, PaymentProposal, PurchaseInvoice, Supplier

from .conftest import finvoice

pytestmark = pytest.mark.django_db
XSD = Path("/work/shared/reference/xsd/pain/pain.001.001.03.xsd")


def _import(actor, company, number="2026-0317"):
    [result] = services.import_finvoices(actor, company, [(f"{number}.xml", finvoice(number))])
    assert result.errors == []
    return result.invoices[0]


def _entries(voucher_id):
    return sorted(
        (e.account.number, e.amount_cents, e.vat_code)
        for e in Entry.objects.filter(voucher_id=voucher_id).select_related("account")
    )


def test_one_step_approval_posts_expense_vat_and_payables(books, accountant):
    invoice = _import(accountant, books)
    invoice = services.approve(accountant, invoice)
    assert invoice.status == "approved" and invoice.posting_date == dt.date(2026, 3, 17)
    voucher = Voucher.objects.get(pk=invoice.voucher_id)
    assert (voucher.series.code, voucher.source, voucher.date) == (
        "OL",
        "purchases.invoice",
        dt.date(2026, 3, 17),
    )
    assert _entries(voucher.pk) == [
        ("2870", -127948, ""),
        ("29392", 540, "P-R"),
        ("29392", 850, "P"),
        ("29392", 24225, "P"),
        ("4000", 3333, "P"),
        ("4000", 4000, "P-R"),
        ("4000", 95000, "P"),
    ]
    assert source_url(voucher) == f"/purchases/{books.pk}/invoices/{invoice.pk}/"
    with pytest.raises(ValidationError, match="not waiting for approval"):
        services.approve(accountant, invoice)


def test_a_locked_or_missing_period_needs_a_posting_date(books, accountant):
    invoice = _import(accountant, books)
    PurchaseInvoice.objects.filter(pk=invoice.pk).update(invoice_date=dt.date(2024, 12, 30))
    with pytest.raises(ValidationError) as error:
        services.approve(accountant, invoice)
    assert "No fiscal year covers" in error.value.message_dict["posting_date"][0]
    assert PurchaseInvoice.objects.get(pk=invoice.pk).status == "received"
    invoice = services.approve(accountant, invoice, posting_date=dt.date(2025, 1, 2))
    assert Voucher.objects.get(pk=invoice.voucher_id).date == dt.date(2025, 1, 2)


def test_circulation_review_then_approve_within_the_limit(world, books, accountant):
    main = world.actor(Role.MAIN_USER)
    services.set_approver(main, books, user=accountant.user, kind="reviewer")
    services.set_approver(main, books, user=main.user, kind="approver", limit="1000")
    invoice = _import(accountant, books)
    with pytest.raises(ValidationError, match="waits for its review"):
        services.approve(main, invoice)
    invoice = services.approve(accountant, invoice, comment="Tilattu, ok")
    assert invoice.status == "reviewed" and invoice.voucher_id is None
    with pytest.raises(ValidationError, match="No approver's limit covers") as error:
        services.approve(main, invoice)
    assert "1\xa0279,48\xa0€" in error.value.messages[0]
    with pytest.raises(ValidationError, match="not an approver"):
        services.approve(accountant, invoice)
    services.set_approver(main, books, user=main.user, kind="approver", limit="")
    invoice = services.approve(main, invoice)
    assert invoice.status == "approved" and invoice.voucher_id
    assert [e.action for e in invoice.events.all()] == ["review", "approve"]


def test_reject_needs_a_comment_and_forward_needs_an_approver(world, books, accountant):
    invoice = _import(accountant, books)
    with pytest.raises(ValidationError, match="Say why"):
        services.reject(accountant, invoice, comment=" ")
    with pytest.raises(ValidationError, match="may approve"):
        services.forward(accountant, invoice, to=world.users[Role.VIEWER].pk)
    main = world.users[Role.MAIN_USER]
    invoice = services.forward(accountant, invoice, to=main.pk, comment="Sinun kustannuspaikka")
    assert invoice.assigned_to == main
    invoice = services.reject(accountant, invoice, comment="Ei meidän tilaama")
    assert invoice.status == "rejected"
    with pytest.raises(ValidationError) as error:
        services.create_proposal(
            accountant, books, due_until=dt.date(2026, 12, 31), invoices=[invoice]
        )
    assert "rejected, not approved" in error.value.message_dict["invoices"][0]


def test_proposal_file_and_payment_matched_by_end_to_end_id(books, accountant):
    approved = services.approve(accountant, _import(accountant, books, "A-1"))
    waiting = _import(accountant, books, "A-2")
    with pytest.raises(ValidationError) as error:
        services.create_proposal(
            accountant, books, due_until=dt.date(2026, 12, 31), invoices=[approved, waiting]
        )
    assert "A-2" in error.value.message_dict["invoices"][0]
    assert not PaymentProposal.objects.exists()
    with pytest.raises(ValidationError, match="No approved, unpaid invoice"):
        services.create_proposal(accountant, books, due_until=dt.date(2026, 3, 1))
    # a message instead of a reference for the second approved invoice
    other = services.approve(accountant, _import(accountant, books, "A-3"))
    PurchaseInvoice.objects.filter(pk=other.pk).update(reference="", message="Lasku A-3 / Åbo")
    proposal = services.create_proposal(
        accountant, books, due_until=dt.date(2026, 3, 31), execution_date=dt.date(2026, 3, 30)
    )
    assert [p.invoice.number for p in selectors.payments_of(proposal)] == ["A-1", "A-3"]
    with pytest.raises(ValidationError, match="Accept the proposal"):
        services.payment_file(proposal)
    proposal = services.accept_proposal(accountant, proposal)
    document = services.payment_file(proposal)
    sepa_payments.validate(document)
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(etree.fromstring(document))
    ns = {"p": sepa_payments.namespace(sepa_payments.V03)}
    root = etree.fromstring(document)
    transfers = root.findall(".//p:CdtTrfTxInf", ns)
    assert len(transfers) == 2
    first, second = transfers
    assert first.findtext(".//p:EndToEndId", namespaces=ns) == f"P{proposal.pk}-{approved.pk}"
    assert first.findtext(".//p:InstdAmt", namespaces=ns) == "1279.48"
    assert first.findtext(".//p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Cd", namespaces=ns) == "SCOR"
    assert first.findtext(".//p:CdtrRefInf/p:Ref", namespaces=ns) == "RF332348236"
    assert second.findtext(".//p:Ustrd", namespaces=ns) == "Lasku A-3 / Abo"
    assert root.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=ns) == "FI7944052020036082"
    assert PurchaseInvoice.objects.get(pk=approved.pk).status == "in_payment"
    # the bank app finds the payment by its end-to-end id and books it with its own voucher
    payment = selectors.payment_by_end_to_end_id(books, f"P{proposal.pk}-{approved.pk}")
    assert payment.invoice == approved and payment.amount_cents == 127948
    assert selectors.payment_by_end_to_end_id(books, "nope") is None
    invoice = services.mark_paid(
        accountant, payment.invoice, amount_cents=127948, date=dt.date(2026, 3, 30)
    )
    assert invoice.status == "paid" and invoice.open_cents == 0
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.paid_on == dt.date(2026, 3, 30)
    assert _entries(payment.voucher_id) == [("1910", -127948, ""), ("2870", 127948, "")]
    with pytest.raises(ValidationError, match=r"more than the 0\.00"):
        services.mark_paid(accountant, invoice, amount_cents=1, date=dt.date(2026, 3, 30))


def test_payment_file_keeps_letters_when_the_bank_takes_utf8(books, accountant):
    services.update_settings(accountant, books, charset="utf-8", bank_service_id="55555")
    invoice = services.approve(accountant, _import(accountant, books))
    proposal = services.create_proposal(
        accountant, books, due_until=dt.date(2026, 12, 31), invoices=[invoice]
    )
    services.remove_payment(accountant, proposal, invoice)
    with pytest.raises(ValidationError, match="no invoices left"):
        services.accept_proposal(accountant, proposal)
    proposal = services.create_proposal(
        accountant, books, due_until=dt.date(2026, 12, 31), invoices=[invoice]
    )
    proposal = services.accept_proposal(accountant, proposal)
    document = services.payment_file(proposal)
    assert b"55555" in document
    sepa_payments.validate(document)


LINE = st.tuples(
    st.integers(min_value=-50_000, max_value=500_000).filter(bool),
    st.sampled_from(["P", "P-R", "P-R2", "P-EUS", "P-RC", "P-ND", ""]),
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(LINE, min_size=1, max_size=6))
def test_any_approved_invoice_posts_a_balanced_voucher_with_its_total_payable(
    books, accountant, lines
):
    supplier = Supplier.objects.get_or_create(
        company=books, name="Hypo Oy", defaults={"iban": "FI5810171000000122"}
    )[0]
    total = sum(amount for amount, _code in lines)
    invoice = services.create_invoice(
        accountant,
        books,
        supplier=supplier,
        number=f"H-{PurchaseInvoice.objects.count()}",
        invoice_date="2026-03-27",
        total=Decimal(total) / 100,
        lines=[
            {"amount": Decimal(amount) / 100, "vat_code": code, "account": "4000"}
            for amount, code in lines
        ],
    )
    invoice = services.approve(accountant, invoice)
    entries = Entry.objects.filter(voucher_id=invoice.voucher_id)
    assert sum(e.amount_cents for e in entries) == 0
    assert sum(e.amount_cents for e in entries if e.account.number == "2870") == -total
